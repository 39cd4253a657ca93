//! Favourites and progress: a logged-in citizen keeps resources in their
//! favourites, marks them exploited or sets them aside, and reads their
//! dashboard.
//!
//! A citizen engages only with a resource they may see
//! (`rr_domain::resource::can_view`); any other id is [`AppError::NotFound`],
//! whether or not it exists. The dashboard counts and lists, through
//! [`EngagementRepository`], only what they may still see.

mod dashboard;
mod marks;

pub use dashboard::{Counts, Dashboard, ProgressPage, ReferenceCounts};

use std::sync::Arc;

use rr_domain::identity::{Actor, AuthenticatedActor};
use rr_domain::resource::ResourceId;

use crate::AppError;
use crate::ports::{Clock, EngagementRepository, ResourceRepository, UserRepository};

/// Longest page of a progress list.
pub const MAX_PAGE: u64 = 100;

/// The ports the engagement use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct EngagementPorts {
    /// Resources, to decide what the caller may see.
    pub resources: Arc<dyn ResourceRepository>,
    /// Accounts, for an author's restriction when the resources' store does
    /// not read it along.
    pub users: Arc<dyn UserRepository>,
    /// Favourites and marks.
    pub engagement: Arc<dyn EngagementRepository>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Favourites, progress marks and the dashboard.
#[derive(Clone)]
pub struct EngagementService {
    ports: EngagementPorts,
}

impl std::fmt::Debug for EngagementService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngagementService").finish_non_exhaustive()
    }
}

impl EngagementService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: EngagementPorts) -> Self {
        Self { ports }
    }

    /// Fails unless `actor` may see the resource.
    async fn ensure_visible(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<(), AppError> {
        crate::services::resources::visible_resource(
            self.ports.resources.as_ref(),
            self.ports.users.as_ref(),
            &Actor::User(*actor),
            id,
        )
        .await
        .map(|_| ())
    }
}
