use async_trait::async_trait;
use rr_domain::privacy::{PolicyDocument, PolicyVersion};
use time::OffsetDateTime;

use crate::RepositoryError;

/// The published versions of the privacy policy. A version, once published,
/// never changes and is never removed; the current one is the last published
/// at or before a given instant.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait PrivacyPolicyRepository: Send + Sync {
    /// The version in force at `now`: the one published last at or before it.
    /// `None` only for a store holding no version at all.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn current(&self, now: OffsetDateTime)
    -> Result<Option<PolicyDocument>, RepositoryError>;

    /// The version with this identifier (compared exactly), whenever it was published.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(
        &self,
        version: &PolicyVersion,
    ) -> Result<Option<PolicyDocument>, RepositoryError>;

    /// Every published version without its text, newest first: identifier
    /// and publication instant.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list(&self) -> Result<Vec<(PolicyVersion, OffsetDateTime)>, RepositoryError>;

    /// Publishes a new version.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the identifier is taken
    /// or another version was published at the same instant.
    async fn publish(&self, document: &PolicyDocument) -> Result<(), RepositoryError>;
}
