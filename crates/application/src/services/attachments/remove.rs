//! Detaching a file from a resource.

use rr_domain::identity::{Actor, AuthenticatedActor};
use rr_domain::resource::{AttachmentId, ResourceId};

use super::AttachmentService;
use crate::AppError;

impl AttachmentService {
    /// Removes an attachment from a resource the caller may edit; its content
    /// goes too unless another attachment has the same bytes. A published
    /// public or restricted resource goes back to review.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the caller may not see the resource, or the
    /// attachment is not (or no longer) the resource's;
    /// [`AppError::Forbidden`] when they may see but not edit it;
    /// [`AppError::ConflictWith`] `edit_conflict` when it changed meanwhile.
    pub async fn remove(
        &self,
        actor: &AuthenticatedActor,
        resource: ResourceId,
        id: AttachmentId,
    ) -> Result<(), AppError> {
        let who = Actor::User(*actor);
        self.editable(&who, resource).await?;
        let attachment = self.attachment_of(resource, id).await?;

        let _references = self.references.lock().await;
        let record = self.editable(&who, resource).await?;
        if self.ports.attachments.find(id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        self.touch(record).await?;
        if !self.ports.attachments.delete(id).await? {
            return Err(AppError::NotFound);
        }
        self.collect(&attachment.digest).await;
        Ok(())
    }
}
