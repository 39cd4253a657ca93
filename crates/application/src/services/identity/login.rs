//! Login (password, then second factor when enabled) and refresh-token rotation.

use rr_domain::credentials::Password;
use rr_domain::identity::{Email, SessionId, UserRecord};
use time::OffsetDateTime;

use super::{IdentityService, LoginOutcome, TokenPair, crypto_error, hashing_error, std_duration};
use crate::AppError;
use crate::ports::{
    AccessClaims, AuditEvent, OneTimeToken, SessionRecord, TokenPurpose, Verification, fields,
};

const INVALID_CREDENTIALS: AppError = AppError::Unauthenticated("invalid_credentials");

/// Longest client description kept with a session.
const CLIENT_MAX_CHARS: usize = 200;

impl IdentityService {
    /// Checks an email and password.
    ///
    /// Unknown emails, wrong passwords and locked accounts answer alike, in the
    /// same time (a decoy hash is verified when there is no account). Repeated
    /// failures on one email slow down then lock further attempts, whether or
    /// not the email is registered.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_credentials`;
    /// [`AppError::TooManyAttempts`]; [`AppError::Forbidden`]
    /// `email_not_verified` or `account_suspended` (only once the password is right).
    pub async fn login(
        &self,
        email: &Email,
        password: &Password,
        client: Option<&str>,
    ) -> Result<LoginOutcome, AppError> {
        let index = self.ports.blind_index.email_index(email.as_str());
        let now = self.ports.clock.now();
        if let Err(retry_after_secs) = self.throttle.check(&index, now) {
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
        let Some(mut user) = self.ports.users.find_by_email_index(&index).await? else {
            let decoy = self.decoy().await?;
            let _ = self
                .ports
                .hasher
                .verify(password, &decoy)
                .await
                .map_err(hashing_error)?;
            self.throttle.failed(&index, now);
            // An audit write as for a wrong password, so the timing tells little
            // (a wrong password also updates the account's failure count).
            self.audit(AuditEvent {
                action: "login_failed",
                actor: None,
                subject: None,
                detail: "unknown_account".into(),
            })
            .await?;
            return Err(INVALID_CREDENTIALS);
        };
        if let Some(until) = user.locked_until
            && until > now
        {
            let _ = self
                .ports
                .hasher
                .verify(password, &user.password_hash)
                .await
                .map_err(hashing_error)?;
            let seconds = u64::try_from((until - now).whole_seconds().max(1)).unwrap_or(1);
            return Err(AppError::TooManyAttempts {
                retry_after_secs: seconds,
            });
        }
        match self
            .ports
            .hasher
            .verify(password, &user.password_hash)
            .await
            .map_err(hashing_error)?
        {
            Verification::Mismatch => {
                self.throttle.failed(&index, now);
                self.record_failure(&mut user, now).await?;
                return Err(INVALID_CREDENTIALS);
            }
            Verification::Match { needs_rehash } => {
                self.throttle.succeeded(&index);
                if needs_rehash {
                    user.password_hash = self
                        .ports
                        .hasher
                        .hash(password)
                        .await
                        .map_err(hashing_error)?;
                }
                if needs_rehash || user.failed_logins > 0 || user.locked_until.is_some() {
                    user.failed_logins = 0;
                    user.locked_until = None;
                    user.updated_at = now;
                    self.ports.users.update(&user).await?;
                }
            }
        }
        if user.email_verified_at.is_none() {
            return Err(AppError::Forbidden("email_not_verified"));
        }
        if !user.status.is_active_at(now) {
            return Err(AppError::Forbidden("account_suspended"));
        }
        if user.totp_enabled {
            let challenge = self.ports.secrets.generate();
            self.ports
                .one_time_tokens
                .insert(&OneTimeToken {
                    digest: challenge.digest,
                    purpose: TokenPurpose::SecondFactor,
                    user_id: user.id,
                    expires_at: now + std_duration(self.policy.second_factor_ttl),
                })
                .await?;
            return Ok(LoginOutcome::SecondFactorRequired {
                challenge: challenge.value,
            });
        }
        let pair = self.open_session(&user, client, now).await?;
        self.audit(AuditEvent {
            action: "login_succeeded",
            actor: Some(user.id),
            subject: Some(user.id),
            detail: String::new(),
        })
        .await?;
        Ok(LoginOutcome::Tokens(pair))
    }

    async fn record_failure(
        &self,
        user: &mut UserRecord,
        now: OffsetDateTime,
    ) -> Result<(), AppError> {
        let policy = &self.policy.throttle;
        user.failed_logins = user.failed_logins.saturating_add(1);
        let locked = user.failed_logins >= policy.lock_after;
        if locked {
            user.locked_until = Some(now + std_duration(policy.lock_for));
            user.failed_logins = 0;
        }
        user.updated_at = now;
        self.ports.users.update(user).await?;
        self.audit(AuditEvent {
            action: if locked {
                "account_locked"
            } else {
                "login_failed"
            },
            actor: None,
            subject: Some(user.id),
            detail: String::new(),
        })
        .await
    }

    /// Completes a login with the second factor: a TOTP code or a recovery code.
    /// The challenge is single-use: a wrong code means starting over.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_second_factor`.
    pub async fn login_second_factor(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
    ) -> Result<TokenPair, AppError> {
        const INVALID: AppError = AppError::Unauthenticated("invalid_second_factor");
        let now = self.ports.clock.now();
        let digest = self.ports.secrets.digest(challenge);
        let user_id = self
            .ports
            .one_time_tokens
            .consume(&digest, TokenPurpose::SecondFactor, now)
            .await?
            .ok_or(INVALID)?;
        let key = user_id.as_uuid().as_bytes().to_vec();
        if let Err(retry_after_secs) = self.throttle.check(&key, now) {
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
        let mut user = self.ports.users.find(user_id).await?.ok_or(INVALID)?;
        if !self.second_factor_matches(&mut user, code, now).await? {
            self.throttle.failed(&key, now);
            self.audit(AuditEvent {
                action: "second_factor_failed",
                actor: None,
                subject: Some(user.id),
                detail: String::new(),
            })
            .await?;
            return Err(INVALID);
        }
        self.throttle.succeeded(&key);
        if !user.status.is_active_at(now) {
            return Err(AppError::Forbidden("account_suspended"));
        }
        let pair = self.open_session(&user, client, now).await?;
        self.audit(AuditEvent {
            action: "login_succeeded",
            actor: Some(user.id),
            subject: Some(user.id),
            detail: "second_factor=true".into(),
        })
        .await?;
        Ok(pair)
    }

    /// Whether `code` is the account's current TOTP code (not replayed) or one
    /// of its recovery codes (then used up).
    pub(super) async fn second_factor_matches(
        &self,
        user: &mut UserRecord,
        code: &str,
        now: OffsetDateTime,
    ) -> Result<bool, AppError> {
        let code = code.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            let Some(sealed) = user.totp_secret.as_ref() else {
                return Ok(false);
            };
            let secret = self
                .ports
                .cipher
                .open(&user.data_key, user.id, fields::TOTP_SECRET, sealed)
                .map_err(crypto_error)?;
            let Some(step) = self.ports.totp.verify(&secret, code, now) else {
                return Ok(false);
            };
            if user.totp_last_step.is_some_and(|last| step <= last) {
                return Ok(false);
            }
            user.totp_last_step = Some(step);
            user.updated_at = now;
            self.ports.users.update(user).await?;
            return Ok(true);
        }
        let digest = self.ports.secrets.digest(code);
        Ok(self
            .ports
            .users
            .consume_recovery_code(user.id, &digest)
            .await?)
    }

    /// Starts a session and hands out its first tokens.
    pub(super) async fn open_session(
        &self,
        user: &UserRecord,
        client: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<TokenPair, AppError> {
        let refresh = self.ports.secrets.generate();
        let session = SessionRecord {
            id: SessionId::generate(),
            user_id: user.id,
            refresh_digest: refresh.digest,
            created_at: now,
            last_used_at: now,
            expires_at: now + std_duration(self.policy.refresh_token_ttl),
            revoked_at: None,
            client: client.map(|c| {
                c.chars()
                    .filter(|ch| !ch.is_control())
                    .take(CLIENT_MAX_CHARS)
                    .collect()
            }),
        };
        self.ports.sessions.create(&session).await?;
        self.sign(user, session.id, refresh.value, now)
    }

    fn sign(
        &self,
        user: &UserRecord,
        session: SessionId,
        refresh: String,
        now: OffsetDateTime,
    ) -> Result<TokenPair, AppError> {
        let lifetime = self.ports.tokens.lifetime();
        let access = self
            .ports
            .tokens
            .issue(&AccessClaims {
                user_id: user.id,
                session_id: session,
                role: user.role,
                issued_at: now,
                expires_at: now + std_duration(lifetime),
            })
            .map_err(AppError::internal)?;
        Ok(TokenPair {
            access_token: access,
            expires_in: lifetime.as_secs(),
            refresh_token: refresh,
            session_id: session,
        })
    }

    /// Exchanges a refresh token for new tokens; the old one is spent.
    /// Presenting a spent refresh token revokes its whole session: someone
    /// else may hold a copy.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_refresh_token`.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, AppError> {
        const INVALID: AppError = AppError::Unauthenticated("invalid_refresh_token");
        let digest = self.ports.secrets.digest(refresh_token);
        let now = self.ports.clock.now();
        let Some(session) = self.ports.sessions.find_by_refresh(&digest).await? else {
            if let Some(session_id) = self.ports.sessions.find_spent(&digest).await? {
                self.revoke_reused(session_id, now).await?;
            }
            return Err(INVALID);
        };
        if !session.is_live_at(now) {
            return Err(INVALID);
        }
        let user = self
            .ports
            .users
            .find(session.user_id)
            .await?
            .ok_or(INVALID)?;
        if !user.status.is_active_at(now) {
            return Err(AppError::Forbidden("account_suspended"));
        }
        let next = self.ports.secrets.generate();
        let expires_at = now + std_duration(self.policy.refresh_token_ttl);
        if !self
            .ports
            .sessions
            .rotate(session.id, &digest, &next.digest, now, expires_at)
            .await?
        {
            // Another request spent this token first: treat it as a reuse.
            self.revoke_reused(session.id, now).await?;
            return Err(INVALID);
        }
        self.sign(&user, session.id, next.value, now)
    }

    async fn revoke_reused(
        &self,
        session_id: SessionId,
        now: OffsetDateTime,
    ) -> Result<(), AppError> {
        self.ports.sessions.revoke(session_id, now).await?;
        self.forget_session(session_id);
        let owner = self
            .ports
            .sessions
            .find(session_id)
            .await?
            .map(|s| s.user_id);
        self.audit(AuditEvent {
            action: "refresh_token_reused",
            actor: None,
            subject: owner,
            detail: format!("session={}", session_id.as_uuid()),
        })
        .await
    }
}
