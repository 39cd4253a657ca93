//! Restricting the processing of one's account (GDPR Art. 18), and lifting it.

use rr_domain::identity::{AuthenticatedActor, UserId};

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
        let (_, view) = self
            .set_restriction(actor.user_id, actor.user_id, true)
            .await?;
        Ok(view)
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
        let (_, view) = self
            .set_restriction(actor.user_id, actor.user_id, false)
            .await?;
        Ok(view)
    }

    /// Restricts `subject`'s account (`restricted`) or lifts its
    /// restriction, on behalf of `by`: the person, or an administrator
    /// acting on their request (`SubjectRequestService::restrict`), named as
    /// the actor in the audit log. Whether it changed anything, and the
    /// account's choices after.
    pub(crate) async fn set_restriction(
        &self,
        subject: UserId,
        by: UserId,
        restricted: bool,
    ) -> Result<(bool, ConsentsView), AppError> {
        let account = self
            .ports
            .users
            .find(subject)
            .await?
            .ok_or(AppError::NotFound)?;
        let changes = account.restricted_since.is_some() != restricted;
        if changes {
            let since = restricted.then(|| self.ports.clock.now());
            if !self.ports.consents.set_restriction(subject, since).await? {
                return Err(AppError::NotFound);
            }
            self.identity.forget_account(subject);
            self.audit(AuditEvent {
                action: if restricted {
                    "processing_restricted"
                } else {
                    "processing_restriction_lifted"
                },
                actor: Some(by),
                subject: Some(subject),
                detail: String::new(),
            })
            .await?;
        }
        Ok((changes, self.view(subject).await?))
    }
}
