//! Restricting the processing of one's account (GDPR Art. 18), and lifting it.

use rr_domain::identity::AuthenticatedActor;

use super::{ConsentsView, PrivacyService};
use crate::AppError;
use crate::ports::AuditEvent;

impl PrivacyService {
    /// Restricts the processing of the caller's account: its data are kept,
    /// but its resources and comments are hidden from everyone else, it is
    /// not counted in statistics, it is told nothing but security mail, and
    /// its writes are held (`account_restricted`) except those that exercise
    /// a right, manage its choices, secure it or lift the restriction (ADR
    /// 0021). Takes effect at once on this process, elsewhere within the
    /// session check interval. Asking again changes nothing. Audited
    /// (`processing_restricted`).
    ///
    /// # Errors
    /// [`AppError::NotFound`] if the account vanished.
    pub async fn restrict(&self, actor: &AuthenticatedActor) -> Result<ConsentsView, AppError> {
        self.set_restriction(actor, true).await
    }

    /// Lifts the caller's restriction: everything it held resumes. Asking
    /// when not restricted changes nothing. Audited
    /// (`processing_restriction_lifted`).
    ///
    /// # Errors
    /// [`AppError::NotFound`] if the account vanished.
    pub async fn lift_restriction(
        &self,
        actor: &AuthenticatedActor,
    ) -> Result<ConsentsView, AppError> {
        self.set_restriction(actor, false).await
    }

    async fn set_restriction(
        &self,
        actor: &AuthenticatedActor,
        restricted: bool,
    ) -> Result<ConsentsView, AppError> {
        let account = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if account.restricted_since.is_some() != restricted {
            let since = restricted.then(|| self.ports.clock.now());
            if !self
                .ports
                .consents
                .set_restriction(actor.user_id, since)
                .await?
            {
                return Err(AppError::NotFound);
            }
            self.identity.forget_account(actor.user_id);
            self.audit(AuditEvent {
                action: if restricted {
                    "processing_restricted"
                } else {
                    "processing_restriction_lifted"
                },
                actor: Some(actor.user_id),
                subject: Some(actor.user_id),
                detail: String::new(),
            })
            .await?;
        }
        self.view(actor.user_id).await
    }
}
