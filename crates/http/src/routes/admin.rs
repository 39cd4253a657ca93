//! `/api/v1/admin/accounts/*`: staff administration of accounts.

use actix_web::{HttpResponse, delete, post, put, web};
use rr_application::services::IdentityService;
use rr_application::services::identity::StaffAccount;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, UserId, Username};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::extract::Authenticated;
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// A role.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    /// Citizen.
    Citizen,
    /// Moderator.
    Moderator,
    /// Administrator.
    Administrator,
    /// Super-administrator.
    SuperAdministrator,
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Citizen => Self::Citizen,
            RoleName::Moderator => Self::Moderator,
            RoleName::Administrator => Self::Administrator,
            RoleName::SuperAdministrator => Self::SuperAdministrator,
        }
    }
}

/// An account to create for someone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewStaffAccount {
    /// Their email: they receive a link to choose a password.
    #[schema(max_length = 254, format = Email)]
    pub email: String,
    /// Username.
    #[schema(
        min_length = 3,
        max_length = 30,
        pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{2,29}$"
    )]
    pub username: String,
    /// First name.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub first_name: String,
    /// Last name.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub last_name: String,
    /// Country code.
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    /// Role.
    pub role: RoleName,
}

/// The id of a created account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Identifier.
    pub id: uuid::Uuid,
}

/// Create an account
///
/// Super-administrators create staff (or citizen) accounts; the person receives
/// a link to choose their password, then must enable two-factor authentication.
#[utoipa::path(
    tag = "Administration",
    security(("bearerAuth" = [])),
    request_body = NewStaffAccount,
    responses(
        (status = 201, description = "Created.", body = Created),
        (status = 403, description = "Not a super-administrator with two-factor authentication (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Email or username taken.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/accounts")]
pub async fn create_account(
    identity: web::Data<IdentityService>,
    actor: Authenticated,
    body: web::Json<NewStaffAccount>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut fields = Fields::default();
    let email = fields.parse("email", &body.email, Email::parse);
    let username = fields.parse("username", &body.username, Username::parse);
    let first_name = fields.parse("firstName", &body.first_name, PersonName::parse);
    let last_name = fields.parse("lastName", &body.last_name, PersonName::parse);
    let country = fields.parse("country", &body.country, CountryCode::parse);
    fields.finish()?;
    let account = StaffAccount {
        email: present(email)?,
        username: present(username)?,
        first_name: present(first_name)?,
        last_name: present(last_name)?,
        country: present(country)?,
        role: body.role.into(),
    };
    let id = identity.create_account(&actor.0, account).await?;
    Ok(HttpResponse::Created().json(Created { id: id.as_uuid() }))
}

/// A new role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The role to give.
    pub role: RoleName,
}

/// Change an account's role
///
/// Super-administrators promote and demote; nobody changes their own role.
/// The account's current tokens stop working within 30 seconds.
#[utoipa::path(
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Account id.")),
    request_body = RoleChange,
    responses(
        (status = 204, description = "Role changed."),
        (status = 403, description = "Not allowed (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such account (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/accounts/{id}/role")]
pub async fn change_role(
    identity: web::Data<IdentityService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<RoleChange>,
) -> Result<HttpResponse, ApiError> {
    identity
        .change_role(
            &actor.0,
            UserId::from_uuid(id.into_inner()),
            body.role.into(),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A suspension.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionRequest {
    /// Why, as told to the person (1 to 500 characters).
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub reason: String,
    /// When it ends by itself (RFC 3339); absent until lifted.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
}

/// Suspend an account
///
/// Administrators suspend citizens, super-administrators anyone below them;
/// the account's sessions end at once.
#[utoipa::path(
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Account id.")),
    request_body = SuspensionRequest,
    responses(
        (status = 204, description = "Suspended."),
        (status = 403, description = "Not allowed (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such account (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/accounts/{id}/suspension")]
pub async fn suspend(
    identity: web::Data<IdentityService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<SuspensionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    identity
        .suspend(
            &actor.0,
            UserId::from_uuid(id.into_inner()),
            &body.reason,
            body.until,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reactivate an account
///
/// Lifts a suspension.
#[utoipa::path(
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Account id.")),
    responses(
        (status = 204, description = "Reactivated."),
        (status = 403, description = "Not allowed.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such account (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/accounts/{id}/suspension")]
pub async fn reactivate(
    identity: web::Data<IdentityService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    identity
        .reactivate(&actor.0, UserId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
