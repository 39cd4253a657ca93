//! The privacy policy's versions: read by anyone, published by administrators.

use rr_domain::identity::{AuthenticatedActor, Role};
use rr_domain::privacy::{PolicyDocument, PolicyText, PolicyVersion};
use time::OffsetDateTime;

use super::{PrivacyService, require};
use crate::AppError;
use crate::RepositoryError;
use crate::ports::AuditEvent;

/// A version to publish, parsed.
#[derive(Debug, Clone)]
pub struct NewPolicy {
    /// Its identifier, not used before.
    pub version: PolicyVersion,
    /// Its Markdown text.
    pub text: PolicyText,
}

impl PrivacyService {
    /// The version in force.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn current_policy(&self) -> Result<PolicyDocument, AppError> {
        self.identity.current_policy().await
    }

    /// A published version, in force or not.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when no version has this identifier.
    pub async fn policy(&self, version: &PolicyVersion) -> Result<PolicyDocument, AppError> {
        self.ports
            .policies
            .find(version)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Every published version (identifier and publication), newest first.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn policy_versions(&self) -> Result<Vec<(PolicyVersion, OffsetDateTime)>, AppError> {
        Ok(self.ports.policies.list().await?)
    }

    /// Publishes a new version, in force at once: from now on, every account
    /// that has not accepted it has its writes held (`consent_required`)
    /// until it does; this process applies it at once, the others within
    /// the session check interval. Audited (`privacy_policy_published`).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `forbidden` below administrator,
    /// `two_factor_required` without two-factor authentication;
    /// [`AppError::ConflictWith`] `policy_version_exists` when the
    /// identifier was used.
    pub async fn publish_policy(
        &self,
        actor: &AuthenticatedActor,
        new: NewPolicy,
    ) -> Result<PolicyDocument, AppError> {
        require(actor, Role::Administrator)?;
        if self.ports.policies.find(&new.version).await?.is_some() {
            return Err(AppError::ConflictWith("policy_version_exists"));
        }
        let document = PolicyDocument {
            version: new.version,
            published_at: self.ports.clock.now(),
            text: new.text,
        };
        match self.ports.policies.publish(&document).await {
            Ok(()) => {}
            // A concurrent publication took the identifier or the instant.
            Err(RepositoryError::Conflict(_)) => {
                return Err(AppError::ConflictWith("policy_version_exists"));
            }
            Err(err) => return Err(err.into()),
        }
        self.identity.forget_current_policy();
        self.audit(AuditEvent {
            action: "privacy_policy_published",
            actor: Some(actor.user_id),
            subject: None,
            detail: format!("version={}", document.version),
        })
        .await?;
        Ok(document)
    }
}
