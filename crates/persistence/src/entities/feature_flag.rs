use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A feature flag (migration 000015). Instants are UTC wall-clock times (see
/// `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feature_flags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub flag_key: String,
    pub description: String,
    pub enabled: bool,
    pub rollout_basis_points: i16,
    pub stickiness_group: String,
    /// Comma-separated INSEE region codes; empty: every region.
    pub regions: String,
    /// Comma-separated role machine names; empty: every role.
    pub roles: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
