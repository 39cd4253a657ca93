use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A breach of the register. Instants are UTC wall-clock times (see
/// `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "breaches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub known_at: PrimitiveDateTime,
    pub occurred_at: Option<PrimitiveDateTime>,
    pub description: String,
    /// Comma-separated machine names.
    pub data_categories: String,
    /// Comma-separated machine names.
    pub subject_categories: String,
    pub people_count: i64,
    pub likely_consequences: String,
    pub measures_taken: String,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub authority_notified_at: Option<PrimitiveDateTime>,
    pub authority_reference: Option<String>,
    pub authority_delay_reason: Option<String>,
    pub people_notified_at: Option<PrimitiveDateTime>,
    pub people_notification_means: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
