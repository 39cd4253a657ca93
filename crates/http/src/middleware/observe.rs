use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::Method;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing::Instrument;

use super::apply_security_headers;
use crate::metrics::{Metrics, UNMATCHED_ROUTE};

/// Header carrying the request id, in both directions.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, in the request's extensions for handlers that want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Takes the caller's `X-Request-Id` when it is a sane token (1–64 characters of
/// `A-Za-z0-9._-`), otherwise makes a UUIDv7. A hostile value never reaches the logs.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), ToOwned::to_owned)
}

/// The method as a metrics label: the standard ones by name, anything else as
/// `OTHER`, so a client cannot create series at will.
fn method_label(method: &Method) -> String {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::TRACE,
        Method::CONNECT,
    ];
    if KNOWN.contains(method) {
        method.as_str()
    } else {
        "OTHER"
    }
    .to_owned()
}

/// Gives every request an id (echoed in `X-Request-Id` and in every log line of
/// its span), sets the security headers on its response, counts it in the
/// metrics by route pattern, and logs one line when it ends. Logs hold the route pattern, never the raw path or query, which may carry
/// personal data.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = method_label(req.method());
    // Computed from the route table, not from routing, so it is known even when
    // an inner middleware fails. Never the raw path: it may carry personal data.
    let route = req
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", request_id = %id, method = %method);

    let result = next.call(req).instrument(span.clone()).await;
    let status = match &result {
        Ok(response) => response.status(),
        Err(err) => err.as_response_error().status_code(),
    };
    let elapsed = started.elapsed();
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status.as_u16(), elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        let latency_ms = elapsed.as_secs_f64() * 1000.0;
        let status = status.as_u16();
        if status >= 500 {
            tracing::warn!(route = %route, status, latency_ms, "request answered");
        } else {
            tracing::info!(route = %route, status, latency_ms, "request answered");
        }
    });
    let finish = |headers: &mut HeaderMap| {
        if let Ok(value) = HeaderValue::from_str(&id) {
            headers.insert(REQUEST_ID, value);
        }
        apply_security_headers(headers);
    };
    match result {
        Ok(mut response) => {
            finish(response.headers_mut());
            Ok(response.map_into_boxed_body())
        }
        Err(err) => {
            // An error raised by an inner middleware (a timeout): answer its
            // response, with the same headers as any other.
            let mut response = err.error_response();
            finish(response.headers_mut());
            Err(InternalError::from_response(err, response).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"FOO").unwrap()), "OTHER");
    }

    #[test]
    fn a_sane_incoming_id_is_kept() {
        let req = TestRequest::default()
            .insert_header((REQUEST_ID, "abc-123_x.y"))
            .to_srv_request();
        assert_eq!(request_id(&req), "abc-123_x.y");
    }

    #[test]
    fn a_hostile_or_missing_id_is_replaced() {
        for hostile in ["", "a b", "x\"}{", &"a".repeat(65)] {
            let req = TestRequest::default()
                .insert_header((REQUEST_ID, hostile))
                .to_srv_request();
            let id = request_id(&req);
            assert_ne!(id, hostile);
            assert!(uuid::Uuid::parse_str(&id).is_ok());
        }
        let id = request_id(&TestRequest::default().to_srv_request());
        assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
    }
}
