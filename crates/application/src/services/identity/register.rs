//! Registration and email verification.

use rr_domain::identity::UserRecord;

use super::{IdentityService, NewAccount, hashing_error, mail};
use crate::ports::{AuditEvent, TokenPurpose};
use crate::{AppError, FieldViolation};

impl IdentityService {
    /// Registers an account and mails a verification link.
    ///
    /// The answer is the same whether the email is new or already registered
    /// (in which case the owner is told by mail instead), so registration cannot
    /// be used to find out who has an account. The password is hashed on both
    /// paths so they take the same time.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for a refused password, policy version or age
    /// declaration; [`AppError::ConflictWith`] `username_taken`.
    pub async fn register(&self, account: NewAccount) -> Result<(), AppError> {
        let mut violations = Vec::new();
        let current = self.current_policy().await?.version;
        if account.accepted_policy_version != current.as_str() {
            violations.push(FieldViolation::new(
                "acceptedPolicyVersion",
                "policy_version_mismatch",
                format!("Acceptez la politique de confidentialité en vigueur (version {current})."),
            ));
        }
        if !account.age_declaration {
            violations.push(FieldViolation::new(
                "ageDeclaration",
                "age_declaration_required",
                "Déclarez avoir 15 ans ou plus, ou disposer du consentement parental.",
            ));
        }
        let hints = super::password::personal_hints(
            &account.email,
            &account.username,
            &account.first_name,
            &account.last_name,
        );
        if let Err(violation) = self.check_password_policy("password", &account.password, &hints) {
            violations.push(violation);
        }
        if !violations.is_empty() {
            return Err(AppError::Invalid(violations));
        }

        let email_index = self.ports.blind_index.email_index(account.email.as_str());
        let password_hash = self
            .ports
            .hasher
            .hash(&account.password)
            .await
            .map_err(hashing_error)?;
        if self
            .ports
            .users
            .find_by_email_index(&email_index)
            .await?
            .is_some()
        {
            let hint = format!("{}/compte/mot-de-passe-oublie", self.policy.frontend_url);
            self.send(mail::already_registered(account.email, &hint))
                .await;
            return Ok(());
        }
        if self
            .ports
            .users
            .find_by_username(&account.username)
            .await?
            .is_some()
            || self.username_reserved(&account.username).await?
        {
            return Err(AppError::ConflictWith("username_taken"));
        }

        let profile = rr_domain::identity::Profile {
            email: account.email.clone(),
            first_name: account.first_name,
            last_name: account.last_name,
            country: account.country,
            phone: account.phone,
        };
        let mut record = self
            .new_record(account.username, email_index, &profile, password_hash)
            .await?;
        record.region = account.region;
        let id = record.id;
        match self.ports.users.insert(&record).await {
            Ok(()) => {}
            // Lost a race with a registration of the same email or username.
            Err(crate::RepositoryError::Conflict(_)) => {
                return Err(AppError::ConflictWith("username_taken"));
            }
            Err(err) => return Err(err.into()),
        }
        self.audit(AuditEvent {
            action: "account_registered",
            actor: Some(id),
            subject: Some(id),
            detail: format!("policy_version={}", record.policy_version),
        })
        .await?;
        self.send_verification(&record, account.email).await
    }

    /// Mails a new verification link to an unverified account, if the email
    /// belongs to one. Answers the same in every case.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn resend_verification(
        &self,
        email: &rr_domain::identity::Email,
    ) -> Result<(), AppError> {
        let index = self.ports.blind_index.email_index(email.as_str());
        if let Some(user) = self.ports.users.find_by_email_index(&index).await?
            && user.email_verified_at.is_none()
        {
            self.send_verification(&user, email.clone()).await?;
        }
        Ok(())
    }

    pub(super) async fn send_verification(
        &self,
        user: &UserRecord,
        email: rr_domain::identity::Email,
    ) -> Result<(), AppError> {
        let link = self
            .link(
                user.id,
                TokenPurpose::EmailVerification,
                self.policy.verification_ttl,
                "/compte/verification",
            )
            .await?;
        self.send(mail::verification(email, &link)).await;
        Ok(())
    }

    /// Confirms an email address with the token of a verification link.
    ///
    /// # Errors
    /// [`AppError::InvalidToken`] when unknown, used or expired.
    pub async fn verify_email(&self, token: &str) -> Result<(), AppError> {
        let (mut user, now) = self.redeem(token, TokenPurpose::EmailVerification).await?;
        let user_id = user.id;
        user.email_verified_at = Some(now);
        user.updated_at = now;
        self.ports.users.update(&user).await?;
        self.audit(AuditEvent {
            action: "email_verified",
            actor: Some(user_id),
            subject: Some(user_id),
            detail: String::new(),
        })
        .await
    }

    /// Sends mail; a failure is logged, never fatal: the person can ask again.
    pub(super) async fn send(&self, email: crate::ports::OutgoingEmail) {
        if let Err(err) = self.ports.mailer.send(email).await {
            tracing::warn!(error = %err, "mail not sent");
        }
    }
}
