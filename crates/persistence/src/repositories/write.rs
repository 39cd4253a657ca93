//! Transactions that write.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

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
