//! Rows to domain types and back.
//!
//! A stored value the domain refuses is corrupt data: it surfaces as
//! [`RepositoryError::Internal`], never as a half-valid value. A value the
//! columns cannot hold (a digest of the wrong length, an instant outside years
//! 1000–9999, an over-long string) is refused the same way on every engine,
//! before MariaDB would pad, truncate or reject it and SQLite would keep it.

mod attachments;
mod audit;
mod breaches;
mod comments;
mod data_exports;
mod engagement;
mod feature_flags;
mod instant;
mod moderation;
mod notifications;
mod privacy;
mod reference;
mod resources;
mod sessions;
mod staff_access;
mod subject_requests;
mod users;

pub(crate) use attachments::{attachment_row, into_attachment};
pub(crate) use audit::into_audit_entry;
pub(crate) use breaches::{breach_row, into_breach};
pub(crate) use comments::{comment_row, into_comment};
pub(crate) use data_exports::{export_row, into_export};
pub(crate) use engagement::{ItemRow, into_progress_item, marks};
pub(crate) use feature_flags::{flag_row, into_flag};
pub(crate) use instant::{from_column, to_column};
pub(crate) use moderation::{
    into_logged, into_report, into_target, log_row, report_row, target_columns,
};
pub(crate) use notifications::{into_notification, notification_row};
pub(crate) use privacy::{consent_row, into_consent, into_policy, policy_row, stored_version};
pub(crate) use resources::{
    into_resource, relation_type_rows, resource_row, share_rows, version_column, visibility,
};
pub(crate) use sessions::session_row;
pub(crate) use staff_access::{SummaryRow, access_row, into_access, into_summary};
pub(crate) use subject_requests::{event_row, into_event, into_request, request_row};
pub(crate) use users::user_row;

use rr_application::RepositoryError;

/// Length of every stored digest and of the email blind index.
pub(crate) const DIGEST_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
#[error("stored {table} row {id} is invalid: {reason}")]
struct CorruptRow {
    table: &'static str,
    id: String,
    reason: String,
}

pub(crate) fn corrupt(
    table: &'static str,
    id: impl ToString,
    reason: impl ToString,
) -> RepositoryError {
    RepositoryError::Internal(Box::new(CorruptRow {
        table,
        id: id.to_string(),
        reason: reason.to_string(),
    }))
}

/// Parses a stored text with the domain's `parse` and insists it comes back
/// as stored: a value the domain refuses or would change is corrupt.
pub(crate) fn stored_text<T, E: std::fmt::Display>(
    table: &'static str,
    id: uuid::Uuid,
    column: &str,
    stored: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    as_str: impl FnOnce(&T) -> &str,
) -> Result<T, RepositoryError> {
    let value = parse(stored).map_err(|e| corrupt(table, id, format!("{column}: {e}")))?;
    if as_str(&value) == stored {
        Ok(value)
    } else {
        Err(corrupt(table, id, format!("{column} is not trimmed")))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{table}.{column} cannot store this value: {reason}")]
struct Unstorable {
    table: &'static str,
    column: &'static str,
    reason: String,
}

fn unstorable(table: &'static str, column: &'static str, reason: impl ToString) -> RepositoryError {
    RepositoryError::Internal(Box::new(Unstorable {
        table,
        column,
        reason: reason.to_string(),
    }))
}

/// `bytes` as a digest column's value: exactly [`DIGEST_LEN`] bytes.
///
/// # Errors
/// [`RepositoryError::Internal`] for any other length (`binary(32)` would pad it).
pub(crate) fn digest(
    table: &'static str,
    column: &'static str,
    bytes: &[u8],
) -> Result<Vec<u8>, RepositoryError> {
    if bytes.len() == DIGEST_LEN {
        Ok(bytes.to_vec())
    } else {
        Err(unstorable(
            table,
            column,
            format!("{} bytes instead of {DIGEST_LEN}", bytes.len()),
        ))
    }
}

/// `value` as a `varchar(max_chars)` column's value.
///
/// # Errors
/// [`RepositoryError::Internal`] when longer.
pub(crate) fn bounded(
    table: &'static str,
    column: &'static str,
    value: &str,
    max_chars: usize,
) -> Result<String, RepositoryError> {
    if value.chars().count() <= max_chars {
        Ok(value.to_owned())
    } else {
        Err(unstorable(
            table,
            column,
            format!("longer than {max_chars} characters"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_must_have_the_column_length() {
        assert!(digest("sessions", "refresh_digest", &[7; 32]).is_ok());
        for len in [0, 31, 33, 64] {
            assert!(matches!(
                digest("sessions", "refresh_digest", &vec![7; len]),
                Err(RepositoryError::Internal(_))
            ));
        }
    }

    #[test]
    fn strings_are_bounded_in_characters_not_bytes() {
        assert!(bounded("users", "policy_version", &"é".repeat(32), 32).is_ok());
        assert!(bounded("users", "policy_version", &"e".repeat(33), 32).is_err());
    }
}
