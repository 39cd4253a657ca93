use rr_application::RepositoryError;
use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// Failure to connect to or migrate the database, at start-up or from the CLI.
#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    /// The URL names no supported engine or is malformed.
    #[error("unsupported database URL (expected sqlite:// or mysql://): {0}")]
    UnsupportedUrl(String),
    /// The SQLite file's directory could not be created.
    #[error("cannot create the directory of the SQLite database {path}")]
    CreateDirectory {
        /// The directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database refused the connection or did not answer.
    #[error("cannot connect to the database")]
    Connect(#[source] DbErr),
    /// A migration failed.
    #[error("migration failed")]
    Migrate(#[source] DbErr),
}

/// Gives a database error its meaning for the application.
///
/// A function rather than a `From` impl: neither `DbErr` nor `RepositoryError`
/// belongs to this crate, so the orphan rule forbids the impl.
/// Unique and foreign-key violations become [`RepositoryError::Conflict`]; lost,
/// refused or exhausted connections [`RepositoryError::Unavailable`]; anything
/// else [`RepositoryError::Internal`].
#[must_use]
pub fn map_db_err(err: DbErr) -> RepositoryError {
    if matches!(
        err.sql_err(),
        Some(SqlErr::UniqueConstraintViolation(_) | SqlErr::ForeignKeyConstraintViolation(_))
    ) {
        return RepositoryError::Conflict(Box::new(err));
    }
    if is_unavailable(&err) {
        RepositoryError::Unavailable(Box::new(err))
    } else {
        RepositoryError::Internal(Box::new(err))
    }
}

fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner)) => {
            matches!(
                inner.as_ref(),
                sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
            )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::error::ConnAcquireErr;

    use super::*;

    #[test]
    fn an_exhausted_pool_is_unavailable() {
        let err = map_db_err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert!(matches!(err, RepositoryError::Unavailable(_)));
    }

    #[test]
    fn a_connection_lost_mid_query_is_unavailable() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let err = map_db_err(DbErr::Query(RuntimeErr::SqlxError(Arc::new(
            sqlx::Error::Io(io),
        ))));
        assert!(matches!(err, RepositoryError::Unavailable(_)));
    }

    #[test]
    fn anything_else_is_internal() {
        let err = map_db_err(DbErr::Custom("bad row".into()));
        assert!(matches!(err, RepositoryError::Internal(_)));
    }
}
