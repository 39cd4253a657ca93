use super::{CommentId, ContentRef};
use crate::resource::ResourceId;

/// What an account is told about its content.
///
/// A notification carries identifiers and, for a moderator's decision, the
/// reason given to the author; never the text of a comment, so that hiding or
/// deleting a comment cannot leave a copy of it in someone's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationKind {
    /// A moderator published the author's resource.
    ResourceApproved {
        /// The resource.
        resource: ResourceId,
    },
    /// A moderator sent the resource back to its author, who may revise it.
    ResourceRejected {
        /// The resource.
        resource: ResourceId,
        /// Why, as the moderator wrote it.
        reason: String,
    },
    /// A moderator took the author's published resource down.
    ResourceSuspended {
        /// The resource.
        resource: ResourceId,
        /// Why, as the moderator wrote it.
        reason: String,
    },
    /// A moderator put the author's suspended resource back.
    ResourceReinstated {
        /// The resource.
        resource: ResourceId,
    },
    /// Someone replied to the recipient's comment.
    CommentReply {
        /// The resource the thread belongs to.
        resource: ResourceId,
        /// The recipient's comment.
        parent: CommentId,
        /// The reply.
        reply: CommentId,
    },
    /// The recipient's content was hidden: by reports pending review (no
    /// reason yet) or by a moderator (with the reason).
    ContentHidden {
        /// What was hidden.
        target: ContentRef,
        /// Why, when a moderator decided.
        reason: Option<String>,
    },
    /// The recipient's hidden content is visible again.
    ContentRestored {
        /// What was restored.
        target: ContentRef,
    },
}

impl NotificationKind {
    /// Stable machine name, part of the API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::ResourceApproved { .. } => "resource_approved",
            Self::ResourceRejected { .. } => "resource_rejected",
            Self::ResourceSuspended { .. } => "resource_suspended",
            Self::ResourceReinstated { .. } => "resource_reinstated",
            Self::CommentReply { .. } => "comment_reply",
            Self::ContentHidden { .. } => "content_hidden",
            Self::ContentRestored { .. } => "content_restored",
        }
    }
}
