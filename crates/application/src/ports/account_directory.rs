use async_trait::async_trait;
use rr_domain::identity::{AccountStatus, Role, UserId, Username, UsernamePrefix};
use time::OffsetDateTime;

use crate::RepositoryError;

/// Whether an account may act, as an administrator's list shows it: no
/// suspension reason (free text, shown on the account's own page only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// May act (never suspended, reactivated, or past the end of a suspension).
    Active,
    /// Suspended now.
    Suspended {
        /// When the suspension ends by itself; `None` until lifted.
        until: Option<OffsetDateTime>,
    },
}

impl Standing {
    /// The standing of an account of `status` at `at`.
    #[must_use]
    pub fn of(status: &AccountStatus, at: OffsetDateTime) -> Self {
        match status {
            AccountStatus::Suspended { until, .. } if !status.is_active_at(at) => {
                Self::Suspended { until: *until }
            }
            AccountStatus::Active | AccountStatus::Suspended { .. } => Self::Active,
        }
    }
}

/// Which of the two standings to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingFilter {
    /// Accounts that may act.
    Active,
    /// Accounts suspended now.
    Suspended,
}

impl StandingFilter {
    /// Whether `standing` is of this kind.
    #[must_use]
    pub fn admits(self, standing: Standing) -> bool {
        (self == Self::Active) == (standing == Standing::Active)
    }
}

/// An account in an administrator's list: nothing that is sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    /// Identifier.
    pub id: UserId,
    /// Public handle.
    pub username: Username,
    /// Role.
    pub role: Role,
    /// Standing at the instant of the query.
    pub standing: Standing,
    /// Creation time.
    pub created_at: OffsetDateTime,
}

/// What an administrator looks for; every part that is set must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// Usernames beginning with this, without case.
    pub username_prefix: Option<UsernamePrefix>,
    /// Accounts of this role.
    pub role: Option<Role>,
    /// Accounts of this standing at [`DirectoryQuery::at`].
    pub standing: Option<StandingFilter>,
    /// The instant standings are judged at (a suspension whose end is past
    /// counts as active).
    pub at: OffsetDateTime,
    /// Only usernames after this one (lower case), for the next page.
    pub after: Option<String>,
    /// At most this many.
    pub limit: u64,
}

/// Lists accounts for administrators, without opening personal data.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait AccountDirectory: Send + Sync {
    /// The accounts matching `query`, ordered by username in lower case
    /// (the canonical form, unique), at most `query.limit`.
    ///
    /// MUST cost the same on every page (keyset on the canonical username)
    /// and serve a username prefix from an index.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn search(&self, query: &DirectoryQuery) -> Result<Vec<AccountSummary>, RepositoryError>;
}
