use async_trait::async_trait;
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::identity::{UserId, Username};
use rr_domain::resource::ResourceId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// A comment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    /// Identifier.
    pub id: CommentId,
    /// The resource it is on.
    pub resource: ResourceId,
    /// The comment it replies to; `None` for a top-level comment.
    pub parent: Option<CommentId>,
    /// The top-level comment of its thread: its own id when top-level.
    pub root: CommentId,
    /// How far from the top: 0 for a top-level comment, the parent's depth
    /// plus one for a reply.
    pub depth: u32,
    /// Who wrote it.
    pub author: UserId,
    /// Its text; `None` exactly when the comment is deleted (a tombstone
    /// keeps nothing of its text, in storage either).
    pub body: Option<CommentBody>,
    /// Written by a moderator speaking as such (shown with a mark).
    pub as_moderator: bool,
    /// Where it is in its life (with the moderator's reason when hidden).
    pub state: CommentState,
    /// When it was posted (to the microsecond).
    pub created_at: OffsetDateTime,
    /// When its author last changed its text, if ever.
    pub edited_at: Option<OffsetDateTime>,
    /// Last change of text or state.
    pub updated_at: OffsetDateTime,
    /// Incremented by every successful update (optimistic concurrency).
    pub version: u64,
}

impl CommentRecord {
    /// Its position among the top-level comments of its resource, to ask for
    /// the ones after it.
    #[must_use]
    pub fn cursor(&self) -> ThreadCursor {
        ThreadCursor {
            created_at: self.created_at,
            id: self.id,
        }
    }
}

/// A position among the top-level comments of a resource, which are ordered
/// by `created_at` then id, both ascending (oldest first): what comes after
/// it is strictly younger, or as old with a greater id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadCursor {
    /// When the last top-level comment seen was posted (to the microsecond).
    pub created_at: OffsetDateTime,
    /// The last top-level comment seen.
    pub id: CommentId,
}

/// A comment of a thread page, with its author's public handle (read in the
/// same query, so that a page costs a bounded number of round trips).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadComment {
    /// The comment, whatever its state: deciding what a viewer sees of it is
    /// `rr_domain::community::comment_sight`'s job.
    pub comment: CommentRecord,
    /// Its author's username.
    pub author_name: Username,
    /// Whether its author restricted the processing of their account (GDPR
    /// Art. 18), read in the same query: the comment is then theirs alone.
    pub author_restricted: bool,
}

/// Stores comments.
///
/// Moderation (hold, hide, restore) reads with [`Self::find`] and writes with
/// [`Self::update`], like the author's edits and deletions.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait CommentRepository: Send + Sync {
    /// Stores a new comment (its `version` is stored as given, normally 0).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the resource, the author
    /// or the parent does not exist, or the id is taken.
    async fn insert(&self, comment: &CommentRecord) -> Result<(), RepositoryError>;

    /// The comment with this id, whatever its state.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached;
    /// [`RepositoryError::Internal`] when the stored row is corrupt.
    async fn find(&self, id: CommentId) -> Result<Option<CommentRecord>, RepositoryError>;

    /// Replaces the mutable fields of the stored comment (`body`, `state`
    /// with its reason, `edited_at`, `updated_at`) with `comment`'s, and
    /// stores the version `expected_version + 1`, only if the stored version
    /// is `expected_version` (`comment.version` is not read). Atomic: of two
    /// concurrent updates from one version, exactly one succeeds, and a
    /// refused update changes nothing. A `None` body is written as nothing
    /// (SQL `NULL`): a tombstone keeps no text.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the stored version is
    /// not `expected_version` (another writer went first) or the comment does
    /// not exist.
    async fn update(
        &self,
        comment: &CommentRecord,
        expected_version: u64,
    ) -> Result<(), RepositoryError>;

    /// A page of the thread of `resource`: its top-level comments, oldest
    /// first (by `created_at`, then id), strictly after `after`, `limit` at
    /// most; each one followed by all its replies in thread order (depth
    /// first: a reply comes right after its parent, or after its older
    /// siblings and their replies; siblings oldest first). Comments in every
    /// state are returned, tombstones included.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached;
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn thread_page(
        &self,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: u64,
    ) -> Result<Vec<ThreadComment>, RepositoryError>;
}
