//! The privacy policy in force as the identity use cases see it, and the
//! gate that holds an account's writes until it accepted that version, or
//! while it restricted its processing (GDPR Art. 18).
//!
//! The version in force is read from its store at most once per
//! `session_check_ttl` per process, like the session checks it completes;
//! the account's accepted version and restriction come with the session
//! check (ADR 0008). A write therefore costs no database round trip more
//! than a read.

use std::sync::Mutex;

use rr_domain::identity::{AuthenticatedActor, UserId};
use rr_domain::privacy::{PolicyDocument, write_refusal};
use time::OffsetDateTime;

use super::{IdentityService, std_duration};
use crate::AppError;

/// The version in force, and when it was read.
#[derive(Debug, Default)]
pub(crate) struct CurrentPolicy {
    read: Mutex<Option<(OffsetDateTime, PolicyDocument)>>,
}

impl CurrentPolicy {
    fn get(&self) -> Option<(OffsetDateTime, PolicyDocument)> {
        self.read.lock().ok()?.clone()
    }

    fn set(&self, value: Option<(OffsetDateTime, PolicyDocument)>) {
        if let Ok(mut read) = self.read.lock() {
            *read = value;
        }
    }
}

impl IdentityService {
    /// The version of the privacy policy in force: the last published.
    ///
    /// Read from the store at most once per session check interval; when the
    /// store cannot be reached, the version read last is used (and the
    /// failure logged).
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the store cannot be reached and no
    /// version was read before; [`AppError::Internal`] when no version was
    /// ever published (the migrations publish the first).
    pub async fn current_policy(&self) -> Result<PolicyDocument, AppError> {
        let now = self.ports.clock.now();
        let ttl = std_duration(self.policy.session_check_ttl);
        let known = self.current_policy.get();
        if let Some((at, document)) = &known
            && now - *at < ttl
        {
            return Ok(document.clone());
        }
        match self.ports.policies.current(now).await {
            Ok(Some(document)) => {
                self.current_policy.set(Some((now, document.clone())));
                Ok(document)
            }
            Ok(None) => Err(AppError::internal("no privacy policy was ever published")),
            Err(err) => match known {
                Some((_, document)) => {
                    tracing::warn!(error = %err, "privacy policy not read: the last version read stands");
                    Ok(document)
                }
                None => Err(err.into()),
            },
        }
    }

    /// Forgets the version in force, so that the next request reads it: a
    /// version published through this process applies here at once.
    pub(crate) fn forget_current_policy(&self) {
        self.current_policy.set(None);
    }

    /// [`Self::authenticate`] for a write: the account must also have
    /// accepted the version of the privacy policy in force and not have
    /// restricted its processing. What must stay open whatever the account's
    /// choices (exercising a right, accepting the policy, securing the
    /// account, logging out) uses [`Self::authenticate`] instead (ADR 0021).
    ///
    /// # Errors
    /// As [`Self::authenticate`]; [`AppError::Forbidden`]
    /// `account_restricted` or `consent_required`.
    pub async fn authenticate_write(
        &self,
        access_token: &str,
    ) -> Result<AuthenticatedActor, AppError> {
        let (actor, check) = self.check_token(access_token).await?;
        let current = self.current_policy().await?;
        match write_refusal(&check.accepted_policy, &current.version, check.restricted) {
            Some(code) => Err(AppError::Forbidden(code)),
            None => Ok(actor),
        }
    }

    /// Forgets the session checks of every session of `user` this process
    /// knows, so that a change of their privacy choices applies here at once
    /// (elsewhere within the session check interval).
    pub(crate) fn forget_account(&self, user: UserId) {
        self.gate.forget_account(user);
    }
}
