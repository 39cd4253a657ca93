use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// An export of a person's data. Instants are UTC wall-clock times (see
/// `mapping::instant`); `live` is `Some(1)` exactly while requested or ready.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_exports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub requested_by: Option<Uuid>,
    pub origin: String,
    pub status: String,
    pub live: Option<i16>,
    pub requested_at: PrimitiveDateTime,
    pub started_at: Option<PrimitiveDateTime>,
    pub attempts: i32,
    pub finished_at: Option<PrimitiveDateTime>,
    pub expires_at: Option<PrimitiveDateTime>,
    pub downloaded_at: Option<PrimitiveDateTime>,
    pub failure: Option<String>,
    pub archive_digest: Option<String>,
    pub archive_bytes: Option<i64>,
    pub content_bytes: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
