use async_trait::async_trait;
use rr_domain::reference::{Category, RelationType, ResourceType};

use crate::RepositoryError;

/// Reads the reference data that classifies resources.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ReferenceDataRepository: Send + Sync {
    /// Every category, active or not, in display order (`position`, then slug).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_categories(&self) -> Result<Vec<Category>, RepositoryError>;

    /// Every relation type, in display order.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_relation_types(&self) -> Result<Vec<RelationType>, RepositoryError>;

    /// Every resource type, in display order.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_resource_types(&self) -> Result<Vec<ResourceType>, RepositoryError>;
}
