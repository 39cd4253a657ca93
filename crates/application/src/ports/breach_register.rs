use async_trait::async_trait;
use rr_domain::compliance::{Breach, BreachId};
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// A breach as the register holds it, with how many accounts are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredBreach {
    /// The breach.
    pub breach: Breach,
    /// Accounts attached to it that still exist.
    pub affected_accounts: u64,
}

/// What attaching accounts did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attached {
    /// Every account exists: these many were not attached yet and now are.
    Added(u64),
    /// These accounts do not exist: nothing was attached.
    Unknown(Vec<UserId>),
}

/// The register of personal data breaches (GDPR Art. 33(5)). Breaches are
/// never deleted.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait BreachRegister: Send + Sync {
    /// Stores a new breach.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when its id is taken.
    async fn insert(&self, breach: &Breach) -> Result<(), RepositoryError>;

    /// The breach `id`.
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn find(&self, id: BreachId) -> Result<Option<RegisteredBreach>, RepositoryError>;

    /// Writes the assessment, notifications and `updated_at` of `breach`
    /// (never its id, when it became known, who recorded it or when), only
    /// if its stored `updated_at` is still `previous` (of two concurrent
    /// changes, one wins). Returns whether it did.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn update(
        &self,
        breach: &Breach,
        previous: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Up to `limit` breaches, newest recorded first, recorded before
    /// `after` (keyset pagination by id, which is time-ordered).
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn list(
        &self,
        after: Option<BreachId>,
        limit: u64,
    ) -> Result<Vec<RegisteredBreach>, RepositoryError>;

    /// Attaches `accounts` to `breach` (those already attached stay as they
    /// were), or nothing when any of them does not exist.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when `breach` does not exist.
    async fn attach(
        &self,
        breach: BreachId,
        accounts: &[UserId],
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<Attached, RepositoryError>;

    /// Up to `limit` accounts attached to `breach`, by id, after `after`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn affected(
        &self,
        breach: BreachId,
        after: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserId>, RepositoryError>;
}
