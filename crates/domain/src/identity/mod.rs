//! Citizens' and staff accounts: who they are, what role they hold, whether
//! they may act, and the shape in which an account is stored (personal data
//! sealed, never in clear).

mod access;
mod data_export;
mod email;
mod password_policy;
mod profile;
mod record;
mod region;
mod role;
mod staff_access;
mod username;

pub use access::{Actor, AuthenticatedActor};
pub use data_export::{
    DataExport, DownloadRefusal, ExportFailure, ExportId, ExportOrigin, ExportStatus, StoredArchive,
};
pub use email::Email;
pub use password_policy::{PasswordRule, check_structure};
pub use profile::{CountryCode, PersonName, PhoneNumber, Profile};
pub use record::{AccountStatus, KeyId, Sealed, UserRecord, WrappedKey};
pub use region::Region;
pub use role::Role;
pub use staff_access::{AccessId, AccessReason, PersonalField, UsernamePrefix};
pub use username::Username;

use uuid::Uuid;

/// Identifier of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(Uuid);

impl UserId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// Identifier of a login session (one refresh-token family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(Uuid);

impl SessionId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}
