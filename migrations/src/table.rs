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

/// An instant in UTC, kept to the microsecond.
///
/// MariaDB gets `datetime(6)`: sea-query's `date_time()` is a bare `datetime`,
/// which drops the fraction, and `timestamp` converts through the session's
/// time zone and ends in 2038. SQLite gets sea-query's `datetime_text`, text
/// written by the driver as `YYYY-MM-DD HH:MM:SS.f…` (fraction without trailing
/// zeros), which compares as text in the order of the instants it holds. Values
/// are UTC wall-clock times with no zone: the persistence adapter converts.
pub(crate) fn instant(manager: &SchemaManager, name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    if manager.get_database_backend() == DatabaseBackend::MySql {
        column.custom(Alias::new("datetime(6)"));
    } else {
        column.date_time();
    }
    column
}

/// A `varchar(length)` compared byte for byte. The tables' collation on MariaDB
/// ignores case, which is wrong for identifiers such as master key ids (`K1`
/// and `k1` are two keys); SQLite compares bytes already.
pub(crate) fn exact_string(manager: &SchemaManager, name: impl IntoIden, length: u32) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    if manager.get_database_backend() == DatabaseBackend::MySql {
        column.custom(Alias::new(format!(
            "varchar({length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        )));
    } else {
        column.string_len(length);
    }
    column
}
