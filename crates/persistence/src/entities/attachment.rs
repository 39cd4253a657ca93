use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A file attached to a resource; its content is in the blob store at `digest`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub resource_id: Uuid,
    /// Lower-case hexadecimal SHA-256 of the content.
    pub digest: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub created_at: PrimitiveDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
