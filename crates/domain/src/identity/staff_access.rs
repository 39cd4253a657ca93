//! Staff access to a person's personal data (DESIGN.md §4, §5): why it
//! happened, which fields were read, and who may read whom. Each access is
//! journaled and shown to the person (ADR 0019).

use std::fmt;

use uuid::Uuid;

use crate::DomainError;
use crate::identity::{AuthenticatedActor, Role, UserId};

/// Identifier of one entry of the staff access journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessId(Uuid);

impl AccessId {
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

/// Why a staff member reads someone's personal data, as the person will read
/// it: 1 to 200 characters on one line, without surrounding spaces (they are
/// trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessReason(String);

impl AccessReason {
    /// Longest reason, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Parses a reason, trimming it.
    ///
    /// # Errors
    /// [`DomainError::InvalidAccessReason`] when it is blank, longer than
    /// [`Self::MAX_CHARS`] or holds a control character (line breaks
    /// included).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let reason = raw.trim();
        if reason.is_empty()
            || reason.chars().count() > Self::MAX_CHARS
            || reason.chars().any(char::is_control)
        {
            return Err(DomainError::InvalidAccessReason {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(reason.to_owned()))
    }

    /// The reason.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccessReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A field of personal data a staff member may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PersonalField {
    /// Email address.
    Email,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Country.
    Country,
    /// Phone number.
    Phone,
}

impl PersonalField {
    /// Every field, in display order.
    pub const ALL: [Self; 5] = [
        Self::Email,
        Self::FirstName,
        Self::LastName,
        Self::Country,
        Self::Phone,
    ];

    /// Stable machine name, as stored and as sent.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Country => "country",
            Self::Phone => "phone",
        }
    }

    /// Parses a machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.as_str() == raw)
    }
}

impl fmt::Display for PersonalField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The beginning of a username, to find accounts: 1 to 30 characters of
/// `a-z A-Z 0-9 _ . -`, compared without case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsernamePrefix(String);

impl UsernamePrefix {
    /// Parses a prefix, keeping it in lower case (the canonical form of
    /// usernames).
    ///
    /// # Errors
    /// [`DomainError::InvalidUsernamePrefix`] when it is empty, longer than a
    /// username, or holds a character no username has.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = (1..=super::Username::MAX_LEN).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if valid {
            Ok(Self(raw.to_ascii_lowercase()))
        } else {
            Err(DomainError::InvalidUsernamePrefix)
        }
    }

    /// The prefix, in lower case.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `canonical` (a username in lower case) starts with it.
    #[must_use]
    pub fn matches(&self, canonical: &str) -> bool {
        canonical.starts_with(&self.0)
    }
}

impl AuthenticatedActor {
    /// Administrators (with two-factor authentication) read the personal data
    /// of accounts below their role; super-administrators of every account
    /// but their own (which they read as themselves).
    #[must_use]
    pub fn may_read_personal_data_of(&self, target: UserId, target_role: Role) -> bool {
        let allowed = match self.role {
            Role::SuperAdministrator => target != self.user_id,
            Role::Administrator => target_role < Role::Administrator,
            Role::Citizen | Role::Moderator => false,
        };
        allowed && self.may_act_as(Role::Administrator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::SessionId;

    fn actor(role: Role, two_factor: bool) -> AuthenticatedActor {
        AuthenticatedActor {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            role,
            two_factor,
        }
    }

    #[test]
    fn a_reason_is_trimmed_and_bounded() {
        assert_eq!(
            AccessReason::parse("  Demande d'assistance n° 2026-1142 ")
                .unwrap()
                .as_str(),
            "Demande d'assistance n° 2026-1142"
        );
        assert!(AccessReason::parse(&"é".repeat(200)).is_ok());
        for raw in ["", "   ", &"é".repeat(201), "ligne\nautre", "tab\there"] {
            assert_eq!(
                AccessReason::parse(raw).unwrap_err().code(),
                "invalid_access_reason",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn field_names_round_trip() {
        for field in PersonalField::ALL {
            assert_eq!(PersonalField::parse(field.as_str()), Some(field));
        }
        assert_eq!(PersonalField::parse("password"), None);
    }

    #[test]
    fn a_prefix_is_lower_case_and_made_of_username_characters() {
        let prefix = UsernamePrefix::parse("Le").unwrap();
        assert_eq!(prefix.as_str(), "le");
        assert!(prefix.matches("lea_m"));
        assert!(!prefix.matches("alea"));
        assert!(
            UsernamePrefix::parse("_").is_ok(),
            "a prefix may be any part"
        );
        for raw in ["", "lé", "le a", "le%", &"a".repeat(31)] {
            assert_eq!(
                UsernamePrefix::parse(raw).unwrap_err().code(),
                "invalid_username_prefix",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn personal_data_is_read_down_the_hierarchy_with_two_factor_only() {
        let admin = actor(Role::Administrator, true);
        let someone = UserId::generate();
        assert!(admin.may_read_personal_data_of(someone, Role::Citizen));
        assert!(admin.may_read_personal_data_of(someone, Role::Moderator));
        assert!(!admin.may_read_personal_data_of(someone, Role::Administrator));
        assert!(
            !actor(Role::Administrator, false).may_read_personal_data_of(someone, Role::Citizen)
        );
        assert!(!actor(Role::Moderator, true).may_read_personal_data_of(someone, Role::Citizen));
        let sa = actor(Role::SuperAdministrator, true);
        assert!(sa.may_read_personal_data_of(someone, Role::SuperAdministrator));
        assert!(!sa.may_read_personal_data_of(sa.user_id, Role::SuperAdministrator));
    }
}
