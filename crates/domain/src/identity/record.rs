use time::OffsetDateTime;

use crate::credentials::PasswordHash;
use crate::identity::{Region, Role, UserId, Username};

/// Identifier of a master key, recorded beside what it wrapped so that keys can rotate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(pub String);

/// A per-user data key, encrypted ("wrapped") under a master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// The master key it is wrapped under.
    pub key_id: KeyId,
    /// Nonce and ciphertext of the data key.
    pub bytes: Vec<u8>,
}

/// A field encrypted under its owner's data key: nonce and ciphertext. Opaque.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed(pub Vec<u8>);

/// Whether an account may act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountStatus {
    /// Normal.
    Active,
    /// Barred by staff, with a reason and an optional end.
    Suspended {
        /// Why, as told to the citizen.
        reason: String,
        /// When the suspension ends by itself; `None` until lifted.
        until: Option<OffsetDateTime>,
    },
}

impl AccountStatus {
    /// Whether the account may act at `now` (a suspension past its end no longer bars).
    #[must_use]
    pub fn is_active_at(&self, now: OffsetDateTime) -> bool {
        match self {
            Self::Active => true,
            Self::Suspended { until, .. } => until.is_some_and(|end| end <= now),
        }
    }
}

/// An account as stored: personal data sealed, email known only by its blind index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Identifier.
    pub id: UserId,
    /// Public handle.
    pub username: Username,
    /// Keyed hash of the normalised email, for uniqueness and login.
    pub email_index: Vec<u8>,
    /// The user's data key, wrapped.
    pub data_key: WrappedKey,
    /// Sealed email.
    pub email: Sealed,
    /// Sealed first name.
    pub first_name: Sealed,
    /// Sealed last name.
    pub last_name: Sealed,
    /// Sealed country code.
    pub country: Sealed,
    /// Sealed phone number, if given.
    pub phone: Option<Sealed>,
    /// Password hash (PHC string).
    pub password_hash: PasswordHash,
    /// Role.
    pub role: Role,
    /// Active or suspended.
    pub status: AccountStatus,
    /// When the email address was confirmed.
    pub email_verified_at: Option<OffsetDateTime>,
    /// Sealed TOTP secret, once enrolment started.
    pub totp_secret: Option<Sealed>,
    /// Whether two-factor authentication is on (enrolment confirmed).
    pub totp_enabled: bool,
    /// Last TOTP time step accepted, so a code cannot be replayed.
    pub totp_last_step: Option<i64>,
    /// Consecutive failed logins.
    pub failed_logins: u32,
    /// No login before this instant (brute-force lock).
    pub locked_until: Option<OffsetDateTime>,
    /// Version of the privacy policy last accepted: at registration, then
    /// through the consents (`rr_domain::privacy`). Written with the consent
    /// history, never by a plain account update.
    pub policy_version: String,
    /// The citizen objected to statistics (GDPR Art. 21): their consultations
    /// and searches are not counted.
    pub statistics_objection: bool,
    /// Region of residence, if the citizen gave it. Kept in clear: a coarse,
    /// non-identifying attribute by which statistics are grouped.
    pub region: Option<Region>,
    /// The citizen agreed to receive emails beyond security mail
    /// (news, announcements); off unless given, withdrawable at any time.
    pub communications_consent: bool,
    /// Since when the account holder has restricted the processing of their
    /// account (GDPR Art. 18): their content is hidden from others, they are
    /// not counted nor mailed beyond security mail, their writes are held.
    /// `None` when not restricted. Like the consents, written by its own use
    /// case, never by a plain account update.
    pub restricted_since: Option<OffsetDateTime>,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}
