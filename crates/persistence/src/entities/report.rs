use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A citizen's report. Instants are UTC wall-clock times (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub reporter_id: Uuid,
    pub target_kind: String,
    pub target_id: Uuid,
    pub resource_id: Uuid,
    pub reason: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub text: Option<String>,
    pub status: String,
    pub created_at: PrimitiveDateTime,
    pub closed_at: Option<PrimitiveDateTime>,
    pub closed_by: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
