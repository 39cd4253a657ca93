//! The moderators' queue on sea-orm.

use std::collections::BTreeMap;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{ModerationQueue, QueueEntry, QueueQuery, QueuedReport};
use rr_domain::community::{ContentKind, ContentRef, ReportStatus};
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder,
};
use time::OffsetDateTime;

use crate::entities::{report, resource};
use crate::map_db_err;
use crate::mapping::{from_column, into_report, into_target, to_column};

/// [`ModerationQueue`] on sea-orm.
///
/// The queue is the union of two ordered lists, each read as a keyset page
/// of `limit` items and merged in memory (the first `limit` of the merge are
/// the first `limit` of the union):
///
/// - resources pending review, public or restricted, by `updated_at` then
///   id (on the index `(state, visibility, …)`);
/// - content with open reports on a resource moderators see, grouped by
///   target, by its oldest open report then id (on `(status, created_at)`),
///   leaving out resources pending review (they are in the first list).
///
/// A third query reads the open reports of the page's items.
#[derive(Debug, Clone)]
pub struct SeaOrmModerationQueue {
    conn: DatabaseConnection,
}

impl SeaOrmModerationQueue {
    /// A queue on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

/// The machine names of the states moderators act on
/// ([`Lifecycle::is_moderated`]).
fn moderated_states() -> Vec<&'static str> {
    let reason = String::new;
    [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Published,
        Lifecycle::Rejected { reason: reason() },
        Lifecycle::Suspended { reason: reason() },
        Lifecycle::Archived,
        Lifecycle::Deleted,
    ]
    .iter()
    .filter(|state| state.is_moderated())
    .map(Lifecycle::name)
    .collect()
}

fn reviewed() -> [&'static str; 2] {
    [Visibility::Public.as_str(), Visibility::Restricted.as_str()]
}

fn res(column: resource::Column) -> Expr {
    Expr::col((resource::Entity, column))
}

fn rep(column: report::Column) -> Expr {
    Expr::col((report::Entity, column))
}

/// Resources pending review after the cursor, oldest first.
fn pending_query(query: &QueueQuery) -> Result<SelectStatement, RepositoryError> {
    let mut select = Query::select();
    select
        .column((resource::Entity, resource::Column::Id))
        .column((resource::Entity, resource::Column::UpdatedAt))
        .from(resource::Entity)
        .and_where(res(resource::Column::State).eq(Lifecycle::PendingReview.name()))
        .and_where(res(resource::Column::Visibility).is_in(reviewed()));
    if let Some(category) = query.category {
        select.and_where(res(resource::Column::CategoryId).eq(category.as_uuid()));
    }
    if let Some(reason) = query.reason {
        select.and_where(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(report::Entity)
                .and_where(rep(report::Column::TargetKind).eq(ContentKind::Resource.as_str()))
                .and_where(
                    rep(report::Column::TargetId).equals((resource::Entity, resource::Column::Id)),
                )
                .and_where(rep(report::Column::Status).eq(ReportStatus::Open.as_str()))
                .and_where(rep(report::Column::Reason).eq(reason.as_str()))
                .to_owned(),
        ));
    }
    if let Some(after) = query.after {
        let since = to_column(after.since)?;
        select.cond_where(
            Condition::any()
                .add(res(resource::Column::UpdatedAt).gt(since))
                .add(
                    Condition::all()
                        .add(res(resource::Column::UpdatedAt).eq(since))
                        .add(res(resource::Column::Id).gt(after.id)),
                ),
        );
    }
    select
        .order_by((resource::Entity, resource::Column::UpdatedAt), Order::Asc)
        .order_by((resource::Entity, resource::Column::Id), Order::Asc)
        .limit(query.limit);
    Ok(select)
}

/// Content with open reports after the cursor, by oldest open report.
fn reported_query(query: &QueueQuery) -> Result<SelectStatement, RepositoryError> {
    const SINCE: &str = "MIN(reports.created_at)";
    let mut select = Query::select();
    select
        .column((report::Entity, report::Column::TargetKind))
        .column((report::Entity, report::Column::TargetId))
        .column((report::Entity, report::Column::ResourceId))
        .from(report::Entity)
        .inner_join(
            resource::Entity,
            res(resource::Column::Id).equals((report::Entity, report::Column::ResourceId)),
        )
        .and_where(rep(report::Column::Status).eq(ReportStatus::Open.as_str()))
        .and_where(res(resource::Column::Visibility).is_in(reviewed()))
        .and_where(res(resource::Column::State).is_in(moderated_states()))
        .cond_where(
            Condition::any()
                .add(rep(report::Column::TargetKind).ne(ContentKind::Resource.as_str()))
                .add(res(resource::Column::State).ne(Lifecycle::PendingReview.name())),
        )
        .group_by_col((report::Entity, report::Column::TargetKind))
        .group_by_col((report::Entity, report::Column::TargetId))
        .group_by_col((report::Entity, report::Column::ResourceId));
    if let Some(kind) = query.kind {
        select.and_where(rep(report::Column::TargetKind).eq(kind.as_str()));
    }
    if let Some(category) = query.category {
        select.and_where(res(resource::Column::CategoryId).eq(category.as_uuid()));
    }
    if let Some(reason) = query.reason {
        select.and_having(Expr::cust_with_values(
            "SUM(CASE WHEN reports.reason = ? THEN 1 ELSE 0 END) > 0",
            [reason.as_str()],
        ));
    }
    if let Some(after) = query.after {
        let since = to_column(after.since)?;
        select.and_having(Expr::cust_with_values(
            "(MIN(reports.created_at) > ? OR (MIN(reports.created_at) = ? AND reports.target_id > ?))",
            [
                sea_orm::Value::from(since),
                sea_orm::Value::from(since),
                sea_orm::Value::from(after.id),
            ],
        ));
    }
    select
        .order_by_expr(Expr::cust(SINCE), Order::Asc)
        .order_by((report::Entity, report::Column::TargetId), Order::Asc)
        .limit(query.limit);
    Ok(select)
}

#[derive(Debug, FromQueryResult)]
struct PendingRow {
    id: uuid::Uuid,
    updated_at: time::PrimitiveDateTime,
}

#[derive(Debug, FromQueryResult)]
struct ReportedRow {
    target_kind: String,
    target_id: uuid::Uuid,
    resource_id: uuid::Uuid,
}

fn content_id(target: &ContentRef) -> uuid::Uuid {
    match target {
        ContentRef::Resource(resource) => resource.as_uuid(),
        ContentRef::Comment { comment, .. } => comment.as_uuid(),
    }
}

impl SeaOrmModerationQueue {
    async fn select<T: FromQueryResult>(
        &self,
        select: &SelectStatement,
    ) -> Result<Vec<T>, RepositoryError> {
        let rows = self.conn.query_all(select).await.map_err(map_db_err)?;
        rows.iter()
            .map(|row| T::from_query_result(row, "").map_err(map_db_err))
            .collect()
    }

    /// The open reports of these targets, oldest first, by target.
    async fn open_reports(
        &self,
        targets: &[ContentRef],
    ) -> Result<BTreeMap<(String, uuid::Uuid), Vec<QueuedReport>>, RepositoryError> {
        let mut by_target: BTreeMap<(String, uuid::Uuid), Vec<QueuedReport>> = BTreeMap::new();
        if targets.is_empty() {
            return Ok(by_target);
        }
        let rows = report::Entity::find()
            .filter(report::Column::Status.eq(ReportStatus::Open.as_str()))
            .filter(report::Column::TargetId.is_in(targets.iter().map(content_id)))
            .order_by_asc(report::Column::CreatedAt)
            .order_by_asc(report::Column::Id)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        for row in rows {
            let report = into_report(row)?;
            by_target
                .entry((report.target.kind().to_owned(), content_id(&report.target)))
                .or_default()
                .push(QueuedReport {
                    id: report.id,
                    grounds: report.grounds,
                    created_at: report.created_at,
                });
        }
        Ok(by_target)
    }
}

#[async_trait]
impl ModerationQueue for SeaOrmModerationQueue {
    async fn page(&self, query: &QueueQuery) -> Result<Vec<QueueEntry>, RepositoryError> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let mut pending: Vec<(OffsetDateTime, ContentRef)> = Vec::new();
        if query.kind != Some(ContentKind::Comment) {
            for row in self.select::<PendingRow>(&pending_query(query)?).await? {
                pending.push((
                    from_column(row.updated_at),
                    ContentRef::Resource(ResourceId::from_uuid(row.id)),
                ));
            }
        }
        let reported: Vec<ContentRef> = self
            .select::<ReportedRow>(&reported_query(query)?)
            .await?
            .into_iter()
            .map(|row| {
                into_target(
                    "reports",
                    row.target_id,
                    &row.target_kind,
                    row.target_id,
                    row.resource_id,
                )
            })
            .collect::<Result<_, _>>()?;
        let mut reports = {
            let targets: Vec<ContentRef> = pending
                .iter()
                .map(|(_, target)| *target)
                .chain(reported.iter().copied())
                .collect();
            self.open_reports(&targets).await?
        };
        let mut entries = Vec::with_capacity(pending.len() + reported.len());
        for (since, target) in pending {
            let open = reports
                .remove(&(target.kind().to_owned(), content_id(&target)))
                .unwrap_or_default();
            entries.push(QueueEntry {
                target,
                since,
                reports: open,
            });
        }
        for target in reported {
            let open = reports
                .remove(&(target.kind().to_owned(), content_id(&target)))
                .unwrap_or_default();
            // Closed between the two reads: no longer waiting.
            let Some(since) = open.iter().map(|r| r.created_at).min() else {
                continue;
            };
            entries.push(QueueEntry {
                target,
                since,
                reports: open,
            });
        }
        // The merge: both lists are in this order already.
        entries.sort_by_key(|e| (e.since, content_id(&e.target)));
        entries.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        Ok(entries)
    }
}
