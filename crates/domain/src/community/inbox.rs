//! An account's inbox: notifications as kept, read or not.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{CommentId, ContentRef, NotificationKind};
use crate::identity::UserId;
use crate::resource::ResourceId;

/// Identifier of a notification. Time-ordered: a newer notification has a
/// greater id, which is what an inbox is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NotificationId(Uuid);

impl NotificationId {
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

/// A notification in its recipient's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Identifier.
    pub id: NotificationId,
    /// Whose inbox it is in.
    pub recipient: UserId,
    /// What happened.
    pub kind: NotificationKind,
    /// When it was sent.
    pub created_at: OffsetDateTime,
    /// When its recipient first marked it read; `None` while unread.
    pub read_at: Option<OffsetDateTime>,
}

impl Notification {
    /// A new, unread notification for `recipient`, sent `at`.
    #[must_use]
    pub fn new(recipient: UserId, kind: NotificationKind, at: OffsetDateTime) -> Self {
        Self {
            id: NotificationId::generate(),
            recipient,
            kind,
            created_at: at,
            read_at: None,
        }
    }

    /// Whether its recipient has read it.
    #[must_use]
    pub fn is_read(&self) -> bool {
        self.read_at.is_some()
    }

    /// The notification read `at`. Reading it again changes nothing: the
    /// first reading is the one kept.
    #[must_use]
    pub fn read(self, at: OffsetDateTime) -> Self {
        Self {
            read_at: Some(self.read_at.unwrap_or(at)),
            ..self
        }
    }
}

impl NotificationKind {
    /// The resource the notification is about, or the resource the comment
    /// it is about belongs to. Every notification concerns one.
    #[must_use]
    pub fn resource(&self) -> ResourceId {
        match self {
            Self::ResourceApproved { resource }
            | Self::ResourceRejected { resource, .. }
            | Self::ResourceSuspended { resource, .. }
            | Self::ResourceReinstated { resource }
            | Self::CommentReply { resource, .. } => *resource,
            Self::ContentHidden { target, .. } | Self::ContentRestored { target } => {
                target.resource()
            }
        }
    }

    /// The comment the notification is about: the recipient's comment that
    /// was replied to, or the comment hidden or restored.
    #[must_use]
    pub fn comment(&self) -> Option<CommentId> {
        match self {
            Self::CommentReply { parent, .. } => Some(*parent),
            Self::ContentHidden {
                target: ContentRef::Comment { comment, .. },
                ..
            }
            | Self::ContentRestored {
                target: ContentRef::Comment { comment, .. },
            } => Some(*comment),
            _ => None,
        }
    }

    /// The reply, for a [`NotificationKind::CommentReply`].
    #[must_use]
    pub fn reply(&self) -> Option<CommentId> {
        match self {
            Self::CommentReply { reply, .. } => Some(*reply),
            _ => None,
        }
    }

    /// The reason a moderator gave, when there is one.
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::ResourceRejected { reason, .. } | Self::ResourceSuspended { reason, .. } => {
                Some(reason)
            }
            Self::ContentHidden { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn unread() -> Notification {
        Notification::new(
            UserId::generate(),
            NotificationKind::ResourceApproved {
                resource: ResourceId::generate(),
            },
            datetime!(2026-11-29 10:00 UTC),
        )
    }

    #[test]
    fn a_new_notification_is_unread() {
        assert!(!unread().is_read());
    }

    #[test]
    fn the_first_reading_is_kept() {
        let first = datetime!(2026-11-29 11:00 UTC);
        let read = unread().read(first);
        assert_eq!(read.read_at, Some(first));

        let again = read.read(datetime!(2026-11-29 12:00 UTC));

        assert_eq!(again.read_at, Some(first));
    }

    #[test]
    fn ids_grow_with_time() {
        let older = NotificationId::generate();
        let newer = NotificationId::generate();
        assert!(newer > older);
    }

    #[test]
    fn every_kind_names_its_resource_comments_and_reason() {
        let resource = ResourceId::generate();
        let (parent, reply) = (CommentId::generate(), CommentId::generate());
        let on_comment = ContentRef::Comment {
            comment: parent,
            resource,
        };
        let cases = [
            (
                NotificationKind::ResourceRejected {
                    resource,
                    reason: "Hors sujet".into(),
                },
                None,
                None,
                Some("Hors sujet"),
            ),
            (
                NotificationKind::ResourceReinstated { resource },
                None,
                None,
                None,
            ),
            (
                NotificationKind::CommentReply {
                    resource,
                    parent,
                    reply,
                },
                Some(parent),
                Some(reply),
                None,
            ),
            (
                NotificationKind::ContentHidden {
                    target: on_comment,
                    reason: None,
                },
                Some(parent),
                None,
                None,
            ),
            (
                NotificationKind::ContentHidden {
                    target: ContentRef::Resource(resource),
                    reason: Some("Injurieux".into()),
                },
                None,
                None,
                Some("Injurieux"),
            ),
            (
                NotificationKind::ContentRestored { target: on_comment },
                Some(parent),
                None,
                None,
            ),
        ];
        for (kind, comment, replied, reason) in cases {
            assert_eq!(kind.resource(), resource, "{kind:?}");
            assert_eq!(kind.comment(), comment, "{kind:?}");
            assert_eq!(kind.reply(), replied, "{kind:?}");
            assert_eq!(kind.reason(), reason, "{kind:?}");
        }
    }
}
