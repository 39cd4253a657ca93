//! Data-subject requests and their histories (ADR 0024).

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{
    RequestEvent, RequestQuery, RequestStatusFilter, SubjectRequestRepository,
};
use rr_domain::subject_rights::{SubjectRequest, SubjectRequestId};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::write::{begin_write, settle};
use crate::entities::{subject_request, subject_request_event};
use crate::map_db_err;
use crate::mapping::{event_row, into_event, into_request, request_row};

/// [`SubjectRequestRepository`] on sea-orm: `subject_requests` and
/// `subject_request_events` rows. A change and its history entry are one
/// transaction; a change is a conditional `UPDATE … WHERE version = ?`.
#[derive(Debug, Clone)]
pub struct SeaOrmSubjectRequestRepository {
    conn: DatabaseConnection,
}

impl SeaOrmSubjectRequestRepository {
    /// The requests on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

fn status_name(status: RequestStatusFilter) -> &'static str {
    match status {
        RequestStatusFilter::Open => "open",
        RequestStatusFilter::Closed => "closed",
    }
}

#[async_trait]
impl SubjectRequestRepository for SeaOrmSubjectRequestRepository {
    async fn insert(
        &self,
        request: &SubjectRequest,
        event: &RequestEvent,
    ) -> Result<(), RepositoryError> {
        let row = request_row(request)?;
        let history = event_row(request.id, event)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            subject_request::Entity::insert(row)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            subject_request_event::Entity::insert(history)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            Ok(())
        }
        .await;
        settle(txn, result, true, map_db_err).await
    }

    async fn find(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, RepositoryError> {
        subject_request::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_request)
            .transpose()
    }

    async fn update(
        &self,
        request: &SubjectRequest,
        event: &RequestEvent,
    ) -> Result<bool, RepositoryError> {
        let mut row = request_row(request)?;
        let expected =
            i64::try_from(request.version).map_err(|e| RepositoryError::Internal(Box::new(e)))?;
        row.id = NotSet;
        row.subject_id = NotSet;
        row.notes = NotSet;
        row.recorded_at = NotSet;
        row.recorded_by = NotSet;
        row.version = sea_orm::ActiveValue::Set(expected + 1);
        let history = event_row(request.id, event)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            let updated = subject_request::Entity::update_many()
                .set(row)
                .filter(subject_request::Column::Id.eq(request.id.as_uuid()))
                .filter(subject_request::Column::Version.eq(expected))
                .exec(&txn)
                .await
                .map_err(map_db_err)?
                .rows_affected;
            if updated != 1 {
                return Ok(false);
            }
            subject_request_event::Entity::insert(history)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            Ok(true)
        }
        .await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn append(
        &self,
        id: SubjectRequestId,
        event: &RequestEvent,
    ) -> Result<(), RepositoryError> {
        subject_request_event::Entity::insert(event_row(id, event)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn history(&self, id: SubjectRequestId) -> Result<Vec<RequestEvent>, RepositoryError> {
        subject_request_event::Entity::find()
            .filter(subject_request_event::Column::RequestId.eq(id.as_uuid()))
            .order_by_asc(subject_request_event::Column::Id)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_event)
            .collect()
    }

    async fn list(&self, query: &RequestQuery) -> Result<Vec<SubjectRequest>, RepositoryError> {
        use subject_request::Column as C;
        let mut select = subject_request::Entity::find();
        if let Some(status) = query.status {
            select = select.filter(C::Status.eq(status_name(status)));
        }
        if let Some(kind) = query.kind {
            select = select.filter(C::Kind.eq(kind.as_str()));
        }
        if let Some(day) = query.overdue_on {
            select = select
                .filter(C::Status.eq(status_name(RequestStatusFilter::Open)))
                .filter(C::DueOn.lt(day));
        }
        if let Some(subject) = query.subject {
            select = select.filter(C::SubjectId.eq(subject.as_uuid()));
        }
        if let Some(after) = query.after {
            select = select.filter(
                Condition::any().add(C::DueOn.gt(after.due_on)).add(
                    Condition::all()
                        .add(C::DueOn.eq(after.due_on))
                        .add(C::Id.gt(after.id.as_uuid())),
                ),
            );
        }
        select
            .order_by_asc(C::DueOn)
            .order_by_asc(C::Id)
            .limit(query.limit)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_request)
            .collect()
    }
}
