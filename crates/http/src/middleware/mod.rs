//! Middleware applied to every request, outermost first: [`observe`] (request id,
//! security headers, metrics, log line), [`problem_fallback`] (every error body
//! is a problem), [`timeout`] (bounded handling time).

mod observe;
mod problem_fallback;
mod security_headers;
mod timeout;

pub use observe::{REQUEST_ID, RequestId, observe};
pub use problem_fallback::problem_fallback;
pub use security_headers::apply_security_headers;
pub use timeout::{RequestTimeout, timeout};
