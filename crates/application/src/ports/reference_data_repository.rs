use async_trait::async_trait;
use rr_domain::reference::{Category, RelationType, ResourceType};

use crate::RepositoryError;

/// Reads the reference data that classifies resources, and keeps the
/// categories administrators manage.
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

    /// Stores a new category.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when its id or slug is taken.
    async fn insert_category(&self, category: &Category) -> Result<(), RepositoryError>;

    /// Replaces the label, position and activity of an existing category (its
    /// slug never changes); returns whether it existed.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn update_category(&self, category: &Category) -> Result<bool, RepositoryError>;
}
