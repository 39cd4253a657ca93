use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::problem::RequestProblem;

/// A per-client-address request budget (a token bucket per address).
#[derive(Debug, Clone)]
pub struct ClientRateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    trust_forwarded_for: bool,
    checks: Arc<AtomicU64>,
}

impl ClientRateLimit {
    /// `per_minute` requests a minute on average, bursts of `burst`.
    /// `trust_forwarded_for`: take the client address from `X-Forwarded-For`
    /// (only behind a proxy that sets it).
    #[must_use]
    pub fn new(per_minute: u32, burst: u32, trust_forwarded_for: bool) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: Arc::new(RateLimiter::keyed(
                Quota::per_minute(per_minute).allow_burst(burst),
            )),
            trust_forwarded_for,
            checks: Arc::new(AtomicU64::new(0)),
        }
    }

    fn client(&self, req: &ServiceRequest) -> Option<IpAddr> {
        if self.trust_forwarded_for
            && let Some(ip) = req
                .connection_info()
                .realip_remote_addr()
                .and_then(|a| a.parse().ok())
        {
            return Some(ip);
        }
        req.peer_addr().map(|addr| addr.ip())
    }

    /// `Err(seconds)` when the client has spent its budget.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        // Forget idle clients now and then, so memory stays bounded.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4_096 == 4_095 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }
}

/// Answers 429 `too_many_requests` with `Retry-After` once a client address
/// exceeds its budget; applied to the authentication routes.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if let Some(limit) = req.app_data::<web::Data<ClientRateLimit>>()
        && let Some(client) = limit.client(&req)
        && let Err(retry_after) = limit.check(client)
    {
        return Ok(
            req.into_response(RequestProblem::TooManyRequests { retry_after }.error_response())
        );
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}
