//! From an access token to an [`Actor`], with revocation taking effect within
//! the session check interval.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rr_domain::features::Audience;
use rr_domain::identity::{AuthenticatedActor, Region, Role, SessionId, UserId};
use time::OffsetDateTime;

use super::{IdentityService, std_duration};
use crate::AppError;

/// What the database said about a session, and when.
#[derive(Debug, Clone)]
pub(super) struct Check {
    at: OffsetDateTime,
    user_id: UserId,
    role: Role,
    two_factor: bool,
    allowed: bool,
    /// The privacy policy version the account accepted last.
    pub(super) accepted_policy: Arc<str>,
    /// Whether the account restricted its processing (GDPR Art. 18).
    pub(super) restricted: bool,
    /// The account's region, for the feature flags that target regions.
    region: Option<Region>,
}

impl Check {
    /// A check that lets nothing through.
    fn refused(at: OffsetDateTime, user_id: UserId) -> Self {
        Self {
            at,
            user_id,
            role: Role::Citizen,
            two_factor: false,
            allowed: false,
            accepted_policy: Arc::from(""),
            restricted: false,
            region: None,
        }
    }
}

/// Remembers recent session checks so that most requests do not touch the
/// database, and forgets them after the policy's interval.
#[derive(Debug, Default)]
pub(crate) struct SessionGate {
    checks: Mutex<HashMap<SessionId, Check>>,
}

impl SessionGate {
    fn fresh(&self, id: SessionId, now: OffsetDateTime, ttl: time::Duration) -> Option<Check> {
        let checks = self.checks.lock().ok()?;
        checks
            .get(&id)
            .filter(|check| now - check.at < ttl)
            .cloned()
    }

    fn remember(&self, id: SessionId, check: Check, ttl: time::Duration) {
        if let Ok(mut checks) = self.checks.lock() {
            if checks.len() > 200_000 {
                let now = check.at;
                checks.retain(|_, c| now - c.at < ttl);
            }
            checks.insert(id, check);
        }
    }

    /// Drops what is known of every session of `user`.
    pub(crate) fn forget_account(&self, user: UserId) {
        if let Ok(mut checks) = self.checks.lock() {
            checks.retain(|_, check| check.user_id != user);
        }
    }

    /// Drops what is known of a session, so the next request asks the database.
    pub(crate) fn forget(&self, id: SessionId) {
        if let Ok(mut checks) = self.checks.lock() {
            checks.remove(&id);
        }
    }
}

impl IdentityService {
    /// The actor an access token stands for.
    ///
    /// The token must verify; then its session must be live, its account
    /// active, and its role still the account's role. Those facts are checked
    /// in the database at most once per `session_check_ttl` per session, which
    /// bounds how late a logout, revocation, suspension or role change takes effect.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] (`invalid_token` or `session_revoked`).
    pub async fn authenticate(&self, access_token: &str) -> Result<AuthenticatedActor, AppError> {
        Ok(self.check_token(access_token).await?.0)
    }

    /// Whom the feature flags are evaluated for: the account an access token
    /// stands for, with its role and region as the session check read them
    /// (so a region changed through another process is seen within the
    /// session check interval, like a role change). No database round trip
    /// beyond the session check's.
    ///
    /// An account that restricted its processing (GDPR Art. 18) is
    /// evaluated without its region: its data is only kept, not used to
    /// choose what it is shown; it gets the flags that target no region.
    ///
    /// # Errors
    /// As [`Self::authenticate`].
    pub async fn audience(&self, access_token: &str) -> Result<Audience, AppError> {
        let (actor, check) = self.check_token(access_token).await?;
        Ok(Audience::Account {
            user: actor.user_id,
            role: actor.role,
            region: if check.restricted { None } else { check.region },
        })
    }

    /// [`Self::authenticate`], with what the session check said.
    pub(super) async fn check_token(
        &self,
        access_token: &str,
    ) -> Result<(AuthenticatedActor, Check), AppError> {
        let claims = self
            .ports
            .tokens
            .verify(access_token)
            .map_err(|_| AppError::Unauthenticated("invalid_token"))?;
        let now = self.ports.clock.now();
        let ttl = std_duration(self.policy.session_check_ttl);
        let check = match self.gate.fresh(claims.session_id, now, ttl) {
            Some(check) => check,
            None => {
                let check = self.check_session(claims.session_id, now).await?;
                self.gate.remember(claims.session_id, check.clone(), ttl);
                check
            }
        };
        if !check.allowed || check.user_id != claims.user_id || check.role != claims.role {
            return Err(AppError::Unauthenticated("session_revoked"));
        }
        let actor = AuthenticatedActor {
            user_id: check.user_id,
            session_id: claims.session_id,
            role: check.role,
            two_factor: check.two_factor,
        };
        Ok((actor, check))
    }

    async fn check_session(&self, id: SessionId, now: OffsetDateTime) -> Result<Check, AppError> {
        let session = self.ports.sessions.find(id).await?;
        let Some(session) = session else {
            return Ok(Check::refused(
                now,
                UserId::from_uuid(rr_domain::Uuid::nil()),
            ));
        };
        let user = self.ports.users.find(session.user_id).await?;
        Ok(match user {
            Some(user) => Check {
                at: now,
                user_id: user.id,
                role: user.role,
                two_factor: user.totp_enabled,
                allowed: session.revoked_at.is_none() && user.status.is_active_at(now),
                accepted_policy: Arc::from(user.policy_version.as_str()),
                restricted: user.restricted_since.is_some(),
                region: user.region,
            },
            None => Check::refused(now, session.user_id),
        })
    }

    /// Forgets cached checks of a session this node changed, so it is not
    /// trusted until the interval ends on this node at least.
    pub(crate) fn forget_session(&self, id: SessionId) {
        self.gate.forget(id);
    }
}
