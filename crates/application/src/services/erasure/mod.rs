//! Erasing an account (GDPR Art. 17; ADR 0023): by its holder from the
//! application ([`ErasureService::erase_me`], password and second factor),
//! or, without them, by staff acting on a request and by the platform's
//! retention rules ([`ErasureService::erase`]). Both end in one transaction
//! of the [`AccountErasure`] port, then the sessions the process knows are
//! forgotten, orphaned attachment content removed, and the erasure audited.

mod erase;
mod me;

pub use erase::Erased;

use std::sync::Arc;
use std::time::Duration;

use crate::ports::{AccountErasure, AuditLog, BlindIndex, Clock, UserRepository};
use crate::services::{AttachmentService, DataExportService, IdentityService};

/// How erasure behaves.
#[derive(Debug, Clone)]
pub struct ErasurePolicy {
    /// How long the username of an erased account stays reserved (nobody
    /// may take it to pass for the person).
    pub username_reservation: Duration,
}

impl Default for ErasurePolicy {
    fn default() -> Self {
        Self {
            username_reservation: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// The ports erasure needs.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct ErasurePorts {
    /// The erasure itself.
    pub erasure: Arc<dyn AccountErasure>,
    /// Accounts (who is erased, their role and username).
    pub users: Arc<dyn UserRepository>,
    /// The keyed digest of the username to reserve.
    pub blind_index: Arc<dyn BlindIndex>,
    /// Security audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Erasing accounts.
#[derive(Clone)]
pub struct ErasureService {
    ports: ErasurePorts,
    policy: ErasurePolicy,
    /// Proves the holder's identity, and forgets sessions at the gate.
    identity: IdentityService,
    /// Removes the content of deleted attachments.
    attachments: AttachmentService,
    /// Removes the person's stored export archives.
    exports: DataExportService,
}

impl std::fmt::Debug for ErasureService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErasureService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl ErasureService {
    /// Builds the service on `identity` (the very service that authenticates
    /// requests, so that its session gate forgets the erased sessions) and
    /// `attachments`.
    #[must_use]
    pub fn new(
        ports: ErasurePorts,
        policy: ErasurePolicy,
        identity: IdentityService,
        attachments: AttachmentService,
        exports: DataExportService,
    ) -> Self {
        Self {
            ports,
            policy,
            identity,
            attachments,
            exports,
        }
    }
}
