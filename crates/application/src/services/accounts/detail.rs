//! One account with its personal data, for an administrator, journaled.

use rr_domain::identity::{
    AccessReason, AccountStatus, AuthenticatedActor, PersonalField, Profile, Role, UserId, Username,
};
use rr_domain::subject_rights::ERASED_AUTHOR;
use time::OffsetDateTime;

use super::{AccountAdminService, require_administrator};
use crate::AppError;
use crate::ports::{Standing, open_profile};

/// An account as an administrator reads it, personal data opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDetail {
    /// Identifier.
    pub id: UserId,
    /// Public handle.
    pub username: Username,
    /// Role.
    pub role: Role,
    /// Standing now.
    pub standing: Standing,
    /// The suspension's reason, as told to the person, while suspended.
    pub suspension_reason: Option<String>,
    /// The personal data.
    pub profile: Profile,
    /// Whether the email address is confirmed.
    pub email_verified: bool,
    /// Whether two-factor authentication is on.
    pub two_factor_enabled: bool,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// The fields read, as journaled.
    pub fields_read: Vec<PersonalField>,
}

impl AccountAdminService {
    /// The account `id` with its personal data. The read is journaled with
    /// `reason` (and audited) before anything is returned: the person sees
    /// it in their access log. Administrators with two-factor authentication
    /// read accounts below their role, super-administrators any account but
    /// their own.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_required` or `forbidden` (the
    /// hierarchy); [`AppError::NotFound`]; [`AppError::Unavailable`] when the
    /// journal cannot be written (then nothing is shown).
    pub async fn detail(
        &self,
        actor: &AuthenticatedActor,
        id: UserId,
        reason: AccessReason,
    ) -> Result<AccountDetail, AppError> {
        require_administrator(actor)?;
        // The account keeping erased accounts' content has no personal data.
        let user = self
            .ports
            .users
            .find(id)
            .await?
            .filter(|user| user.id != ERASED_AUTHOR)
            .ok_or(AppError::NotFound)?;
        if !actor.may_read_personal_data_of(user.id, user.role) {
            return Err(AppError::Forbidden("forbidden"));
        }
        let profile =
            open_profile(self.ports.cipher.as_ref(), &user).map_err(AppError::internal)?;
        let fields: Vec<PersonalField> = PersonalField::ALL
            .into_iter()
            .filter(|f| *f != PersonalField::Phone || profile.phone.is_some())
            .collect();
        self.journal(actor, user.id, reason, fields.clone()).await?;
        let now = self.ports.clock.now();
        let standing = Standing::of(&user.status, now);
        let suspension_reason = match (&user.status, standing) {
            (AccountStatus::Suspended { reason, .. }, Standing::Suspended { .. }) => {
                Some(reason.clone())
            }
            _ => None,
        };
        Ok(AccountDetail {
            id: user.id,
            username: user.username,
            role: user.role,
            standing,
            suspension_reason,
            profile,
            email_verified: user.email_verified_at.is_some(),
            two_factor_enabled: user.totp_enabled,
            created_at: user.created_at,
            updated_at: user.updated_at,
            fields_read: fields,
        })
    }
}
