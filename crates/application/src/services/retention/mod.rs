//! Retention (GDPR Art. 5(1)(e); ADR 0025): each kind of personal data goes
//! once its period of [`RetentionPeriods`] is over, by a purge an operator
//! runs every night (`rr-server gdpr purge`), safe to run again and with a
//! dry run that changes nothing ([`RetentionService::purge`]).
//!
//! Inactive citizens' accounts are warned by mail once, then erased through
//! the erasure use case ([`ErasureService::erase`], on the authority of the
//! system); sessions, single-use links, audit entries, the staff access
//! journal, notifications and the records of old data exports are deleted;
//! consultation and search events are counted into the aggregates the
//! statistics read, then deleted.
//!
//! The register of processing activities (Art. 30) states the same periods:
//! [`RetentionPolicy::register`] builds it from them.

mod mail;
mod purge;
mod register;

pub use purge::{PurgeAction, PurgeLine, PurgeMode, PurgeReport};
pub use register::ProcessingRegisterService;

use std::sync::Arc;

use rr_domain::compliance::{
    Controller, ProcessingRegister, RetentionPeriods, processing_register,
};

use crate::ports::{
    AuditLog, Clock, DataExportRepository, FieldCipher, Mailer, RetentionStore, UserRepository,
};
use crate::services::{ErasureService, NotificationService};

/// The periods, and what the register and the warning mail need.
#[derive(Debug, Clone)]
pub struct RetentionPolicy {
    /// How long each kind of data is kept.
    pub periods: RetentionPeriods,
    /// The controller the register names.
    pub controller: Controller,
    /// Base address of the web client; the warning mail links to its login
    /// page.
    pub frontend_url: String,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            periods: RetentionPeriods::default(),
            controller: Controller {
                name: "Ministère des Solidarités et de la Santé".into(),
                data_protection_officer: "Délégué à la protection des données".into(),
            },
            frontend_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl RetentionPolicy {
    /// The register of processing activities, with these periods.
    #[must_use]
    pub fn register(&self) -> ProcessingRegister {
        processing_register(self.controller.clone(), &self.periods)
    }
}

/// The ports the purge needs.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct RetentionPorts {
    /// What is deleted by age, the inactive accounts, the statistics.
    pub store: Arc<dyn RetentionStore>,
    /// Accounts: the sealed email of those to warn.
    pub users: Arc<dyn UserRepository>,
    /// The records of data exports, deleted once closed and old.
    pub exports: Arc<dyn DataExportRepository>,
    /// The warning mail.
    pub mailer: Arc<dyn Mailer>,
    /// Opens the email of those to warn.
    pub cipher: Arc<dyn FieldCipher>,
    /// Where the purge records what it did.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// The purge of what has outlived its retention.
#[derive(Clone)]
pub struct RetentionService {
    ports: RetentionPorts,
    policy: RetentionPolicy,
    /// Deletes notifications.
    notifications: NotificationService,
    /// Erases inactive accounts.
    erasure: ErasureService,
}

impl std::fmt::Debug for RetentionService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetentionService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl RetentionService {
    /// Builds the service. `notifications` deletes notifications (by the
    /// period of [`RetentionPeriods::notifications`], which the hourly purge
    /// of the API nodes applies too), and `erasure` is the very use case
    /// people and staff erase accounts with.
    #[must_use]
    pub fn new(
        ports: RetentionPorts,
        policy: RetentionPolicy,
        notifications: NotificationService,
        erasure: ErasureService,
    ) -> Self {
        Self {
            ports,
            policy,
            notifications,
            erasure,
        }
    }

    /// The policy applied.
    #[must_use]
    pub fn policy(&self) -> &RetentionPolicy {
        &self.policy
    }
}
