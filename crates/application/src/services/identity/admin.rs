//! Staff administration of accounts: roles, suspensions, staff creation, and
//! the first super-administrator from the command line.

use rr_domain::credentials::Password;
use rr_domain::identity::{AccountStatus, AuthenticatedActor, Role, UserId, UserRecord};
use rr_domain::subject_rights::ERASED_AUTHOR;
use time::OffsetDateTime;

use super::{IdentityService, StaffAccount, hashing_error, mail};
use crate::AppError;
use crate::ports::AuditEvent;

/// Longest suspension reason, in characters.
pub const REASON_MAX_CHARS: usize = 500;

impl IdentityService {
    /// Gives an account another role. Super-administrators only, never on themselves.
    /// The account's tokens stop working within the session check interval.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] for anyone else; [`AppError::NotFound`].
    pub async fn change_role(
        &self,
        actor: &AuthenticatedActor,
        target: UserId,
        role: Role,
    ) -> Result<(), AppError> {
        if !actor.may_change_role_of(target) {
            return Err(forbidden(actor, Role::SuperAdministrator));
        }
        let mut user = self
            .ports
            .users
            .find(target)
            .await?
            .filter(|user| user.id != ERASED_AUTHOR)
            .ok_or(AppError::NotFound)?;
        let previous = user.role;
        if previous == role {
            return Ok(());
        }
        user.role = role;
        user.updated_at = self.ports.clock.now();
        self.ports.users.update(&user).await?;
        self.audit(AuditEvent {
            action: "role_changed",
            actor: Some(actor.user_id),
            subject: Some(target),
            detail: format!("from={previous} to={role}"),
        })
        .await
    }

    /// Suspends an account with a reason and an optional end; its sessions are revoked.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless allowed by the hierarchy; [`AppError::Invalid`]
    /// for a blank or overlong reason or an end in the past.
    pub async fn suspend(
        &self,
        actor: &AuthenticatedActor,
        target: UserId,
        reason: &str,
        until: Option<OffsetDateTime>,
    ) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
            return Err(AppError::invalid(
                "reason",
                "invalid_reason",
                "Donnez un motif de 1 à 500 caractères.",
            ));
        }
        let now = self.ports.clock.now();
        if until.is_some_and(|end| end <= now) {
            return Err(AppError::invalid(
                "until",
                "end_in_the_past",
                "La fin de la suspension doit être future.",
            ));
        }
        let mut user = self.staff_target(actor, target).await?;
        user.status = AccountStatus::Suspended {
            reason: reason.to_owned(),
            until,
        };
        user.updated_at = now;
        self.ports.users.update(&user).await?;
        let revoked = self.ports.sessions.revoke_all(target, None, now).await?;
        self.audit(AuditEvent {
            action: "account_suspended",
            actor: Some(actor.user_id),
            subject: Some(target),
            // The reason is free text and may name people: it goes to the
            // account and the mail, not into the audit log.
            detail: format!("sessions_revoked={revoked}"),
        })
        .await?;
        let profile = self.open_profile(&user)?;
        self.send(mail::security_alert(
            profile.email,
            &format!("Votre compte est suspendu. Motif : {reason}"),
        ))
        .await;
        Ok(())
    }

    /// Lifts a suspension.
    ///
    /// # Errors
    /// As [`IdentityService::suspend`].
    pub async fn reactivate(
        &self,
        actor: &AuthenticatedActor,
        target: UserId,
    ) -> Result<(), AppError> {
        let mut user = self.staff_target(actor, target).await?;
        user.status = AccountStatus::Active;
        user.updated_at = self.ports.clock.now();
        self.ports.users.update(&user).await?;
        self.audit(AuditEvent {
            action: "account_reactivated",
            actor: Some(actor.user_id),
            subject: Some(target),
            detail: String::new(),
        })
        .await
    }

    async fn staff_target(
        &self,
        actor: &AuthenticatedActor,
        target: UserId,
    ) -> Result<UserRecord, AppError> {
        if !actor.may_act_as(Role::Administrator) {
            return Err(forbidden(actor, Role::Administrator));
        }
        let user = self
            .ports
            .users
            .find(target)
            .await?
            .filter(|user| user.id != ERASED_AUTHOR)
            .ok_or(AppError::NotFound)?;
        if !actor.may_suspend(target, user.role) {
            return Err(AppError::Forbidden("forbidden"));
        }
        Ok(user)
    }

    /// Creates a staff (or citizen) account for someone; they receive a link to
    /// choose their password. Super-administrators only.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::ConflictWith`] `username_taken` or `email_taken`.
    pub async fn create_account(
        &self,
        actor: &AuthenticatedActor,
        account: StaffAccount,
    ) -> Result<UserId, AppError> {
        if !actor.may_act_as(Role::SuperAdministrator) {
            return Err(forbidden(actor, Role::SuperAdministrator));
        }
        // Nobody knows this password: the person sets theirs through the link.
        let unusable = Password::new(self.ports.secrets.generate().value);
        let email = account.email.clone();
        let role = account.role;
        let id = self.insert_account(account, &unusable, false).await?;
        let link = self
            .issue_reset_link(id, self.policy.invitation_ttl)
            .await?;
        self.send(mail::invitation(email, &link, role.as_str()))
            .await;
        self.audit(AuditEvent {
            action: "account_created_by_staff",
            actor: Some(actor.user_id),
            subject: Some(id),
            detail: format!("role={role}"),
        })
        .await?;
        Ok(id)
    }

    /// Creates an account from the command line (the first super-administrator),
    /// with a password typed by the operator and the email taken as verified.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for a refused password; conflicts as for registration.
    pub async fn bootstrap_account(
        &self,
        account: StaffAccount,
        password: &Password,
    ) -> Result<UserId, AppError> {
        let hints = super::password::personal_hints(
            &account.email,
            &account.username,
            &account.first_name,
            &account.last_name,
        );
        self.check_password_policy("password", password, &hints)
            .map_err(|v| AppError::Invalid(vec![v]))?;
        let role = account.role;
        let id = self.insert_account(account, password, true).await?;
        self.audit(AuditEvent {
            action: "account_created_from_cli",
            actor: None,
            subject: Some(id),
            detail: format!("role={role}"),
        })
        .await?;
        Ok(id)
    }

    async fn insert_account(
        &self,
        account: StaffAccount,
        password: &Password,
        verified: bool,
    ) -> Result<UserId, AppError> {
        let index = self.ports.blind_index.email_index(account.email.as_str());
        if self
            .ports
            .users
            .find_by_email_index(&index)
            .await?
            .is_some()
        {
            return Err(AppError::ConflictWith("email_taken"));
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
            email: account.email,
            first_name: account.first_name,
            last_name: account.last_name,
            country: account.country,
            phone: None,
        };
        let password_hash = self
            .ports
            .hasher
            .hash(password)
            .await
            .map_err(hashing_error)?;
        let mut record = self
            .new_record(account.username, index, &profile, password_hash)
            .await?;
        record.role = account.role;
        record.email_verified_at = verified.then_some(record.created_at);
        let id = record.id;
        match self.ports.users.insert(&record).await {
            Ok(()) => Ok(id),
            Err(crate::RepositoryError::Conflict(_)) => Err(AppError::ConflictWith("email_taken")),
            Err(err) => Err(err.into()),
        }
    }
}

/// Staff whose role would suffice but who lack two-factor authentication are
/// told what is missing; everyone else is simply refused.
fn forbidden(actor: &AuthenticatedActor, required: Role) -> AppError {
    if actor.role >= required && actor.role.is_staff() && !actor.two_factor {
        AppError::Forbidden("two_factor_required")
    } else {
        AppError::Forbidden("forbidden")
    }
}
