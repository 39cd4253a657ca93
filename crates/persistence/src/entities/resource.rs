use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A resource. Instants are UTC wall-clock times (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub author_id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub category_id: Uuid,
    pub resource_type_id: Uuid,
    pub external_link: Option<String>,
    pub visibility: String,
    pub state: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub state_reason: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub published_at: Option<PrimitiveDateTime>,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub version: i64,
    /// Counted consultations (of citizens who did not object to statistics).
    pub view_count: i64,
    /// Citizens who keep it in their favourites.
    pub favourite_count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
