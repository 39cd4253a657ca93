//! Erasing an account (GDPR Art. 17): what becomes of what it published, and
//! on whose authority it is erased. The effects themselves are listed in
//! ADR 0023.

use std::fmt;

use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use crate::DomainError;
use crate::credentials::PasswordHash;
use crate::identity::{
    AccountStatus, KeyId, Role, Sealed, UserId, UserRecord, Username, WrappedKey,
};
use crate::subject_rights::SubjectRequestId;

/// The account that keeps what erased accounts chose to leave published:
/// their content is moved to it, so that nothing links it to them, and it is
/// shown as [`Username::ERASED`]. Created by the first erasure that needs it.
pub const ERASED_AUTHOR: UserId = UserId::from_uuid(Uuid::from_u128(1));

/// The account [`ERASED_AUTHOR`] as stored: no personal data (empty sealed
/// fields under no key), an email index no address has (zeros), a password
/// hash nothing verifies against, suspended for good, created at a fixed
/// instant far before the platform (so it counts in no period of the
/// statistics).
#[must_use]
pub fn erased_author_account() -> UserRecord {
    let created_at: OffsetDateTime = datetime!(2000-01-01 00:00 UTC);
    UserRecord {
        id: ERASED_AUTHOR,
        username: Username::erased(),
        email_index: vec![0; 32],
        data_key: WrappedKey {
            key_id: KeyId("none".to_owned()),
            bytes: Vec::new(),
        },
        email: Sealed(Vec::new()),
        first_name: Sealed(Vec::new()),
        last_name: Sealed(Vec::new()),
        country: Sealed(Vec::new()),
        phone: None,
        password_hash: PasswordHash::from_phc("!"),
        role: Role::Citizen,
        status: AccountStatus::Suspended {
            reason: "Compte technique : contenus laissés par des comptes effacés.".to_owned(),
            until: None,
        },
        email_verified_at: None,
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        failed_logins: 0,
        locked_until: None,
        policy_version: "none".to_owned(),
        statistics_objection: true,
        region: None,
        communications_consent: false,
        restricted_since: None,
        created_at,
        updated_at: created_at,
    }
}

/// What becomes of what the person published, as they chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentChoice {
    /// Their resources are deleted; their comments become tombstones (the
    /// text goes, the place in the thread stays so replies stay readable),
    /// and the texts of their open reports go.
    Delete,
    /// Their published public and restricted resources, their comments and
    /// their open reports stay, under the author "Utilisateur supprimé"; the
    /// rest of their resources (drafts, private, shared, under review,
    /// rejected, suspended, archived, deleted) is deleted.
    Anonymise,
}

impl ContentChoice {
    /// Stable machine name: `delete` or `anonymise`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Anonymise => "anonymise",
        }
    }

    /// The choice named `raw`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "delete" => Some(Self::Delete),
            "anonymise" => Some(Self::Anonymise),
            _ => None,
        }
    }
}

/// Why the platform itself erases an account: a short machine name such as
/// `inactive_account`, 1 to 64 characters of `a-z`, `0-9` and `_`, kept in
/// the audit log (never free text: it must not name anyone).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ErasureReason(String);

impl ErasureReason {
    /// Longest reason, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Parses a reason.
    ///
    /// # Errors
    /// [`DomainError::InvalidErasureReason`] unless 1 to 64 characters of
    /// `a-z`, `0-9` and `_`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = (1..=Self::MAX_CHARS).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidErasureReason)
        }
    }

    /// The reason.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ErasureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErasureReason({})", self.0)
    }
}

/// On whose authority an account is erased: recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureAuthority {
    /// The person, from their own account, having proved it is them
    /// (password, and second factor when enabled).
    Subject,
    /// An administrator acting on a request the person made outside the
    /// application.
    Staff {
        /// The administrator.
        actor: UserId,
        /// The request acted on.
        request: SubjectRequestId,
    },
    /// The platform, by a rule (the retention of inactive accounts).
    System {
        /// Which rule.
        reason: ErasureReason,
    },
}

impl ErasureAuthority {
    /// The account that acted, if an account did.
    #[must_use]
    pub fn actor(&self, subject: UserId) -> Option<UserId> {
        match self {
            Self::Subject => Some(subject),
            Self::Staff { actor, .. } => Some(*actor),
            Self::System { .. } => None,
        }
    }

    /// A stable description for the audit log: `by=subject`,
    /// `by=staff request=<id>` or `by=system reason=<reason>`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Subject => "by=subject".to_owned(),
            Self::Staff { request, .. } => format!("by=staff request={}", request.as_uuid()),
            Self::System { reason } => format!("by=system reason={}", reason.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_by_name() {
        for choice in [ContentChoice::Delete, ContentChoice::Anonymise] {
            assert_eq!(ContentChoice::parse(choice.as_str()), Some(choice));
        }
        assert_eq!(ContentChoice::parse("anonymize"), None);
        assert_eq!(ContentChoice::parse("Delete"), None);
    }

    #[test]
    fn a_reason_is_a_machine_name() {
        assert!(ErasureReason::parse("inactive_account").is_ok());
        for raw in ["", "Inactive", "inactive account", "léa", &"a".repeat(65)] {
            assert!(ErasureReason::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn the_authority_names_its_actor() {
        let subject = UserId::generate();
        let admin = UserId::generate();
        let request = SubjectRequestId::generate();
        assert_eq!(ErasureAuthority::Subject.actor(subject), Some(subject));
        let staff = ErasureAuthority::Staff {
            actor: admin,
            request,
        };
        assert_eq!(staff.actor(subject), Some(admin));
        assert!(staff.describe().contains(&request.as_uuid().to_string()));
        let system = ErasureAuthority::System {
            reason: ErasureReason::parse("inactive_account").unwrap(),
        };
        assert_eq!(system.actor(subject), None);
        assert_eq!(system.describe(), "by=system reason=inactive_account");
    }
}
