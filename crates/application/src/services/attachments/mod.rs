//! Files attached to resources (course PDFs, images): upload and removal by
//! whoever may edit the resource, listing and download by whoever may see it.
//!
//! Access follows the resource (`rr_domain::resource::{can_view, can_edit}`):
//! what a caller may not see is [`AppError::NotFound`], what they see but may
//! not edit [`AppError::Forbidden`]. Adding or removing a file is a change of
//! content: a published public or restricted resource goes back to review,
//! exactly as an edit sends it (`Lifecycle::after_edit`).
//!
//! Content lives in the [`BlobStore`] under its digest, shared by every
//! attachment with the same bytes; a blob is removed when the last attachment
//! referring to it goes.

mod orphans;
mod remove;
mod sniff;
mod upload;

pub use sniff::sniff;

use std::sync::Arc;

use futures_util::lock::Mutex;
use rr_domain::identity::Actor;
use rr_domain::resource::{
    AttachmentId, BlobDigest, FileName, ResourceFacts, ResourceId, can_edit, edit_refusal,
};

use crate::AppError;
use crate::ports::{
    AttachmentRecord, AttachmentRepository, BlobStore, Clock, OpenedBlob, ResourceRecord,
    ResourceRepository, UserRepository,
};

/// The ports the attachment use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct AttachmentPorts {
    /// Resources, for access and for their state.
    pub resources: Arc<dyn ResourceRepository>,
    /// Accounts, for an author's restriction when the resources' store does
    /// not read it along.
    pub users: Arc<dyn UserRepository>,
    /// Which files belong to which resource.
    pub attachments: Arc<dyn AttachmentRepository>,
    /// The files' content.
    pub blobs: Arc<dyn BlobStore>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Limits of the attachment use cases (`[resources.attachments]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentPolicy {
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Most files on one resource.
    pub max_per_resource: u64,
}

impl Default for AttachmentPolicy {
    /// 10 MiB, 10 files.
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_per_resource: 10,
        }
    }
}

/// A file to attach, its name parsed; the bytes come apart, as a stream.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The resource.
    pub resource: ResourceId,
    /// The name it will be shown and downloaded under.
    pub file_name: FileName,
}

/// An attachment and its content, ready to send.
#[allow(missing_debug_implementations)] // holds a byte stream
pub struct AttachmentDownload {
    /// The attachment.
    pub attachment: AttachmentRecord,
    /// Its content.
    pub content: OpenedBlob,
}

/// Files attached to resources.
#[derive(Clone)]
pub struct AttachmentService {
    ports: AttachmentPorts,
    policy: AttachmentPolicy,
    /// Held while a blob's references change: attaching (check the blob is
    /// there, add a reference) and detaching (drop a reference, remove the
    /// blob if it was the last) never interleave, so a blob is never removed
    /// under a new reference. Short: uploads stream before taking it.
    references: Arc<Mutex<()>>,
}

impl std::fmt::Debug for AttachmentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

fn facts(record: &ResourceRecord) -> ResourceFacts<'_> {
    ResourceFacts {
        author: record.author,
        visibility: record.visibility,
        state: &record.state,
        shared_with: &record.shared_with,
        // Only after `visible`, which applied the author's restriction.
        author_restricted: false,
    }
}

impl AttachmentService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: AttachmentPorts, policy: AttachmentPolicy) -> Self {
        Self {
            ports,
            policy,
            references: Arc::new(Mutex::new(())),
        }
    }

    /// Largest file accepted, in bytes (the HTTP adapter refuses a longer
    /// declared body before reading it).
    #[must_use]
    pub fn max_bytes(&self) -> u64 {
        self.policy.max_bytes
    }

    /// The attachments of a resource the caller may see, oldest first.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the resource does not exist or the caller
    /// may not see it.
    pub async fn list(
        &self,
        actor: &Actor,
        resource: ResourceId,
    ) -> Result<Vec<AttachmentRecord>, AppError> {
        self.visible(actor, resource).await?;
        Ok(self.ports.attachments.list_by_resource(resource).await?)
    }

    /// An attachment of a resource the caller may see, with its content.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the resource or the attachment does not
    /// exist, the attachment is another resource's, or the caller may not see
    /// the resource; [`AppError::Internal`] when its content is missing.
    pub async fn download(
        &self,
        actor: &Actor,
        resource: ResourceId,
        id: AttachmentId,
    ) -> Result<AttachmentDownload, AppError> {
        self.visible(actor, resource).await?;
        let attachment = self.attachment_of(resource, id).await?;
        let content = self
            .ports
            .blobs
            .open(&attachment.digest)
            .await
            .map_err(AppError::internal)?
            .ok_or_else(|| {
                AppError::internal(format!(
                    "the content of attachment {} is missing from the blob store",
                    attachment.id.as_uuid()
                ))
            })?;
        Ok(AttachmentDownload {
            attachment,
            content,
        })
    }

    async fn visible(&self, actor: &Actor, id: ResourceId) -> Result<ResourceRecord, AppError> {
        crate::services::resources::visible_resource(
            self.ports.resources.as_ref(),
            self.ports.users.as_ref(),
            actor,
            id,
        )
        .await
        .map(|(record, _)| record)
    }

    /// The resource, if the caller may change it.
    async fn editable(&self, actor: &Actor, id: ResourceId) -> Result<ResourceRecord, AppError> {
        let record = self.visible(actor, id).await?;
        if can_edit(actor, &facts(&record)) {
            Ok(record)
        } else {
            Err(AppError::Forbidden(edit_refusal(actor, &facts(&record))))
        }
    }

    /// The attachment `id`, if it belongs to `resource`.
    async fn attachment_of(
        &self,
        resource: ResourceId,
        id: AttachmentId,
    ) -> Result<AttachmentRecord, AppError> {
        self.ports
            .attachments
            .find(id)
            .await?
            .filter(|attachment| attachment.resource == resource)
            .ok_or(AppError::NotFound)
    }

    /// Records a change of the resource's content: back to review when
    /// published (or suspended) and public or restricted, a new `updated_at`
    /// and version.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `invalid_transition` when it may not change,
    /// `edit_conflict` when it changed meanwhile.
    async fn touch(&self, mut record: ResourceRecord) -> Result<(), AppError> {
        record.state = record
            .state
            .after_edit(record.visibility)
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        record.updated_at = self.ports.clock.now();
        if self.ports.resources.update(&record).await? {
            Ok(())
        } else {
            Err(AppError::ConflictWith("edit_conflict"))
        }
    }

    /// Removes the blob at `digest` unless an attachment still refers to it.
    /// Call with `references` held. A failure leaves an unreferenced blob
    /// behind (wasted space, never a broken attachment): logged, not raised.
    async fn collect(&self, digest: &BlobDigest) {
        match self.ports.attachments.is_referenced(digest).await {
            Ok(true) => {}
            Ok(false) => {
                if let Err(err) = self.ports.blobs.remove(digest).await {
                    tracing::warn!(%digest, error = %err, "an unreferenced blob could not be removed");
                }
            }
            Err(err) => {
                tracing::warn!(%digest, error = %err, "cannot tell whether a blob is still referenced");
            }
        }
    }
}
