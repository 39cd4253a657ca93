//! TOTP enrolment with confirmation, recovery codes, and disabling.

use rr_domain::credentials::Password;
use rr_domain::identity::{AuthenticatedActor, UserRecord};

use super::{IdentityService, TotpEnrolment, crypto_error, mail};
use crate::AppError;
use crate::ports::{AuditEvent, fields};

/// Recovery codes handed out when two-factor authentication is confirmed.
pub const RECOVERY_CODES: usize = 10;

impl IdentityService {
    /// Starts (or restarts) a TOTP enrolment: a new secret, not yet in force.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `two_factor_already_enabled`.
    pub async fn begin_totp(&self, actor: &AuthenticatedActor) -> Result<TotpEnrolment, AppError> {
        let mut user = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if user.totp_enabled {
            return Err(AppError::ConflictWith("two_factor_already_enabled"));
        }
        let secret = self.ports.totp.new_secret();
        user.totp_secret = Some(
            self.ports
                .cipher
                .seal(&user.data_key, user.id, fields::TOTP_SECRET, &secret)
                .map_err(crypto_error)?,
        );
        user.totp_last_step = None;
        user.updated_at = self.ports.clock.now();
        self.ports.users.update(&user).await?;
        let (provisioning_uri, secret) = self
            .ports
            .totp
            .provisioning(&secret, user.username.as_str());
        Ok(TotpEnrolment {
            provisioning_uri,
            secret,
        })
    }

    /// Confirms the enrolment with a code from the app; returns the recovery
    /// codes, shown this once (only their digests are kept).
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `two_factor_not_started`;
    /// [`AppError::Unauthenticated`] `invalid_second_factor` for a wrong code.
    pub async fn confirm_totp(
        &self,
        actor: &AuthenticatedActor,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let mut user = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if user.totp_enabled {
            return Err(AppError::ConflictWith("two_factor_already_enabled"));
        }
        if user.totp_secret.is_none() {
            return Err(AppError::ConflictWith("two_factor_not_started"));
        }
        let now = self.ports.clock.now();
        let is_totp = code.trim().len() == 6;
        if !is_totp || !self.second_factor_matches(&mut user, code, now).await? {
            return Err(AppError::Unauthenticated("invalid_second_factor"));
        }
        let codes: Vec<_> = (0..RECOVERY_CODES)
            .map(|_| self.ports.secrets.recovery_code())
            .collect();
        let digests: Vec<Vec<u8>> = codes.iter().map(|c| c.digest.clone()).collect();
        self.ports
            .users
            .replace_recovery_codes(user.id, &digests)
            .await?;
        user.totp_enabled = true;
        user.updated_at = now;
        self.ports.users.update(&user).await?;
        self.forget_session(actor.session_id);
        self.two_factor_changed(
            &user,
            "two_factor_enabled",
            "La double authentification est désormais active sur votre compte.",
        )
        .await?;
        Ok(codes.into_iter().map(|c| c.value).collect())
    }

    /// Turns two-factor authentication off, with the password and a current code.
    /// Staff may not: it is mandatory for them.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_mandatory`; [`AppError::Unauthenticated`]
    /// `invalid_credentials` or `invalid_second_factor`.
    pub async fn disable_totp(
        &self,
        actor: &AuthenticatedActor,
        password: &Password,
        code: &str,
    ) -> Result<(), AppError> {
        let mut user = self.account_with_password(actor, password).await?;
        if user.role.is_staff() {
            return Err(AppError::Forbidden("two_factor_mandatory"));
        }
        if !user.totp_enabled {
            return Err(AppError::ConflictWith("two_factor_not_enabled"));
        }
        let now = self.ports.clock.now();
        if !self.second_factor_matches(&mut user, code, now).await? {
            return Err(AppError::Unauthenticated("invalid_second_factor"));
        }
        user.totp_enabled = false;
        user.totp_secret = None;
        user.totp_last_step = None;
        user.updated_at = now;
        self.ports.users.update(&user).await?;
        self.ports
            .users
            .replace_recovery_codes(user.id, &[])
            .await?;
        self.forget_session(actor.session_id);
        self.two_factor_changed(
            &user,
            "two_factor_disabled",
            "La double authentification a été désactivée sur votre compte.",
        )
        .await?;
        Ok(())
    }

    /// Records a change of one's own second factor and tells the account's owner by mail.
    async fn two_factor_changed(
        &self,
        user: &UserRecord,
        action: &'static str,
        alert: &str,
    ) -> Result<(), AppError> {
        self.audit(AuditEvent {
            action,
            actor: Some(user.id),
            subject: Some(user.id),
            detail: String::new(),
        })
        .await?;
        let profile = self.open_profile(user)?;
        self.send(mail::security_alert(profile.email, alert)).await;
        Ok(())
    }
}
