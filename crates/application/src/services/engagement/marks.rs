//! Putting a resource in one's favourites or taking it out, marking it
//! exploited or set aside and taking the mark off. Every one is idempotent.

use rr_domain::identity::AuthenticatedActor;
use rr_domain::resource::ResourceId;

use super::EngagementService;
use crate::ports::ProgressMark;
use crate::{AppError, RepositoryError};

/// The user or the resource vanished between the check and the write (an
/// account erased, a resource purged): as if it had never been there.
fn vanished(err: RepositoryError) -> AppError {
    match err {
        RepositoryError::Conflict(_) => AppError::NotFound,
        other => other.into(),
    }
}

impl EngagementService {
    /// Puts a resource the caller may see in their favourites. Returns whether
    /// it was not there yet.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the resource does not exist or the caller
    /// may not see it.
    pub async fn add_favourite(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<bool, AppError> {
        self.ensure_visible(actor, id).await?;
        self.ports
            .engagement
            .add_favourite(actor.user_id, id, self.ports.clock.now())
            .await
            .map_err(vanished)
    }

    /// Takes a resource the caller may see out of their favourites. Returns
    /// whether it was there.
    ///
    /// # Errors
    /// [`AppError::NotFound`] as for [`Self::add_favourite`].
    pub async fn remove_favourite(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<bool, AppError> {
        self.ensure_visible(actor, id).await?;
        Ok(self
            .ports
            .engagement
            .remove_favourite(actor.user_id, id)
            .await?)
    }

    /// Puts (`on`) or takes off `mark` on a resource the caller may see.
    /// Returns whether the mark changed.
    ///
    /// # Errors
    /// [`AppError::NotFound`] as for [`Self::add_favourite`].
    pub async fn set_mark(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
        mark: ProgressMark,
        on: bool,
    ) -> Result<bool, AppError> {
        self.ensure_visible(actor, id).await?;
        self.ports
            .engagement
            .set_mark(actor.user_id, id, mark, on, self.ports.clock.now())
            .await
            .map_err(vanished)
    }
}
