use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// An account a breach concerns.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "breach_affected_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub breach_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub attached_at: PrimitiveDateTime,
    pub attached_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
