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
