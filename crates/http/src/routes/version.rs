//! `GET /api/v1/version`.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// What is running.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// Name of the server.
    #[schema(example = "rr-server")]
    pub name: String,
    /// Release of the server (semantic versioning).
    #[schema(example = "0.1.0")]
    pub version: String,
    /// Version of the API contract, the path prefix.
    #[schema(example = "v1")]
    pub api_version: String,
    /// Version of the privacy policy a new account accepts at registration.
    #[schema(example = "2026-11")]
    pub privacy_policy_version: String,
}

/// Version
///
/// The running release, so clients and operators know what they talk to.
#[utoipa::path(tag = "Operations", responses((status = 200, description = "The running release.", body = VersionInfo)))]
#[get("/version")]
pub async fn version(info: web::Data<VersionInfo>) -> HttpResponse {
    HttpResponse::Ok().json(info.get_ref())
}
