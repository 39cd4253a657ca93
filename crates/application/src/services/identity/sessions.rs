//! Logout, "log out everywhere", and one's list of sessions.

use rr_domain::identity::{AuthenticatedActor, SessionId};

use super::{IdentityService, SessionView};
use crate::AppError;
use crate::ports::AuditEvent;

impl IdentityService {
    /// Ends the caller's session.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn logout(&self, actor: &AuthenticatedActor) -> Result<(), AppError> {
        self.ports
            .sessions
            .revoke(actor.session_id, self.ports.clock.now())
            .await?;
        self.forget_session(actor.session_id);
        self.audit(AuditEvent {
            action: "logout",
            actor: Some(actor.user_id),
            subject: Some(actor.user_id),
            detail: String::new(),
        })
        .await
    }

    /// Ends every session of the caller, this one included.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn logout_everywhere(&self, actor: &AuthenticatedActor) -> Result<u64, AppError> {
        let revoked = self
            .ports
            .sessions
            .revoke_all(actor.user_id, None, self.ports.clock.now())
            .await?;
        self.forget_session(actor.session_id);
        self.audit(AuditEvent {
            action: "logout_everywhere",
            actor: Some(actor.user_id),
            subject: Some(actor.user_id),
            detail: format!("sessions_revoked={revoked}"),
        })
        .await?;
        Ok(revoked)
    }

    /// The caller's live sessions, newest first.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn sessions(&self, actor: &AuthenticatedActor) -> Result<Vec<SessionView>, AppError> {
        let sessions = self
            .ports
            .sessions
            .list_live(actor.user_id, self.ports.clock.now())
            .await?;
        Ok(sessions
            .into_iter()
            .map(|s| SessionView {
                current: s.id == actor.session_id,
                id: s.id,
                client: s.client,
                created_at: s.created_at,
                last_used_at: s.last_used_at,
            })
            .collect())
    }

    /// Ends one of the caller's sessions.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the session is not the caller's (or does not exist).
    pub async fn revoke_session(
        &self,
        actor: &AuthenticatedActor,
        id: SessionId,
    ) -> Result<(), AppError> {
        let session = self.ports.sessions.find(id).await?;
        if session.is_none_or(|s| s.user_id != actor.user_id) {
            return Err(AppError::NotFound);
        }
        self.ports
            .sessions
            .revoke(id, self.ports.clock.now())
            .await?;
        self.forget_session(id);
        self.audit(AuditEvent {
            action: "session_revoked",
            actor: Some(actor.user_id),
            subject: Some(actor.user_id),
            detail: format!("session={}", id.as_uuid()),
        })
        .await
    }
}
