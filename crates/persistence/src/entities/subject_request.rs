use sea_orm::entity::prelude::*;
use time::{Date, PrimitiveDateTime};

/// A data-subject request received outside the application. Instants are
/// UTC wall-clock times (see `mapping::instant`); dates are calendar days.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subject_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_id: Option<Uuid>,
    pub kind: String,
    pub channel: String,
    pub received_on: Date,
    pub due_on: Date,
    #[sea_orm(column_type = "Text", nullable)]
    pub extension_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome_note: Option<String>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub closed_by: Option<Uuid>,
    pub recorded_at: PrimitiveDateTime,
    pub recorded_by: Option<Uuid>,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
