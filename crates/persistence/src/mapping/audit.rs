//! Audit entries: `audit_log` rows to [`AuditEntry`].

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

use rr_application::RepositoryError;
use rr_application::ports::{AuditEntry, AuditEvent};
use rr_domain::identity::UserId;

use super::{corrupt, from_column};
use crate::entities::audit_entry;

/// The entry a row holds.
///
/// # Errors
/// [`RepositoryError::Internal`] when the sequence is not positive.
pub(crate) fn into_audit_entry(row: audit_entry::Model) -> Result<AuditEntry, RepositoryError> {
    Ok(AuditEntry {
        sequence: u64::try_from(row.sequence).map_err(|e| corrupt("audit_log", row.sequence, e))?,
        at: from_column(row.at),
        event: AuditEvent {
            action: static_action(row.action),
            actor: row.actor_id.map(UserId::from_uuid),
            subject: row.subject_id.map(UserId::from_uuid),
            detail: row.detail,
        },
        previous_hash: row.previous_hash,
        hash: row.hash,
    })
}

/// The `&'static str` [`AuditEvent::action`] requires, for an action read back.
///
/// Actions are names fixed in the code (`login_failed`, `role_changed`, …), so
/// each distinct name read is leaked once and reused: the memory held is
/// bounded by the number of distinct names in the log, never by its length.
pub(crate) fn static_action(action: String) -> &'static str {
    static KNOWN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut known = KNOWN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(&name) = known.get(action.as_str()) {
        return name;
    }
    let name: &'static str = Box::leak(action.into_boxed_str());
    known.insert(name);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_action_name_is_leaked_once() {
        let first = static_action("login_failed".to_owned());
        let second = static_action("login_failed".to_owned());
        assert_eq!(first, "login_failed");
        assert!(std::ptr::eq(first, second));
    }
}
