use std::time::Duration;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{DatabaseHealth, PoolStatus};
use sea_orm::{DatabaseBackend, DatabaseConnection};

use crate::map_db_err;

/// Readiness probe and pool gauges on a sea-orm pool.
#[derive(Debug, Clone)]
pub struct SeaOrmDatabaseHealth {
    conn: DatabaseConnection,
    timeout: Duration,
}

impl SeaOrmDatabaseHealth {
    /// A probe that gives up after `timeout`.
    #[must_use]
    pub fn new(conn: DatabaseConnection, timeout: Duration) -> Self {
        Self { conn, timeout }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the database did not answer within {0:?}")]
struct PingTimedOut(Duration);

#[async_trait]
impl DatabaseHealth for SeaOrmDatabaseHealth {
    async fn ping(&self) -> Result<(), RepositoryError> {
        match tokio::time::timeout(self.timeout, self.conn.ping()).await {
            Ok(result) => result.map_err(map_db_err),
            Err(_) => Err(RepositoryError::Unavailable(Box::new(PingTimedOut(
                self.timeout,
            )))),
        }
    }

    fn pool_status(&self) -> PoolStatus {
        let (open, idle, max) = match self.conn.get_database_backend() {
            DatabaseBackend::Sqlite => {
                let pool = self.conn.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            DatabaseBackend::MySql => {
                let pool = self.conn.get_mysql_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            _ => (0, 0, 0),
        };
        PoolStatus {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }
}
