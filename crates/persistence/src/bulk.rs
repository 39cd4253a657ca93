//! Bulk loading of a synthetic data set (`rr-server seed`): records already
//! built elsewhere, written with multi-row `INSERT`s, several statements per
//! transaction, on one connection of its own tuned for loading.
//!
//! Not a repository port: no use case loads data in bulk. Accounts,
//! resources, comments and reports go through the same row mapping as the
//! repositories, so that they read back exactly like data the API wrote.
//! Favourites and consultation events are plain rows.
//!
//! The full-text indexes are kept up to date during the load (SQLite's FTS5
//! table by the triggers of the catalogue migration, MariaDB's `FULLTEXT`
//! index by InnoDB): setting MariaDB's aside and building it at the end was
//! measured slower for a million resources (docs/performance.md, "Seeding").
//!
//! Statement sizes stay within both engines' limits: at most
//! [`MAX_VARIABLES`] bound values per statement (SQLite allows 32,766, MariaDB
//! 65,535) and at most [`MAX_STATEMENT_BYTES`] of text (MariaDB's
//! `max_allowed_packet` is 16 MiB by default).

use std::time::Duration;

use rr_application::RepositoryError;
use rr_application::ports::{CommentRecord, ReportRecord, ResourceRecord};
use rr_domain::identity::{UserId, UserRecord};
use rr_domain::resource::ResourceId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{InsertStatement, Query};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DbErr, DeriveIden, EntityTrait, Iterable,
    PaginatorTrait, QueryTrait, TransactionTrait,
};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use crate::entities::{comment, report, resource, resource_relation_type, resource_share, user};
use crate::mapping::{
    comment_row, relation_type_rows, report_row, resource_row, share_rows, to_column, user_row,
};
use crate::{DatabaseSettings, Engine, PersistenceError};

/// Most values bound in one statement, under SQLite's limit (32,766).
pub const MAX_VARIABLES: usize = 32_000;

/// Most bytes of text in one statement, well under MariaDB's default packet.
pub const MAX_STATEMENT_BYTES: usize = 4 * 1024 * 1024;

/// A resource to load, with its popularity counters. `favourite_count` must
/// equal the favourites loaded for it.
#[derive(Debug, Clone)]
pub struct SeedResource {
    /// The resource, its relation types and its shares.
    pub record: ResourceRecord,
    /// Counted consultations.
    pub view_count: u64,
    /// Citizens who keep it in their favourites.
    pub favourite_count: u64,
}

/// A favourite to load.
#[derive(Debug, Clone, Copy)]
pub struct SeedFavourite {
    /// Who keeps it.
    pub user: UserId,
    /// What.
    pub resource: ResourceId,
    /// Since when.
    pub created_at: OffsetDateTime,
}

/// A consultation event (statistics) to load.
#[derive(Debug, Clone, Copy)]
pub struct SeedConsultation {
    /// What was consulted.
    pub resource: ResourceId,
    /// Who, unless anonymous.
    pub viewer: Option<UserId>,
    /// When.
    pub occurred_at: OffsetDateTime,
}

/// How many rows the tables of a data set already hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowCounts {
    /// Accounts.
    pub users: u64,
    /// Resources, deleted ones included.
    pub resources: u64,
}

/// Why a load failed.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The dedicated connection could not be opened.
    #[error(transparent)]
    Open(#[from] PersistenceError),
    /// A record does not fit its columns.
    #[error("a record cannot be stored")]
    Record(#[source] RepositoryError),
    /// The database refused a statement.
    #[error("the database refused the load")]
    Database(#[from] DbErr),
}

/// One connection for loading, with its engine and the rows per statement.
#[derive(Debug)]
pub struct BulkLoader {
    conn: DatabaseConnection,
    engine: Engine,
    batch: usize,
}

#[derive(DeriveIden)]
enum Favourites {
    Table,
    UserId,
    ResourceId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationEvents {
    Table,
    ResourceId,
    ViewerId,
    OccurredAt,
}

impl BulkLoader {
    /// Opens one connection to the database of `settings`, writing at most
    /// `batch` rows per statement (fewer when the limits above require).
    ///
    /// On SQLite the connection does not wait for the disk
    /// (`synchronous = OFF`: a crash of the machine mid-load may corrupt the
    /// file, which a seed can afford) and keeps a large page cache; foreign
    /// keys stay checked. On MariaDB the session skips foreign key checks
    /// (`foreign_key_checks = 0`): each check is a random read of the parent
    /// table, which more than halves the load time of a million resources once the
    /// tables outgrow the buffer pool. The records must therefore reference
    /// rows that exist, as the seed's do by construction (its tests check it
    /// on both engines, and SQLite enforces it).
    ///
    /// # Errors
    /// [`BulkError::Open`] when the URL is unsupported or the connection refused.
    pub async fn open(settings: &DatabaseSettings, batch: usize) -> Result<Self, BulkError> {
        let url = settings.url.expose_secret();
        let engine = Engine::of_url(url)?;
        let url = match url.strip_prefix("mariadb:") {
            Some(rest) => format!("mysql:{rest}"),
            None => url.to_owned(),
        };
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(1)
            .min_connections(1)
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .acquire_timeout(Duration::from_secs(600))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Off)
                    .busy_timeout(Duration::from_secs(30))
                    .pragma("cache_size", "-262144")
                    .pragma("temp_store", "memory")
            });
        let conn = sea_orm::Database::connect(options)
            .await
            .map_err(PersistenceError::Connect)?;
        Ok(Self {
            conn,
            engine,
            batch: batch.max(1),
        })
    }

    /// The engine loaded into.
    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// How many accounts and resources the database holds.
    ///
    /// # Errors
    /// [`BulkError::Database`] when the tables cannot be read.
    pub async fn counts(&self) -> Result<RowCounts, BulkError> {
        let users = user::Entity::find().count(&self.conn).await?;
        let resources = resource::Entity::find().count(&self.conn).await?;
        Ok(RowCounts { users, resources })
    }

    /// Writes accounts, in one transaction.
    ///
    /// # Errors
    /// [`BulkError::Record`] for a value that does not fit; [`BulkError::Database`]
    /// when refused (an email index or a username already taken, say).
    pub async fn insert_users(&self, users: &[UserRecord]) -> Result<(), BulkError> {
        let rows = users
            .iter()
            .map(user_row)
            .collect::<Result<Vec<_>, _>>()
            .map_err(BulkError::Record)?;
        let statements = chunks(
            rows,
            self.rows_per_statement(user::Column::iter().count()),
            |_| 600,
        )
        .into_iter()
        .map(|group| user::Entity::insert_many(group).into_query())
        .collect();
        self.execute_all(statements).await
    }

    /// Writes resources with their counters, relation types and shares, in
    /// one transaction. Authors and shared-with accounts must exist.
    ///
    /// # Errors
    /// As [`BulkLoader::insert_users`].
    pub async fn insert_resources(&self, resources: &[SeedResource]) -> Result<(), BulkError> {
        let mut rows = Vec::with_capacity(resources.len());
        let mut relation_types = Vec::with_capacity(resources.len() * 2);
        let mut shares = Vec::new();
        for seed in resources {
            let record = &seed.record;
            let mut row = resource_row(record).map_err(BulkError::Record)?;
            row.view_count = Set(counter(seed.view_count));
            row.favourite_count = Set(counter(seed.favourite_count));
            rows.push((row, text_bytes(record)));
            relation_types.extend(
                relation_type_rows(record.id, &record.relation_types).map_err(BulkError::Record)?,
            );
            shares.extend(share_rows(record.id, &record.shared_with));
        }
        let mut statements: Vec<InsertStatement> = Vec::new();
        for group in chunks(
            rows,
            self.rows_per_statement(resource::Column::iter().count()),
            |row| row.1,
        ) {
            statements.push(
                resource::Entity::insert_many(group.into_iter().map(|(row, _)| row)).into_query(),
            );
        }
        for group in chunks(relation_types, self.rows_per_statement(3), |_| 64) {
            statements.push(resource_relation_type::Entity::insert_many(group).into_query());
        }
        for group in chunks(shares, self.rows_per_statement(2), |_| 64) {
            statements.push(resource_share::Entity::insert_many(group).into_query());
        }
        self.execute_all(statements).await
    }

    /// Writes favourites, in one transaction. The resources' counters are
    /// not touched: they were loaded with the resources.
    ///
    /// # Errors
    /// As [`BulkLoader::insert_users`]; a favourite given twice is refused.
    pub async fn insert_favourites(&self, favourites: &[SeedFavourite]) -> Result<(), BulkError> {
        let mut statements = Vec::new();
        for group in favourites.chunks(self.rows_per_statement(3)) {
            let mut insert = Query::insert()
                .into_table(Favourites::Table)
                .columns([
                    Favourites::UserId,
                    Favourites::ResourceId,
                    Favourites::CreatedAt,
                ])
                .to_owned();
            for favourite in group {
                insert
                    .values([
                        favourite.user.as_uuid().into(),
                        favourite.resource.as_uuid().into(),
                        to_column(favourite.created_at)
                            .map_err(BulkError::Record)?
                            .into(),
                    ])
                    .map_err(statement_err)?;
            }
            statements.push(insert);
        }
        self.execute_all(statements).await
    }

    /// Writes consultation events, in one transaction; the database numbers them.
    ///
    /// # Errors
    /// As [`BulkLoader::insert_users`].
    pub async fn insert_consultations(&self, events: &[SeedConsultation]) -> Result<(), BulkError> {
        let mut statements = Vec::new();
        for group in events.chunks(self.rows_per_statement(3)) {
            let mut insert = Query::insert()
                .into_table(ConsultationEvents::Table)
                .columns([
                    ConsultationEvents::ResourceId,
                    ConsultationEvents::ViewerId,
                    ConsultationEvents::OccurredAt,
                ])
                .to_owned();
            for event in group {
                insert
                    .values([
                        event.resource.as_uuid().into(),
                        event.viewer.map(|viewer| viewer.as_uuid()).into(),
                        to_column(event.occurred_at)
                            .map_err(BulkError::Record)?
                            .into(),
                    ])
                    .map_err(statement_err)?;
            }
            statements.push(insert);
        }
        self.execute_all(statements).await
    }

    /// Writes comments, in one transaction. Their resources and authors must
    /// exist, and each reply's parent too: earlier in `comments` or in an
    /// earlier call (SQLite checks it at the end of each statement).
    ///
    /// # Errors
    /// As [`BulkLoader::insert_users`]; the migration's checks refuse a
    /// tombstone with a text, a hidden comment without a reason, a reply
    /// without a parent.
    pub async fn insert_comments(&self, comments: &[CommentRecord]) -> Result<(), BulkError> {
        let rows = comments
            .iter()
            .map(|record| {
                let bytes = record.body.as_ref().map_or(0, |body| body.as_str().len())
                    + record.state.reason().map_or(0, str::len)
                    + 256;
                comment_row(record).map(|row| (row, bytes))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(BulkError::Record)?;
        let statements = chunks(
            rows,
            self.rows_per_statement(comment::Column::iter().count()),
            |row| row.1,
        )
        .into_iter()
        .map(|group| {
            comment::Entity::insert_many(group.into_iter().map(|(row, _)| row)).into_query()
        })
        .collect();
        self.execute_all(statements).await
    }

    /// Writes reports, in one transaction. Their reporters, closers and
    /// resources must exist; their targets are not checked (no foreign key).
    ///
    /// # Errors
    /// As [`BulkLoader::insert_users`]; a second report of one item by the
    /// same account is refused.
    pub async fn insert_reports(&self, reports: &[ReportRecord]) -> Result<(), BulkError> {
        let rows = reports
            .iter()
            .map(|record| {
                let bytes = record.grounds.text().map_or(0, |text| text.as_str().len())
                    + record.note.as_ref().map_or(0, String::len)
                    + 256;
                report_row(record).map(|row| (row, bytes))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(BulkError::Record)?;
        let statements = chunks(
            rows,
            self.rows_per_statement(report::Column::iter().count()),
            |row| row.1,
        )
        .into_iter()
        .map(|group| {
            report::Entity::insert_many(group.into_iter().map(|(row, _)| row)).into_query()
        })
        .collect();
        self.execute_all(statements).await
    }

    /// Refreshes the planner's statistics and, on SQLite, merges the
    /// full-text index and folds the write-ahead log into the file, so that
    /// the data set is measured as it will be queried.
    ///
    /// # Errors
    /// [`BulkError::Database`] when a statement is refused.
    pub async fn finish(&self) -> Result<(), BulkError> {
        match self.engine {
            Engine::Sqlite => {
                for sql in [
                    "INSERT INTO resource_search (resource_search) VALUES ('optimize')",
                    "ANALYZE",
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                ] {
                    self.conn.execute_unprepared(sql).await?;
                }
            }
            Engine::MariaDb => {
                self.conn
                    .execute_unprepared(
                        "ANALYZE TABLE users, resources, resource_relation_types, \
                         resource_shares, favourites, consultation_events, comments, reports",
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// Closes the connection.
    ///
    /// # Errors
    /// [`BulkError::Database`] if the driver fails to close.
    pub async fn close(self) -> Result<(), BulkError> {
        Ok(self.conn.close().await?)
    }

    fn rows_per_statement(&self, columns: usize) -> usize {
        self.batch.min(MAX_VARIABLES / columns).max(1)
    }

    /// Runs `statements` in one transaction: committed when every one
    /// succeeds, rolled back explicitly otherwise (MariaDB would keep its
    /// locks until the connection is next used).
    async fn execute_all(&self, statements: Vec<InsertStatement>) -> Result<(), BulkError> {
        let txn = self.conn.begin().await?;
        let outcome = async {
            if self.engine == Engine::MariaDb {
                // Session-wide, set again in every transaction in case the
                // pool replaced the connection. See `BulkLoader::open`.
                txn.execute_unprepared("SET SESSION foreign_key_checks = 0")
                    .await?;
            }
            for statement in &statements {
                txn.execute(statement).await?;
            }
            Ok::<(), DbErr>(())
        }
        .await;
        match outcome {
            Ok(()) => Ok(txn.commit().await?),
            Err(err) => {
                let _ = txn.rollback().await;
                Err(err.into())
            }
        }
    }
}

/// A statement sea-query could not build (values that do not match the columns).
fn statement_err(err: impl std::fmt::Display) -> BulkError {
    BulkError::Database(DbErr::Custom(format!("building an INSERT: {err}")))
}

fn counter(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Roughly how many bytes a resource adds to a statement.
fn text_bytes(record: &ResourceRecord) -> usize {
    record.title.as_str().len()
        + record.summary.as_str().len()
        + record.body.as_str().len()
        + record
            .external_link
            .as_ref()
            .map_or(0, |link| link.as_str().len())
        + 256
}

/// `rows` in groups of at most `per_group` rows and [`MAX_STATEMENT_BYTES`]
/// bytes (by `bytes`), in order; never an empty group.
fn chunks<T>(rows: Vec<T>, per_group: usize, bytes: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut groups = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for row in rows {
        let row_bytes = bytes(&row);
        if !current.is_empty()
            && (current.len() >= per_group || size + row_bytes > MAX_STATEMENT_BYTES)
        {
            groups.push(std::mem::take(&mut current));
            size = 0;
        }
        size += row_bytes;
        current.push(row);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_grouped_by_count_and_by_size() {
        let groups = chunks((0..10).collect(), 4, |_| 1);
        assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 2]);
        let big = chunks(vec![1, 2, 3], 100, |_| MAX_STATEMENT_BYTES / 2 + 1);
        assert_eq!(big.len(), 3, "two rows would overflow a statement");
        assert!(chunks(Vec::<u8>::new(), 4, |_| 1).is_empty());
    }
}
