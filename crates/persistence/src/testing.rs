//! Fresh, isolated databases for tests (feature `test-util`).
//!
//! Every test gets its own database — a temporary SQLite file, or a MariaDB
//! database created for it on the server named by `RR_TEST_MARIADB_URL` and
//! dropped afterwards — so tests run in parallel and never see each other's rows.

use sea_orm::{ConnectionTrait, Database as SeaDatabase, DbBackend, DbErr, Statement};
use secrecy::SecretString;

use crate::{DatabaseSettings, Engine};

/// Environment variable naming the MariaDB server tests may create databases on,
/// e.g. `mysql://rr:rr@127.0.0.1:3306/test`. Unset: MariaDB tests are skipped.
pub const MARIADB_URL_VAR: &str = "RR_TEST_MARIADB_URL";

/// Prefix of the databases tests create, so leftovers can be found and dropped.
pub const TEST_DATABASE_PREFIX: &str = "rr_t_";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    engine: Engine,
    url: String,
    _directory: Option<tempfile::TempDir>,
    mariadb: Option<MariaDbCleanup>,
}

#[derive(Debug)]
struct MariaDbCleanup {
    admin_url: String,
    name: String,
}

/// Settings suited to tests on `url`: a small pool and short timeouts.
#[must_use]
pub fn test_settings(url: &str) -> DatabaseSettings {
    DatabaseSettings {
        url: SecretString::from(url.to_owned()),
        max_connections: 5,
        min_connections: 0,
        connect_timeout_ms: 2_000,
        acquire_timeout_ms: 2_000,
        ping_timeout_ms: 800,
        migrate_on_start: true,
    }
}

impl TestDatabase {
    /// A new, empty SQLite file in a temporary directory removed on drop.
    ///
    /// # Panics
    /// When the temporary directory cannot be created.
    #[must_use]
    pub fn sqlite() -> Self {
        #[allow(clippy::expect_used)]
        let directory = tempfile::tempdir().expect("a temporary directory for the test database");
        let url = format!("sqlite://{}", directory.path().join("rr.sqlite").display());
        Self {
            engine: Engine::Sqlite,
            url,
            _directory: Some(directory),
            mariadb: None,
        }
    }

    /// A new, empty MariaDB database, or `None` when [`MARIADB_URL_VAR`] is unset.
    ///
    /// # Panics
    /// When the variable is set but the server cannot be reached or refuses to
    /// create the database: a configured MariaDB that is down fails the test, it
    /// never skips it.
    pub async fn mariadb() -> Option<Self> {
        let admin_url = std::env::var(MARIADB_URL_VAR).ok()?;
        let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let result = async {
            let admin = SeaDatabase::connect(admin_url.as_str()).await?;
            admin
                .execute_unprepared(&format!(
                    "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                ))
                .await?;
            admin.close().await
        }
        .await;
        #[allow(clippy::panic)]
        if let Err(err) = result {
            panic!("{MARIADB_URL_VAR} is set but MariaDB refused a test database: {err}");
        }
        #[allow(clippy::expect_used)]
        let mut url = url::Url::parse(&admin_url).expect("RR_TEST_MARIADB_URL is a URL");
        url.set_path(&name);
        Some(Self {
            engine: Engine::MariaDb,
            url: url.to_string(),
            _directory: None,
            mariadb: Some(MariaDbCleanup { admin_url, name }),
        })
    }

    /// The database's engine.
    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The database's URL (test credentials only).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// [`test_settings`] for this database.
    #[must_use]
    pub fn settings(&self) -> DatabaseSettings {
        test_settings(&self.url)
    }
}

impl Drop for TestDatabase {
    /// Drops the MariaDB database, even when the test panicked. Runs on its own
    /// thread and runtime because `drop` cannot be async.
    fn drop(&mut self) {
        let Some(MariaDbCleanup { admin_url, name }) = self.mariadb.take() else {
            return;
        };
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = SeaDatabase::connect(admin_url.as_str()).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropper.join();
    }
}

/// Every row of every table of the database at `url`, as text, one line per
/// row: `table: value | value | …`. Each value is read as its bytes and shown
/// as (lossy) UTF-8, binary columns included, so that a personal datum stored
/// in clear anywhere shows up in the dump.
///
/// # Errors
/// When the database cannot be reached or read.
pub async fn dump_database(url: &str) -> Result<String, DbErr> {
    let mut dump = String::new();
    for table in every_row(url).await? {
        for row in table.rows {
            let values: Vec<String> = row
                .into_iter()
                .map(|value| {
                    value.map_or_else(
                        || "NULL".to_owned(),
                        |bytes| String::from_utf8_lossy(&bytes).into_owned(),
                    )
                })
                .collect();
            dump.push_str(&format!("{}: {}\n", table.name, values.join(" | ")));
        }
    }
    Ok(dump)
}

/// One table as [`every_row`] reads it.
struct TableRows {
    name: String,
    columns: Vec<String>,
    /// Each row's values, in the order of `columns`, as their bytes.
    rows: Vec<Vec<Option<Vec<u8>>>>,
}

/// Every row of every table of the database at `url`, walking the live
/// schema (SQLite's FTS5 shadow tables included), each value cast to bytes
/// whatever its type.
async fn every_row(url: &str) -> Result<Vec<TableRows>, DbErr> {
    let conn = SeaDatabase::connect(url).await?;
    let backend = conn.get_database_backend();
    let (tables, columns, quote, bytes) = match backend {
        DbBackend::MySql => (
            "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
            "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION",
            '`',
            "BINARY",
        ),
        _ => (
            "SELECT name FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid",
            '"',
            "BLOB",
        ),
    };
    let names = |sql: String| {
        let conn = &conn;
        async move {
            conn.query_all_raw(Statement::from_string(backend, sql))
                .await?
                .iter()
                .map(|row| row.try_get_by_index::<String>(0))
                .collect::<Result<Vec<_>, _>>()
        }
    };
    let mut every = Vec::new();
    for table in names(tables.to_owned()).await? {
        let columns = names(columns.replace("{table}", &table)).await?;
        let select = columns
            .iter()
            .map(|column| format!("CAST({quote}{column}{quote} AS {bytes})"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT {select} FROM {quote}{table}{quote}"),
            ))
            .await?
            .iter()
            .map(|row| {
                (0..columns.len())
                    .map(|index| row.try_get_by_index::<Option<Vec<u8>>>(index))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        every.push(TableRows {
            name: table,
            columns,
            rows,
        });
    }
    conn.close().await?;
    Ok(every)
}

/// One value stored in the database: where, and its bytes (`None` for `NULL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredValue {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The value as its bytes, whatever its type.
    pub bytes: Option<Vec<u8>>,
}

/// Every value of every column of every row of every table of the database
/// at `url`, walking the live schema (SQLite's FTS5 shadow tables
/// included), each read as its bytes: for tests that prove what is, or is
/// no longer, stored anywhere.
///
/// # Errors
/// When the database cannot be reached or read.
pub async fn stored_values(url: &str) -> Result<Vec<StoredValue>, DbErr> {
    let mut values = Vec::new();
    for table in every_row(url).await? {
        for row in table.rows {
            for (column, bytes) in table.columns.iter().zip(row) {
                values.push(StoredValue {
                    table: table.name.clone(),
                    column: column.clone(),
                    bytes,
                });
            }
        }
    }
    Ok(values)
}

/// Runs one SQL statement as is, for tests that tamper with stored rows.
///
/// # Errors
/// When the database cannot be reached or refuses the statement.
pub async fn execute(url: &str, sql: &str) -> Result<u64, DbErr> {
    let conn = SeaDatabase::connect(url).await?;
    let result = conn.execute_unprepared(sql).await?;
    conn.close().await?;
    Ok(result.rows_affected())
}

/// The rows `sql` returns, every value as text: integers in decimal, text as
/// it is, bytes in lower-case hexadecimal, `NULL` for null. For tests that
/// check what a command wrote.
///
/// # Errors
/// When the database cannot be reached or refuses the query.
pub async fn query(url: &str, sql: &str) -> Result<Vec<Vec<String>>, DbErr> {
    let conn = SeaDatabase::connect(url).await?;
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await?;
    let text = |row: &sea_orm::QueryResult, index: usize| -> Result<String, DbErr> {
        if let Ok(value) = row.try_get_by_index::<Option<i64>>(index) {
            return Ok(value.map_or_else(|| "NULL".to_owned(), |v| v.to_string()));
        }
        if let Ok(value) = row.try_get_by_index::<Option<String>>(index) {
            return Ok(value.unwrap_or_else(|| "NULL".to_owned()));
        }
        let bytes: Option<Vec<u8>> = row.try_get_by_index(index)?;
        Ok(bytes.map_or_else(
            || "NULL".to_owned(),
            |bytes| bytes.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    };
    let result = rows
        .iter()
        .map(|row| {
            (0..row.column_names().len())
                .map(|index| text(row, index))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    conn.close().await?;
    Ok(result)
}

/// Every table a backup holds, with every row read the way a backup reads
/// it (typed, engine-independent: instants as microseconds, dates as day
/// numbers, booleans as integers), rows sorted: two databases with equal
/// results hold the same data, whatever their engines.
///
/// # Errors
/// When the database cannot be reached or read.
pub async fn logical_rows(
    url: &str,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, crate::PersistenceError> {
    let database = crate::Database::connect(&test_settings(url)).await?;
    let snapshot = database.snapshot().await?;
    let mut tables = std::collections::BTreeMap::new();
    for table in snapshot.tables() {
        let mut rows = Vec::new();
        snapshot
            .stream_table(table, |row| {
                rows.push(format!("{row:?}"));
                Ok(())
            })
            .await?;
        rows.sort();
        tables.insert(table.name.clone(), rows);
    }
    snapshot.finish().await?;
    Ok(tables)
}
