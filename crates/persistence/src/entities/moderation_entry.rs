use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// An entry of the moderation log. The instant is UTC wall-clock time (see
/// `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: PrimitiveDateTime,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target_kind: String,
    pub target_id: Uuid,
    pub resource_id: Uuid,
    pub report_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
