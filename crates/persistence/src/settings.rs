use secrecy::SecretString;
use serde::Deserialize;

/// Configuration of the database connection, section `[database]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path/to/file.sqlite` or `mysql://user:password@host:port/database`.
    /// Kept secret: it may hold a password.
    pub url: SecretString,
    /// Upper bound of the connection pool.
    pub max_connections: u32,
    /// Connections kept open when idle.
    pub min_connections: u32,
    /// Longest wait to open a new connection, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Longest wait for a pooled connection before a request fails with 503, in milliseconds.
    pub acquire_timeout_ms: u64,
    /// Longest wait for the readiness probe's round trip, in milliseconds.
    pub ping_timeout_ms: u64,
    /// Apply pending migrations when the server starts.
    pub migrate_on_start: bool,
}
