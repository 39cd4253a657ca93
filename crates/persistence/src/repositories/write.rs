//! Transactions that write, and retries of writes that clashed.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rr_application::RepositoryError;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::error::is_contention;

/// How many times a write that clashed with a concurrent writer is tried in
/// all before it fails as [`RepositoryError::Unavailable`].
pub(crate) const ATTEMPTS: u32 = 8;

/// Begins a transaction that will write.
///
/// On SQLite it is `BEGIN IMMEDIATE`: the database's single write lock is
/// taken at once, waiting up to the busy timeout for another writer to finish,
/// instead of at the first write as sea-orm's default `DEFERRED` does. A
/// deferred transaction that reads before it writes fails with `SQLITE_BUSY`
/// without waiting when another connection wrote in between; an immediate one
/// simply queues. MariaDB ignores the mode: its row locks do that work.
pub(crate) async fn begin_write(conn: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    conn.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Ends a transaction by its work's outcome: commits when the work succeeded
/// and `keep` says its changes stand, rolls back otherwise, and always
/// explicitly. A dropped sea-orm transaction only queues its rollback on the
/// pooled connection, so MariaDB would keep its row and metadata locks until
/// the connection is next used.
pub(crate) async fn settle<T, E>(
    txn: DatabaseTransaction,
    result: Result<T, E>,
    keep: bool,
    map_err: impl FnOnce(DbErr) -> E,
) -> Result<T, E> {
    match result {
        Ok(value) if keep => {
            txn.commit().await.map_err(map_err)?;
            Ok(value)
        }
        Ok(value) => {
            txn.rollback().await.map_err(map_err)?;
            Ok(value)
        }
        Err(err) => {
            // The work's error is the one worth reporting; a failed rollback
            // ends the connection's transaction all the same.
            let _ = txn.rollback().await;
            Err(err)
        }
    }
}

/// A few milliseconds, growing with the attempt, with jitter so that two
/// writers that clashed do not clash again in step.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let jitter = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |now| now.subsec_nanos() % 5_000_000);
    Duration::from_millis(u64::from(attempt) * 5) + Duration::from_nanos(u64::from(jitter))
}

/// Runs `write` again, up to [`ATTEMPTS`] times in all, while it fails by
/// contention: a MariaDB deadlock or lock wait timeout (InnoDB rolled the
/// loser's transaction back, so trying again from the start is safe), or
/// SQLite still busy. The write's conditions are evaluated afresh on each
/// attempt: a conditional `UPDATE` that lost a deadlock to a writer changing
/// the same row then matches nothing, as it would have had it waited.
///
/// Contention that outlasts every attempt is
/// [`RepositoryError::Unavailable`]; other errors are returned at once.
pub(crate) async fn retry_contended<T, F, Fut>(mut write: F) -> Result<T, RepositoryError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RepositoryError>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(RepositoryError::Internal(cause)) if contended(cause.as_ref()) => {
                if attempt >= ATTEMPTS {
                    return Err(RepositoryError::Unavailable(cause));
                }
                tracing::debug!(attempt, error = %cause, "a write clashed with another writer");
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn contended(cause: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    cause.downcast_ref::<DbErr>().is_some_and(is_contention)
}
