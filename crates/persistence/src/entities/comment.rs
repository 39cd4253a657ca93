use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A comment on a resource. Instants are UTC wall-clock times (see
/// `mapping::instant`); `body` is `NULL` exactly for a tombstone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub resource_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub root_id: Uuid,
    pub depth: i16,
    pub author_id: Uuid,
    #[sea_orm(column_type = "Text", nullable)]
    pub body: Option<String>,
    pub as_moderator: bool,
    pub state: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub state_reason: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub edited_at: Option<PrimitiveDateTime>,
    pub updated_at: PrimitiveDateTime,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
