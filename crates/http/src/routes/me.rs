//! `/api/v1/me/*`: one's own account, sessions, password and second factor.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use rr_application::services::IdentityService;
use rr_application::services::identity::{AccountView, ProfileChanges, SessionView};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    CountryCode, Email, PersonName, PhoneNumber, Region, SessionId, Username,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::extract::{Authenticated, AuthenticatedUngated};
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// One's account, personal data included.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Public handle.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Whether the address is confirmed.
    pub email_verified: bool,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Phone, international form.
    pub phone: Option<String>,
    /// `citizen`, `moderator`, `administrator` or `super_administrator`.
    #[schema(example = "citizen")]
    pub role: &'static str,
    /// Whether two-factor authentication is on.
    pub two_factor_enabled: bool,
    /// Whether the citizen objected to statistics: their consultations and
    /// searches are not counted.
    pub statistics_objection: bool,
    /// Region of residence: INSEE code of a French region (`11`, `84`…) or
    /// `99` outside France; `null` if not given.
    #[schema(example = "84")]
    pub region: Option<&'static str>,
    /// Whether the citizen agreed to receive emails beyond security mail.
    pub communications_consent: bool,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<AccountView> for AccountResponse {
    fn from(view: AccountView) -> Self {
        Self {
            id: view.id.as_uuid(),
            username: view.username.to_string(),
            email: view.email.as_str().to_owned(),
            email_verified: view.email_verified,
            first_name: view.first_name.as_str().to_owned(),
            last_name: view.last_name.as_str().to_owned(),
            country: view.country.as_str().to_owned(),
            phone: view.phone.map(|p| p.as_str().to_owned()),
            role: view.role.as_str(),
            two_factor_enabled: view.two_factor_enabled,
            statistics_objection: view.statistics_objection,
            region: view.region.map(Region::code),
            communications_consent: view.communications_consent,
            created_at: view.created_at,
        }
    }
}

/// My account
///
/// The caller's account, personal data decrypted.
#[utoipa::path(tag = "My account", security(("bearerAuth" = [])), responses((status = 200, description = "The account.", body = AccountResponse)))]
#[get("")]
pub async fn me(
    identity: web::Data<IdentityService>,
    actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(AccountResponse::from(identity.me(&actor.0).await?)))
}

/// Changes to one's profile; absent fields stay as they are. Role, status and
/// id cannot be sent (unknown fields are refused).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"lastName": "Martin-Roux", "phone": null}))]
pub struct ProfilePatch {
    /// New email: a verification link is sent to it.
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// New username.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{2,29}$")]
    pub username: Option<String>,
    /// New first name.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub first_name: Option<String>,
    /// New last name.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub last_name: Option<String>,
    /// New country code.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// New phone (`+` and 8 to 15 digits); `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "^\\+[1-9][0-9]{7,14}$")]
    pub phone: Option<Option<String>>,
    /// `true` objects to statistics (GDPR Art. 21): one's consultations and
    /// searches are no longer counted; `false` withdraws the objection.
    pub statistics_objection: Option<bool>,
    /// New region: INSEE code of a French region or `99` outside France;
    /// `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{2}$", example = "11")]
    pub region: Option<Option<String>>,
    /// `true` agrees to receive emails beyond security mail (news,
    /// announcements); `false` withdraws.
    pub communications_consent: Option<bool>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl ProfilePatch {
    /// The changes, each field checked; every broken rule is reported.
    pub(crate) fn try_into_changes(self) -> Result<ProfileChanges, rr_application::AppError> {
        let mut fields = Fields::default();
        let email = fields.parse_opt("email", self.email.as_deref(), Email::parse);
        let username = fields.parse_opt("username", self.username.as_deref(), Username::parse);
        let first_name =
            fields.parse_opt("firstName", self.first_name.as_deref(), PersonName::parse);
        let last_name = fields.parse_opt("lastName", self.last_name.as_deref(), PersonName::parse);
        let country = fields.parse_opt("country", self.country.as_deref(), CountryCode::parse);
        let phone = match self.phone {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(raw)) => fields
                .parse("phone", &raw, PhoneNumber::parse)
                .map(|p| Some(Some(p))),
        };
        let region = match self.region {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(raw)) => fields
                .parse("region", &raw, Region::parse)
                .map(|r| Some(Some(r))),
        };
        fields.finish()?;
        Ok(ProfileChanges {
            email: present(email)?,
            username: present(username)?,
            first_name: present(first_name)?,
            last_name: present(last_name)?,
            country: present(country)?,
            phone: present(phone)?,
            statistics_objection: self.statistics_objection,
            region: present(region)?,
            communications_consent: self.communications_consent,
        })
    }
}

/// Rectify my account
///
/// Changes the caller's profile. A new email must be verified again.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    request_body = ProfilePatch,
    responses(
        (status = 200, description = "The updated account.", body = AccountResponse),
        (status = 409, description = "Username or email taken (`username_taken`, `email_taken`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("")]
pub async fn update_me(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
    body: web::Json<ProfilePatch>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().try_into_changes()?;
    Ok(HttpResponse::Ok().json(AccountResponse::from(
        identity.update_me(&actor.0, changes).await?,
    )))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordChange {
    /// The current password.
    #[schema(max_length = 128, format = Password)]
    pub current_password: String,
    /// The new password.
    #[schema(max_length = 128, format = Password)]
    pub new_password: String,
}

/// Change my password
///
/// Changes the password; every other session ends.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    request_body = PasswordChange,
    responses((status = 204, description = "Password changed."))
)]
#[put("/password")]
pub async fn change_password(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    identity
        .change_password(
            &actor.0,
            &Password::new(body.current_password),
            &Password::new(body.new_password),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A live session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Client (user agent) that opened it.
    pub client: Option<String>,
    /// Start.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last refresh.
    #[serde(with = "time::serde::rfc3339")]
    pub last_used_at: OffsetDateTime,
    /// Whether it is the session of this request.
    pub current: bool,
}

impl From<SessionView> for SessionResponse {
    fn from(s: SessionView) -> Self {
        Self {
            id: s.id.as_uuid(),
            client: s.client,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current: s.current,
        }
    }
}

/// Live sessions, newest first (a handful per account: not paginated).
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    /// Sessions.
    pub items: Vec<SessionResponse>,
}

/// My sessions
///
/// The caller's live sessions.
#[utoipa::path(tag = "My account", security(("bearerAuth" = [])), responses((status = 200, description = "Live sessions.", body = SessionList)))]
#[get("/sessions")]
pub async fn sessions(
    identity: web::Data<IdentityService>,
    actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let items = identity
        .sessions(&actor.0)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(SessionList { items }))
}

/// End one of my sessions
///
/// Ends one of the caller's sessions (for instance a lost phone).
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Session id.")),
    responses(
        (status = 204, description = "Session ended."),
        (status = 404, description = "No such session of yours (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/sessions/{id}")]
pub async fn revoke_session(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    identity
        .revoke_session(&actor.0, SessionId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The start of a TOTP enrolment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotpEnrolmentResponse {
    /// `otpauth://` URI to show as a QR code.
    pub provisioning_uri: String,
    /// The secret in base32, to type by hand.
    pub secret: String,
}

/// Start two-factor enrolment
///
/// Creates a TOTP secret, not in force until confirmed with a code.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Secret to load in an authenticator app.", body = TotpEnrolmentResponse),
        (status = 409, description = "Already enabled (`two_factor_already_enabled`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/two-factor/totp")]
pub async fn begin_totp(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
) -> Result<HttpResponse, ApiError> {
    let enrolment = identity.begin_totp(&actor.0).await?;
    Ok(HttpResponse::Ok().json(TotpEnrolmentResponse {
        provisioning_uri: enrolment.provisioning_uri,
        secret: enrolment.secret,
    }))
}

/// A one-time code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// 6-digit code from the authenticator app.
    #[schema(max_length = 32)]
    pub code: String,
}

/// Recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    /// Ten single-use codes to keep somewhere safe.
    pub recovery_codes: Vec<String>,
}

/// Confirm two-factor enrolment
///
/// Turns two-factor authentication on with a code from the app and returns ten
/// recovery codes, shown this once.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    request_body = CodeRequest,
    responses(
        (status = 200, description = "Enabled.", body = RecoveryCodes),
        (status = 409, description = "Not started or already enabled.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/two-factor/totp/confirm")]
pub async fn confirm_totp(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
    body: web::Json<CodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let recovery_codes = identity.confirm_totp(&actor.0, &body.code).await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes { recovery_codes }))
}

/// What disabling two-factor authentication needs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableTwoFactor {
    /// The account's password.
    #[schema(max_length = 128, format = Password)]
    pub password: String,
    /// A current code or a recovery code.
    #[schema(max_length = 32)]
    pub code: String,
}

/// Disable two-factor authentication
///
/// Turns it off with the password and a code. Staff accounts may not.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    request_body = DisableTwoFactor,
    responses(
        (status = 204, description = "Disabled."),
        (status = 403, description = "Mandatory for staff (`two_factor_mandatory`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Not enabled (`two_factor_not_enabled`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/two-factor/disable")]
pub async fn disable_totp(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
    body: web::Json<DisableTwoFactor>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    identity
        .disable_totp(&actor.0, &Password::new(body.password), &body.code)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
