//! One's own account: read it decrypted, rectify it.

use rr_domain::identity::{AuthenticatedActor, Profile};

use super::{AccountView, IdentityService, ProfileChanges, crypto_error};
use crate::AppError;
use crate::ports::{AuditEvent, seal_profile};

impl IdentityService {
    /// The caller's account, personal data decrypted.
    ///
    /// # Errors
    /// [`AppError::NotFound`] if the account vanished.
    pub async fn me(&self, actor: &AuthenticatedActor) -> Result<AccountView, AppError> {
        let user = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let profile = self.open_profile(&user)?;
        Ok(AccountView {
            id: user.id,
            username: user.username,
            email: profile.email,
            email_verified: user.email_verified_at.is_some(),
            first_name: profile.first_name,
            last_name: profile.last_name,
            country: profile.country,
            phone: profile.phone,
            role: user.role,
            two_factor_enabled: user.totp_enabled,
            statistics_objection: user.statistics_objection,
            region: user.region,
            communications_consent: user.communications_consent,
            created_at: user.created_at,
        })
    }

    /// Rectifies the caller's profile. A new email must be verified again: a
    /// link goes to the new address and the account counts as unverified until
    /// it is used. The objection to statistics (GDPR Art. 21) is set here too,
    /// and takes effect for every event not yet written (and, at query time,
    /// for every statistic computed afterwards); so are the region and the
    /// consent to communications, whose changes are audited with their time. Role, status and id
    /// cannot be changed here.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `username_taken` or `email_taken`.
    pub async fn update_me(
        &self,
        actor: &AuthenticatedActor,
        changes: ProfileChanges,
    ) -> Result<AccountView, AppError> {
        let mut user = self
            .ports
            .users
            .find(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let current = self.open_profile(&user)?;
        let email_changed = changes.email.as_ref().is_some_and(|e| *e != current.email);
        if let Some(username) = &changes.username
            && username.canonical() != user.username.canonical()
            && self.ports.users.find_by_username(username).await?.is_some()
        {
            return Err(AppError::ConflictWith("username_taken"));
        }
        if email_changed && let Some(email) = &changes.email {
            let index = self.ports.blind_index.email_index(email.as_str());
            if self
                .ports
                .users
                .find_by_email_index(&index)
                .await?
                .is_some()
            {
                return Err(AppError::ConflictWith("email_taken"));
            }
            user.email_index = index;
            user.email_verified_at = None;
        }
        let profile = Profile {
            email: changes.email.unwrap_or(current.email),
            first_name: changes.first_name.unwrap_or(current.first_name),
            last_name: changes.last_name.unwrap_or(current.last_name),
            country: changes.country.unwrap_or(current.country),
            phone: changes.phone.unwrap_or(current.phone),
        };
        let sealed = seal_profile(
            self.ports.cipher.as_ref(),
            &user.data_key,
            user.id,
            &profile,
        )
        .map_err(crypto_error)?;
        user.email = sealed.email;
        user.first_name = sealed.first_name;
        user.last_name = sealed.last_name;
        user.country = sealed.country;
        user.phone = sealed.phone;
        if let Some(username) = changes.username {
            user.username = username;
        }
        let objection_changed = changes
            .statistics_objection
            .is_some_and(|objects| objects != user.statistics_objection);
        if let Some(objects) = changes.statistics_objection {
            user.statistics_objection = objects;
        }
        if let Some(region) = changes.region {
            user.region = region;
        }
        let consent_changed = changes
            .communications_consent
            .is_some_and(|agrees| agrees != user.communications_consent);
        if let Some(agrees) = changes.communications_consent {
            user.communications_consent = agrees;
        }
        user.updated_at = self.ports.clock.now();
        match self.ports.users.update(&user).await {
            Ok(()) => {}
            Err(crate::RepositoryError::Conflict(_)) => {
                return Err(AppError::ConflictWith("username_taken"));
            }
            Err(err) => return Err(err.into()),
        }
        self.audit(AuditEvent {
            action: "profile_rectified",
            actor: Some(user.id),
            subject: Some(user.id),
            detail: [
                email_changed.then_some("email_changed=true".to_owned()),
                objection_changed
                    .then(|| format!("statistics_objection={}", user.statistics_objection)),
                consent_changed
                    .then(|| format!("communications_consent={}", user.communications_consent)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        })
        .await?;
        if email_changed {
            self.send_verification(&user, profile.email.clone()).await?;
        }
        self.me(actor).await
    }
}
