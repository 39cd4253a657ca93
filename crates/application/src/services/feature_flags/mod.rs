//! Feature flags for canary delivery (DESIGN.md §6; ADR 0028).
//!
//! Administrators with two-factor authentication define flags and raise
//! their rollout (`admin.rs`), every change audited. Every request that asks
//! which features are on is answered from an in-process snapshot of the
//! flags (`evaluate.rs`), with no database round trip: the snapshot is read
//! again by [`FeatureFlagService::refresh`], which the server calls every
//! few seconds, and patched at once by a change made through this process.

mod admin;
mod evaluate;

pub use admin::{FlagChange, NewFlag};
pub use evaluate::FlagStates;

use std::sync::Arc;

use rr_domain::features::FeatureFlag;
use rr_domain::identity::{AuthenticatedActor, Role};

use crate::AppError;
use crate::ports::{AuditEvent, AuditLog, Clock, FeatureFlagRepository};
use evaluate::Snapshot;

/// Most flags at once: they are listed whole and all held in memory by
/// every API node. A flag whose rollout reached everybody is meant to be
/// removed with the code that reads it.
pub const MAX_FLAGS: usize = 200;

/// The ports feature flags need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct FeatureFlagPorts {
    /// Where the flags are kept.
    pub flags: Arc<dyn FeatureFlagRepository>,
    /// Security audit log: every change is recorded there.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Feature flags: their administration and their evaluation. Clones share
/// one snapshot, so every actix worker of a process sees a change at once.
#[derive(Clone)]
pub struct FeatureFlagService {
    ports: FeatureFlagPorts,
    snapshot: Arc<Snapshot>,
}

impl std::fmt::Debug for FeatureFlagService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureFlagService").finish_non_exhaustive()
    }
}

impl FeatureFlagService {
    /// Builds the service with an empty snapshot: every flag is off until
    /// the first [`Self::refresh`].
    #[must_use]
    pub fn new(ports: FeatureFlagPorts) -> Self {
        Self {
            ports,
            snapshot: Arc::new(Snapshot::default()),
        }
    }

    /// Appends `action` about `flag` to the audit log, with its settings
    /// (no personal data: names, figures, region codes and roles).
    async fn audit(
        &self,
        actor: &AuthenticatedActor,
        action: &'static str,
        flag: &FeatureFlag,
    ) -> Result<(), AppError> {
        self.ports
            .audit
            .append(
                AuditEvent {
                    action,
                    actor: Some(actor.user_id),
                    subject: None,
                    detail: describe(flag),
                },
                self.ports.clock.now(),
            )
            .await?;
        Ok(())
    }
}

/// `flag=<key> version=<n> enabled=<bool> rollout=<basis points>
/// group=<group> regions=<codes> roles=<names>`, for the audit log.
fn describe(flag: &FeatureFlag) -> String {
    let s = &flag.settings;
    let regions: Vec<&str> = s.regions.iter().map(|r| r.code()).collect();
    let roles: Vec<&str> = s.roles.iter().map(|r| r.as_str()).collect();
    format!(
        "flag={} version={} enabled={} rollout={} group={} regions={} roles={}",
        flag.key,
        flag.version,
        s.enabled,
        s.rollout.basis_points(),
        s.group,
        regions.join(","),
        roles.join(",")
    )
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
