use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub refresh_digest: Vec<u8>,
    pub created_at: PrimitiveDateTime,
    pub last_used_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub revoked_at: Option<PrimitiveDateTime>,
    pub client: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
