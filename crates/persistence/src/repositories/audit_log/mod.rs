mod chain;

use std::sync::Arc;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{AuditEntry, AuditEvent, AuditLog, AuditPrefix, ChainVerification};
use rr_domain::identity::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr, Statement,
};
use time::{OffsetDateTime, PrimitiveDateTime};
use tokio::sync::Mutex;

use self::chain::{GENESIS, Link};
use super::write::{ATTEMPTS, backoff, begin_write, settle};
use crate::entities::audit_entry;
use crate::error::is_contention;
use crate::map_db_err;
use crate::mapping::{bounded, into_audit_entry, to_column};

/// The action of the entry the retention purge appends before it deletes
/// the oldest entries, naming where the chain then starts.
const PURGED: &str = "audit_log_purged";

/// Where the chain starts once its oldest entries were purged: the last
/// entry deleted.
async fn anchor(conn: &DatabaseConnection) -> Result<Option<AuditPrefix>, RepositoryError> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT sequence, hash FROM audit_log_anchor WHERE id = 1",
        ))
        .await
        .map_err(map_db_err)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let sequence: i64 = row.try_get("", "sequence").map_err(map_db_err)?;
    let hash: Vec<u8> = row.try_get("", "hash").map_err(map_db_err)?;
    Ok(Some(AuditPrefix {
        through: u64::try_from(sequence)
            .map_err(|e| RepositoryError::Internal(format!("anchor {sequence}: {e}").into()))?,
        hash,
        entries: 0,
    }))
}

/// Entries [`verify`](AuditLog::verify) reads per query.
const PAGE: u64 = 500;

/// [`AuditLog`] on sea-orm: an append-only table whose every entry carries the
/// SHA-256 of its content and of the previous entry's hash (see `chain`).
///
/// # Appends never fork the chain
///
/// An entry's hash covers the previous one, so two appends that read the same
/// last entry would fork the chain. Three layers prevent it:
///
/// 1. In the process, an async mutex shared by every clone of this value (and
///    so by every handle [`Database::audit_log`](crate::Database::audit_log)
///    gives out) lets one append at a time reach the database.
/// 2. Across processes, the append's transaction holds the database's lock
///    before it reads the last entry: `BEGIN IMMEDIATE` on SQLite (one writer
///    at a time), `SELECT … FOR UPDATE` of the last entry on MariaDB (a second
///    appender waits on that row).
/// 3. The sequence, assigned as last + 1, is the primary key: should two
///    appends still read the same last entry, the second insert fails as a
///    duplicate instead of forking. That, a MariaDB deadlock (two locking
///    reads of the table's end hold compatible gap locks, then both insert)
///    and a SQLite busy timeout are retried, up to 8 attempts, after which the
///    append fails as [`RepositoryError::Unavailable`].
#[derive(Debug, Clone)]
pub struct SeaOrmAuditLog {
    conn: DatabaseConnection,
    appending: Arc<Mutex<()>>,
}

impl SeaOrmAuditLog {
    /// An audit log on this pool. Clone it rather than calling `new` again, so
    /// that appends of the process share one lock (layer 1 above).
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self {
            conn,
            appending: Arc::new(Mutex::new(())),
        }
    }

    /// One attempt: read the last entry under lock, insert the next, commit.
    async fn try_append(&self, event: &AuditEvent, at: PrimitiveDateTime) -> Result<(), Failure> {
        let txn = begin_write(&self.conn).await?;
        let work = async {
            let mut last = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Sequence);
            if txn.get_database_backend() == DatabaseBackend::MySql {
                last = last.lock_exclusive();
            }
            let (sequence, previous_hash) = match last.one(&txn).await? {
                Some(row) => (
                    u64::try_from(row.sequence)
                        .ok()
                        .and_then(|last| last.checked_add(1))
                        .ok_or_else(|| {
                            fatal(format!("last sequence {} is corrupt", row.sequence))
                        })?,
                    row.hash,
                ),
                None => (1, GENESIS.to_vec()),
            };
            let actor = event.actor.map(|id| id.as_uuid());
            let subject = event.subject.map(|id| id.as_uuid());
            let hash = Link {
                previous_hash: &previous_hash,
                sequence,
                at,
                action: event.action,
                actor,
                subject,
                detail: &event.detail,
            }
            .hash()
            .map_err(|e| fatal(e.to_string()))?;
            audit_entry::Entity::insert(audit_entry::ActiveModel {
                sequence: Set(i64::try_from(sequence).map_err(|e| fatal(e.to_string()))?),
                at: Set(at),
                action: Set(event.action.to_owned()),
                actor_id: Set(actor),
                subject_id: Set(subject),
                detail: Set(event.detail.clone()),
                previous_hash: Set(previous_hash),
                hash: Set(hash),
            })
            .exec_without_returning(&txn)
            .await?;
            Ok(())
        };
        let result = work.await;
        settle(txn, result, true, Failure::from).await
    }
}

/// Why one attempt to append failed.
enum Failure {
    /// A concurrent writer got in the way: try again.
    Contention(DbErr),
    /// Anything else: give up.
    Fatal(RepositoryError),
}

impl From<DbErr> for Failure {
    fn from(err: DbErr) -> Self {
        let duplicate = matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)));
        if duplicate || is_contention(&err) {
            Self::Contention(err)
        } else {
            Self::Fatal(map_db_err(err))
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot append to the audit log: {0}")]
struct AppendFailed(String);

fn fatal(reason: String) -> Failure {
    Failure::Fatal(RepositoryError::Internal(Box::new(AppendFailed(reason))))
}

#[async_trait]
impl AuditLog for SeaOrmAuditLog {
    async fn append(&self, event: AuditEvent, at: OffsetDateTime) -> Result<(), RepositoryError> {
        bounded("audit_log", "action", event.action, 64)?;
        // Hashed as stored: UTC, to the microsecond.
        let at = to_column(at)?;
        let _one_at_a_time = self.appending.lock().await;
        let mut attempt = 1;
        loop {
            match self.try_append(&event, at).await {
                Ok(()) => return Ok(()),
                Err(Failure::Fatal(err)) => return Err(err),
                Err(Failure::Contention(err)) if attempt >= ATTEMPTS => {
                    return Err(RepositoryError::Unavailable(Box::new(err)));
                }
                Err(Failure::Contention(err)) => {
                    tracing::debug!(attempt, error = %err, "audit append clashed with another writer");
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Walks the log in sequence order, 500 entries per query. Besides
    /// each hash, checks that sequences run 1, 2, 3… without gap and that each
    /// entry names its predecessor's hash, so a deleted entry breaks the chain
    /// at its successor. A row numbered below 1 is reported as `BrokenAt { 0 }`.
    ///
    /// Once the retention purge deleted the oldest entries, the walk starts
    /// after the anchor it left (`audit_log_anchor`: the sequence and hash of
    /// the last entry deleted), and the chain must hold the
    /// `audit_log_purged` entry that names that anchor: an anchor moved by
    /// hand to hide deleted entries breaks the chain at the first entry
    /// after it.
    async fn verify(&self) -> Result<ChainVerification, RepositoryError> {
        let anchor = anchor(&self.conn).await?;
        let (mut expected, mut previous, mut after, mut recorded) = match &anchor {
            Some(anchor) => (
                anchor.through + 1,
                anchor.hash.clone(),
                i64::try_from(anchor.through).ok(),
                false,
            ),
            None => (1, GENESIS.to_vec(), None, true),
        };
        let named = anchor.as_ref().map(AuditPrefix::describe);
        let first = expected;
        loop {
            let mut query = audit_entry::Entity::find()
                .order_by_asc(audit_entry::Column::Sequence)
                .limit(PAGE);
            if let Some(after) = after {
                query = query.filter(audit_entry::Column::Sequence.gt(after));
            }
            let page = query.all(&self.conn).await.map_err(map_db_err)?;
            let complete = (page.len() as u64) < PAGE;
            for row in page {
                after = Some(row.sequence);
                let Ok(sequence) = u64::try_from(row.sequence) else {
                    return Ok(ChainVerification::BrokenAt { sequence: 0 });
                };
                let link = Link {
                    previous_hash: &row.previous_hash,
                    sequence,
                    at: row.at,
                    action: &row.action,
                    actor: row.actor_id,
                    subject: row.subject_id,
                    detail: &row.detail,
                };
                let intact = sequence == expected
                    && row.previous_hash == previous
                    && link.hash().is_ok_and(|hash| hash == row.hash);
                if !intact {
                    return Ok(ChainVerification::BrokenAt { sequence });
                }
                recorded = recorded
                    || (row.action == PURGED
                        && named
                            .as_ref()
                            .is_some_and(|n| row.detail.starts_with(n.as_str())));
                previous = row.hash;
                expected += 1;
            }
            if complete {
                if !recorded {
                    return Ok(ChainVerification::BrokenAt { sequence: first });
                }
                return Ok(ChainVerification::Intact {
                    entries: expected - first,
                });
            }
        }
    }

    async fn entries_about(&self, subject: UserId) -> Result<Vec<AuditEntry>, RepositoryError> {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::SubjectId.eq(subject.as_uuid()))
            .order_by_asc(audit_entry::Column::Sequence)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_audit_entry)
            .collect()
    }
}
