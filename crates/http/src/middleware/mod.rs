//! Middleware applied to every request, outermost first: [`observe`] (request id,
//! metrics, log line), [`problem_fallback`] (every error body is a problem),
//! [`timeout`] (bounded handling time). Security headers are actix's
//! `DefaultHeaders`, configured in `app`.

mod observe;
mod problem_fallback;
mod timeout;

pub use observe::{REQUEST_ID, RequestId, observe};
pub use problem_fallback::problem_fallback;
pub use timeout::{RequestTimeout, timeout};
