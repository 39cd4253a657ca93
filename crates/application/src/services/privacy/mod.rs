//! Privacy (issue 6 points 1 and 5, ADR 0021): the privacy policy's versions
//! (read by anyone, published by administrators), each account's privacy
//! choices with their history (`consents.rs`), and the restriction of an
//! account's processing (GDPR Art. 18, `restriction.rs`).
//!
//! The version in force and the write gate belong to
//! [`IdentityService`] (`identity/policy_gate.rs`), which every request
//! passes through; this service tells it when a version is published or an
//! account's choices change, so that this process applies them at once.

mod consents;
mod policy;
mod restriction;

pub use consents::{ConsentChanges, ConsentsView, PurposeState};
pub use policy::NewPolicy;

use std::sync::Arc;

use rr_domain::identity::{AuthenticatedActor, Role};

use crate::AppError;
use crate::ports::{
    AuditEvent, AuditLog, Clock, ConsentRepository, PrivacyPolicyRepository, UserRepository,
};
use crate::services::IdentityService;

/// The ports the privacy use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct PrivacyPorts {
    /// The published versions of the policy.
    pub policies: Arc<dyn PrivacyPolicyRepository>,
    /// Each account's choices and restriction.
    pub consents: Arc<dyn ConsentRepository>,
    /// Accounts: their current choices.
    pub users: Arc<dyn UserRepository>,
    /// Audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// The privacy policy, consents and restriction.
#[derive(Clone)]
pub struct PrivacyService {
    ports: PrivacyPorts,
    identity: IdentityService,
}

impl std::fmt::Debug for PrivacyService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivacyService").finish_non_exhaustive()
    }
}

impl PrivacyService {
    /// Builds the service; `identity` is the one that authenticates requests
    /// in this process (its policy cache and session checks are refreshed by
    /// the use cases here).
    #[must_use]
    pub fn new(ports: PrivacyPorts, identity: IdentityService) -> Self {
        Self { ports, identity }
    }

    async fn audit(&self, event: AuditEvent) -> Result<(), AppError> {
        self.ports
            .audit
            .append(event, self.ports.clock.now())
            .await
            .map_err(AppError::from)
    }
}

/// Fails unless `actor` may act as `role` (with two-factor authentication).
fn require(actor: &AuthenticatedActor, role: Role) -> Result<(), AppError> {
    if actor.may_act_as(role) {
        Ok(())
    } else if actor.role >= role {
        Err(AppError::Forbidden("two_factor_required"))
    } else {
        Err(AppError::Forbidden("forbidden"))
    }
}
