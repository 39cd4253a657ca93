//! Notifications: `notifications` rows to [`Notification`] and back.
//!
//! The kind is stored as its code beside the ids it concerns; on the way out
//! the code must name a kind and the columns must be exactly those the kind
//! has (a reply without its reply id, or a reason on an approval, is corrupt).

use rr_application::RepositoryError;
use rr_domain::community::{CommentId, ContentRef, Notification, NotificationId, NotificationKind};
use rr_domain::identity::UserId;
use rr_domain::resource::ResourceId;
use sea_orm::ActiveValue::Set;

use super::{bounded, corrupt, from_column, to_column};
use crate::entities::notification;

const TABLE: &str = "notifications";

/// Width of the `kind` column.
const KIND_MAX_CHARS: usize = 32;

/// Every column of `notification`, set, ready for an insert.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn notification_row(
    notification: &Notification,
) -> Result<notification::ActiveModel, RepositoryError> {
    let kind = &notification.kind;
    Ok(notification::ActiveModel {
        id: Set(notification.id.as_uuid()),
        recipient_id: Set(notification.recipient.as_uuid()),
        kind: Set(bounded(TABLE, "kind", kind.code(), KIND_MAX_CHARS)?),
        resource_id: Set(kind.resource().as_uuid()),
        comment_id: Set(kind.comment().map(|c| c.as_uuid())),
        reply_id: Set(kind.reply().map(|c| c.as_uuid())),
        reason: Set(kind.reason().map(str::to_owned)),
        created_at: Set(to_column(notification.created_at)?),
        read_at: Set(notification.read_at.map(to_column).transpose()?),
    })
}

/// The kind `row` stores, if its columns are those of its code.
fn kind_of(row: &notification::Model) -> Option<NotificationKind> {
    let resource = ResourceId::from_uuid(row.resource_id);
    let comment = row.comment_id.map(CommentId::from_uuid);
    let reply = row.reply_id.map(CommentId::from_uuid);
    let reason = row.reason.clone();
    let target = match comment {
        Some(comment) => ContentRef::Comment { comment, resource },
        None => ContentRef::Resource(resource),
    };
    let kind = match (row.kind.as_str(), reply, reason) {
        ("resource_approved", None, None) => NotificationKind::ResourceApproved { resource },
        ("resource_rejected", None, Some(reason)) => {
            NotificationKind::ResourceRejected { resource, reason }
        }
        ("resource_suspended", None, Some(reason)) => {
            NotificationKind::ResourceSuspended { resource, reason }
        }
        ("resource_reinstated", None, None) => NotificationKind::ResourceReinstated { resource },
        ("comment_reply", Some(reply), None) => NotificationKind::CommentReply {
            resource,
            parent: comment?,
            reply,
        },
        ("content_hidden", None, reason) => NotificationKind::ContentHidden { target, reason },
        ("content_restored", None, None) => NotificationKind::ContentRestored { target },
        _ => return None,
    };
    // Columns the kind does not have (a comment id on a resource's approval).
    (kind.comment() == comment).then_some(kind)
}

/// The notification of `row`.
///
/// # Errors
/// [`RepositoryError::Internal`] when the columns do not make a notification.
pub(crate) fn into_notification(row: notification::Model) -> Result<Notification, RepositoryError> {
    let kind = kind_of(&row).ok_or_else(|| {
        corrupt(
            TABLE,
            row.id,
            format!("columns do not match the kind {:?}", row.kind),
        )
    })?;
    Ok(Notification {
        id: NotificationId::from_uuid(row.id),
        recipient: UserId::from_uuid(row.recipient_id),
        kind,
        created_at: from_column(row.created_at),
        read_at: row.read_at.map(from_column),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn model(active: notification::ActiveModel) -> notification::Model {
        notification::Model {
            id: active.id.unwrap(),
            recipient_id: active.recipient_id.unwrap(),
            kind: active.kind.unwrap(),
            resource_id: active.resource_id.unwrap(),
            comment_id: active.comment_id.unwrap(),
            reply_id: active.reply_id.unwrap(),
            reason: active.reason.unwrap(),
            created_at: active.created_at.unwrap(),
            read_at: active.read_at.unwrap(),
        }
    }

    fn every_kind() -> Vec<NotificationKind> {
        let resource = ResourceId::generate();
        let comment = ContentRef::Comment {
            comment: CommentId::generate(),
            resource,
        };
        vec![
            NotificationKind::ResourceApproved { resource },
            NotificationKind::ResourceRejected {
                resource,
                reason: "Hors sujet".into(),
            },
            NotificationKind::ResourceSuspended {
                resource,
                reason: "Lien mort".into(),
            },
            NotificationKind::ResourceReinstated { resource },
            NotificationKind::CommentReply {
                resource,
                parent: CommentId::generate(),
                reply: CommentId::generate(),
            },
            NotificationKind::ContentHidden {
                target: comment,
                reason: None,
            },
            NotificationKind::ContentHidden {
                target: ContentRef::Resource(resource),
                reason: Some("Injurieux".into()),
            },
            NotificationKind::ContentRestored { target: comment },
            NotificationKind::ContentRestored {
                target: ContentRef::Resource(resource),
            },
        ]
    }

    #[test]
    fn every_kind_maps_and_back() {
        for kind in every_kind() {
            let notification = Notification::new(
                UserId::generate(),
                kind,
                datetime!(2026-11-29 10:00:00.123456 UTC),
            )
            .read(datetime!(2026-11-29 11:00 UTC));

            let back = into_notification(model(notification_row(&notification).unwrap()));

            assert_eq!(back.unwrap(), notification);
        }
    }

    #[test]
    fn rows_whose_columns_do_not_match_their_kind_are_corrupt() {
        let reply = Notification::new(
            UserId::generate(),
            every_kind().swap_remove(4),
            datetime!(2026-11-29 10:00 UTC),
        );
        let row = || model(notification_row(&reply).unwrap());
        let corruptions: [fn(&mut notification::Model); 6] = [
            |r| r.kind = "resource_deleted".into(),
            |r| r.reply_id = None,
            |r| r.comment_id = None,
            |r| r.reason = Some("x".into()),
            |r| r.kind = "resource_approved".into(),
            |r| r.kind = "content_restored".into(),
        ];
        for corrupt in corruptions {
            let mut row = row();
            corrupt(&mut row);
            assert!(matches!(
                into_notification(row),
                Err(RepositoryError::Internal(_))
            ));
        }
    }
}
