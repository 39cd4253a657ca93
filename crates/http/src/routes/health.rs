//! `GET /health/live` and `GET /health/ready`: probes for orchestrators and load balancers.

use actix_web::{HttpResponse, get, web};
use rr_application::services::HealthService;
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::ApiError;

/// Result of a probe that passed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProbeStatus {
    /// `live` or `ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
}

/// Liveness
///
/// The process is up and serving HTTP. Never touches the database: a database
/// outage must not get healthy API nodes restarted.
#[utoipa::path(tag = "Operations", responses((status = 200, description = "The process is alive.", body = ProbeStatus)))]
#[get("/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(ProbeStatus { status: "live" })
}

/// Readiness
///
/// The instance can serve requests: the database answered a round trip just now.
/// Answers 503 while it does not, and 200 again as soon as it does.
#[utoipa::path(tag = "Operations", responses((status = 200, description = "Ready to serve.", body = ProbeStatus)))]
#[get("/ready")]
pub async fn ready(health: web::Data<HealthService>) -> Result<HttpResponse, ApiError> {
    health.readiness().await?;
    Ok(HttpResponse::Ok().json(ProbeStatus { status: "ready" }))
}
