//! `GET /metrics`: Prometheus text exposition.

use actix_web::{HttpResponse, get, web};
use rr_application::AppError;
use rr_application::services::HealthService;

use crate::metrics::Metrics;
use crate::problem::ApiError;

/// Metrics
///
/// Request counts and latency histograms by route pattern and status, and the
/// database pool gauges, in the Prometheus text format. Restrict it to the
/// monitoring network at the reverse proxy.
#[utoipa::path(
    tag = "Operations",
    responses((
        status = 200,
        description = "Metrics in the Prometheus text format.",
        body = String,
        content_type = "text/plain; version=0.0.4",
        example = "rr_http_requests_total{method=\"GET\",route=\"/api/v1/categories\",status=\"200\"} 42"
    ))
)]
#[get("/metrics")]
pub async fn metrics(
    metrics: web::Data<Metrics>,
    health: web::Data<HealthService>,
) -> Result<HttpResponse, ApiError> {
    let text = metrics
        .render(health.pool_status())
        .map_err(|e| ApiError(AppError::Internal(Box::new(e))))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
