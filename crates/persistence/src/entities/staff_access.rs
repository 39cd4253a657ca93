use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// A staff read of a person's personal data. Instants are UTC wall-clock
/// times (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_access_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: PrimitiveDateTime,
    pub staff_id: Uuid,
    pub staff_role: String,
    pub subject_id: Uuid,
    pub reason: String,
    /// Comma-separated field names.
    pub fields: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
