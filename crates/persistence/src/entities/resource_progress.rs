use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A citizen's marks on a resource: exploited, set aside, each with the
/// instant it was put (present exactly when the mark is). Instants are UTC
/// wall-clock times (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub resource_id: Uuid,
    pub exploited: bool,
    pub exploited_at: Option<PrimitiveDateTime>,
    pub set_aside: bool,
    pub set_aside_at: Option<PrimitiveDateTime>,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
