//! `/api/v1/auth/*`: registration, verification, login, refresh, logout,
//! password reset. Public, rate-limited per client address.

use actix_web::{HttpRequest, HttpResponse, post, web};
use rr_application::AppError;
use rr_application::services::IdentityService;
use rr_application::services::identity::{LoginOutcome, NewAccount, TokenPair};
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, PhoneNumber, Region, Username};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{AuthenticatedUngated, client_description};
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// A registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "email": "lea.martin@exemple.fr", "username": "lea_m", "firstName": "Léa", "lastName": "Martin",
    "country": "FR", "phone": "+33612345678", "password": "Tournesol-Bleu-2026!",
    "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
}))]
pub struct RegisterRequest {
    /// Login and contact address.
    #[schema(max_length = 254, format = Email)]
    pub email: String,
    /// Public handle: 3 to 30 of `a-z A-Z 0-9 _ . -`.
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
    /// ISO 3166-1 alpha-2 country code.
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    /// Optional phone, international form: `+` and 8 to 15 digits.
    #[schema(pattern = "^\\+[1-9][0-9]{7,14}$")]
    pub phone: Option<String>,
    /// Optional region of residence: INSEE code of a French region (`11`,
    /// `84`…) or `99` outside France. Statistics are grouped by it.
    #[schema(pattern = "^[0-9]{2}$", example = "84")]
    pub region: Option<String>,
    /// At least 12 characters with upper and lower case, a digit and a special
    /// character, or a passphrase of about 80 bits; not common nor breached.
    #[schema(max_length = 128, format = Password)]
    pub password: String,
    /// Version of the privacy policy accepted (`privacyPolicyVersion` of `GET /api/v1/version`).
    pub accepted_policy_version: String,
    /// The person is 15 or older, or has parental consent.
    pub age_declaration: bool,
}

impl RegisterRequest {
    fn try_into_command(self) -> Result<NewAccount, AppError> {
        let mut fields = Fields::default();
        let email = fields.parse("email", &self.email, Email::parse);
        let username = fields.parse("username", &self.username, Username::parse);
        let first_name = fields.parse("firstName", &self.first_name, PersonName::parse);
        let last_name = fields.parse("lastName", &self.last_name, PersonName::parse);
        let country = fields.parse("country", &self.country, CountryCode::parse);
        let phone = fields.parse_opt("phone", self.phone.as_deref(), PhoneNumber::parse);
        let region = fields.parse_opt("region", self.region.as_deref(), Region::parse);
        fields.finish()?;
        Ok(NewAccount {
            email: present(email)?,
            username: present(username)?,
            first_name: present(first_name)?,
            last_name: present(last_name)?,
            country: present(country)?,
            phone: present(phone)?,
            region: present(region)?,
            password: Password::new(self.password),
            accepted_policy_version: self.accepted_policy_version,
            age_declaration: self.age_declaration,
        })
    }
}

/// An acknowledgement that reveals nothing about existing accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// What happens next.
    pub message: &'static str,
}

const CHECK_YOUR_MAIL: &str =
    "Si cette adresse peut recevoir un message, un courriel vient de lui être envoyé.";

/// Register
///
/// Creates an account and mails a verification link. Answers 202 in the same
/// way when the address already has an account (its owner is told by mail).
#[utoipa::path(
    tag = "Authentication",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "Registration accepted; check your mail.", body = Accepted),
        (status = 409, description = "Username taken (`username_taken`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address (`too_many_requests`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/register")]
pub async fn register(
    identity: web::Data<IdentityService>,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    identity
        .register(body.into_inner().try_into_command()?)
        .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: CHECK_YOUR_MAIL,
    }))
}

/// A token received by mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token from the link.
    #[schema(max_length = 200)]
    pub token: String,
}

/// Verify an email address
///
/// Confirms the address with the token of the verification link.
#[utoipa::path(
    tag = "Authentication",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "Address confirmed."),
        (status = 400, description = "Unknown, used or expired token (`invalid_or_expired_token`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/verify-email")]
pub async fn verify_email(
    identity: web::Data<IdentityService>,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    identity.verify_email(&body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An email address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    /// The address.
    #[schema(max_length = 254, format = Email)]
    pub email: String,
}

fn parse_email(raw: &str) -> Result<Email, AppError> {
    let mut fields = Fields::default();
    let email = fields.parse("email", raw, Email::parse);
    fields.finish()?;
    present(email)
}

/// Resend the verification link
///
/// Mails a new link if the address belongs to an unverified account. Answers 202 in every case.
#[utoipa::path(
    tag = "Authentication",
    request_body = EmailRequest,
    responses((status = 202, description = "Accepted.", body = Accepted))
)]
#[post("/resend-verification")]
pub async fn resend_verification(
    identity: web::Data<IdentityService>,
    body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    identity
        .resend_verification(&parse_email(&body.email)?)
        .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: CHECK_YOUR_MAIL,
    }))
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "lea.martin@exemple.fr", "password": "Tournesol-Bleu-2026!"}))]
pub struct LoginRequest {
    /// Email address.
    #[schema(max_length = 254)]
    pub email: String,
    /// Password.
    #[schema(max_length = 128, format = Password)]
    pub password: String,
}

/// Tokens of a session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single-use token for `POST /api/v1/auth/refresh`. Keep it secret.
    pub refresh_token: String,
    /// The session's id (see `GET /api/v1/me/sessions`).
    pub session_id: uuid::Uuid,
}

impl From<TokenPair> for TokenResponse {
    fn from(pair: TokenPair) -> Self {
        Self {
            access_token: pair.access_token,
            token_type: "Bearer",
            expires_in: pair.expires_in,
            refresh_token: pair.refresh_token,
            session_id: pair.session_id.as_uuid(),
        }
    }
}

/// The password was right; a second factor is needed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorChallenge {
    /// Send it with a code to `POST /api/v1/auth/login/second-factor`, within 5 minutes.
    pub challenge: String,
}

/// Log in
///
/// Checks the email and password. Unknown emails and wrong passwords get the
/// same answer. Accounts with two-factor authentication get a challenge (202).
#[utoipa::path(
    tag = "Authentication",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in.", body = TokenResponse),
        (status = 202, description = "Second factor required.", body = SecondFactorChallenge),
        (status = 401, description = "Wrong email or password (`invalid_credentials`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Email not verified (`email_not_verified`) or account suspended (`account_suspended`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (`too_many_attempts`, `too_many_requests`); see `Retry-After`.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
pub async fn login(
    req: HttpRequest,
    identity: web::Data<IdentityService>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // A malformed address cannot belong to anyone: same answer as a wrong password.
    let email =
        Email::parse(&body.email).map_err(|_| AppError::Unauthenticated("invalid_credentials"))?;
    match identity
        .login(
            &email,
            &Password::new(body.password),
            client_description(&req).as_deref(),
        )
        .await?
    {
        LoginOutcome::Tokens(pair) => Ok(HttpResponse::Ok().json(TokenResponse::from(pair))),
        LoginOutcome::SecondFactorRequired { challenge } => {
            Ok(HttpResponse::Accepted().json(SecondFactorChallenge { challenge }))
        }
    }
}

/// The second step of a login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorRequest {
    /// The challenge from `POST /api/v1/auth/login`.
    #[schema(max_length = 200)]
    pub challenge: String,
    /// A 6-digit code from the authenticator app, or a recovery code.
    #[schema(max_length = 32)]
    pub code: String,
}

/// Log in: second factor
///
/// Completes a login with a TOTP code or a recovery code. A challenge serves
/// once: after a wrong code, log in again.
#[utoipa::path(
    tag = "Authentication",
    request_body = SecondFactorRequest,
    responses(
        (status = 200, description = "Logged in.", body = TokenResponse),
        (status = 401, description = "Wrong code or challenge (`invalid_second_factor`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Account suspended (`account_suspended`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/login/second-factor")]
pub async fn login_second_factor(
    req: HttpRequest,
    identity: web::Data<IdentityService>,
    body: web::Json<SecondFactorRequest>,
) -> Result<HttpResponse, ApiError> {
    let pair = identity
        .login_second_factor(
            &body.challenge,
            &body.code,
            client_description(&req).as_deref(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(pair)))
}

/// A refresh token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token last received.
    #[schema(max_length = 200)]
    pub refresh_token: String,
}

/// Refresh
///
/// Exchanges the refresh token for new tokens. Each refresh token serves once;
/// presenting a spent one ends its session.
#[utoipa::path(
    tag = "Authentication",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens.", body = TokenResponse),
        (status = 401, description = "Unknown, spent or expired refresh token (`invalid_refresh_token`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Account suspended (`account_suspended`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/refresh")]
pub async fn refresh(
    identity: web::Data<IdentityService>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let pair = identity.refresh(&body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(pair)))
}

/// Log out
///
/// Ends the current session.
#[utoipa::path(
    tag = "Authentication",
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Logged out."))
)]
#[post("/logout")]
pub async fn logout(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
) -> Result<HttpResponse, ApiError> {
    identity.logout(&actor.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How many sessions were ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedCount {
    /// Sessions ended.
    pub revoked: u64,
}

/// Log out everywhere
///
/// Ends every session of the account, this one included.
#[utoipa::path(
    tag = "Authentication",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Every session ended.", body = RevokedCount))
)]
#[post("/logout-everywhere")]
pub async fn logout_everywhere(
    identity: web::Data<IdentityService>,
    actor: AuthenticatedUngated,
) -> Result<HttpResponse, ApiError> {
    let revoked = identity.logout_everywhere(&actor.0).await?;
    Ok(HttpResponse::Ok().json(RevokedCount { revoked }))
}

/// Request a password reset
///
/// Mails a reset link if the address belongs to an account. Answers 202 in every case.
#[utoipa::path(
    tag = "Authentication",
    request_body = EmailRequest,
    responses((status = 202, description = "Accepted.", body = Accepted))
)]
#[post("/password-reset/request")]
pub async fn request_password_reset(
    identity: web::Data<IdentityService>,
    body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    identity
        .request_password_reset(&parse_email(&body.email)?)
        .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: CHECK_YOUR_MAIL,
    }))
}

/// A new password, with the token of a reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResetPasswordRequest {
    /// The token from the link.
    #[schema(max_length = 200)]
    pub token: String,
    /// The new password (same rules as at registration).
    #[schema(max_length = 128, format = Password)]
    pub new_password: String,
}

/// Reset the password
///
/// Sets a new password with the token of a reset link and ends every session.
#[utoipa::path(
    tag = "Authentication",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed."),
        (status = 400, description = "Unknown, used or expired token (`invalid_or_expired_token`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/password-reset")]
pub async fn reset_password(
    identity: web::Data<IdentityService>,
    body: web::Json<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    identity
        .reset_password(&body.token, &Password::new(body.new_password))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
