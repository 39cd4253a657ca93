use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sequence: i64,
    pub at: PrimitiveDateTime,
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub previous_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
