//! Accounts, authentication, sessions and roles (DESIGN.md §1, §4).
//!
//! One use case per file; they share [`IdentityService`], which holds the ports
//! and the [`IdentityPolicy`].

mod admin;
mod authenticate;
mod commands;
mod confirm;
mod keys;
mod login;
mod mail;
mod password;
mod policy_gate;
mod profile;
mod register;
mod sessions;
mod throttle;
mod two_factor;

pub use commands::{
    AccountView, LoginOutcome, NewAccount, ProfileChanges, SessionView, StaffAccount, TokenPair,
    TotpEnrolment,
};
pub use throttle::ThrottlePolicy;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rr_domain::credentials::PasswordHash;
use rr_domain::identity::{Profile, UserRecord};

use crate::AppError;
use crate::ports::{
    AccessTokens, AuditEvent, AuditLog, BlindIndex, Clock, CryptoError, FieldCipher, HashingError,
    Mailer, OneTimeTokenRepository, PasswordHasher, PasswordStrength, SecretTokens,
    SessionRepository, Totp, UserRepository, UsernameReservations,
};
use crate::ports::{ConsentRepository, PrivacyPolicyRepository};
use authenticate::SessionGate;
use throttle::Throttle;

/// Durations and thresholds of the identity use cases.
#[derive(Debug, Clone)]
pub struct IdentityPolicy {
    /// Life of a refresh token (and so of an idle session).
    pub refresh_token_ttl: Duration,
    /// Life of an email verification link.
    pub verification_ttl: Duration,
    /// Life of a password reset link.
    pub reset_ttl: Duration,
    /// Life of a staff invitation (a reset link sent to a new staff account).
    pub invitation_ttl: Duration,
    /// Time allowed between the password and the second factor.
    pub second_factor_ttl: Duration,
    /// How long a session check is trusted before the database is asked again:
    /// the bound on how late a revocation, suspension or role change takes effect.
    pub session_check_ttl: Duration,
    /// Progressive delay and temporary lock on failed logins.
    pub throttle: ThrottlePolicy,
    /// Base address of the web client, for links in emails.
    pub frontend_url: String,
}

impl Default for IdentityPolicy {
    fn default() -> Self {
        Self {
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            verification_ttl: Duration::from_secs(24 * 3600),
            reset_ttl: Duration::from_secs(3600),
            invitation_ttl: Duration::from_secs(72 * 3600),
            second_factor_ttl: Duration::from_secs(300),
            session_check_ttl: Duration::from_secs(30),
            throttle: ThrottlePolicy::default(),
            frontend_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// The ports the identity use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct IdentityPorts {
    /// Accounts.
    pub users: Arc<dyn UserRepository>,
    /// Sessions and refresh tokens.
    pub sessions: Arc<dyn SessionRepository>,
    /// Link and challenge tokens.
    pub one_time_tokens: Arc<dyn OneTimeTokenRepository>,
    /// Security audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Outgoing mail.
    pub mailer: Arc<dyn Mailer>,
    /// Password hashing.
    pub hasher: Arc<dyn PasswordHasher>,
    /// Password strength estimation.
    pub strength: Arc<dyn PasswordStrength>,
    /// Field encryption of personal data.
    pub cipher: Arc<dyn FieldCipher>,
    /// Email blind index.
    pub blind_index: Arc<dyn BlindIndex>,
    /// Access tokens.
    pub tokens: Arc<dyn AccessTokens>,
    /// Random secrets.
    pub secrets: Arc<dyn SecretTokens>,
    /// Second factor.
    pub totp: Arc<dyn Totp>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// The published versions of the privacy policy (the one in force is
    /// the one a registration accepts and the write gate asks for).
    pub policies: Arc<dyn PrivacyPolicyRepository>,
    /// Privacy choices: the consents changed with the profile.
    pub consents: Arc<dyn ConsentRepository>,
    /// Usernames of erased accounts, not yet free.
    pub usernames: Arc<dyn UsernameReservations>,
}

/// Accounts, authentication, sessions and roles.
#[derive(Clone)]
pub struct IdentityService {
    ports: IdentityPorts,
    policy: IdentityPolicy,
    throttle: Arc<Throttle>,
    gate: Arc<SessionGate>,
    current_policy: Arc<policy_gate::CurrentPolicy>,
    /// A real hash checked when the email is unknown, so that both paths cost the same.
    decoy_hash: Arc<OnceLock<PasswordHash>>,
}

impl std::fmt::Debug for IdentityService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl IdentityService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: IdentityPorts, policy: IdentityPolicy) -> Self {
        Self {
            throttle: Arc::new(Throttle::new(policy.throttle.clone())),
            gate: Arc::new(SessionGate::default()),
            current_policy: Arc::new(policy_gate::CurrentPolicy::default()),
            decoy_hash: Arc::new(OnceLock::new()),
            ports,
            policy,
        }
    }

    /// The access token port, for the JWKS document.
    #[must_use]
    pub fn access_tokens(&self) -> &Arc<dyn AccessTokens> {
        &self.ports.tokens
    }

    async fn audit(&self, event: AuditEvent) -> Result<(), AppError> {
        self.ports
            .audit
            .append(event, self.ports.clock.now())
            .await
            .map_err(AppError::from)
    }

    /// The clear profile of a stored account.
    fn open_profile(&self, user: &UserRecord) -> Result<Profile, AppError> {
        crate::ports::open_profile(self.ports.cipher.as_ref(), user).map_err(crypto_error)
    }

    /// A new citizen account: a fresh id and data key, the profile sealed under
    /// it, no second factor, email not yet verified, the privacy policy in
    /// force accepted, no consent to communications, no objection to
    /// statistics (its first choices, recorded with it).
    async fn new_record(
        &self,
        username: rr_domain::identity::Username,
        email_index: Vec<u8>,
        profile: &Profile,
        password_hash: PasswordHash,
    ) -> Result<UserRecord, AppError> {
        let id = rr_domain::identity::UserId::generate();
        let data_key = self.ports.cipher.new_data_key().map_err(crypto_error)?;
        let sealed = crate::ports::seal_profile(self.ports.cipher.as_ref(), &data_key, id, profile)
            .map_err(crypto_error)?;
        let policy_version = self.current_policy().await?.version.as_str().to_owned();
        let now = self.ports.clock.now();
        Ok(UserRecord {
            id,
            username,
            email_index,
            data_key,
            email: sealed.email,
            first_name: sealed.first_name,
            last_name: sealed.last_name,
            country: sealed.country,
            phone: sealed.phone,
            password_hash,
            role: rr_domain::identity::Role::Citizen,
            status: rr_domain::identity::AccountStatus::Active,
            email_verified_at: None,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
            policy_version,
            statistics_objection: false,
            region: None,
            communications_consent: false,
            restricted_since: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// The account a single-use token of `purpose` was issued for, using the
    /// token up; also returns the instant it was redeemed.
    async fn redeem(
        &self,
        token: &str,
        purpose: crate::ports::TokenPurpose,
    ) -> Result<(UserRecord, time::OffsetDateTime), AppError> {
        let digest = self.ports.secrets.digest(token);
        let now = self.ports.clock.now();
        let user_id = self
            .ports
            .one_time_tokens
            .consume(&digest, purpose, now)
            .await?
            .ok_or(AppError::InvalidToken)?;
        let user = self
            .ports
            .users
            .find(user_id)
            .await?
            .ok_or(AppError::InvalidToken)?;
        Ok((user, now))
    }

    /// The caller's account and a check of its password.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_credentials` when the password is wrong.
    async fn account_with_password(
        &self,
        actor: &rr_domain::identity::AuthenticatedActor,
        password: &rr_domain::credentials::Password,
    ) -> Result<UserRecord, AppError> {
        let user = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        match self
            .ports
            .hasher
            .verify(password, &user.password_hash)
            .await
            .map_err(hashing_error)?
        {
            crate::ports::Verification::Match { .. } => Ok(user),
            crate::ports::Verification::Mismatch => {
                Err(AppError::Unauthenticated("invalid_credentials"))
            }
        }
    }

    /// A single-use link to `path` on the web client for `user`, replacing any
    /// pending link of the same purpose.
    async fn link(
        &self,
        user: rr_domain::identity::UserId,
        purpose: crate::ports::TokenPurpose,
        ttl: Duration,
        path: &str,
    ) -> Result<String, AppError> {
        self.ports.one_time_tokens.revoke_all(user, purpose).await?;
        let token = self.ports.secrets.generate();
        self.ports
            .one_time_tokens
            .insert(&crate::ports::OneTimeToken {
                digest: token.digest,
                purpose,
                user_id: user,
                expires_at: self.ports.clock.now() + std_duration(ttl),
            })
            .await?;
        Ok(format!(
            "{}{path}?jeton={}",
            self.policy.frontend_url, token.value
        ))
    }

    /// The decoy hash, computed on first use.
    async fn decoy(&self) -> Result<PasswordHash, AppError> {
        if let Some(hash) = self.decoy_hash.get() {
            return Ok(hash.clone());
        }
        let hash = self
            .ports
            .hasher
            .hash(&rr_domain::credentials::Password::new(
                "decoy password, never anyone's",
            ))
            .await
            .map_err(hashing_error)?;
        let _ = self.decoy_hash.set(hash.clone());
        Ok(hash)
    }
}

fn crypto_error(err: CryptoError) -> AppError {
    AppError::internal(err)
}

fn hashing_error(err: HashingError) -> AppError {
    match err {
        HashingError::Saturated => AppError::Unavailable(Box::new(err)),
        HashingError::MalformedHash(_) | HashingError::Internal(_) => AppError::internal(err),
    }
}

fn std_duration(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}
