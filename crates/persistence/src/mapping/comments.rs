//! Comments: `comments` rows to [`CommentRecord`] and back.
//!
//! The state is two columns: `state`, its machine name, and `state_reason`,
//! present exactly when hidden. The text is `NULL` exactly for a tombstone
//! (the migration's checks say so too). A stored text is parsed again on the
//! way out and must come back unchanged.

use rr_application::RepositoryError;
use rr_application::ports::CommentRecord;
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::identity::UserId;
use rr_domain::resource::ResourceId;
use sea_orm::ActiveValue::Set;

use super::{corrupt, from_column, stored_text, to_column, unstorable};
use crate::entities::comment;

const TABLE: &str = "comments";

/// Largest `text` value on MariaDB, in bytes.
const TEXT_MAX_BYTES: usize = 65_535;

/// Every column of `comment`, set, ready for an insert.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column or the
/// record breaks the tombstone rule (a deleted comment with a text, or a
/// live one without).
pub(crate) fn comment_row(
    comment: &CommentRecord,
) -> Result<comment::ActiveModel, RepositoryError> {
    let (state, state_reason) = state_columns(&comment.state)?;
    let body = match (&comment.state, &comment.body) {
        (CommentState::Deleted, None) => None,
        (CommentState::Deleted, Some(_)) => {
            return Err(unstorable(TABLE, "body", "a tombstone keeps no text"));
        }
        (_, Some(body)) => Some(body.as_str().to_owned()),
        (_, None) => return Err(unstorable(TABLE, "body", "a live comment has a text")),
    };
    Ok(comment::ActiveModel {
        id: Set(comment.id.as_uuid()),
        resource_id: Set(comment.resource.as_uuid()),
        parent_id: Set(comment.parent.map(|parent| parent.as_uuid())),
        root_id: Set(comment.root.as_uuid()),
        depth: Set(i16::try_from(comment.depth).map_err(|e| unstorable(TABLE, "depth", e))?),
        author_id: Set(comment.author.as_uuid()),
        body: Set(body),
        as_moderator: Set(comment.as_moderator),
        state: Set(state.to_owned()),
        state_reason: Set(state_reason),
        created_at: Set(to_column(comment.created_at)?),
        edited_at: Set(comment.edited_at.map(to_column).transpose()?),
        updated_at: Set(to_column(comment.updated_at)?),
        version: Set(i64::try_from(comment.version).map_err(|e| unstorable(TABLE, "version", e))?),
    })
}

fn state_columns(state: &CommentState) -> Result<(&'static str, Option<String>), RepositoryError> {
    let reason = match state {
        CommentState::Hidden { reason } => {
            if reason.len() > TEXT_MAX_BYTES {
                return Err(unstorable(
                    TABLE,
                    "state_reason",
                    format!("longer than {TEXT_MAX_BYTES} bytes"),
                ));
            }
            Some(reason.clone())
        }
        CommentState::Visible | CommentState::Held | CommentState::Deleted => None,
    };
    Ok((state.name(), reason))
}

fn state(row: &comment::Model) -> Result<CommentState, RepositoryError> {
    match (row.state.as_str(), &row.state_reason) {
        ("visible", None) => Ok(CommentState::Visible),
        ("held", None) => Ok(CommentState::Held),
        ("hidden", Some(reason)) => Ok(CommentState::Hidden {
            reason: reason.clone(),
        }),
        ("deleted", None) => Ok(CommentState::Deleted),
        (other, reason) => Err(corrupt(
            TABLE,
            row.id,
            format!(
                "state {other:?} {} a reason",
                if reason.is_some() { "with" } else { "without" }
            ),
        )),
    }
}

/// The comment of `row`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a stored value is refused by the domain
/// or breaks the tombstone rule.
pub(crate) fn into_comment(row: comment::Model) -> Result<CommentRecord, RepositoryError> {
    let state = state(&row)?;
    let body = match (&state, row.body.as_deref()) {
        (CommentState::Deleted, None) => None,
        (CommentState::Deleted, Some(_)) => {
            return Err(corrupt(TABLE, row.id, "a tombstone with a text"));
        }
        (_, Some(stored)) => Some(stored_text(
            TABLE,
            row.id,
            "body",
            stored,
            CommentBody::parse,
            CommentBody::as_str,
        )?),
        (_, None) => return Err(corrupt(TABLE, row.id, "a live comment without text")),
    };
    let depth = u32::try_from(row.depth).map_err(|e| corrupt(TABLE, row.id, e))?;
    let version = u64::try_from(row.version).map_err(|e| corrupt(TABLE, row.id, e))?;
    if (depth == 0) != row.parent_id.is_none() {
        return Err(corrupt(TABLE, row.id, "depth and parent disagree"));
    }
    Ok(CommentRecord {
        id: CommentId::from_uuid(row.id),
        resource: ResourceId::from_uuid(row.resource_id),
        parent: row.parent_id.map(CommentId::from_uuid),
        root: CommentId::from_uuid(row.root_id),
        depth,
        author: UserId::from_uuid(row.author_id),
        body,
        as_moderator: row.as_moderator,
        state,
        created_at: from_column(row.created_at),
        edited_at: row.edited_at.map(from_column),
        updated_at: from_column(row.updated_at),
        version,
    })
}
