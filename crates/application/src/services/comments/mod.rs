//! Comments on resources (DESIGN.md §1 "Comments"; ADR 0015): threads of
//! replies, edits and tombstones by their authors, and the pages of a
//! resource's thread.
//!
//! Rules decided here:
//! - A comment lives on a resource the caller may see
//!   (`rr_domain::resource::can_view`); any other is [`AppError::NotFound`].
//!   Reading needs no account (visitors read public resources' threads);
//!   writing does.
//! - Only a published resource takes new comments (`comments_closed`
//!   otherwise): drafts, resources under review, rejected, suspended or
//!   archived ones are closed, and their threads read only by those who see
//!   them.
//! - A reply's parent is a comment of the same resource (`unknown_parent`
//!   otherwise, whether it exists elsewhere or not), visible (a deleted,
//!   held or hidden comment takes no reply: `parent_unavailable`), and no
//!   deeper than [`CommentPolicy::max_depth`] minus one (`thread_too_deep`).
//! - Only a moderator (or above) with two-factor authentication speaks as a
//!   moderator.
//! - Only its author edits or deletes a comment; moderators hide it instead
//!   (`services::moderation`). What each viewer reads of a comment is
//!   `rr_domain::community::comment_sight`'s decision.
//! - A reply tells the parent's author (not oneself), after it is stored.

mod read;
mod view;
mod write;

pub use view::{CommentContent, CommentPage, CommentView, NewComment};

use std::sync::Arc;

use rr_domain::community::CommentId;
use rr_domain::identity::{Actor, UserId, Username};
use rr_domain::resource::ResourceId;

use crate::AppError;
use crate::ports::{
    Clock, CommentRecord, CommentRepository, Notifier, ResourceRecord, ResourceRepository,
    UserRepository,
};
use crate::services::WriteLimiter;

/// The bounds of threads and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentPolicy {
    /// Deepest reply: a top-level comment is at depth 0, a reply to it at 1.
    /// At most [`Self::DEEPEST`].
    pub max_depth: u32,
    /// Top-level comments of a page unless the caller asks otherwise.
    pub page_size: u64,
    /// Most top-level comments a caller may ask for in a page.
    pub max_page_size: u64,
}

impl CommentPolicy {
    /// Deepest `max_depth` accepted: MariaDB cascades a deletion through 15
    /// levels of a table referencing itself at most.
    pub const DEEPEST: u32 = 10;
}

impl Default for CommentPolicy {
    /// Replies five deep; pages of 20 top-level comments, 50 at most.
    fn default() -> Self {
        Self {
            max_depth: 5,
            page_size: 20,
            max_page_size: 50,
        }
    }
}

/// The ports the comment use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct CommentPorts {
    /// Comments.
    pub comments: Arc<dyn CommentRepository>,
    /// Resources, to decide what the caller may see.
    pub resources: Arc<dyn ResourceRepository>,
    /// Accounts (usernames of authors).
    pub users: Arc<dyn UserRepository>,
    /// Tells a comment's author about replies.
    pub notifier: Arc<dyn Notifier>,
    /// Per-account budget of new comments.
    pub write_limits: Arc<WriteLimiter>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Comments on resources.
#[derive(Clone)]
pub struct CommentService {
    ports: CommentPorts,
    policy: CommentPolicy,
}

impl std::fmt::Debug for CommentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommentService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl CommentService {
    /// Builds the service; a `max_depth` above [`CommentPolicy::DEEPEST`]
    /// is lowered to it, and page sizes are kept at 1 or more.
    #[must_use]
    pub fn new(ports: CommentPorts, policy: CommentPolicy) -> Self {
        let max_page_size = policy.max_page_size.max(1);
        Self {
            ports,
            policy: CommentPolicy {
                max_depth: policy.max_depth.min(CommentPolicy::DEEPEST),
                page_size: policy.page_size.clamp(1, max_page_size),
                max_page_size,
            },
        }
    }

    /// The bounds in force.
    #[must_use]
    pub fn policy(&self) -> CommentPolicy {
        self.policy
    }

    /// The resource if `actor` may see it, else [`AppError::NotFound`].
    async fn visible_resource(
        &self,
        actor: &Actor,
        id: ResourceId,
    ) -> Result<ResourceRecord, AppError> {
        // One statement for all but shared resources (the author's username
        // and restriction come along).
        let (record, _) = crate::services::resources::visible_resource(
            self.ports.resources.as_ref(),
            self.ports.users.as_ref(),
            actor,
            id,
        )
        .await?;
        Ok(record)
    }

    /// The comment and its resource, if `actor` may see the resource; else
    /// [`AppError::NotFound`].
    async fn visible_comment(
        &self,
        actor: &Actor,
        id: CommentId,
    ) -> Result<(CommentRecord, ResourceRecord), AppError> {
        let comment = self
            .ports
            .comments
            .find(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let resource = self.visible_resource(actor, comment.resource).await?;
        Ok((comment, resource))
    }

    async fn username(&self, id: UserId) -> Result<Username, AppError> {
        self.ports
            .users
            .find(id)
            .await?
            .map(|user| user.username)
            .ok_or_else(|| AppError::internal("a comment's author does not exist"))
    }
}
