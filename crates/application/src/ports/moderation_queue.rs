use async_trait::async_trait;
use rr_domain::Uuid;
use rr_domain::community::{ContentKind, ContentRef, ReportGrounds, ReportId, ReportReason};
use rr_domain::reference::ReferenceId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// Which items of the queue to list. Every filter narrows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// Only resources, or only comments.
    pub kind: Option<ContentKind>,
    /// Only content of resources of this category.
    pub category: Option<ReferenceId>,
    /// Only items with an open report for this reason.
    pub reason: Option<ReportReason>,
    /// Start after this item (keyset pagination).
    pub after: Option<QueueCursor>,
    /// At most this many.
    pub limit: u64,
}

/// A position in the queue, which is ordered by `since` then the content's
/// id, both ascending (oldest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueCursor {
    /// `since` of the last item seen (to the microsecond).
    pub since: OffsetDateTime,
    /// The id of the last item's content (a resource or a comment id).
    pub id: Uuid,
}

/// An open report, as the queue shows it to moderators (without its reporter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedReport {
    /// The report (to dismiss it).
    pub id: ReportId,
    /// Why.
    pub grounds: ReportGrounds,
    /// When.
    pub created_at: OffsetDateTime,
}

/// Content waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The content.
    pub target: ContentRef,
    /// Since when it waits: a resource pending review since its last change
    /// (its submission, an edit, or its automatic hold); reported content
    /// since its oldest open report.
    pub since: OffsetDateTime,
    /// Its open reports, oldest first (none for a resource submitted for
    /// review and never reported).
    pub reports: Vec<QueuedReport>,
}

impl QueueEntry {
    /// The position of this entry, to list what comes after it.
    #[must_use]
    pub fn cursor(&self) -> QueueCursor {
        let id = match self.target {
            ContentRef::Resource(resource) => resource.as_uuid(),
            ContentRef::Comment { comment, .. } => comment.as_uuid(),
        };
        QueueCursor {
            since: self.since,
            id,
        }
    }
}

/// Reads the moderation queue: public and restricted resources pending
/// review, and content with open reports whose resource moderators see
/// (public or restricted, submitted and not withdrawn).
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ModerationQueue: Send + Sync {
    /// The items matching `query`, oldest first (by `since`, then content
    /// id), strictly after `query.after`, `query.limit` at most. A resource
    /// pending review appears once, with its open reports if it has any.
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn page(&self, query: &QueueQuery) -> Result<Vec<QueueEntry>, RepositoryError>;
}
