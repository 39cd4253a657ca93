//! An account holder erasing their own account.

use rr_domain::credentials::Password;
use rr_domain::identity::AuthenticatedActor;
use rr_domain::subject_rights::{ContentChoice, ErasureAuthority};

use super::{Erased, ErasureService};
use crate::AppError;

impl ErasureService {
    /// Erases the caller's account once they proved again that it is theirs:
    /// `password`, and `second_factor` (a current code or a recovery code)
    /// when two-factor authentication is on. Then as [`ErasureService::erase`];
    /// the caller's access token is refused from its next request.
    ///
    /// # Errors
    /// [`AppError::Unauthenticated`] `invalid_credentials` or
    /// `invalid_second_factor`; [`AppError::Forbidden`]
    /// `second_factor_required` or `staff_account`;
    /// [`AppError::TooManyAttempts`] after repeated failures; as
    /// [`ErasureService::erase`] otherwise.
    pub async fn erase_me(
        &self,
        actor: &AuthenticatedActor,
        password: &Password,
        second_factor: Option<&str>,
        content: ContentChoice,
    ) -> Result<Erased, AppError> {
        let user = self
            .identity
            .confirm_owner(actor, password, second_factor)
            .await?;
        if user.role.is_staff() {
            return Err(AppError::Forbidden("staff_account"));
        }
        let erased = self
            .erase(actor.user_id, ErasureAuthority::Subject, content)
            .await?;
        self.identity.forget_sessions(&[actor.session_id]);
        Ok(erased)
    }
}
