use serde::Deserialize;

/// Configuration of the HTTP server, section `[http]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// Address to listen on. `127.0.0.1` by default: put nginx in front to expose it.
    pub host: String,
    /// Port to listen on; 0 picks a free one (tests).
    pub port: u16,
    /// Worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// Largest accepted request body, in bytes.
    pub body_limit_bytes: usize,
    /// Longest time a request may take before it is answered 503, in milliseconds.
    pub request_timeout_ms: u64,
    /// On SIGTERM, how long in-flight requests may take to finish, in seconds.
    pub shutdown_timeout_secs: u64,
    /// Requests a minute each client address may send to `/api/v1/auth/*`, on average.
    pub auth_requests_per_minute: u32,
    /// Burst allowed above that rate.
    pub auth_burst: u32,
    /// Take the client address from `X-Forwarded-For` (only behind nginx, which sets it).
    pub trust_forwarded_for: bool,
}
