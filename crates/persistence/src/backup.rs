//! Logical copies of every table, engine-independent (ADR 0029).
//!
//! A backup reads the live schema — every base table but the migrations'
//! bookkeeping and SQLite's full-text shadow tables, which the target
//! rebuilds — and gives each column a [`ColumnKind`] from its declared type,
//! so that a value read from MariaDB can be written into SQLite and back:
//! instants become microseconds, dates day numbers, booleans integers.

use std::fmt::Write as _;

use futures_util::StreamExt as _;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, DbBackend, IsolationLevel, QueryResult,
    Statement, StreamTrait as _, TransactionTrait as _, Value,
};
use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

use crate::{Database, Engine, PersistenceError};

/// How a column's values travel in a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Whole numbers and booleans.
    Integer,
    /// Floating-point numbers.
    Real,
    /// Text.
    Text,
    /// Bytes: identifiers, ciphertexts, digests.
    Bytes,
    /// A UTC instant, as microseconds since 1970-01-01 00:00:00.
    Instant,
    /// A calendar date, as its Julian day number.
    Date,
}

impl ColumnKind {
    fn of_sqlite(declared: &str) -> Self {
        let declared = declared.to_ascii_lowercase();
        if declared.starts_with("datetime") || declared.starts_with("timestamp") {
            Self::Instant
        } else if declared.starts_with("date") {
            Self::Date
        } else if declared.contains("blob")
            || declared.contains("binary")
            || declared == "uuid_text"
        {
            Self::Bytes
        } else if declared.contains("int") || declared == "boolean" {
            Self::Integer
        } else if ["real", "double", "float"]
            .iter()
            .any(|t| declared.contains(t))
        {
            Self::Real
        } else {
            Self::Text
        }
    }

    fn of_mariadb(data_type: &str) -> Self {
        match data_type.to_ascii_lowercase().as_str() {
            "datetime" | "timestamp" => Self::Instant,
            "date" => Self::Date,
            "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => Self::Bytes,
            "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "bit" => {
                Self::Integer
            }
            "float" | "double" | "decimal" | "real" => Self::Real,
            _ => Self::Text,
        }
    }
}

/// One value, in its engine-independent form.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// [`ColumnKind::Integer`], [`ColumnKind::Instant`] or [`ColumnKind::Date`].
    Int(i64),
    /// [`ColumnKind::Real`].
    Real(f64),
    /// [`ColumnKind::Text`].
    Text(String),
    /// [`ColumnKind::Bytes`].
    Bytes(Vec<u8>),
}

impl Serialize for Cell {
    /// As the plain value: CBOR's null, integer, float, text or byte string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Int(n) => serializer.serialize_i64(*n),
            Self::Real(x) => serializer.serialize_f64(*x),
            Self::Text(s) => serializer.serialize_str(s),
            Self::Bytes(b) => serializer.serialize_bytes(b),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null, an integer, a float, a text or bytes")
            }
            fn visit_none<E>(self) -> Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_i64<E>(self, n: i64) -> Result<Cell, E> {
                Ok(Cell::Int(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Cell, E> {
                i64::try_from(n)
                    .map(Cell::Int)
                    .map_err(|_| E::custom("an integer beyond 64 bits"))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Cell, E> {
                Ok(Cell::Real(x))
            }
            fn visit_str<E>(self, s: &str) -> Result<Cell, E> {
                Ok(Cell::Text(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Cell, E> {
                Ok(Cell::Text(s))
            }
            fn visit_bytes<E>(self, b: &[u8]) -> Result<Cell, E> {
                Ok(Cell::Bytes(b.to_vec()))
            }
            fn visit_byte_buf<E>(self, b: Vec<u8>) -> Result<Cell, E> {
                Ok(Cell::Bytes(b))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A table as a backup sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableShape {
    /// Its name.
    pub name: String,
    /// Its columns, in their order in the schema.
    pub columns: Vec<Column>,
}

/// A column of a [`TableShape`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// How its values travel.
    pub kind: ColumnKind,
}

impl TableShape {
    /// The position of `column`, if the table has it.
    #[must_use]
    pub fn position(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == column)
    }
}

/// The migrations' own table: restored by running the migrations.
const MIGRATIONS_TABLE: &str = "seaql_migrations";

/// Tables one engine derives from the others (SQLite's keys of the
/// full-text index, filled by triggers as resources are written): the
/// target rebuilds them, so a backup of either engine restores into both.
const DERIVED_TABLES: [&str; 1] = ["resource_search_keys"];

fn quote(engine: Engine, name: &str) -> String {
    match engine {
        Engine::MariaDb => format!("`{}`", name.replace('`', "``")),
        Engine::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn backend(engine: Engine) -> DbBackend {
    match engine {
        Engine::MariaDb => DbBackend::MySql,
        Engine::Sqlite => DbBackend::Sqlite,
    }
}

async fn strings(
    conn: &impl ConnectionTrait,
    engine: Engine,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<Vec<String>>, PersistenceError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend(engine), sql, values))
        .await
        .map_err(PersistenceError::Query)?;
    rows.iter()
        .map(|row| {
            let mut values = Vec::new();
            let mut i = 0;
            while let Ok(value) = row.try_get_by_index::<String>(i) {
                values.push(value);
                i += 1;
            }
            Ok(values)
        })
        .collect()
}

async fn shapes(
    conn: &impl ConnectionTrait,
    engine: Engine,
) -> Result<Vec<TableShape>, PersistenceError> {
    let tables = match engine {
        Engine::MariaDb => {
            strings(
                conn,
                engine,
                "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
                vec![],
            )
            .await?
        }
        // `table_list` tells virtual tables and their shadow tables apart.
        Engine::Sqlite => {
            strings(
                conn,
                engine,
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY 1",
                vec![],
            )
            .await?
        }
    };
    let mut shapes = Vec::new();
    for name in tables.into_iter().filter_map(|mut row| row.pop()) {
        if name == MIGRATIONS_TABLE || DERIVED_TABLES.contains(&name.as_str()) {
            continue;
        }
        let columns = match engine {
            Engine::MariaDb => {
                strings(
                    conn,
                    engine,
                    "SELECT CAST(COLUMN_NAME AS CHAR), CAST(DATA_TYPE AS CHAR) \
                     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
                     AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                    vec![name.clone().into()],
                )
                .await?
            }
            Engine::Sqlite => {
                strings(
                    conn,
                    engine,
                    "SELECT name, type FROM pragma_table_info(?) ORDER BY cid",
                    vec![name.clone().into()],
                )
                .await?
            }
        };
        let columns = columns
            .into_iter()
            .filter_map(|row| match row.as_slice() {
                [column, declared] => Some(Column {
                    name: column.clone(),
                    kind: match engine {
                        Engine::MariaDb => ColumnKind::of_mariadb(declared),
                        Engine::Sqlite => ColumnKind::of_sqlite(declared),
                    },
                }),
                _ => None,
            })
            .collect();
        shapes.push(TableShape { name, columns });
    }
    Ok(shapes)
}

fn read_cell(row: &QueryResult, i: usize, kind: ColumnKind) -> Result<Cell, PersistenceError> {
    let err = PersistenceError::Query;
    Ok(match kind {
        ColumnKind::Integer => row
            .try_get_by_index::<Option<i64>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Int),
        ColumnKind::Real => row
            .try_get_by_index::<Option<f64>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Real),
        ColumnKind::Text => row
            .try_get_by_index::<Option<String>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Text),
        ColumnKind::Bytes => row
            .try_get_by_index::<Option<Vec<u8>>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Bytes),
        ColumnKind::Instant => row
            .try_get_by_index::<Option<PrimitiveDateTime>>(i)
            .map_err(err)?
            .map_or(Cell::Null, |at| Cell::Int(instant_micros(at))),
        ColumnKind::Date => row
            .try_get_by_index::<Option<Date>>(i)
            .map_err(err)?
            .map_or(Cell::Null, |day| Cell::Int(i64::from(day.to_julian_day()))),
    })
}

fn instant_micros(at: PrimitiveDateTime) -> i64 {
    let nanos = at.assume_utc().unix_timestamp_nanos() / 1_000;
    i64::try_from(nanos).unwrap_or(i64::MAX)
}

/// Why a cell cannot be written into a column.
fn mismatch(table: &str, column: &Column, cell: &Cell) -> PersistenceError {
    PersistenceError::Restore(format!(
        "table {table}, column {}: a {cell:?} is not a {:?} value",
        column.name, column.kind
    ))
}

fn to_value(table: &str, column: &Column, cell: Cell) -> Result<Value, PersistenceError> {
    Ok(match (column.kind, cell) {
        (ColumnKind::Integer, Cell::Null) => Value::BigInt(None),
        (ColumnKind::Real, Cell::Null) => Value::Double(None),
        (ColumnKind::Text, Cell::Null) => Value::String(None),
        (ColumnKind::Bytes, Cell::Null) => Value::Bytes(None),
        (ColumnKind::Instant, Cell::Null) => Value::TimeDateTime(None),
        (ColumnKind::Date, Cell::Null) => Value::TimeDate(None),
        (ColumnKind::Integer, Cell::Int(n)) => Value::BigInt(Some(n)),
        (ColumnKind::Real, Cell::Real(x)) => Value::Double(Some(x)),
        (ColumnKind::Real, Cell::Int(n)) => Value::Double(Some(n as f64)),
        (ColumnKind::Text, Cell::Text(s)) => Value::String(Some(s)),
        (ColumnKind::Bytes, Cell::Bytes(b)) => Value::Bytes(Some(b)),
        (ColumnKind::Instant, Cell::Int(micros)) => {
            let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
                .map_err(|_| mismatch(table, column, &Cell::Int(micros)))?;
            Value::TimeDateTime(Some(PrimitiveDateTime::new(at.date(), at.time())))
        }
        (ColumnKind::Date, Cell::Int(day)) => {
            let date = i32::try_from(day)
                .ok()
                .and_then(|day| Date::from_julian_day(day).ok())
                .ok_or_else(|| mismatch(table, column, &Cell::Int(day)))?;
            Value::TimeDate(Some(date))
        }
        (_, cell) => return Err(mismatch(table, column, &cell)),
    })
}

impl Database {
    /// The tables a backup holds, with their columns, as this database has them.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when the schema cannot be read.
    pub async fn backup_tables(&self) -> Result<Vec<TableShape>, PersistenceError> {
        shapes(&self.conn, self.engine()).await
    }

    /// A consistent, read-only view of the whole database for a backup: one
    /// transaction (a consistent snapshot on InnoDB, a read transaction on
    /// SQLite's write-ahead log) that writers do not wait for.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when the transaction cannot start.
    pub async fn snapshot(&self) -> Result<Snapshot, PersistenceError> {
        let txn = match self.engine() {
            Engine::MariaDb => self
                .conn
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await
                .map_err(PersistenceError::Query)?,
            Engine::Sqlite => self.conn.begin().await.map_err(PersistenceError::Query)?,
        };
        // The snapshot is taken at the first read, which this is.
        let tables = shapes(&txn, self.engine()).await?;
        let schema_version = strings(
            &txn,
            self.engine(),
            &format!(
                "SELECT version FROM {} ORDER BY version DESC LIMIT 1",
                quote(self.engine(), MIGRATIONS_TABLE)
            ),
            vec![],
        )
        .await?
        .into_iter()
        .next()
        .and_then(|mut row| row.pop());
        Ok(Snapshot {
            txn,
            engine: self.engine(),
            tables,
            schema_version,
        })
    }

    /// A writer of restored rows. Foreign keys are not checked while it
    /// writes (tables come in any order); each [`Loader::insert`] is one
    /// transaction. Open the database with one connection for a restore:
    /// the setting that turns the checks off belongs to a connection.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when the schema cannot be read.
    pub async fn loader(&self) -> Result<Loader, PersistenceError> {
        Ok(Loader {
            db: self.clone(),
            tables: self.backup_tables().await?,
        })
    }
}

/// See [`Database::snapshot`].
#[derive(Debug)]
pub struct Snapshot {
    txn: DatabaseTransaction,
    engine: Engine,
    tables: Vec<TableShape>,
    schema_version: Option<String>,
}

impl Snapshot {
    /// The tables, as of the snapshot.
    #[must_use]
    pub fn tables(&self) -> &[TableShape] {
        &self.tables
    }

    /// The last migration applied, as of the snapshot.
    #[must_use]
    pub fn schema_version(&self) -> Option<&str> {
        self.schema_version.as_deref()
    }

    /// The engine read.
    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Streams every row of `table` (in primary key order where the engine
    /// reads it so) to `sink`, without holding more than one row; returns
    /// how many rows went. `sink` stops the stream by failing.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when reading fails, or what `sink` failed with.
    pub async fn stream_table<F>(
        &self,
        table: &TableShape,
        mut sink: F,
    ) -> Result<u64, PersistenceError>
    where
        F: FnMut(Vec<Cell>) -> Result<(), PersistenceError> + Send,
    {
        let mut sql = String::from("SELECT ");
        for (i, column) in table.columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&quote(self.engine, &column.name));
        }
        let _ = write!(sql, " FROM {}", quote(self.engine, &table.name));
        let mut rows = self
            .txn
            .stream_raw(Statement::from_string(backend(self.engine), sql))
            .await
            .map_err(PersistenceError::Query)?;
        let mut count = 0;
        while let Some(row) = rows.next().await {
            let row = row.map_err(PersistenceError::Query)?;
            let cells = table
                .columns
                .iter()
                .enumerate()
                .map(|(i, column)| read_cell(&row, i, column.kind))
                .collect::<Result<Vec<_>, _>>()?;
            sink(cells)?;
            count += 1;
        }
        Ok(count)
    }

    /// Ends the snapshot.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] if the transaction cannot end.
    pub async fn finish(self) -> Result<(), PersistenceError> {
        self.txn.rollback().await.map_err(PersistenceError::Query)
    }
}

/// See [`Database::loader`].
#[derive(Debug)]
pub struct Loader {
    db: Database,
    tables: Vec<TableShape>,
}

impl Loader {
    /// The tables of the target database.
    #[must_use]
    pub fn tables(&self) -> &[TableShape] {
        &self.tables
    }

    /// The number of rows of every table, by name.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when a count fails.
    pub async fn counts(&self) -> Result<Vec<(String, u64)>, PersistenceError> {
        let engine = self.db.engine();
        let mut counts = Vec::new();
        for table in &self.tables {
            let row = self
                .db
                .conn
                .query_one_raw(Statement::from_string(
                    backend(engine),
                    format!("SELECT COUNT(*) FROM {}", quote(engine, &table.name)),
                ))
                .await
                .map_err(PersistenceError::Query)?;
            let count = row
                .map(|row| row.try_get_by_index::<i64>(0))
                .transpose()
                .map_err(PersistenceError::Query)?
                .unwrap_or(0);
            counts.push((table.name.clone(), u64::try_from(count).unwrap_or(0)));
        }
        Ok(counts)
    }

    /// Empties every table, in one transaction.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when a deletion fails; then nothing changed.
    pub async fn empty_every_table(&self) -> Result<(), PersistenceError> {
        let txn = self.begin().await?;
        let engine = self.db.engine();
        for table in &self.tables {
            txn.execute_unprepared(&format!("DELETE FROM {}", quote(engine, &table.name)))
                .await
                .map_err(PersistenceError::Query)?;
        }
        txn.commit().await.map_err(PersistenceError::Query)
    }

    async fn begin(&self) -> Result<DatabaseTransaction, PersistenceError> {
        match self.db.engine() {
            Engine::Sqlite => {
                // Without effect inside a transaction: set on the connection first.
                self.db
                    .conn
                    .execute_unprepared("PRAGMA foreign_keys = OFF")
                    .await
                    .map_err(PersistenceError::Query)?;
                self.db.conn.begin().await.map_err(PersistenceError::Query)
            }
            Engine::MariaDb => {
                let txn = self
                    .db
                    .conn
                    .begin()
                    .await
                    .map_err(PersistenceError::Query)?;
                txn.execute_unprepared("SET SESSION foreign_key_checks = 0")
                    .await
                    .map_err(PersistenceError::Query)?;
                Ok(txn)
            }
        }
    }

    /// Writes `rows` of `table` (values in the order of `columns`) in one
    /// transaction: all of them or none.
    ///
    /// # Errors
    /// [`PersistenceError::Restore`] when the table or a column is unknown
    /// here or a value does not fit its column; [`PersistenceError::Query`]
    /// when the database refuses the rows.
    pub async fn insert(
        &self,
        table: &str,
        columns: &[Column],
        rows: Vec<Vec<Cell>>,
    ) -> Result<(), PersistenceError> {
        if rows.is_empty() {
            return Ok(());
        }
        let engine = self.db.engine();
        let mut head = format!("INSERT INTO {} (", quote(engine, table));
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                head.push_str(", ");
            }
            head.push_str(&quote(engine, &column.name));
        }
        head.push_str(") VALUES ");
        let placeholders = format!("({})", vec!["?"; columns.len()].join(", "));
        // Both engines cap the number of bound values of one statement.
        let per_statement = (30_000 / columns.len().max(1)).max(1);
        let txn = self.begin().await?;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut sql = head.clone();
            let mut values = Vec::new();
            for (n, row) in rows.by_ref().take(per_statement).enumerate() {
                if row.len() != columns.len() {
                    return Err(PersistenceError::Restore(format!(
                        "table {table}: a row of {} values for {} columns",
                        row.len(),
                        columns.len()
                    )));
                }
                if n > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&placeholders);
                for (column, cell) in columns.iter().zip(row) {
                    values.push(to_value(table, column, cell)?);
                }
            }
            txn.execute_raw(Statement::from_sql_and_values(backend(engine), sql, values))
                .await
                .map_err(PersistenceError::Query)?;
        }
        txn.commit().await.map_err(PersistenceError::Query)
    }

    /// Sets each listed account's wrapped data key (`users.data_key_id`,
    /// `users.data_key`), in one transaction; returns how many accounts
    /// were found.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when the update fails.
    pub async fn set_data_keys(
        &self,
        keys: Vec<(Vec<u8>, String, Vec<u8>)>,
    ) -> Result<u64, PersistenceError> {
        let engine = self.db.engine();
        let sql = format!(
            "UPDATE {} SET {} = ?, {} = ? WHERE {} = ?",
            quote(engine, "users"),
            quote(engine, "data_key_id"),
            quote(engine, "data_key"),
            quote(engine, "id")
        );
        let txn = self.begin().await?;
        let mut found = 0;
        for (id, key_id, key) in keys {
            found += txn
                .execute_raw(Statement::from_sql_and_values(
                    backend(engine),
                    &sql,
                    [key_id.into(), key.into(), id.into()],
                ))
                .await
                .map_err(PersistenceError::Query)?
                .rows_affected();
        }
        txn.commit().await.map_err(PersistenceError::Query)?;
        Ok(found)
    }

    /// The accounts no keyring entry reached: `(id, canonical username)`
    /// of the rows whose key id is still the empty one a data backup holds.
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when reading fails.
    pub async fn accounts_without_key(&self) -> Result<Vec<(Vec<u8>, String)>, PersistenceError> {
        let engine = self.db.engine();
        let rows = self
            .db
            .conn
            .query_all_raw(Statement::from_string(
                backend(engine),
                format!(
                    "SELECT {}, {} FROM {} WHERE {} = ''",
                    quote(engine, "id"),
                    quote(engine, "username_canonical"),
                    quote(engine, "users"),
                    quote(engine, "data_key_id")
                ),
            ))
            .await
            .map_err(PersistenceError::Query)?;
        rows.iter()
            .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
            .collect::<Result<_, sea_orm::DbErr>>()
            .map_err(PersistenceError::Query)
    }

    /// Turns the foreign key checks back on for the connection, after
    /// counting, on SQLite, the rows that break a foreign key (MariaDB has
    /// no such check after the fact: `None` there).
    ///
    /// # Errors
    /// [`PersistenceError::Query`] when the check fails to run.
    pub async fn finish(&self) -> Result<Option<u64>, PersistenceError> {
        let (violations, enable) = match self.db.engine() {
            Engine::Sqlite => {
                let rows = self
                    .db
                    .conn
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "PRAGMA foreign_key_check",
                    ))
                    .await
                    .map_err(PersistenceError::Query)?;
                (Some(rows.len() as u64), "PRAGMA foreign_keys = ON")
            }
            Engine::MariaDb => (None, "SET SESSION foreign_key_checks = 1"),
        };
        self.db
            .conn
            .execute_unprepared(enable)
            .await
            .map_err(PersistenceError::Query)?;
        Ok(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_kinds() {
        assert_eq!(ColumnKind::of_sqlite("datetime_text"), ColumnKind::Instant);
        assert_eq!(ColumnKind::of_sqlite("date_text"), ColumnKind::Date);
        assert_eq!(ColumnKind::of_sqlite("uuid_text"), ColumnKind::Bytes);
        assert_eq!(ColumnKind::of_sqlite("blob(16)"), ColumnKind::Bytes);
        assert_eq!(ColumnKind::of_sqlite("boolean"), ColumnKind::Integer);
        assert_eq!(ColumnKind::of_sqlite("bigint"), ColumnKind::Integer);
        assert_eq!(ColumnKind::of_sqlite("varchar(64)"), ColumnKind::Text);
        assert_eq!(ColumnKind::of_sqlite("mediumtext"), ColumnKind::Text);
        assert_eq!(ColumnKind::of_mariadb("datetime"), ColumnKind::Instant);
        assert_eq!(ColumnKind::of_mariadb("date"), ColumnKind::Date);
        assert_eq!(ColumnKind::of_mariadb("binary"), ColumnKind::Bytes);
        assert_eq!(ColumnKind::of_mariadb("tinyint"), ColumnKind::Integer);
        assert_eq!(ColumnKind::of_mariadb("mediumtext"), ColumnKind::Text);
        assert_eq!(ColumnKind::of_mariadb("double"), ColumnKind::Real);
    }

    #[test]
    fn instants_and_dates_travel_exactly() {
        let column = |kind| Column {
            name: "c".into(),
            kind,
        };
        let at = time::macros::datetime!(2026-11-29 18:52:25.123456);
        let Value::TimeDateTime(Some(back)) = to_value(
            "t",
            &column(ColumnKind::Instant),
            Cell::Int(instant_micros(at)),
        )
        .unwrap() else {
            panic!("not an instant")
        };
        assert_eq!(back, at);
        let day = time::macros::date!(2026 - 02 - 28);
        let Value::TimeDate(Some(back)) = to_value(
            "t",
            &column(ColumnKind::Date),
            Cell::Int(i64::from(day.to_julian_day())),
        )
        .unwrap() else {
            panic!("not a date")
        };
        assert_eq!(back, day);
        assert!(to_value("t", &column(ColumnKind::Bytes), Cell::Text("x".into())).is_err());
    }
}
