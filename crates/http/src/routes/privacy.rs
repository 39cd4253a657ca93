//! The privacy policy and one's privacy choices (ADR 0021):
//! `GET /api/v1/privacy/policy` (in force), `GET /api/v1/privacy/policy/{version}`
//! and `GET /api/v1/privacy/policies` (public); `POST
//! /api/v1/admin/privacy/policies` (administrators, publishes a version);
//! `GET`/`PUT /api/v1/me/consents`; `POST`/`DELETE /api/v1/me/restriction`.

use actix_web::{HttpResponse, delete, get, post, put, web};
use rr_application::services::PrivacyService;
use rr_application::services::privacy::{ConsentChanges, ConsentsView, NewPolicy, PurposeState};
use rr_domain::privacy::{ConsentRecord, PolicyDocument, PolicyText, PolicyVersion};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::extract::{Authenticated, AuthenticatedUngated};
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// A version of the privacy policy and terms of use.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyResponse {
    /// Its identifier.
    #[schema(example = "2026-11")]
    pub version: String,
    /// When it was published, and came into force.
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Whether it is the version in force.
    pub current: bool,
    /// Its text, Markdown, in French.
    #[schema(example = "# Politique de confidentialité et conditions d'utilisation\n\n…")]
    pub text: String,
}

impl PolicyResponse {
    fn of(document: PolicyDocument, current: &PolicyVersion) -> Self {
        Self {
            current: document.version == *current,
            version: document.version.as_str().to_owned(),
            published_at: document.published_at,
            text: document.text.as_str().to_owned(),
        }
    }
}

/// A published version, without its text.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyVersionResponse {
    /// Its identifier.
    #[schema(example = "2026-11")]
    pub version: String,
    /// When it was published.
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
}

/// Privacy policy in force
///
/// The privacy policy and terms of use in force: the version a registration
/// accepts (`acceptedPolicyVersion`) and every account must have accepted to
/// write. Public.
#[utoipa::path(
    tag = "Privacy",
    responses((status = 200, description = "The version in force.", body = PolicyResponse))
)]
#[get("/privacy/policy")]
pub async fn policy(privacy: web::Data<PrivacyService>) -> Result<HttpResponse, ApiError> {
    let document = privacy.current_policy().await?;
    let current = document.version.clone();
    Ok(HttpResponse::Ok().json(PolicyResponse::of(document, &current)))
}

/// A version of the privacy policy
///
/// Any published version, in force or not, as it was published (versions
/// never change). Public.
#[utoipa::path(
    tag = "Privacy",
    params(("version" = String, Path, description = "Its identifier.", example = "2026-11")),
    responses(
        (status = 200, description = "The version.", body = PolicyResponse),
        (status = 404, description = "No version has this identifier (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/privacy/policy/{version}")]
pub async fn policy_version(
    privacy: web::Data<PrivacyService>,
    version: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    // An identifier no version could have names none.
    let version =
        PolicyVersion::parse(&version).map_err(|_| ApiError(rr_application::AppError::NotFound))?;
    let document = privacy.policy(&version).await?;
    let current = privacy.current_policy().await?.version;
    Ok(HttpResponse::Ok().json(PolicyResponse::of(document, &current)))
}

/// Versions of the privacy policy
///
/// Every published version, newest first (the first is in force). Public.
#[utoipa::path(
    tag = "Privacy",
    responses((status = 200, description = "The versions, newest first.", body = [PolicyVersionResponse]))
)]
#[get("/privacy/policies")]
pub async fn policies(privacy: web::Data<PrivacyService>) -> Result<HttpResponse, ApiError> {
    let versions: Vec<PolicyVersionResponse> = privacy
        .policy_versions()
        .await?
        .into_iter()
        .map(|(version, published_at)| PolicyVersionResponse {
            version: version.as_str().to_owned(),
            published_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(versions))
}

/// A new version of the privacy policy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"version": "2027-01", "text": "# Politique de confidentialité\n\n…"}))]
pub struct NewPolicyRequest {
    /// Its identifier, never used before: 1 to 32 letters, digits, `.`, `_`
    /// and `-`, starting with a letter or digit.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    pub version: String,
    /// Its text, Markdown, 1 to 100,000 characters.
    #[schema(min_length = 1, max_length = 100_000)]
    pub text: String,
}

impl NewPolicyRequest {
    fn try_into_command(self) -> Result<NewPolicy, rr_application::AppError> {
        let mut fields = Fields::default();
        let version = fields.parse("version", &self.version, PolicyVersion::parse);
        let text = fields.parse("text", &self.text, PolicyText::parse);
        fields.finish()?;
        Ok(NewPolicy {
            version: present(version)?,
            text: present(text)?,
        })
    }
}

/// Publish a privacy policy version
///
/// Publishes a new version, in force at once: every account that has not
/// accepted it gets 403 `consent_required` on its writes until it does
/// (`PUT /api/v1/me/consents`), on this node at once and on the others
/// within the session check interval. Administrators with two-factor
/// authentication; audited.
#[utoipa::path(
    tag = "Privacy",
    security(("bearerAuth" = [])),
    request_body = NewPolicyRequest,
    responses(
        (status = 201, description = "Published, and in force.", body = PolicyResponse),
        (status = 403, description = "Not an administrator (`forbidden`), or without two-factor authentication (`two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The identifier was used (`policy_version_exists`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid version or text (`invalid_policy_version`, `invalid_policy_text`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/privacy/policies")]
pub async fn publish_policy(
    privacy: web::Data<PrivacyService>,
    actor: Authenticated,
    body: web::Json<NewPolicyRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().try_into_command()?;
    let document = privacy.publish_policy(&actor.0, new).await?;
    let current = document.version.clone();
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/privacy/policy/{}", document.version),
        ))
        .json(PolicyResponse::of(document, &current)))
}

/// Where one stands on a purpose.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PurposeResponse {
    /// `terms_and_policy` (required), `communications` or `statistics`.
    #[schema(example = "communications")]
    pub purpose: &'static str,
    /// `public_task` (GDPR Art. 6(1)(e): one may object to the optional
    /// ones) or `consent` (Art. 6(1)(a): off until given).
    #[schema(example = "consent")]
    pub legal_basis: &'static str,
    /// Whether the platform cannot be written to without it.
    pub required: bool,
    /// Accepted, consented to or not objected to (`true`); withdrawn or
    /// objected to (`false`). Always `true` for `terms_and_policy` (see
    /// `acceptanceRequired`).
    pub granted: bool,
    /// For `terms_and_policy` the version accepted; otherwise the version in
    /// force when the choice was last made. `null` when no choice was
    /// recorded.
    #[schema(example = "2026-11")]
    pub policy_version: Option<String>,
    /// When the choice was last made; `null` when none was recorded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub since: Option<OffsetDateTime>,
}

impl From<PurposeState> for PurposeResponse {
    fn from(state: PurposeState) -> Self {
        Self {
            purpose: state.purpose.as_str(),
            legal_basis: state.purpose.legal_basis().as_str(),
            required: state.purpose.is_required(),
            granted: state.granted,
            policy_version: state.policy_version.map(|v| v.as_str().to_owned()),
            since: state.since,
        }
    }
}

/// One recorded choice.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentEntryResponse {
    /// `terms_and_policy`, `communications` or `statistics`.
    #[schema(example = "statistics")]
    pub purpose: &'static str,
    /// Granted (`true`) or withdrawn, objected to (`false`).
    pub granted: bool,
    /// The version in force then (the version accepted, for the terms).
    #[schema(example = "2026-11")]
    pub policy_version: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl From<ConsentRecord> for ConsentEntryResponse {
    fn from(record: ConsentRecord) -> Self {
        Self {
            purpose: record.purpose.as_str(),
            granted: record.granted,
            policy_version: record.policy_version.as_str().to_owned(),
            recorded_at: record.at,
        }
    }
}

/// One's privacy choices.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentsResponse {
    /// The version of the privacy policy in force.
    #[schema(example = "2026-11")]
    pub current_policy_version: String,
    /// The version this account accepted last.
    #[schema(example = "2026-11")]
    pub accepted_policy_version: String,
    /// Whether the version in force must be accepted before writing (until
    /// then writes answer 403 `consent_required`).
    pub acceptance_required: bool,
    /// Where the account stands on each purpose.
    pub purposes: Vec<PurposeResponse>,
    /// Whether the processing of the account is restricted (GDPR Art. 18).
    pub restricted: bool,
    /// Since when; `null` when not restricted.
    #[serde(with = "time::serde::rfc3339::option")]
    pub restricted_since: Option<OffsetDateTime>,
    /// Every choice recorded, newest first.
    pub history: Vec<ConsentEntryResponse>,
}

impl From<ConsentsView> for ConsentsResponse {
    fn from(view: ConsentsView) -> Self {
        Self {
            current_policy_version: view.current_version.as_str().to_owned(),
            accepted_policy_version: view.accepted_version,
            acceptance_required: view.acceptance_required,
            purposes: view.purposes.into_iter().map(Into::into).collect(),
            restricted: view.restricted_since.is_some(),
            restricted_since: view.restricted_since,
            history: view.history.into_iter().map(Into::into).collect(),
        }
    }
}

/// My privacy choices
///
/// The caller's choices per purpose, the policy in force and whether it must
/// be accepted, the restriction, and the whole history of choices.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The choices.", body = ConsentsResponse))
)]
#[get("/consents")]
pub async fn consents(
    privacy: web::Data<PrivacyService>,
    actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ConsentsResponse::from(privacy.consents(&actor.0).await?)))
}

/// Changes of one's choices; absent fields stay as they are, at least one is
/// given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"acceptPolicyVersion": "2027-01", "statistics": false}))]
pub struct ConsentsRequest {
    /// Accept this version of the privacy policy: it must be the one in
    /// force (`GET /api/v1/privacy/policy`).
    #[schema(example = "2027-01")]
    pub accept_policy_version: Option<String>,
    /// `true` consents to mail beyond security mail; `false` withdraws.
    pub communications: Option<bool>,
    /// `false` objects to being counted in statistics (GDPR Art. 21);
    /// `true` withdraws the objection.
    pub statistics: Option<bool>,
}

impl ConsentsRequest {
    fn try_into_changes(self) -> Result<ConsentChanges, rr_application::AppError> {
        let mut fields = Fields::default();
        let version = fields.parse_opt(
            "acceptPolicyVersion",
            self.accept_policy_version.as_deref(),
            PolicyVersion::parse,
        );
        fields.finish()?;
        Ok(ConsentChanges {
            accept_policy: present(version)?,
            communications: self.communications,
            statistics: self.statistics,
        })
    }
}

/// Change my privacy choices
///
/// Accepts the policy in force, consents to communications or withdraws,
/// objects to statistics or withdraws the objection. Each actual change is
/// recorded with the version in force and the time. Open whatever the
/// account's choices (it is how a new policy is accepted).
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    request_body = ConsentsRequest,
    responses(
        (status = 200, description = "The choices, changed.", body = ConsentsResponse),
        (status = 422, description = "Nothing asked (`consent_choice_required`), or not the version in force (`policy_version_mismatch`, `invalid_policy_version`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/consents")]
pub async fn update_consents(
    privacy: web::Data<PrivacyService>,
    actor: AuthenticatedUngated,
    body: web::Json<ConsentsRequest>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().try_into_changes()?;
    Ok(HttpResponse::Ok().json(ConsentsResponse::from(
        privacy.update_consents(&actor.0, changes).await?,
    )))
}

/// Restrict my account
///
/// Freezes the processing of the caller's account (GDPR Art. 18): its data
/// are kept, its resources and comments hidden from everyone else, it is not
/// counted in statistics nor told anything but security mail, and its writes
/// answer 403 `account_restricted`, except managing its choices, exercising
/// its rights, securing the account and logging out. Asking again changes
/// nothing.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Restricted; the choices.", body = ConsentsResponse))
)]
#[post("/restriction")]
pub async fn restrict(
    privacy: web::Data<PrivacyService>,
    actor: AuthenticatedUngated,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ConsentsResponse::from(privacy.restrict(&actor.0).await?)))
}

/// Lift my restriction
///
/// Ends the restriction of the caller's account: everything it held
/// resumes. Asking when not restricted changes nothing.
#[utoipa::path(
    tag = "My account",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Not restricted; the choices.", body = ConsentsResponse))
)]
#[delete("/restriction")]
pub async fn lift_restriction(
    privacy: web::Data<PrivacyService>,
    actor: AuthenticatedUngated,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ConsentsResponse::from(
        privacy.lift_restriction(&actor.0).await?,
    )))
}
