use std::sync::Arc;

use crate::AppError;
use crate::ports::{DatabaseHealth, PoolStatus};

/// Answers the operations probes: is the service able to do its job?
#[derive(Clone)]
pub struct HealthService {
    database: Arc<dyn DatabaseHealth>,
}

impl std::fmt::Debug for HealthService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HealthService").finish_non_exhaustive()
    }
}

impl HealthService {
    /// Builds the service on the database probe.
    #[must_use]
    pub fn new(database: Arc<dyn DatabaseHealth>) -> Self {
        Self { database }
    }

    /// Ready when the database answers a round trip.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] while the database does not answer.
    pub async fn readiness(&self) -> Result<(), AppError> {
        self.database.ping().await.map_err(AppError::from)
    }

    /// The connection pool's state, for metrics.
    #[must_use]
    pub fn pool_status(&self) -> PoolStatus {
        self.database.pool_status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RepositoryError;
    use crate::ports::MockDatabaseHealth;

    #[tokio::test]
    async fn ready_when_the_database_answers() {
        let mut database = MockDatabaseHealth::new();
        database.expect_ping().once().returning(|| Ok(()));
        assert!(
            HealthService::new(Arc::new(database))
                .readiness()
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn not_ready_while_the_database_is_down() {
        let mut database = MockDatabaseHealth::new();
        database
            .expect_ping()
            .once()
            .returning(|| Err(RepositoryError::Unavailable("refused".into())));
        let err = HealthService::new(Arc::new(database))
            .readiness()
            .await
            .unwrap_err();
        assert_eq!(err.code(), "service_unavailable");
    }
}
