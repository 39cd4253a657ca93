use async_trait::async_trait;
use rr_domain::features::{FeatureFlag, FlagKey};

use crate::RepositoryError;

/// Where feature flags are kept (ADR 0028). Flags are few (configuration,
/// not content): they are listed whole.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait FeatureFlagRepository: Send + Sync {
    /// Every flag, by key.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached;
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn list(&self) -> Result<Vec<FeatureFlag>, RepositoryError>;

    /// The flag `key`.
    ///
    /// # Errors
    /// As [`Self::list`].
    async fn find(&self, key: &FlagKey) -> Result<Option<FeatureFlag>, RepositoryError>;

    /// Stores a new flag.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when its key is taken.
    async fn insert(&self, flag: &FeatureFlag) -> Result<(), RepositoryError>;

    /// Writes the settings, version and `updated_at` of `flag` (never its
    /// key nor its creation), only if its stored version is still
    /// `previous`: of two concurrent changes, one wins. Returns whether it
    /// did (`false` too when the flag is gone).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn update(&self, flag: &FeatureFlag, previous: u64) -> Result<bool, RepositoryError>;

    /// Deletes the flag `key`. Returns whether there was one.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn delete(&self, key: &FlagKey) -> Result<bool, RepositoryError>;
}
