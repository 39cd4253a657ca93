use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::problem::RequestProblem;

/// Longest time a request may take, as app data.
#[derive(Debug, Clone, Copy)]
pub struct RequestTimeout(pub Duration);

/// Answers 503 `request_timeout` when handling takes longer than [`RequestTimeout`];
/// the handler's future is dropped, which rolls back any open transaction.
pub async fn timeout(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limit = req
        .app_data::<web::Data<RequestTimeout>>()
        .map_or(Duration::from_secs(30), |t| t.0);
    match actix_web::rt::time::timeout(limit, next.call(req)).await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(_elapsed) => {
            tracing::warn!(limit_ms = limit.as_millis(), "request timed out");
            Err(RequestProblem::Timeout.into())
        }
    }
}
