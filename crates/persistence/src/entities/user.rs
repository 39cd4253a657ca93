use sea_orm::entity::prelude::*;
use time::PrimitiveDateTime;

/// An account. Instants are UTC wall-clock times (see `mapping::instant`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub username_canonical: String,
    pub email_index: Vec<u8>,
    pub data_key_id: String,
    pub data_key: Vec<u8>,
    pub email: Vec<u8>,
    pub first_name: Vec<u8>,
    pub last_name: Vec<u8>,
    pub country: Vec<u8>,
    pub phone: Option<Vec<u8>>,
    pub password_hash: String,
    pub role: String,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub suspension_reason: Option<String>,
    pub suspended_until: Option<PrimitiveDateTime>,
    pub email_verified_at: Option<PrimitiveDateTime>,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i32,
    pub locked_until: Option<PrimitiveDateTime>,
    pub policy_version: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// The citizen objected to statistics (GDPR Art. 21): not counted.
    pub statistics_objection: bool,
    /// INSEE region code, or `99` outside France; in clear (statistics group by it).
    pub region: Option<String>,
    /// Agreed to emails beyond security mail.
    pub communications_consent: bool,
    /// Since when the processing of the account is restricted (GDPR Art. 18).
    pub restricted_at: Option<PrimitiveDateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
