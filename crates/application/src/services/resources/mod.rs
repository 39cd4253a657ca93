//! Resources for their authors: create, read, edit, share, submit for review,
//! archive, delete, and restore (staff). Access is decided by
//! `rr_domain::resource::{can_view, can_edit}`; what a caller may not see is
//! [`AppError::NotFound`].

mod catalogue;
mod commands;
mod lifecycle;
mod moderation;
mod write;

pub use catalogue::CatalogueRequest;
pub use commands::{NewResource, ResourceChanges, ResourceView};
pub(crate) use moderation::checked_reason;
pub use moderation::{Decision, MAX_REASON_CHARS};

use std::sync::Arc;

use rr_domain::identity::{Actor, UserId, Username};
use rr_domain::resource::{Lifecycle, ResourceFacts, ResourceId, can_view};

use crate::AppError;
use crate::ports::{
    AuditEvent, AuditLog, CatalogueEntry, CatalogueQuery, Clock, Consultation, ModerationLog,
    Notifier, ReferenceDataRepository, ResourceAuthor, ResourceCatalogue, ResourceRecord,
    ResourceRepository, StatisticsRecorder, UserRepository,
};
use crate::services::WriteLimiter;
use crate::services::memo::Memo;

/// Longest page of a listing.
pub const MAX_PAGE: u64 = 100;

/// Days during which staff may restore a deleted resource.
pub const RESTORE_DAYS: i64 = 30;

/// The ports the resource use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct ResourcePorts {
    /// Resources.
    pub resources: Arc<dyn ResourceRepository>,
    /// The catalogue (listing and search of published resources).
    pub catalogue: Arc<dyn ResourceCatalogue>,
    /// Counting of consultations and searches.
    pub statistics: Arc<dyn StatisticsRecorder>,
    /// Accounts (usernames for sharing and display).
    pub users: Arc<dyn UserRepository>,
    /// Categories, types, relation types.
    pub reference_data: Arc<dyn ReferenceDataRepository>,
    /// Audit log (staff decisions).
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Per-account budget of resource creations.
    pub write_limits: Arc<WriteLimiter>,
    /// The moderation log (moderators' decisions).
    pub moderation_log: Arc<dyn ModerationLog>,
    /// Tells authors of moderators' decisions.
    pub notifier: Arc<dyn Notifier>,
}

/// Resources for their authors.
#[derive(Clone)]
pub struct ResourceService {
    ports: ResourcePorts,
    /// Visitors' catalogue pages: visitors all see the same public
    /// catalogue, and the same few pages (the first ones, popular searches)
    /// over and over. Logged-in accounts are never served from it: their
    /// lists include restricted resources and those shared with them.
    visitor_pages: Arc<Memo<CatalogueQuery, [CatalogueEntry]>>,
}

impl std::fmt::Debug for ResourceService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceService").finish_non_exhaustive()
    }
}

/// The facts of a resource whose author is known not to be restricted, or
/// once [`ResourceService::visible`] let the caller through (restriction
/// only hides a resource from others than its author, and `visible` applied
/// it already).
fn facts(record: &ResourceRecord) -> ResourceFacts<'_> {
    facts_with(record, false)
}

fn facts_with(record: &ResourceRecord, author_restricted: bool) -> ResourceFacts<'_> {
    ResourceFacts {
        author: record.author,
        visibility: record.visibility,
        state: &record.state,
        shared_with: &record.shared_with,
        author_restricted,
    }
}

/// The author of `record` as read along with it, or as the accounts tell
/// when the store did not read them along (an unknown author is an error:
/// resources keep theirs).
///
/// # Errors
/// [`AppError::Internal`] when the author does not exist.
pub(crate) async fn author_of(
    users: &dyn UserRepository,
    record: &ResourceRecord,
    read: Option<ResourceAuthor>,
) -> Result<ResourceAuthor, AppError> {
    if let Some(author) = read {
        return Ok(author);
    }
    let user = users
        .find(record.author)
        .await?
        .ok_or_else(|| AppError::internal("a resource's author does not exist"))?;
    Ok(ResourceAuthor {
        username: user.username,
        restricted: user.restricted_since.is_some(),
    })
}

/// A resource by id with its author's username, if `actor` may see it
/// (else [`AppError::NotFound`]): the access decision of every use case that
/// reads a resource, the author's restriction included. The author comes
/// with the resource from the store, or else from the accounts; an author
/// the accounts do not know (only test doubles of the resources' store get
/// there, the database keeps every author) is taken as not restricted.
///
/// # Errors
/// [`AppError::NotFound`]; infrastructure failures.
pub(crate) async fn visible_resource(
    resources: &dyn ResourceRepository,
    users: &dyn UserRepository,
    actor: &Actor,
    id: ResourceId,
) -> Result<(ResourceRecord, Option<Username>), AppError> {
    let (record, read) = resources
        .find_with_author(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (username, restricted) = match read {
        Some(author) => (Some(author.username), author.restricted),
        None => match users.find(record.author).await? {
            Some(user) => (Some(user.username), user.restricted_since.is_some()),
            None => (None, false),
        },
    };
    if can_view(actor, &facts_with(&record, restricted)) {
        Ok((record, username))
    } else {
        Err(AppError::NotFound)
    }
}

impl ResourceService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: ResourcePorts) -> Self {
        Self {
            ports,
            visitor_pages: Arc::new(Memo::off()),
        }
    }

    /// Keeps each page of the visitors' catalogue for `ttl` (up to
    /// `capacity` distinct questions): a burst of identical anonymous
    /// requests costs one query; an expired page is still served while one
    /// request reads it anew (30 s past its time at most). Off (zero) unless
    /// set.
    #[must_use]
    pub fn with_visitor_pages(mut self, ttl: std::time::Duration, capacity: usize) -> Self {
        self.visitor_pages = Arc::new(Memo::new(ttl, capacity));
        self
    }

    /// A resource the caller may see. A consultation of a published resource
    /// by anyone but its author is counted for statistics.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when it does not exist or the caller may not see it.
    pub async fn get(&self, actor: &Actor, id: ResourceId) -> Result<ResourceView, AppError> {
        let (record, author) = self.visible_with_author(actor, id).await?;
        let viewer = actor.user().map(|user| user.user_id);
        if record.state == Lifecycle::Published && viewer != Some(record.author) {
            self.ports.statistics.consulted(Consultation {
                resource: id,
                viewer,
                at: self.ports.clock.now(),
            });
        }
        self.view_with_author(actor, record, author).await
    }

    /// The caller's own resources (deleted ones excluded), newest first.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn mine(
        &self,
        author: &rr_domain::identity::AuthenticatedActor,
        after: Option<ResourceId>,
        limit: u64,
    ) -> Result<Vec<ResourceView>, AppError> {
        let records = self
            .ports
            .resources
            .list_by_author(author.user_id, after, limit.clamp(1, MAX_PAGE))
            .await?;
        let actor = Actor::User(*author);
        let mut views = Vec::with_capacity(records.len());
        for record in records {
            views.push(self.view(&actor, record).await?);
        }
        Ok(views)
    }

    async fn visible(&self, actor: &Actor, id: ResourceId) -> Result<ResourceRecord, AppError> {
        Ok(self.visible_with_author(actor, id).await?.0)
    }

    /// The resource if the caller may see it (else [`AppError::NotFound`]),
    /// with its author's username.
    async fn visible_with_author(
        &self,
        actor: &Actor,
        id: ResourceId,
    ) -> Result<(ResourceRecord, Option<Username>), AppError> {
        visible_resource(
            self.ports.resources.as_ref(),
            self.ports.users.as_ref(),
            actor,
            id,
        )
        .await
    }

    /// What the caller sees of a resource: moderation reasons and the sharing
    /// list are for its author (and staff for reasons) only.
    async fn view(&self, actor: &Actor, record: ResourceRecord) -> Result<ResourceView, AppError> {
        self.view_with_author(actor, record, None).await
    }

    /// [`Self::view`] when the author's username may be known already.
    async fn view_with_author(
        &self,
        actor: &Actor,
        record: ResourceRecord,
        author: Option<Username>,
    ) -> Result<ResourceView, AppError> {
        let is_author = matches!(actor, Actor::User(u) if u.user_id == record.author);
        let author = match author {
            Some(name) => name,
            None => self.username(record.author).await?,
        };
        let shared_with = if is_author {
            let mut names = Vec::with_capacity(record.shared_with.len());
            for user in &record.shared_with {
                if let Some(name) = self.username_opt(*user).await? {
                    names.push(name);
                }
            }
            names
        } else {
            Vec::new()
        };
        Ok(ResourceView {
            record,
            author,
            shared_with,
            is_author,
        })
    }

    async fn username_opt(&self, id: UserId) -> Result<Option<Username>, AppError> {
        Ok(self.ports.users.find(id).await?.map(|u| u.username))
    }

    async fn username(&self, id: UserId) -> Result<Username, AppError> {
        self.username_opt(id)
            .await?
            .ok_or_else(|| AppError::internal("a resource's author does not exist"))
    }

    async fn audit(
        &self,
        action: &'static str,
        actor: UserId,
        record: &ResourceRecord,
        detail: String,
    ) -> Result<(), AppError> {
        self.ports
            .audit
            .append(
                AuditEvent {
                    action,
                    actor: Some(actor),
                    subject: Some(record.author),
                    detail: format!("resource={} {detail}", record.id.as_uuid())
                        .trim_end()
                        .to_owned(),
                },
                self.ports.clock.now(),
            )
            .await
            .map_err(AppError::from)
    }
}
