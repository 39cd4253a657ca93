//! Inputs and outputs of the comment use cases, and what a viewer sees of a
//! comment (decided by `rr_domain::community::comment_sight`).

use rr_domain::community::{CommentBody, CommentId, CommentSight, CommentState, comment_sight};
use rr_domain::identity::{Actor, Username};
use rr_domain::resource::ResourceId;
use time::OffsetDateTime;

use crate::ports::{CommentRecord, ThreadCursor};

/// A new comment, parsed.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// Its text.
    pub body: CommentBody,
    /// The comment it replies to; `None` for a top-level comment.
    pub parent: Option<CommentId>,
    /// Whether a moderator speaks as such (marked in the thread).
    pub as_moderator: bool,
}

/// What a viewer may read of a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentContent {
    /// The whole comment.
    Full {
        /// Its text.
        body: CommentBody,
        /// Its author's public handle.
        author: Username,
        /// Whether the viewer wrote it.
        is_author: bool,
        /// Written by a moderator speaking as such.
        as_moderator: bool,
        /// Its true state: visible, or, for its author and moderators, held
        /// or hidden (with the moderator's reason).
        state: CommentState,
        /// When its author last changed its text, if ever.
        edited_at: Option<OffsetDateTime>,
    },
    /// Held or hidden, and this viewer may not read it: no text, author,
    /// reason, nor whether it is held or hidden.
    Withheld,
    /// Deleted by its author: nothing of it but its place.
    Deleted,
}

/// A comment as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentView {
    /// Identifier.
    pub id: CommentId,
    /// The resource it is on.
    pub resource: ResourceId,
    /// The comment it replies to, if any.
    pub parent: Option<CommentId>,
    /// 0 for a top-level comment, the parent's depth plus one for a reply.
    pub depth: u32,
    /// When it was posted.
    pub created_at: OffsetDateTime,
    /// What the viewer may read of it.
    pub content: CommentContent,
}

impl CommentView {
    /// What `viewer` sees of `comment`, written by `author` (whose account
    /// may be restricted, GDPR Art. 18).
    #[must_use]
    pub fn of(
        viewer: &Actor,
        comment: CommentRecord,
        author: Username,
        author_restricted: bool,
    ) -> Self {
        let content = match comment_sight(viewer, comment.author, author_restricted, &comment.state)
        {
            CommentSight::Full => match comment.body {
                Some(body) => CommentContent::Full {
                    body,
                    author,
                    is_author: viewer.user().is_some_and(|u| u.user_id == comment.author),
                    as_moderator: comment.as_moderator,
                    state: comment.state,
                    edited_at: comment.edited_at,
                },
                // Only a tombstone has no text, and tombstones are never
                // shown in full; a record breaking that shows nothing.
                None => CommentContent::Deleted,
            },
            CommentSight::Withheld => CommentContent::Withheld,
            CommentSight::Tombstone => CommentContent::Deleted,
        };
        Self {
            id: comment.id,
            resource: comment.resource,
            parent: comment.parent,
            depth: comment.depth,
            created_at: comment.created_at,
            content,
        }
    }
}

/// A page of a resource's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPage {
    /// Top-level comments oldest first, each followed by its replies in
    /// thread order (depth first, siblings oldest first).
    pub items: Vec<CommentView>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<ThreadCursor>,
}
