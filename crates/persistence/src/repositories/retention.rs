use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{AuditPrefix, Expiring, Inactivity, RetentionStore};
use rr_domain::identity::{Role, UserId};
use rr_domain::subject_rights::ERASED_AUTHOR;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, Value,
};
use time::{Date, OffsetDateTime};

use super::statistics_rollup;
use super::write::{begin_write, settle};
use crate::entities::{
    audit_entry, data_export, notification, one_time_token, session, staff_access,
    username_reservation,
};
use crate::map_db_err;
use crate::mapping::to_column;

/// Audit entries deleted by one statement.
const AUDIT_BATCH: i64 = 5_000;

/// [`RetentionStore`] on sea-orm.
///
/// Accounts' activity is `users.last_active_at` (written by the session
/// repository on every login and refresh, to the day) or, without one,
/// `users.created_at`; a warning counts while `users.inactivity_warned_at`
/// is not older than that activity. The erased author (the account that
/// keeps what erased accounts left published) is never inactive.
#[derive(Debug, Clone)]
pub struct SeaOrmRetentionStore {
    conn: DatabaseConnection,
}

impl SeaOrmRetentionStore {
    /// A store on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }
}

/// The account's last activity.
const ACTIVITY: &str = "COALESCE(u.last_active_at, u.created_at)";

/// The SQL condition of `stage` on `users u`, and its values.
fn inactivity(stage: Inactivity) -> Result<(String, Vec<Value>), RepositoryError> {
    let mut values: Vec<Value> = vec![
        Role::Citizen.as_str().into(),
        ERASED_AUTHOR.as_uuid().into(),
    ];
    let mut sql =
        format!("u.role = ? AND u.id <> ? AND u.restricted_at IS NULL AND {ACTIVITY} < ?");
    match stage {
        Inactivity::ToWarn { inactive_before } => {
            values.push(to_column(inactive_before)?.into());
            sql.push_str(&format!(
                " AND (u.inactivity_warned_at IS NULL OR u.inactivity_warned_at < {ACTIVITY})"
            ));
        }
        Inactivity::ToErase {
            inactive_before,
            warned_before,
        } => {
            values.push(to_column(inactive_before)?.into());
            values.push(to_column(warned_before)?.into());
            sql.push_str(&format!(
                " AND u.inactivity_warned_at >= {ACTIVITY} AND u.inactivity_warned_at < ?"
            ));
        }
    }
    Ok((sql, values))
}

fn count_of(row: Option<sea_orm::QueryResult>) -> Result<u64, RepositoryError> {
    let n: i64 = row
        .map(|r| r.try_get("", "n"))
        .transpose()
        .map_err(map_db_err)?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Sessions whose refresh token expired, or which were revoked, before `at`.
fn ended_before(at: time::PrimitiveDateTime) -> Condition {
    Condition::any()
        .add(session::Column::ExpiresAt.lt(at))
        .add(session::Column::RevokedAt.lt(at))
}

impl SeaOrmRetentionStore {
    async fn anchor(&self, conn: &impl ConnectionTrait) -> Result<Option<i64>, RepositoryError> {
        let row = conn
            .query_one_raw(Statement::from_string(
                self.backend(),
                "SELECT sequence FROM audit_log_anchor WHERE id = 1",
            ))
            .await
            .map_err(map_db_err)?;
        row.map(|r| r.try_get::<i64>("", "sequence"))
            .transpose()
            .map_err(map_db_err)
    }
}

#[async_trait]
impl RetentionStore for SeaOrmRetentionStore {
    async fn count_expired(
        &self,
        what: Expiring,
        before: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let at = to_column(before)?;
        let conn = &self.conn;
        match what {
            Expiring::EndedSessions => {
                session::Entity::find()
                    .filter(ended_before(at))
                    .count(conn)
                    .await
            }
            Expiring::OneTimeTokens => {
                one_time_token::Entity::find()
                    .filter(one_time_token::Column::ExpiresAt.lt(at))
                    .count(conn)
                    .await
            }
            Expiring::StaffAccesses => {
                staff_access::Entity::find()
                    .filter(staff_access::Column::At.lt(at))
                    .count(conn)
                    .await
            }
            Expiring::Notifications => {
                notification::Entity::find()
                    .filter(notification::Column::CreatedAt.lt(at))
                    .count(conn)
                    .await
            }
            // The rule of `SeaOrmDataExportRepository::delete_closed_before`.
            Expiring::ExportRecords => {
                data_export::Entity::find()
                    .filter(data_export::Column::Live.is_null())
                    .filter(data_export::Column::ArchiveDigest.is_null())
                    .filter(data_export::Column::RequestedAt.lt(at))
                    .count(conn)
                    .await
            }
            Expiring::UsernameReservations => {
                username_reservation::Entity::find()
                    .filter(username_reservation::Column::ReservedUntil.lt(at))
                    .count(conn)
                    .await
            }
        }
        .map_err(map_db_err)
    }

    /// Ids first, then a delete by id: neither engine offers a portable
    /// `DELETE … LIMIT`. A session's spent refresh tokens go with it (foreign
    /// key).
    async fn delete_expired(
        &self,
        what: Expiring,
        before: OffsetDateTime,
        limit: u64,
    ) -> Result<u64, RepositoryError> {
        let at = to_column(before)?;
        let conn = &self.conn;
        let deleted = match what {
            Expiring::EndedSessions => {
                let ids: Vec<uuid::Uuid> = session::Entity::find()
                    .select_only()
                    .column(session::Column::Id)
                    .filter(ended_before(at))
                    .limit(limit)
                    .into_tuple()
                    .all(conn)
                    .await
                    .map_err(map_db_err)?;
                session::Entity::delete_many()
                    .filter(session::Column::Id.is_in(ids))
                    .exec(conn)
                    .await
            }
            Expiring::OneTimeTokens => {
                let digests: Vec<Vec<u8>> = one_time_token::Entity::find()
                    .select_only()
                    .column(one_time_token::Column::Digest)
                    .filter(one_time_token::Column::ExpiresAt.lt(at))
                    .limit(limit)
                    .into_tuple()
                    .all(conn)
                    .await
                    .map_err(map_db_err)?;
                one_time_token::Entity::delete_many()
                    .filter(one_time_token::Column::Digest.is_in(digests))
                    .exec(conn)
                    .await
            }
            Expiring::StaffAccesses => {
                let ids: Vec<uuid::Uuid> = staff_access::Entity::find()
                    .select_only()
                    .column(staff_access::Column::Id)
                    .filter(staff_access::Column::At.lt(at))
                    .order_by_asc(staff_access::Column::At)
                    .limit(limit)
                    .into_tuple()
                    .all(conn)
                    .await
                    .map_err(map_db_err)?;
                staff_access::Entity::delete_many()
                    .filter(staff_access::Column::Id.is_in(ids))
                    .exec(conn)
                    .await
            }
            Expiring::UsernameReservations => {
                let digests: Vec<Vec<u8>> = username_reservation::Entity::find()
                    .select_only()
                    .column(username_reservation::Column::Digest)
                    .filter(username_reservation::Column::ReservedUntil.lt(at))
                    .limit(limit)
                    .into_tuple()
                    .all(conn)
                    .await
                    .map_err(map_db_err)?;
                username_reservation::Entity::delete_many()
                    .filter(username_reservation::Column::Digest.is_in(digests))
                    .exec(conn)
                    .await
            }
            Expiring::Notifications | Expiring::ExportRecords => {
                return Err(RepositoryError::Internal(
                    "deleted by the use cases that own them".into(),
                ));
            }
        };
        Ok(deleted.map_err(map_db_err)?.rows_affected)
    }

    /// The first entry at or after `before` (by the index on `at`) ends the
    /// prefix; entries at or below the anchor (left by an interrupted purge)
    /// belong to it too.
    async fn audit_prefix(
        &self,
        before: OffsetDateTime,
    ) -> Result<Option<AuditPrefix>, RepositoryError> {
        let at = to_column(before)?;
        let conn = &self.conn;
        let first_kept: Option<i64> = audit_entry::Entity::find()
            .select_only()
            .column_as(audit_entry::Column::Sequence.min(), "first")
            .filter(audit_entry::Column::At.gte(at))
            .into_tuple::<Option<i64>>()
            .one(conn)
            .await
            .map_err(map_db_err)?
            .flatten();
        let mut last = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Sequence);
        if let Some(first_kept) = first_kept {
            last = last.filter(audit_entry::Column::Sequence.lt(first_kept));
        }
        let Some(last) = last.one(conn).await.map_err(map_db_err)? else {
            return Ok(None);
        };
        let entries = audit_entry::Entity::find()
            .filter(audit_entry::Column::Sequence.lte(last.sequence))
            .count(conn)
            .await
            .map_err(map_db_err)?;
        Ok(Some(AuditPrefix {
            through: u64::try_from(last.sequence).unwrap_or(0),
            hash: last.hash,
            entries,
        }))
    }

    /// The anchor moves first, in a transaction that checks the entry's hash
    /// (never backwards); then the entries at or below it go in batches, so
    /// that no statement holds locks for long and the verification, which
    /// starts after the anchor, never sees a half-deleted prefix.
    async fn drop_audit_prefix(
        &self,
        prefix: &AuditPrefix,
        at: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let through = i64::try_from(prefix.through).map_err(|e| {
            RepositoryError::Internal(format!("sequence {}: {e}", prefix.through).into())
        })?;
        let purged_at = to_column(at)?;
        let backend = self.backend();
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let work = async {
            let mut entry = audit_entry::Entity::find_by_id(through);
            if backend == DatabaseBackend::MySql {
                entry = entry.lock_exclusive();
            }
            let Some(entry) = entry.one(&txn).await.map_err(map_db_err)? else {
                return Ok(false);
            };
            if entry.hash != prefix.hash {
                return Ok(false);
            }
            let current = self.anchor(&txn).await?;
            if current.is_some_and(|current| current >= through) {
                return Ok(false);
            }
            let sql = if current.is_some() {
                "UPDATE audit_log_anchor SET sequence = ?, hash = ?, purged_at = ? WHERE id = 1"
            } else {
                "INSERT INTO audit_log_anchor (sequence, hash, purged_at, id) VALUES (?, ?, ?, 1)"
            };
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    Value::from(through),
                    Value::from(prefix.hash.clone()),
                    Value::from(purged_at),
                ],
            ))
            .await
            .map_err(map_db_err)?;
            Ok(true)
        };
        let result = work.await;
        let moved = matches!(result, Ok(true));
        settle(txn, result, moved, map_db_err).await?;
        let Some(anchor) = self.anchor(&self.conn).await? else {
            return Ok(0);
        };
        let mut deleted = 0_u64;
        loop {
            let lowest: Option<i64> = audit_entry::Entity::find()
                .select_only()
                .column_as(audit_entry::Column::Sequence.min(), "lowest")
                .into_tuple::<Option<i64>>()
                .one(&self.conn)
                .await
                .map_err(map_db_err)?
                .flatten();
            let Some(lowest) = lowest.filter(|lowest| *lowest <= anchor) else {
                return Ok(deleted);
            };
            let gone = audit_entry::Entity::delete_many()
                .filter(audit_entry::Column::Sequence.lte(anchor.min(lowest + AUDIT_BATCH - 1)))
                .exec(&self.conn)
                .await
                .map_err(map_db_err)?
                .rows_affected;
            deleted = deleted.saturating_add(gone);
        }
    }

    async fn count_inactive(&self, stage: Inactivity) -> Result<u64, RepositoryError> {
        let (condition, values) = inactivity(stage)?;
        let row = self
            .conn
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                format!("SELECT COUNT(*) AS n FROM users u WHERE {condition}"),
                values,
            ))
            .await
            .map_err(map_db_err)?;
        count_of(row)
    }

    async fn inactive(
        &self,
        stage: Inactivity,
        after: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let (mut condition, mut values) = inactivity(stage)?;
        if let Some(after) = after {
            condition.push_str(" AND u.id > ?");
            values.push(after.as_uuid().into());
        }
        let rows = self
            .conn
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                format!("SELECT u.id FROM users u WHERE {condition} ORDER BY u.id LIMIT {limit}"),
                values,
            ))
            .await
            .map_err(map_db_err)?;
        rows.iter()
            .map(|row| {
                row.try_get::<uuid::Uuid>("", "id")
                    .map(UserId::from_uuid)
                    .map_err(map_db_err)
            })
            .collect()
    }

    async fn mark_warned(
        &self,
        user: UserId,
        at: OffsetDateTime,
        inactive_before: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let (condition, values) = inactivity(Inactivity::ToWarn { inactive_before })?;
        let mut all: Vec<Value> = vec![to_column(at)?.into(), user.as_uuid().into()];
        all.extend(values);
        // The condition names the table `u`, as the queries do.
        let updated = self
            .conn
            .execute_raw(Statement::from_sql_and_values(
                self.backend(),
                format!(
                    "UPDATE users AS u SET inactivity_warned_at = ? WHERE u.id = ? AND {condition}"
                ),
                all,
            ))
            .await
            .map_err(map_db_err)?;
        Ok(updated.rows_affected() == 1)
    }

    async fn unmark_warned(&self, user: UserId, at: OffsetDateTime) -> Result<(), RepositoryError> {
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.backend(),
                "UPDATE users SET inactivity_warned_at = NULL \
                 WHERE id = ? AND inactivity_warned_at = ?",
                [user.as_uuid().into(), to_column(at)?.into()],
            ))
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn statistics_events_before(&self, day: Date) -> Result<u64, RepositoryError> {
        statistics_rollup::events_before(&self.conn, day).await
    }

    async fn roll_up_statistics(&self, day: Date) -> Result<u64, RepositoryError> {
        statistics_rollup::roll_up_before(&self.conn, day).await
    }
}
