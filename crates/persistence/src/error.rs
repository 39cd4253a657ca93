use rr_application::RepositoryError;
use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr, SqlErr, SqlxMySqlError, SqlxSqliteError};

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
    /// A statement failed.
    #[error("the database refused a statement")]
    Query(#[source] DbErr),
    /// Restored rows do not fit the target database.
    #[error("{0}")]
    Restore(String),
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

/// Whether `err` is a transient clash with a concurrent writer, worth retrying:
/// a MariaDB deadlock or lock wait timeout, or SQLite still busy or locked
/// after its busy timeout.
pub(crate) fn is_contention(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner))) =
        err
    else {
        return false;
    };
    let Some(database) = inner.as_database_error() else {
        return false;
    };
    if let Some(mysql) = database.try_downcast_ref::<SqlxMySqlError>() {
        // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
        return matches!(mysql.number(), 1213 | 1205);
    }
    if database.try_downcast_ref::<SqlxSqliteError>().is_some() {
        // Primary result codes SQLITE_BUSY (5) and SQLITE_LOCKED (6), whatever the extension.
        let primary = database
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .map(|code| code & 0xff);
        return matches!(primary, Some(5 | 6));
    }
    false
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
