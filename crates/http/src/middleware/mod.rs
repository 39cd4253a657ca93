//! Middleware applied to every request, outermost first: [`observe`] (request id,
//! security headers, metrics, log line), [`problem_fallback`] (every error body
//! is a problem), [`timeout`] (bounded handling time). [`rate_limit`] guards
//! the authentication routes only.

mod observe;
mod problem_fallback;
mod rate_limit;
mod security_headers;
mod timeout;

pub use observe::{REQUEST_ID, RequestId, observe};
pub use problem_fallback::problem_fallback;
pub use rate_limit::{ClientRateLimit, rate_limit};
pub use security_headers::apply_security_headers;
pub use timeout::{RequestTimeout, timeout};
