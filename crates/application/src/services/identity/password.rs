//! The password policy, password change and password reset.

use rr_domain::credentials::Password;
use rr_domain::identity::{AuthenticatedActor, Email, PasswordRule, check_structure};

use super::{IdentityService, hashing_error, mail};
use crate::ports::{AuditEvent, TokenPurpose};
use crate::{AppError, FieldViolation};

/// What an attacker knows of an account and might find in its password.
pub(super) fn personal_hints(
    email: &Email,
    username: &rr_domain::identity::Username,
    first_name: &rr_domain::identity::PersonName,
    last_name: &rr_domain::identity::PersonName,
) -> [String; 4] {
    [
        email.as_str(),
        username.as_str(),
        first_name.as_str(),
        last_name.as_str(),
    ]
    .map(ToOwned::to_owned)
}

/// Entropy a passphrase needs when it lacks a character class (CNIL: 80 bits).
const PASSPHRASE_BITS: f64 = 80.0;

impl IdentityService {
    /// Checks a new password against the CNIL rule and the strength estimator.
    pub(super) fn check_password_policy(
        &self,
        field: &'static str,
        password: &Password,
        hints: &[String],
    ) -> Result<(), FieldViolation> {
        let violation =
            |rule: PasswordRule| FieldViolation::new(field, rule.code(), rule.message());
        let estimate = self.ports.strength.assess(password.expose(), hints);
        match check_structure(password.expose()) {
            Ok(()) => {}
            Err(PasswordRule::MissingCharacterClasses(missing)) => {
                if estimate.entropy_bits < PASSPHRASE_BITS {
                    return Err(violation(PasswordRule::MissingCharacterClasses(missing)));
                }
            }
            Err(rule) => return Err(violation(rule)),
        }
        if estimate.guessable {
            return Err(violation(PasswordRule::TooPredictable));
        }
        Ok(())
    }

    /// Changes one's password; every other session is revoked.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_credentials` when the current
    /// password is wrong; [`AppError::Invalid`] when the new one is refused.
    pub async fn change_password(
        &self,
        actor: &AuthenticatedActor,
        current: &Password,
        new: &Password,
    ) -> Result<(), AppError> {
        let mut user = self.account_with_password(actor, current).await?;
        let profile = self.open_profile(&user)?;
        let hints = personal_hints(
            &profile.email,
            &user.username,
            &profile.first_name,
            &profile.last_name,
        );
        self.check_password_policy("newPassword", new, &hints)
            .map_err(|v| AppError::Invalid(vec![v]))?;
        let now = self.ports.clock.now();
        user.password_hash = self.ports.hasher.hash(new).await.map_err(hashing_error)?;
        user.updated_at = now;
        self.ports.users.update(&user).await?;
        let revoked = self
            .ports
            .sessions
            .revoke_all(user.id, Some(actor.session_id), now)
            .await?;
        self.audit(AuditEvent {
            action: "password_changed",
            actor: Some(user.id),
            subject: Some(user.id),
            detail: format!("other_sessions_revoked={revoked}"),
        })
        .await?;
        self.send(mail::security_alert(
            profile.email,
            "Le mot de passe de votre compte vient d'être modifié.",
        ))
        .await;
        Ok(())
    }

    /// Mails a password reset link if the email belongs to an account. Answers
    /// the same either way.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn request_password_reset(&self, email: &Email) -> Result<(), AppError> {
        let index = self.ports.blind_index.email_index(email.as_str());
        let Some(user) = self.ports.users.find_by_email_index(&index).await? else {
            return Ok(());
        };
        let link = self
            .issue_reset_link(user.id, self.policy.reset_ttl)
            .await?;
        self.send(mail::password_reset(email.clone(), &link)).await;
        self.audit(AuditEvent {
            action: "password_reset_requested",
            actor: None,
            subject: Some(user.id),
            detail: String::new(),
        })
        .await
    }

    pub(super) async fn issue_reset_link(
        &self,
        user: rr_domain::identity::UserId,
        ttl: std::time::Duration,
    ) -> Result<String, AppError> {
        self.link(
            user,
            TokenPurpose::PasswordReset,
            ttl,
            "/compte/nouveau-mot-de-passe",
        )
        .await
    }

    /// Sets a new password with the token of a reset link; every session is
    /// revoked and the address counts as verified (the link proved it).
    ///
    /// # Errors
    /// [`AppError::InvalidToken`]; [`AppError::Invalid`] when the password is refused.
    pub async fn reset_password(&self, token: &str, new: &Password) -> Result<(), AppError> {
        // The rules that need no personal data are checked before the link is
        // used up, so a refused password rarely costs the person their link.
        self.check_password_policy("newPassword", new, &[])
            .map_err(|v| AppError::Invalid(vec![v]))?;
        let (mut user, now) = self.redeem(token, TokenPurpose::PasswordReset).await?;
        let user_id = user.id;
        let profile = self.open_profile(&user)?;
        let hints = personal_hints(
            &profile.email,
            &user.username,
            &profile.first_name,
            &profile.last_name,
        );
        if let Err(violation) = self.check_password_policy("newPassword", new, &hints) {
            // The link is spent: send a fresh one right away.
            let link = self
                .issue_reset_link(user_id, self.policy.reset_ttl)
                .await?;
            self.send(mail::password_reset(profile.email, &link)).await;
            return Err(AppError::Invalid(vec![violation]));
        }
        user.password_hash = self.ports.hasher.hash(new).await.map_err(hashing_error)?;
        user.email_verified_at = user.email_verified_at.or(Some(now));
        user.failed_logins = 0;
        user.locked_until = None;
        self.throttle.succeeded(&user.email_index);
        user.updated_at = now;
        self.ports.users.update(&user).await?;
        let revoked = self.ports.sessions.revoke_all(user.id, None, now).await?;
        self.audit(AuditEvent {
            action: "password_reset",
            actor: Some(user.id),
            subject: Some(user.id),
            detail: format!("sessions_revoked={revoked}"),
        })
        .await?;
        self.send(mail::security_alert(
            profile.email,
            "Le mot de passe de votre compte vient d'être réinitialisé ; toutes vos sessions ont été fermées.",
        ))
        .await;
        Ok(())
    }
}
