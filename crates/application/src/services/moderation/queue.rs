//! The moderators' queue: resources pending review and reported content,
//! oldest first, with what moderators need to decide.

use rr_domain::community::{ContentKind, ContentRef, ReportReason};
use rr_domain::identity::{Actor, AuthenticatedActor, Role, UserId, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::can_view;

use super::{MAX_PAGE, ModerationService, facts_with, require};
use crate::AppError;
use crate::ports::{
    CommentRecord, QueueCursor, QueueEntry, QueueQuery, QueuedReport, ResourceRecord,
};
use crate::services::resources::author_of;

/// Which part of the queue a moderator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRequest {
    /// Only resources, or only comments.
    pub kind: Option<ContentKind>,
    /// Only content of resources of this category.
    pub category: Option<ReferenceId>,
    /// Only items with an open report for this reason.
    pub reason: Option<ReportReason>,
    /// Start after this item.
    pub after: Option<QueueCursor>,
    /// At most this many (1 to [`MAX_PAGE`]).
    pub limit: u64,
}

/// The content of an item, as moderators see it: all of it, whatever its
/// state (they judge it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueuedContent {
    /// A resource.
    Resource {
        /// The resource.
        record: ResourceRecord,
        /// Its author's username.
        author: Username,
    },
    /// A comment.
    Comment {
        /// The comment (no text once its author deleted it).
        record: CommentRecord,
        /// Its author's username.
        author: Username,
        /// The resource it is on.
        resource: ResourceRecord,
    },
}

/// An item of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// Since when it waits.
    pub since: time::OffsetDateTime,
    /// Its open reports, oldest first (reporters are not shown).
    pub reports: Vec<QueuedReport>,
    /// What it is.
    pub content: QueuedContent,
}

impl QueueItem {
    /// The content this item is about.
    #[must_use]
    pub fn target(&self) -> ContentRef {
        match &self.content {
            QueuedContent::Resource { record, .. } => ContentRef::Resource(record.id),
            QueuedContent::Comment { record, .. } => ContentRef::Comment {
                comment: record.id,
                resource: record.resource,
            },
        }
    }
}

/// A page of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    /// Oldest first.
    pub items: Vec<QueueItem>,
    /// Where the next page starts; `None` on the last one.
    pub next: Option<QueueCursor>,
}

impl ModerationService {
    /// A page of the queue, for moderators and above with two-factor
    /// authentication. A moderator's own content is left out: others decide
    /// on it.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_required` for staff without it,
    /// `forbidden` for everyone else.
    pub async fn queue(
        &self,
        actor: &AuthenticatedActor,
        request: QueueRequest,
    ) -> Result<QueuePage, AppError> {
        require(actor, Role::Moderator)?;
        let limit = request.limit.clamp(1, MAX_PAGE);
        let mut entries = self
            .ports
            .queue
            .page(&QueueQuery {
                kind: request.kind,
                category: request.category,
                reason: request.reason,
                after: request.after,
                limit: limit + 1,
            })
            .await?;
        let more = entries.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        entries.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more {
            entries.last().map(QueueEntry::cursor)
        } else {
            None
        };
        let mut items = Vec::with_capacity(entries.len());
        for entry in entries {
            if let Some(item) = self.queue_item(actor, entry).await? {
                items.push(item);
            }
        }
        Ok(QueuePage { items, next })
    }

    /// The entry with its content, unless it left the moderator's sight
    /// meanwhile or is theirs.
    async fn queue_item(
        &self,
        actor: &AuthenticatedActor,
        entry: QueueEntry,
    ) -> Result<Option<QueueItem>, AppError> {
        let content = match entry.target {
            ContentRef::Resource(id) => {
                let Some((record, read)) = self.ports.resources.find_with_author(id).await? else {
                    return Ok(None);
                };
                let author = author_of(self.ports.users.as_ref(), &record, read).await?;
                if !self.may_judge(actor, &record, author.restricted, record.author, false) {
                    return Ok(None);
                }
                QueuedContent::Resource {
                    record,
                    author: author.username,
                }
            }
            ContentRef::Comment { comment, resource } => {
                let Some(record) = self.ports.comments.find(comment).await? else {
                    return Ok(None);
                };
                let Some((resource, read)) =
                    self.ports.resources.find_with_author(resource).await?
                else {
                    return Ok(None);
                };
                let resource_author = author_of(self.ports.users.as_ref(), &resource, read).await?;
                let author = self
                    .ports
                    .users
                    .find(record.author)
                    .await?
                    .ok_or_else(|| AppError::internal("an author does not exist"))?;
                let restricted = author.restricted_since.is_some();
                if !self.may_judge(
                    actor,
                    &resource,
                    resource_author.restricted,
                    record.author,
                    restricted,
                ) {
                    return Ok(None);
                }
                QueuedContent::Comment {
                    record,
                    author: author.username,
                    resource,
                }
            }
        };
        Ok(Some(QueueItem {
            since: entry.since,
            reports: entry.reports,
            content,
        }))
    }

    /// Whether the moderator sees the resource (whose author may be
    /// restricted) and the content is neither theirs nor a restricted
    /// account's (GDPR Art. 18: kept, shown to its author alone).
    fn may_judge(
        &self,
        actor: &AuthenticatedActor,
        resource: &ResourceRecord,
        resource_author_restricted: bool,
        author: UserId,
        author_restricted: bool,
    ) -> bool {
        author != actor.user_id
            && !author_restricted
            && can_view(
                &Actor::User(*actor),
                &facts_with(resource, resource_author_restricted),
            )
    }
}
