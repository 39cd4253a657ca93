//! Privacy (GDPR, DESIGN.md §5): the versions of the privacy policy, the
//! purposes an account chooses about and its recorded choices, the gate that
//! holds writes until the current policy is accepted, and what restricting
//! one's account (Art. 18) hides.

mod policy;

pub use policy::{PolicyDocument, PolicyText, PolicyVersion};

use time::OffsetDateTime;

use crate::identity::{Actor, UserId};

/// Why the platform processes data for a purpose (GDPR Art. 6(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegalBasis {
    /// Art. 6(1)(e): a task carried out in the public interest, the
    /// Ministry's mission. The person may object (Art. 21) where the purpose
    /// is optional.
    PublicTask,
    /// Art. 6(1)(a): the person's consent, off until given, withdrawable at
    /// any time (Art. 7(3)).
    Consent,
}

impl LegalBasis {
    /// Stable machine name: `public_task`, `consent`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PublicTask => "public_task",
            Self::Consent => "consent",
        }
    }
}

/// What an account's choice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// The terms of use and the privacy policy, in a given version: required
    /// to use the platform (to write; reading stays open).
    TermsAndPolicy,
    /// Mail beyond security mail (news, announcements, notifications):
    /// consent, off unless given.
    Communications,
    /// Being counted in the administrators' statistics: the Ministry's
    /// public task, on unless the person objects (ADR 0021).
    Statistics,
}

impl Purpose {
    /// Every purpose, in the order they are shown.
    pub const ALL: [Self; 3] = [Self::TermsAndPolicy, Self::Communications, Self::Statistics];

    /// Stable machine name: `terms_and_policy`, `communications`, `statistics`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TermsAndPolicy => "terms_and_policy",
            Self::Communications => "communications",
            Self::Statistics => "statistics",
        }
    }

    /// The purpose of a machine name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Whether the platform cannot be used (written to) without it.
    #[must_use]
    pub fn is_required(self) -> bool {
        self == Self::TermsAndPolicy
    }

    /// Its legal basis.
    #[must_use]
    pub fn legal_basis(self) -> LegalBasis {
        match self {
            Self::TermsAndPolicy | Self::Statistics => LegalBasis::PublicTask,
            Self::Communications => LegalBasis::Consent,
        }
    }
}

/// One recorded choice: a purpose granted (accepted, consented to, not
/// objected to) or withdrawn (objected to), under a policy version, at an
/// instant. Choices are only ever added: the last one of a purpose is the
/// account's current state, the others its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// What it is about.
    pub purpose: Purpose,
    /// `true`: accepted (terms and policy), consented (communications), not
    /// objected (statistics); `false`: withdrawn or objected.
    pub granted: bool,
    /// The policy version in force when the choice was made (for
    /// [`Purpose::TermsAndPolicy`], the version accepted).
    pub policy_version: PolicyVersion,
    /// When it was made.
    pub at: OffsetDateTime,
}

/// Why a write of an authenticated account is held, if it is: a stable API code.
///
/// - `account_restricted`: the account holder restricted the processing of
///   their account (Art. 18); it is frozen until they lift it.
/// - `consent_required`: a newer policy version than the one the account
///   accepted is in force; writes wait until it is accepted.
///
/// Reads are never held, nor the writes the caller exempts (exercising a
/// right, accepting the policy, securing the account).
#[must_use]
pub fn write_refusal(
    accepted_version: &str,
    current: &PolicyVersion,
    restricted: bool,
) -> Option<&'static str> {
    if restricted {
        Some("account_restricted")
    } else if accepted_version != current.as_str() {
        Some("consent_required")
    } else {
        None
    }
}

/// Whether `viewer` may see content (a resource, a comment) of `author`, as
/// far as restriction goes: the content of an account whose processing is
/// restricted (Art. 18) is kept but shown to its author alone, staff
/// included in "everyone else".
#[must_use]
pub fn restriction_allows(viewer: &Actor, author: UserId, author_restricted: bool) -> bool {
    !author_restricted || viewer.user().is_some_and(|u| u.user_id == author)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{AuthenticatedActor, Role, SessionId};

    #[test]
    fn purposes_round_trip_and_only_terms_are_required() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(Purpose::parse("marketing"), None);
        assert!(Purpose::TermsAndPolicy.is_required());
        assert!(!Purpose::Communications.is_required());
        assert!(!Purpose::Statistics.is_required());
        assert_eq!(Purpose::Communications.legal_basis(), LegalBasis::Consent);
        assert_eq!(Purpose::Statistics.legal_basis(), LegalBasis::PublicTask);
    }

    #[test]
    fn writes_wait_for_the_current_policy_and_restriction_comes_first() {
        let current = PolicyVersion::parse("2027-01").unwrap();
        assert_eq!(write_refusal("2027-01", &current, false), None);
        assert_eq!(
            write_refusal("2026-11", &current, false),
            Some("consent_required")
        );
        assert_eq!(
            write_refusal("2026-11", &current, true),
            Some("account_restricted")
        );
        assert_eq!(
            write_refusal("2027-01", &current, true),
            Some("account_restricted")
        );
    }

    #[test]
    fn restricted_content_is_its_authors_alone() {
        let author = UserId::generate();
        let as_user = |id, role| {
            Actor::User(AuthenticatedActor {
                user_id: id,
                session_id: SessionId::generate(),
                role,
                two_factor: true,
            })
        };
        assert!(restriction_allows(&Actor::Visitor, author, false));
        assert!(!restriction_allows(&Actor::Visitor, author, true));
        assert!(restriction_allows(
            &as_user(author, Role::Citizen),
            author,
            true
        ));
        assert!(!restriction_allows(
            &as_user(UserId::generate(), Role::SuperAdministrator),
            author,
            true
        ));
    }
}
