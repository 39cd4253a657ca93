//! The lifecycle transitions open to authors, and restoration by staff.

use rr_domain::identity::{Actor, AuthenticatedActor, Role};
use rr_domain::resource::{Lifecycle, ResourceId, TransitionError, can_edit, edit_refusal};

use super::{RESTORE_DAYS, ResourceService, ResourceView, facts};
use crate::AppError;

fn invalid(err: TransitionError) -> AppError {
    AppError::ConflictWith(err.code())
}

impl ResourceService {
    /// Loads a resource its author (only) may act on.
    async fn authored(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<crate::ports::ResourceRecord, AppError> {
        let record = self.visible(&Actor::User(*actor), id).await?;
        if record.author != actor.user_id {
            return Err(AppError::Forbidden("forbidden"));
        }
        Ok(record)
    }

    /// The author submits a draft or rejected resource: to review, or
    /// published at once when private or shared.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `invalid_transition` from any other state.
    pub async fn submit(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<ResourceView, AppError> {
        let mut record = self.authored(actor, id).await?;
        record.state = record.state.submit(record.visibility).map_err(invalid)?;
        if record.state == Lifecycle::Published {
            record.published_at = record.published_at.or(Some(self.ports.clock.now()));
        }
        self.finish(actor, record).await
    }

    /// The author withdraws a resource.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `invalid_transition` when already archived.
    pub async fn archive(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<ResourceView, AppError> {
        let mut record = self.authored(actor, id).await?;
        record.state = record.state.archive().map_err(invalid)?;
        self.finish(actor, record).await
    }

    /// The author takes an archived resource back as a draft.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `invalid_transition` unless archived.
    pub async fn unarchive(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<ResourceView, AppError> {
        let mut record = self.authored(actor, id).await?;
        record.state = record.state.unarchive().map_err(invalid)?;
        self.finish(actor, record).await
    }

    /// Deletes a resource (softly: administrators may restore it for
    /// [`RESTORE_DAYS`] days). Its author, or an administrator for public and
    /// restricted ones.
    ///
    /// # Errors
    /// [`AppError::NotFound`] / [`AppError::Forbidden`] as for editing.
    pub async fn delete(&self, actor: &AuthenticatedActor, id: ResourceId) -> Result<(), AppError> {
        let who = Actor::User(*actor);
        let mut record = self.visible(&who, id).await?;
        let allowed = record.author == actor.user_id
            || (record.visibility.needs_review() && can_edit(&who, &facts(&record)));
        if !allowed {
            return Err(AppError::Forbidden(edit_refusal(&who, &facts(&record))));
        }
        record.state = record.state.delete().map_err(invalid)?;
        let now = self.ports.clock.now();
        record.deleted_at = Some(now);
        record.updated_at = now;
        self.save(&mut record).await?;
        if record.author != actor.user_id {
            self.audit(
                "resource_deleted_by_staff",
                actor.user_id,
                &record,
                String::new(),
            )
            .await?;
        }
        Ok(())
    }

    /// An administrator restores a resource deleted less than
    /// [`RESTORE_DAYS`] days ago, as a draft of its author.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when not visible to the caller (only
    /// administrators see deleted resources) or deleted too long ago;
    /// [`AppError::Forbidden`] for others who may see it.
    pub async fn restore(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<ResourceView, AppError> {
        if !actor.may_act_as(Role::Administrator) {
            if actor.role >= Role::Administrator {
                return Err(AppError::Forbidden("two_factor_required"));
            }
            // What the caller may see is refused, the rest does not exist.
            self.visible(&Actor::User(*actor), id).await?;
            return Err(AppError::Forbidden("forbidden"));
        }
        let mut record = self.visible(&Actor::User(*actor), id).await?;
        let now = self.ports.clock.now();
        let expired = record
            .deleted_at
            .is_some_and(|at| now - at > time::Duration::days(RESTORE_DAYS));
        if expired {
            return Err(AppError::NotFound);
        }
        record.state = record.state.restore().map_err(invalid)?;
        record.deleted_at = None;
        self.audit("resource_restored", actor.user_id, &record, String::new())
            .await?;
        self.finish(actor, record).await
    }

    async fn finish(
        &self,
        actor: &AuthenticatedActor,
        mut record: crate::ports::ResourceRecord,
    ) -> Result<ResourceView, AppError> {
        record.updated_at = self.ports.clock.now();
        self.save(&mut record).await?;
        self.view(&Actor::User(*actor), record).await
    }
}
