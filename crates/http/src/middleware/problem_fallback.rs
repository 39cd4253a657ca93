use actix_web::Error;
use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;

use crate::problem::{PROBLEM_JSON, RequestProblem};

/// Safety net: an error response that is not already a problem (one produced by
/// actix itself or a third-party service such as the documentation UI) is
/// replaced by the problem of its status, so no error ever leaves in another
/// shape or carries an internal message.
pub async fn problem_fallback(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return Ok(response);
    }
    let (request, original) = response.into_parts();
    let mut replacement = RequestProblem::Other(status).error_response();
    for (name, value) in original.headers() {
        if name != CONTENT_TYPE && !replacement.headers().contains_key(name) {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, replacement))
}
