//! One's own account: read it decrypted, rectify it.

use rr_domain::identity::{AuthenticatedActor, Profile, UserId};
use rr_domain::privacy::{ConsentRecord, Purpose};

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
    /// consent to communications, whose changes are recorded in the consent
    /// history (`rr_domain::privacy`) and audited with their time. Role, status and id
    /// cannot be changed here.
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `username_taken` or `email_taken`.
    pub async fn update_me(
        &self,
        actor: &AuthenticatedActor,
        changes: ProfileChanges,
    ) -> Result<AccountView, AppError> {
        self.rectify(actor.user_id, actor.user_id, changes).await?;
        self.me(actor).await
    }

    /// Rectifies `subject`'s profile as [`Self::update_me`] does, on behalf
    /// of `by`: the person, or an administrator acting on their request
    /// (`SubjectRequestService::rectify`), named as the actor in the audit
    /// log. The names of the fields it changed, never their values.
    ///
    /// # Errors
    /// [`AppError::NotFound`] if the account is gone;
    /// [`AppError::ConflictWith`] `username_taken` or `email_taken`.
    pub async fn rectify(
        &self,
        subject: UserId,
        by: UserId,
        changes: ProfileChanges,
    ) -> Result<Vec<&'static str>, AppError> {
        let mut user = self
            .ports
            .users
            .find(subject)
            .await?
            .ok_or(AppError::NotFound)?;
        let current = self.open_profile(&user)?;
        let changed = changed_fields(&changes, &current, &user);
        let email_changed = changes.email.as_ref().is_some_and(|e| *e != current.email);
        if let Some(username) = &changes.username
            && username.canonical() != user.username.canonical()
            && (self.ports.users.find_by_username(username).await?.is_some()
                || self.username_reserved(username).await?)
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
        if changed.contains(&"region") {
            // The session checks cached here carry the region the feature
            // flags are evaluated with: a move applies on this node at once.
            self.gate.forget_account(user.id);
        }
        // The objection and the consent are privacy choices: recorded in the
        // consent history with the account's state, as through
        // `PUT /api/v1/me/consents` (the update above leaves them alone).
        let mut choices = Vec::new();
        if objection_changed || consent_changed {
            let version = self.current_policy().await?.version;
            let choice = |purpose, granted| ConsentRecord {
                purpose,
                granted,
                policy_version: version.clone(),
                at: user.updated_at,
            };
            if objection_changed {
                choices.push(choice(Purpose::Statistics, !user.statistics_objection));
            }
            if consent_changed {
                choices.push(choice(Purpose::Communications, user.communications_consent));
            }
        }
        if !choices.is_empty() && !self.ports.consents.record(user.id, &choices).await? {
            return Err(AppError::NotFound);
        }
        self.audit(AuditEvent {
            action: "profile_rectified",
            actor: Some(by),
            subject: Some(user.id),
            // Which fields changed, never their values: the history of
            // rectifications a person finds in their export.
            detail: [
                (!changed.is_empty()).then(|| format!("fields={}", changed.join(","))),
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
        Ok(changed)
    }
}

/// The names of the fields `changes` really changes, in a fixed order (the
/// privacy choices, audited with their new value, apart).
fn changed_fields(
    changes: &ProfileChanges,
    current: &Profile,
    user: &rr_domain::identity::UserRecord,
) -> Vec<&'static str> {
    let phone = |p: Option<&rr_domain::identity::PhoneNumber>| p.map(|p| p.as_str().to_owned());
    [
        (
            "username",
            changes
                .username
                .as_ref()
                .is_some_and(|u| u.as_str() != user.username.as_str()),
        ),
        (
            "email",
            changes.email.as_ref().is_some_and(|e| *e != current.email),
        ),
        (
            "first_name",
            changes
                .first_name
                .as_ref()
                .is_some_and(|n| n.as_str() != current.first_name.as_str()),
        ),
        (
            "last_name",
            changes
                .last_name
                .as_ref()
                .is_some_and(|n| n.as_str() != current.last_name.as_str()),
        ),
        (
            "country",
            changes.country.is_some_and(|c| c != current.country),
        ),
        (
            "phone",
            changes
                .phone
                .as_ref()
                .is_some_and(|p| phone(p.as_ref()) != phone(current.phone.as_ref())),
        ),
        ("region", changes.region.is_some_and(|r| r != user.region)),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}
