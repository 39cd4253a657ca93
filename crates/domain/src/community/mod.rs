//! Community: comments on resources, the reports citizens make about what
//! they read, and what the platform tells an account about its content
//! (DESIGN.md §1 "Comments").

mod comment;
mod inbox;
mod moderation;
mod notification;
mod report;

pub use comment::{CommentBody, CommentSight, CommentState, CommentTransitionError, comment_sight};
pub use inbox::{Notification, NotificationId};
pub use moderation::{ContentKind, ModerationAction};
pub use notification::NotificationKind;
pub use report::{ReportClosed, ReportGrounds, ReportId, ReportReason, ReportStatus, ReportText};

use uuid::Uuid;

use crate::resource::ResourceId;

/// Identifier of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommentId(Uuid);

impl CommentId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// A piece of content citizens can report and moderators can hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentRef {
    /// A resource.
    Resource(ResourceId),
    /// A comment on a resource.
    Comment {
        /// The comment.
        comment: CommentId,
        /// The resource it belongs to.
        resource: ResourceId,
    },
}

impl ContentRef {
    /// Stable machine name of the kind of content.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Resource(_) => "resource",
            Self::Comment { .. } => "comment",
        }
    }

    /// The resource the content is, or belongs to.
    #[must_use]
    pub fn resource(&self) -> ResourceId {
        match *self {
            Self::Resource(resource) | Self::Comment { resource, .. } => resource,
        }
    }
}
