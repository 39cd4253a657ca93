//! Account administration for administrators (find accounts, read one with
//! its personal data) and the staff access journal its reads feed, which
//! each person reads about themselves (DESIGN.md §1, §4; ADR 0019).
//!
//! Lists never open sealed data. Every read of a person's personal data by
//! staff (an account's detail, an account found by its exact email) is
//! journaled with its reason and fields *before* the data is returned, and
//! appended to the audit log; if either write fails, nothing is shown.

mod detail;
mod journal;
mod search;

pub use detail::AccountDetail;
pub use journal::JournalPage;
pub use search::{AccountLookup, AccountPage, AccountSearch};

use std::sync::Arc;

use rr_domain::identity::{
    AccessId, AccessReason, AuthenticatedActor, PersonalField, Role, UserId,
};

use crate::AppError;
use crate::ports::{
    AccountDirectory, AuditEvent, AuditLog, BlindIndex, Clock, FieldCipher, StaffAccess,
    StaffAccessJournal, UserRepository,
};

/// Longest page of a list.
pub const MAX_PAGE: u64 = 100;

/// The ports account administration needs.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct AccountAdminPorts {
    /// Accounts (the detail, the email lookup).
    pub users: Arc<dyn UserRepository>,
    /// Lists of accounts, without personal data.
    pub directory: Arc<dyn AccountDirectory>,
    /// The staff access journal.
    pub journal: Arc<dyn StaffAccessJournal>,
    /// Opening of personal data.
    pub cipher: Arc<dyn FieldCipher>,
    /// Email blind index.
    pub blind_index: Arc<dyn BlindIndex>,
    /// Security audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Account administration and the staff access journal.
#[derive(Clone)]
pub struct AccountAdminService {
    ports: AccountAdminPorts,
}

impl std::fmt::Debug for AccountAdminService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountAdminService")
            .finish_non_exhaustive()
    }
}

impl AccountAdminService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: AccountAdminPorts) -> Self {
        Self { ports }
    }

    /// Journals, then audits, a read of `fields` of `subject`'s data.
    async fn journal(
        &self,
        actor: &AuthenticatedActor,
        subject: UserId,
        reason: AccessReason,
        fields: Vec<PersonalField>,
    ) -> Result<(), AppError> {
        let at = self.ports.clock.now();
        let names = fields
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",");
        self.ports
            .journal
            .record(&StaffAccess {
                id: AccessId::generate(),
                at,
                staff: actor.user_id,
                staff_role: actor.role,
                subject,
                reason,
                fields,
            })
            .await?;
        // The reason is free text and may name people: it stays in the
        // journal, which is erased with the person's account.
        self.ports
            .audit
            .append(
                AuditEvent {
                    action: "personal_data_read",
                    actor: Some(actor.user_id),
                    subject: Some(subject),
                    detail: format!("fields={names}"),
                },
                at,
            )
            .await?;
        Ok(())
    }
}

/// Administrators need their role and two-factor authentication; those who
/// have the role but not the second factor are told what is missing.
fn require_administrator(actor: &AuthenticatedActor) -> Result<(), AppError> {
    if actor.may_act_as(Role::Administrator) {
        Ok(())
    } else if actor.role >= Role::Administrator && !actor.two_factor {
        Err(AppError::Forbidden("two_factor_required"))
    } else {
        Err(AppError::Forbidden("forbidden"))
    }
}
