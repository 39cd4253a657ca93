//! The register of personal data breaches (GDPR Art. 33(5); ADR 0026), for
//! administrators with two-factor authentication: record a breach and
//! complete its assessment, see the 72-hour deadline to notify the CNIL
//! (Art. 33(1)) and whether it passed, record that notification and the
//! communication to the people (Art. 34), attach the accounts concerned and
//! read their addresses to tell them — each read journaled in the staff
//! access journal, as any other (ADR 0019). Nothing is ever deleted.
//!
//! `register.rs` holds the breaches themselves, `accounts.rs` the accounts
//! concerned.

mod accounts;
mod register;

pub use accounts::{AffectedContact, ContactList, Withheld};
pub use register::{BreachPage, BreachView, NewBreach};

use std::sync::Arc;

use rr_domain::compliance::{BreachId, BreachRuleError};
use rr_domain::identity::{AuthenticatedActor, Role};

use crate::ports::{
    AuditEvent, AuditLog, BreachRegister, Clock, FieldCipher, RegisteredBreach, StaffAccessJournal,
    UserRepository,
};
use crate::{AppError, FieldViolation};

/// Longest page of the register.
pub const MAX_PAGE: u64 = 100;

/// Most accounts attached by one call.
pub const MAX_ATTACHED: usize = 1_000;

/// The ports the breach register needs.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct BreachPorts {
    /// The register.
    pub breaches: Arc<dyn BreachRegister>,
    /// Accounts: username, role and sealed email of those concerned.
    pub users: Arc<dyn UserRepository>,
    /// Where each read of an address is journaled.
    pub journal: Arc<dyn StaffAccessJournal>,
    /// Opens the addresses.
    pub cipher: Arc<dyn FieldCipher>,
    /// Security audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// The breach register.
#[derive(Clone)]
pub struct BreachService {
    ports: BreachPorts,
}

impl std::fmt::Debug for BreachService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BreachService").finish_non_exhaustive()
    }
}

impl BreachService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: BreachPorts) -> Self {
        Self { ports }
    }

    /// The breach `id`, for an administrator.
    async fn load(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
    ) -> Result<RegisteredBreach, AppError> {
        require_administrator(actor)?;
        self.ports
            .breaches
            .find(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Appends `action` about breach `id` to the audit log.
    async fn audit(
        &self,
        actor: &AuthenticatedActor,
        action: &'static str,
        id: BreachId,
        more: &str,
    ) -> Result<(), AppError> {
        let mut detail = format!("breach={}", id.as_uuid());
        if !more.is_empty() {
            detail.push(' ');
            detail.push_str(more);
        }
        self.ports
            .audit
            .append(
                AuditEvent {
                    action,
                    actor: Some(actor.user_id),
                    subject: None,
                    detail,
                },
                self.ports.clock.now(),
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

/// A broken rule of the register, as the API reports it: `field` names the
/// input at fault where one is.
fn refused(err: BreachRuleError, field: &'static str) -> AppError {
    match err {
        BreachRuleError::AuthorityAlreadyNotified | BreachRuleError::PeopleAlreadyNotified => {
            AppError::ConflictWith(err.code())
        }
        BreachRuleError::InFuture
        | BreachRuleError::OccurredAfterKnown
        | BreachRuleError::NotifiedBeforeKnown
        | BreachRuleError::NoCategory
        | BreachRuleError::DelayReasonRequired => {
            let field = match err {
                BreachRuleError::OccurredAfterKnown => "occurredAt",
                BreachRuleError::DelayReasonRequired => "delayReason",
                _ => field,
            };
            AppError::Invalid(vec![FieldViolation::new(field, err.code(), message(err))])
        }
    }
}

/// In French.
const fn message(err: BreachRuleError) -> &'static str {
    match err {
        BreachRuleError::InFuture => "Cette date est dans le futur.",
        BreachRuleError::OccurredAfterKnown => {
            "La violation ne peut pas avoir eu lieu après sa découverte."
        }
        BreachRuleError::NotifiedBeforeKnown => {
            "Une notification ne peut pas précéder la découverte de la violation."
        }
        BreachRuleError::NoCategory => {
            "Indiquez au moins une catégorie de données et une catégorie de personnes."
        }
        BreachRuleError::DelayReasonRequired => {
            "Notifiée après 72 heures : indiquez les motifs du retard (art. 33.1 du RGPD)."
        }
        BreachRuleError::AuthorityAlreadyNotified => "La CNIL a déjà été notifiée.",
        BreachRuleError::PeopleAlreadyNotified => "Les personnes ont déjà été informées.",
    }
}
