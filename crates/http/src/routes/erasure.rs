//! `DELETE /api/v1/me`: the caller erases their account (GDPR Art. 17; ADR 0023).

use actix_web::{HttpResponse, delete, web};
use rr_application::services::ErasureService;
use rr_domain::credentials::Password;
use rr_domain::subject_rights::ContentChoice;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::AuthenticatedUngated;
use crate::problem::ApiError;

/// What becomes of what the person published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentChoiceName {
    /// Every resource is deleted (with the comments under it); one's comments
    /// elsewhere become tombstones: their text goes, their place in the
    /// thread stays.
    Delete,
    /// Published public and restricted resources, comments (text included)
    /// and open reports stay, shown as by "Utilisateur supprimé"; every
    /// other resource is deleted.
    Anonymise,
}

impl From<ContentChoiceName> for ContentChoice {
    fn from(choice: ContentChoiceName) -> Self {
        match choice {
            ContentChoiceName::Delete => Self::Delete,
            ContentChoiceName::Anonymise => Self::Anonymise,
        }
    }
}

/// The confirmation of an erasure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"password": "Tournesol-Bleu-2026!", "code": "492039", "content": "anonymise"}))]
pub struct ErasureRequest {
    /// The account's password.
    #[schema(max_length = 128, format = Password)]
    pub password: String,
    /// With two-factor authentication on: a current code from the
    /// authenticator app, or a recovery code (used up). Ignored otherwise.
    #[schema(max_length = 32)]
    pub code: Option<String>,
    /// What becomes of what one published.
    pub content: ContentChoiceName,
}

/// Erase my account
///
/// Erases the caller's account for good, once they proved it is theirs
/// (password, and the second factor when enabled). The account and its data
/// key go (every copy of the sealed personal data becomes unreadable), with
/// sessions, tokens, consents, favourites, progress, notifications, exports
/// and the email's index; consultations and searches stay counted without
/// the person. `content` says what becomes of what they published. The
/// username stays reserved for a while (30 days by default) so that nobody
/// passes for them. The access token is refused from the next request.
/// Staff accounts are demoted by a super-administrator first.
#[utoipa::path(
    operation_id = "erase_me",
    tag = "My account",
    security(("bearerAuth" = [])),
    request_body = ErasureRequest,
    responses(
        (status = 204, description = "Erased."),
        (status = 401, description = "Wrong password (`invalid_credentials`) or second factor (`invalid_second_factor`), or no valid token.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Two-factor authentication is on and no `code` came (`second_factor_required`); a staff account (`staff_account`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed confirmations (`too_many_attempts`); retry after `Retry-After` seconds.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("")]
pub async fn erase_me(
    erasure: web::Data<ErasureService>,
    actor: AuthenticatedUngated,
    body: web::Json<ErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    erasure
        .erase_me(
            &actor.0,
            &Password::new(body.password),
            body.code.as_deref(),
            body.content.into(),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
