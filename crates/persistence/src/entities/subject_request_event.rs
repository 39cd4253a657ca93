use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// An action on a data-subject request. The instant is UTC wall-clock time
/// (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subject_request_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: Uuid,
    pub at: PrimitiveDateTime,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
