//! Conventions shared by every migration's tables.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// A `CREATE TABLE` with the options every table of the product gets on MariaDB:
/// InnoDB (transactions, foreign keys) and full Unicode with accent- and
/// case-insensitive comparison. SQLite takes no table options.
pub(crate) fn create(manager: &SchemaManager, name: impl IntoIden) -> TableCreateStatement {
    let mut table = Table::create().table(name).to_owned();
    if manager.get_database_backend() == DatabaseBackend::MySql {
        table
            .engine("InnoDB")
            .character_set("utf8mb4")
            .collate("utf8mb4_unicode_ci");
    }
    table
}
