use async_trait::async_trait;
use rr_domain::resource::{AttachmentId, AttachmentType, BlobDigest, FileName, ResourceId};
use time::OffsetDateTime;

use crate::RepositoryError;

/// An attachment as stored: a file of a resource, whose bytes live in the
/// [`BlobStore`](super::BlobStore) at `digest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    /// Identifier (time-ordered).
    pub id: AttachmentId,
    /// The resource it belongs to.
    pub resource: ResourceId,
    /// Address of its content.
    pub digest: BlobDigest,
    /// The name it is shown and downloaded under.
    pub file_name: FileName,
    /// Its type, recognised from its content.
    pub media_type: AttachmentType,
    /// Length of its content.
    pub size_bytes: u64,
    /// When it was attached.
    pub created_at: OffsetDateTime,
}

/// Stores which files are attached to which resource.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait AttachmentRepository: Send + Sync {
    /// Stores a new attachment.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the id is taken or the
    /// resource does not exist.
    async fn insert(&self, attachment: &AttachmentRecord) -> Result<(), RepositoryError>;

    /// The attachments of a resource, oldest first (by id, which is time-ordered).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_by_resource(
        &self,
        resource: ResourceId,
    ) -> Result<Vec<AttachmentRecord>, RepositoryError>;

    /// The attachment with this id.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(&self, id: AttachmentId) -> Result<Option<AttachmentRecord>, RepositoryError>;

    /// Deletes the attachment; returns whether it existed.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn delete(&self, id: AttachmentId) -> Result<bool, RepositoryError>;

    /// Whether any attachment, of any resource, still has this content.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn is_referenced(&self, digest: &BlobDigest) -> Result<bool, RepositoryError>;
}
