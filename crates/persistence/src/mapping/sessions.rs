//! Sessions: `sessions` rows to [`SessionRecord`] and back.

use rr_application::RepositoryError;
use rr_application::ports::SessionRecord;
use rr_domain::identity::{SessionId, UserId};
use sea_orm::ActiveValue::Set;

use super::{digest, from_column, to_column};
use crate::entities::session;

/// Longest client description the column holds, in characters.
const CLIENT_MAX_CHARS: usize = 200;

/// Every column of `session`, set. The client description is cut to the
/// column's 200 characters: it is a hint for its owner, already truncated by
/// design, and must not fail a login.
///
/// # Errors
/// [`RepositoryError::Internal`] when the digest or an instant does not fit.
pub(crate) fn session_row(
    session: &SessionRecord,
) -> Result<session::ActiveModel, RepositoryError> {
    Ok(session::ActiveModel {
        id: Set(session.id.as_uuid()),
        user_id: Set(session.user_id.as_uuid()),
        refresh_digest: Set(digest(
            "sessions",
            "refresh_digest",
            &session.refresh_digest,
        )?),
        created_at: Set(to_column(session.created_at)?),
        last_used_at: Set(to_column(session.last_used_at)?),
        expires_at: Set(to_column(session.expires_at)?),
        revoked_at: Set(session.revoked_at.map(to_column).transpose()?),
        client: Set(session
            .client
            .as_ref()
            .map(|client| client.chars().take(CLIENT_MAX_CHARS).collect())),
    })
}

impl From<session::Model> for SessionRecord {
    fn from(row: session::Model) -> Self {
        Self {
            id: SessionId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            refresh_digest: row.refresh_digest,
            created_at: from_column(row.created_at),
            last_used_at: from_column(row.last_used_at),
            expires_at: from_column(row.expires_at),
            revoked_at: row.revoked_at.map(from_column),
            client: row.client,
        }
    }
}
