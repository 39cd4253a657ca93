//! Moderation on sea-orm: reports ([`SeaOrmReportRepository`], here), the
//! moderation log (`log.rs`) and the queue's reads (`queue.rs`).

mod log;
mod queue;

pub use log::SeaOrmModerationLog;
pub use queue::SeaOrmModerationQueue;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{Filed, ReportRecord, ReportRepository};
use rr_domain::community::{ContentRef, ReportId, ReportStatus};
use rr_domain::identity::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    SqlErr,
};
use time::OffsetDateTime;

use super::write::{begin_write, retry_contended, settle};
use crate::entities::{report, resource};
use crate::map_db_err;
use crate::mapping::{into_report, report_row, target_columns, to_column};

/// [`ReportRepository`] on sea-orm: `reports` rows.
///
/// # Filing and counting
///
/// A filing first locks its resource's row (`FOR UPDATE` on MariaDB;
/// SQLite's `BEGIN IMMEDIATE` lets one writer in at a time), then inserts the
/// report and counts the open reports of its target with a locking read, in
/// one transaction: filings about one resource queue behind each other, and
/// each counts every filing committed before it. The unique index
/// `(reporter_id, target_kind, target_id)` makes a second report by the same
/// citizen a duplicate, rolled back.
///
/// # Closing
///
/// A dismissal is a conditional `UPDATE … WHERE id = ? AND status = 'open'`:
/// of two moderators dismissing at once, the second matches nothing. On
/// MariaDB the two statements can instead deadlock (each may lock the row
/// through a different index); InnoDB then rolls one back, and it is tried
/// again, when it matches nothing. Reports are resolved by the moderation
/// log's `record`, in its transaction, retried the same way.
#[derive(Debug, Clone)]
pub struct SeaOrmReportRepository {
    conn: DatabaseConnection,
}

impl SeaOrmReportRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

fn is_duplicate(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// The open reports of `target`, read with `conn` (locking on MariaDB when
/// `lock`).
async fn count_open(
    conn: &impl ConnectionTrait,
    target: &ContentRef,
    lock: bool,
) -> Result<u64, RepositoryError> {
    let (kind, target, _) = target_columns(target);
    let mut query = report::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "open_reports")
        .filter(report::Column::TargetKind.eq(kind))
        .filter(report::Column::TargetId.eq(target))
        .filter(report::Column::Status.eq(ReportStatus::Open.as_str()));
    if lock {
        query = query.lock_exclusive();
    }
    let count: Option<i64> = query.into_tuple().one(conn).await.map_err(map_db_err)?;
    u64::try_from(count.unwrap_or_default()).map_err(|e| RepositoryError::Internal(Box::new(e)))
}

#[async_trait]
impl ReportRepository for SeaOrmReportRepository {
    async fn file(&self, report: &ReportRecord) -> Result<Filed, RepositoryError> {
        let row = report_row(report)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            let locked: Option<uuid::Uuid> =
                resource::Entity::find_by_id(report.target.resource().as_uuid())
                    .select_only()
                    .column(resource::Column::Id)
                    .lock_exclusive()
                    .into_tuple()
                    .one(&txn)
                    .await
                    .map_err(map_db_err)?;
            if locked.is_none() {
                return Err(RepositoryError::Conflict("no such resource".into()));
            }
            match report::Entity::insert(row)
                .exec_without_returning(&txn)
                .await
            {
                Ok(_) => {}
                Err(err) if is_duplicate(&err) => return Ok(Filed::Duplicate),
                Err(err) => return Err(map_db_err(err)),
            }
            Ok(Filed::Stored {
                open_reports: count_open(&txn, &report.target, true).await?,
            })
        }
        .await;
        let keep = matches!(result, Ok(Filed::Stored { .. }));
        settle(txn, result, keep, map_db_err).await
    }

    async fn find(&self, id: ReportId) -> Result<Option<ReportRecord>, RepositoryError> {
        report::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_report)
            .transpose()
    }

    async fn dismiss(
        &self,
        id: ReportId,
        by: UserId,
        at: OffsetDateTime,
        note: Option<String>,
    ) -> Result<bool, RepositoryError> {
        let changes = report::ActiveModel {
            status: Set(ReportStatus::Dismissed.as_str().to_owned()),
            closed_at: Set(Some(to_column(at)?)),
            closed_by: Set(Some(by.as_uuid())),
            note: Set(note),
            ..Default::default()
        };
        let updated = retry_contended(|| async {
            report::Entity::update_many()
                .set(changes.clone())
                .filter(report::Column::Id.eq(id.as_uuid()))
                .filter(report::Column::Status.eq(ReportStatus::Open.as_str()))
                .exec(&self.conn)
                .await
                .map_err(map_db_err)
        })
        .await?;
        Ok(updated.rows_affected == 1)
    }

    async fn open_count(&self, target: &ContentRef) -> Result<u64, RepositoryError> {
        count_open(&self.conn, target, false).await
    }
}
