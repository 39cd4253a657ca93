use async_trait::async_trait;

use crate::RepositoryError;

/// Snapshot of the database connection pool, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStatus {
    /// Connections currently open (idle and in use).
    pub open: u32,
    /// Open connections waiting in the pool.
    pub idle: u32,
    /// The pool's upper bound.
    pub max: u32,
}

/// Tells whether the database answers, for readiness probes and metrics.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait DatabaseHealth: Send + Sync {
    /// Runs a trivial round trip to the database.
    ///
    /// Implementations MUST return within their own bounded time (well under a
    /// second when the database is gone) rather than wait on a dead connection.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Unavailable`] if the database does not answer.
    async fn ping(&self) -> Result<(), RepositoryError>;

    /// The pool's current state. Never blocks.
    fn pool_status(&self) -> PoolStatus;
}
