//! Attaching a file to a resource.

use rr_domain::identity::{Actor, AuthenticatedActor};
use rr_domain::resource::{AttachmentId, AttachmentType, ResourceId};

use super::sniff::{incomplete, inspect};
use super::{AttachmentService, NewAttachment};
use crate::ports::{AttachmentRecord, BlobError, ByteSource, StoredBlob};
use crate::{AppError, RepositoryError};

impl AttachmentService {
    /// Attaches `body` to a resource the caller may edit. Its type is decided
    /// from its first bytes; nothing is stored when the request is refused.
    /// A published public or restricted resource goes back to review.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the caller may not see the resource;
    /// [`AppError::Forbidden`] when they may see but not edit it;
    /// [`AppError::ConflictWith`] `too_many_attachments` when it has its
    /// fill, `edit_conflict` when it changed meanwhile;
    /// [`AppError::UnsupportedContent`] `unsupported_attachment_type` for
    /// content of another type than PDF, PNG, JPEG, WebP or GIF;
    /// [`AppError::Invalid`] `empty_attachment` or `incomplete_body`;
    /// [`AppError::TooLarge`] beyond the policy's `max_bytes`.
    pub async fn upload(
        &self,
        actor: &AuthenticatedActor,
        new: NewAttachment,
        body: Box<dyn ByteSource>,
    ) -> Result<AttachmentRecord, AppError> {
        let who = Actor::User(*actor);
        // Everything that can be refused without the content is, before it is read.
        let record = self.editable(&who, new.resource).await?;
        record
            .state
            .after_edit(record.visibility)
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        self.ensure_room(new.resource).await?;
        let (kind, body) = inspect(body).await?;
        let blob = self
            .ports
            .blobs
            .put(body, self.policy.max_bytes)
            .await
            .map_err(|err| match err {
                BlobError::TooLarge { limit_bytes } => AppError::TooLarge { limit_bytes },
                BlobError::Source(err) => incomplete(err),
                BlobError::Storage(cause) => AppError::Internal(cause),
            })?;

        let _references = self.references.lock().await;
        let attached = self.attach(&who, &new, kind, &blob).await;
        if attached.is_err() {
            self.collect(&blob.digest).await;
        }
        attached
    }

    async fn ensure_room(&self, resource: ResourceId) -> Result<(), AppError> {
        let count = self
            .ports
            .attachments
            .list_by_resource(resource)
            .await?
            .len();
        if u64::try_from(count).unwrap_or(u64::MAX) >= self.policy.max_per_resource {
            Err(AppError::ConflictWith("too_many_attachments"))
        } else {
            Ok(())
        }
    }

    /// Adds the reference to a stored blob, with `references` held. The
    /// resource is read again: it may have changed while the content arrived.
    async fn attach(
        &self,
        who: &Actor,
        new: &NewAttachment,
        kind: AttachmentType,
        blob: &StoredBlob,
    ) -> Result<AttachmentRecord, AppError> {
        let record = self.editable(who, new.resource).await?;
        self.ensure_room(new.resource).await?;
        // A removal that ran between `put` and the lock may have taken a blob
        // that `put` found already there.
        if !self
            .ports
            .blobs
            .contains(&blob.digest)
            .await
            .map_err(AppError::internal)?
        {
            return Err(AppError::ConflictWith("edit_conflict"));
        }
        let attachment = AttachmentRecord {
            id: AttachmentId::generate(),
            resource: new.resource,
            digest: blob.digest.clone(),
            file_name: new.file_name.clone(),
            media_type: kind,
            size_bytes: blob.size_bytes,
            created_at: self.ports.clock.now(),
        };
        // The resource leaves publication before the file appears in it.
        self.touch(record).await?;
        self.ports
            .attachments
            .insert(&attachment)
            .await
            .map_err(|err| match err {
                RepositoryError::Conflict(_) => AppError::ConflictWith("edit_conflict"),
                other => other.into(),
            })?;
        // As stored (instants to the microsecond), so the answer equals later reads.
        Ok(self
            .ports
            .attachments
            .find(attachment.id)
            .await?
            .unwrap_or(attachment))
    }
}
