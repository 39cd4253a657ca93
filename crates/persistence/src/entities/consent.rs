use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// One privacy choice of an account. Instants are UTC wall-clock times (see
/// `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: Uuid,
    /// `terms_and_policy`, `communications` or `statistics`.
    pub purpose: String,
    pub granted: bool,
    pub policy_version: String,
    pub recorded_at: PrimitiveDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
