//! What other use cases ask of identity around an account's erasure: that
//! the caller proves again who they are, which sessions an account has,
//! forgetting them at once, and whether a username is reserved.

use rr_domain::credentials::Password;
use rr_domain::identity::{AuthenticatedActor, SessionId, UserId, UserRecord, Username};

use super::{IdentityService, hashing_error};
use crate::AppError;
use crate::ports::{AuditEvent, Verification};

/// Prefix of the throttle keys of [`IdentityService::confirm_owner`], apart
/// from the logins' (email indexes, second-factor user ids).
const CONFIRM_KEY: &[u8] = b"confirm:";

impl IdentityService {
    /// Proves, before an act that cannot be undone, that the caller holds the
    /// account: its password, and its second factor (a current code or a
    /// recovery code, used up) when enabled. Failures count towards the same
    /// progressive delay and lock as logins, per account.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_credentials` or
    /// `invalid_second_factor`; [`AppError::Forbidden`]
    /// `second_factor_required` when the account has one and no code came;
    /// [`AppError::TooManyAttempts`]; [`AppError::NotFound`] when the
    /// account is gone.
    pub(crate) async fn confirm_owner(
        &self,
        actor: &AuthenticatedActor,
        password: &Password,
        second_factor: Option<&str>,
    ) -> Result<UserRecord, AppError> {
        let now = self.ports.clock.now();
        let key = [CONFIRM_KEY, actor.user_id.as_uuid().as_bytes()].concat();
        if let Err(retry_after_secs) = self.throttle.check(&key, now) {
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
        let mut user = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let verified = self
            .ports
            .hasher
            .verify(password, &user.password_hash)
            .await
            .map_err(hashing_error)?;
        let refused = match verified {
            Verification::Mismatch => Some(AppError::Unauthenticated("invalid_credentials")),
            Verification::Match { .. } if !user.totp_enabled => None,
            Verification::Match { .. } => match second_factor.map(str::trim) {
                None | Some("") => return Err(AppError::Forbidden("second_factor_required")),
                Some(code) => (!self.second_factor_matches(&mut user, code, now).await?)
                    .then_some(AppError::Unauthenticated("invalid_second_factor")),
            },
        };
        if let Some(refusal) = refused {
            self.throttle.failed(&key, now);
            self.audit(AuditEvent {
                action: "confirmation_failed",
                actor: Some(user.id),
                subject: Some(user.id),
                detail: format!("code={}", refusal.code()),
            })
            .await?;
            return Err(refusal);
        }
        self.throttle.succeeded(&key);
        Ok(user)
    }

    /// The live sessions of `user`.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub(crate) async fn live_sessions_of(&self, user: UserId) -> Result<Vec<SessionId>, AppError> {
        Ok(self
            .ports
            .sessions
            .list_live(user, self.ports.clock.now())
            .await?
            .into_iter()
            .map(|session| session.id)
            .collect())
    }

    /// Forgets what this process knows of `sessions`, so their next request
    /// asks the database (ADR 0008): a session deleted meanwhile is refused
    /// at once on this node.
    pub(crate) fn forget_sessions(&self, sessions: &[SessionId]) {
        for session in sessions {
            self.forget_session(*session);
        }
    }

    /// Whether `username` belonged to an account erased too recently for
    /// anyone else to take it (ADR 0023).
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub(crate) async fn username_reserved(&self, username: &Username) -> Result<bool, AppError> {
        let digest = self.ports.blind_index.username_index(&username.canonical());
        Ok(self
            .ports
            .usernames
            .is_reserved(&digest, self.ports.clock.now())
            .await?)
    }
}
