//! Exports of persons' data: the requests and their state.

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::DataExportRepository;
use rr_domain::identity::{DataExport, ExportId, ExportStatus, UserId};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;

use crate::entities::data_export::{self, Column};
use crate::map_db_err;
use crate::mapping::{export_row, into_export, to_column};

/// [`DataExportRepository`] on sea-orm: one `data_exports` row per export.
/// Every change of state is one conditional `UPDATE` whose affected-row
/// count says whether it happened, so that concurrent nodes never both
/// claim, finish or hand out one export; the unique key on `(user_id,
/// origin, live)` keeps one live export per person and origin.
#[derive(Debug, Clone)]
pub struct SeaOrmDataExportRepository {
    conn: DatabaseConnection,
}

impl SeaOrmDataExportRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    async fn all(
        &self,
        query: sea_orm::Select<data_export::Entity>,
    ) -> Result<Vec<DataExport>, RepositoryError> {
        query
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_export)
            .collect()
    }
}

/// The value an active model sets (every column of [`export_row`] is set).
fn set<V: Into<sea_orm::Value>>(value: sea_orm::ActiveValue<V>) -> sea_orm::Value {
    value.into_value().unwrap_or(sea_orm::Value::Bool(None))
}

fn status(status: ExportStatus) -> &'static str {
    status.as_str()
}

fn limit(limit: u64) -> u64 {
    std::cmp::Ord::min(limit, i64::MAX.unsigned_abs())
}

#[async_trait]
impl DataExportRepository for SeaOrmDataExportRepository {
    async fn insert(&self, export: &DataExport) -> Result<(), RepositoryError> {
        // A ready export past its end is no longer live, sweep or not.
        data_export::Entity::update_many()
            .col_expr(Column::Status, Expr::value(status(ExportStatus::Expired)))
            .col_expr(Column::Live, Expr::value(Option::<i16>::None))
            .filter(Column::UserId.eq(export.subject.as_uuid()))
            .filter(Column::Status.eq(status(ExportStatus::Ready)))
            .filter(Column::ExpiresAt.lte(to_column(export.requested_at)?))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        data_export::Entity::insert(export_row(export)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn find(&self, id: ExportId) -> Result<Option<DataExport>, RepositoryError> {
        data_export::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_export)
            .transpose()
    }

    async fn list_for(
        &self,
        person: UserId,
        after: Option<ExportId>,
        count: u64,
    ) -> Result<Vec<DataExport>, RepositoryError> {
        let person = person.as_uuid();
        let mut query = data_export::Entity::find().filter(
            Condition::any()
                .add(Column::UserId.eq(person))
                .add(Column::RequestedBy.eq(person)),
        );
        if let Some(after) = after {
            query = query.filter(Column::Id.lt(after.as_uuid()));
        }
        self.all(query.order_by_desc(Column::Id).limit(limit(count)))
            .await
    }

    async fn claimable(
        &self,
        requested_before: OffsetDateTime,
        stale_before: OffsetDateTime,
        count: u64,
    ) -> Result<Vec<ExportId>, RepositoryError> {
        let ids: Vec<uuid::Uuid> = data_export::Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::Status.eq(status(ExportStatus::Requested)))
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(Column::StartedAt.is_null())
                            .add(Column::RequestedAt.lt(to_column(requested_before)?)),
                    )
                    .add(Column::StartedAt.lt(to_column(stale_before)?)),
            )
            .order_by_asc(Column::Id)
            .limit(limit(count))
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(ids.into_iter().map(ExportId::from_uuid).collect())
    }

    async fn claim(
        &self,
        id: ExportId,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
    ) -> Result<Option<DataExport>, RepositoryError> {
        let claimed = data_export::Entity::update_many()
            .col_expr(Column::StartedAt, Expr::value(to_column(now)?))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::Status.eq(status(ExportStatus::Requested)))
            .filter(
                Condition::any()
                    .add(Column::StartedAt.is_null())
                    .add(Column::StartedAt.lt(to_column(stale_before)?)),
            )
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        if claimed.rows_affected == 1 {
            self.find(id).await
        } else {
            Ok(None)
        }
    }

    async fn finish(&self, export: &DataExport) -> Result<bool, RepositoryError> {
        let row = export_row(export)?;
        let updated = data_export::Entity::update_many()
            .col_expr(Column::Status, Expr::value(set(row.status)))
            .col_expr(Column::Live, Expr::value(set(row.live)))
            .col_expr(Column::FinishedAt, Expr::value(set(row.finished_at)))
            .col_expr(Column::ExpiresAt, Expr::value(set(row.expires_at)))
            .col_expr(Column::Failure, Expr::value(set(row.failure)))
            .col_expr(Column::ArchiveDigest, Expr::value(set(row.archive_digest)))
            .col_expr(Column::ArchiveBytes, Expr::value(set(row.archive_bytes)))
            .col_expr(Column::ContentBytes, Expr::value(set(row.content_bytes)))
            .filter(Column::Id.eq(export.id.as_uuid()))
            .filter(Column::Status.eq(status(ExportStatus::Requested)))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(updated.rows_affected == 1)
    }

    async fn mark_downloaded(
        &self,
        id: ExportId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let at = to_column(at)?;
        let updated = data_export::Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(status(ExportStatus::Downloaded)),
            )
            .col_expr(Column::Live, Expr::value(Option::<i16>::None))
            .col_expr(Column::DownloadedAt, Expr::value(at))
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::Status.eq(status(ExportStatus::Ready)))
            .filter(Column::ExpiresAt.gt(at))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(updated.rows_affected == 1)
    }

    async fn archives_due(
        &self,
        now: OffsetDateTime,
        downloaded_before: OffsetDateTime,
        count: u64,
    ) -> Result<Vec<DataExport>, RepositoryError> {
        let query = data_export::Entity::find()
            .filter(Column::ArchiveDigest.is_not_null())
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(Column::Status.eq(status(ExportStatus::Ready)))
                            .add(Column::ExpiresAt.lte(to_column(now)?)),
                    )
                    .add(
                        Condition::all()
                            .add(Column::Status.eq(status(ExportStatus::Downloaded)))
                            .add(Column::DownloadedAt.lt(to_column(downloaded_before)?)),
                    )
                    .add(
                        Column::Status
                            .is_in([status(ExportStatus::Failed), status(ExportStatus::Expired)]),
                    ),
            )
            .order_by_asc(Column::Id)
            .limit(limit(count));
        self.all(query).await
    }

    async fn archive_removed(&self, id: ExportId) -> Result<(), RepositoryError> {
        data_export::Entity::update_many()
            .col_expr(Column::Status, Expr::value(status(ExportStatus::Expired)))
            .col_expr(Column::Live, Expr::value(Option::<i16>::None))
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::Status.eq(status(ExportStatus::Ready)))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        data_export::Entity::update_many()
            .col_expr(Column::ArchiveDigest, Expr::value(Option::<String>::None))
            .filter(Column::Id.eq(id.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn delete_closed_before(&self, before: OffsetDateTime) -> Result<u64, RepositoryError> {
        let deleted = data_export::Entity::delete_many()
            .filter(Column::Live.is_null())
            .filter(Column::ArchiveDigest.is_null())
            .filter(Column::RequestedAt.lt(to_column(before)?))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(deleted.rows_affected)
    }
}
