use async_trait::async_trait;
use rr_domain::identity::{UserId, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, ExternalLink, Lifecycle, ResourceId, Summary, Title, Visibility};
use time::OffsetDateTime;

use crate::RepositoryError;

/// A resource as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRecord {
    /// Identifier.
    pub id: ResourceId,
    /// Its author.
    pub author: UserId,
    /// Title.
    pub title: Title,
    /// Summary.
    pub summary: Summary,
    /// Markdown body.
    pub body: Body,
    /// Category (reference data).
    pub category: ReferenceId,
    /// Resource type (reference data).
    pub resource_type: ReferenceId,
    /// Relation types (reference data), at least one, without duplicates, in the order given.
    pub relation_types: Vec<ReferenceId>,
    /// Optional link to an external page.
    pub external_link: Option<ExternalLink>,
    /// Audience.
    pub visibility: Visibility,
    /// Where it is in its life.
    pub state: Lifecycle,
    /// Citizens a shared resource is shared with, without duplicates.
    pub shared_with: Vec<UserId>,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change of content, visibility, sharing or state.
    pub updated_at: OffsetDateTime,
    /// First publication, if any.
    pub published_at: Option<OffsetDateTime>,
    /// When it was deleted, if it is (for the 30-day restore window).
    pub deleted_at: Option<OffsetDateTime>,
    /// Incremented by every successful update (optimistic concurrency).
    pub version: u64,
}

/// What a read of a resource learns of its author in the same round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceAuthor {
    /// Their public handle.
    pub username: Username,
    /// Whether they restricted the processing of their account (GDPR
    /// Art. 18): their resources are then theirs alone to see.
    pub restricted: bool,
}

/// Stores resources.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ResourceRepository: Send + Sync {
    /// Stores a new resource (its `version` is stored as given, normally 0).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the author, the category,
    /// the resource type, a relation type or a shared-with account does not exist.
    async fn insert(&self, resource: &ResourceRecord) -> Result<(), RepositoryError>;

    /// The resource with this id, deleted or not.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(&self, id: ResourceId) -> Result<Option<ResourceRecord>, RepositoryError>;

    /// [`Self::find`], with its author's username and restriction when the
    /// store can read them in the same round trip (`None` otherwise: the
    /// caller asks the accounts). The read path of a resource by id, the most
    /// frequent request, and of every access decision on a resource.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find_with_author(
        &self,
        id: ResourceId,
    ) -> Result<Option<(ResourceRecord, Option<ResourceAuthor>)>, RepositoryError> {
        Ok(self.find(id).await?.map(|record| (record, None)))
    }

    /// Replaces every mutable field (all but `id`, `author`, `created_at`) of
    /// the stored resource, relation types and sharing included, and stores
    /// `version + 1`, only if the stored version is `resource.version`.
    /// Returns whether it did: of two concurrent updates from one version,
    /// exactly one wins. Atomic: a refused update changes nothing.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when a referenced row does not exist.
    async fn update(&self, resource: &ResourceRecord) -> Result<bool, RepositoryError>;

    /// The author's resources that are not deleted, newest first, `limit` at
    /// most, after the resource `after` (keyset pagination on the id, which is
    /// time-ordered).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_by_author(
        &self,
        author: UserId,
        after: Option<ResourceId>,
        limit: u64,
    ) -> Result<Vec<ResourceRecord>, RepositoryError>;
}
