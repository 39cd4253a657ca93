use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A notification in its recipient's inbox. Instants are UTC wall-clock
/// times (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub recipient_id: Uuid,
    /// The kind's stable code.
    pub kind: String,
    pub resource_id: Uuid,
    /// The recipient's comment replied to, or the comment hidden or restored.
    pub comment_id: Option<Uuid>,
    /// The reply, for `comment_reply`.
    pub reply_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub read_at: Option<PrimitiveDateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
