//! `GET /api/v1/version`.

use actix_web::{HttpResponse, get, web};
use rr_application::services::IdentityService;
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::ApiError;

/// What is running, as configured at start-up.
#[derive(Debug, Clone)]
pub struct VersionInfo {
    /// Name of the server.
    pub name: String,
    /// Release of the server (semantic versioning).
    pub version: String,
    /// Version of the API contract, the path prefix.
    pub api_version: String,
}

/// What is running.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionResponse {
    /// Name of the server.
    #[schema(example = "rr-server")]
    pub name: String,
    /// Release of the server (semantic versioning).
    #[schema(example = "0.1.0")]
    pub version: String,
    /// Version of the API contract, the path prefix.
    #[schema(example = "v1")]
    pub api_version: String,
    /// Version of the privacy policy in force: the one a new account accepts
    /// at registration (`GET /api/v1/privacy/policy` serves its text).
    #[schema(example = "2026-11")]
    pub privacy_policy_version: String,
}

/// Version
///
/// The running release, so clients and operators know what they talk to.
#[utoipa::path(tag = "Operations", responses((status = 200, description = "The running release.", body = VersionResponse)))]
#[get("/version")]
pub async fn version(
    info: web::Data<VersionInfo>,
    identity: web::Data<IdentityService>,
) -> Result<HttpResponse, ApiError> {
    let policy = identity.current_policy().await?;
    Ok(HttpResponse::Ok().json(VersionResponse {
        name: info.name.clone(),
        version: info.version.clone(),
        api_version: info.api_version.clone(),
        privacy_policy_version: policy.version.as_str().to_owned(),
    }))
}
