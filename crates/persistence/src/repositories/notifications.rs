use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{InboxFilter, NotificationRepository};
use rr_domain::community::{Notification, NotificationId};
use rr_domain::identity::UserId;
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

use crate::entities::notification;
use crate::map_db_err;
use crate::mapping::{into_notification, notification_row, to_column};

/// [`NotificationRepository`] on sea-orm: one `notifications` row per
/// notification. Every statement filters on `recipient_id` first, so each
/// inbox is read through its own index range: `(recipient_id, id)` for a
/// page, `(recipient_id, read_at, id)` for the unread count and the
/// unread-only page. Foreign keys check the recipient and the resource (a
/// missing one is [`RepositoryError::Conflict`] by [`map_db_err`]) and
/// remove an inbox with its account.
#[derive(Debug, Clone)]
pub struct SeaOrmNotificationRepository {
    conn: DatabaseConnection,
}

impl SeaOrmNotificationRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl NotificationRepository for SeaOrmNotificationRepository {
    async fn insert(&self, notification: &Notification) -> Result<(), RepositoryError> {
        notification::Entity::insert(notification_row(notification)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn page(
        &self,
        recipient: UserId,
        filter: InboxFilter,
        after: Option<NotificationId>,
        limit: u64,
    ) -> Result<Vec<Notification>, RepositoryError> {
        let mut query = notification::Entity::find()
            .filter(notification::Column::RecipientId.eq(recipient.as_uuid()));
        if filter == InboxFilter::Unread {
            query = query.filter(notification::Column::ReadAt.is_null());
        }
        if let Some(after) = after {
            query = query.filter(notification::Column::Id.lt(after.as_uuid()));
        }
        query
            .order_by_desc(notification::Column::Id)
            .limit(limit)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_notification)
            .collect()
    }

    async fn unread_count(&self, recipient: UserId) -> Result<u64, RepositoryError> {
        notification::Entity::find()
            .filter(notification::Column::RecipientId.eq(recipient.as_uuid()))
            .filter(notification::Column::ReadAt.is_null())
            .count(&self.conn)
            .await
            .map_err(map_db_err)
    }

    async fn mark_read(
        &self,
        recipient: UserId,
        id: NotificationId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let theirs = notification::Column::Id
            .eq(id.as_uuid())
            .and(notification::Column::RecipientId.eq(recipient.as_uuid()));
        let marked = notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(to_column(at)?))
            .filter(theirs.clone())
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        if marked.rows_affected > 0 {
            return Ok(true);
        }
        // Nothing changed: already read, or not theirs.
        let found: Option<uuid::Uuid> = notification::Entity::find()
            .select_only()
            .column(notification::Column::Id)
            .filter(theirs)
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(found.is_some())
    }

    async fn mark_all_read(
        &self,
        recipient: UserId,
        at: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let marked = notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(to_column(at)?))
            .filter(notification::Column::RecipientId.eq(recipient.as_uuid()))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(marked.rows_affected)
    }

    async fn purge_sent_before(
        &self,
        before: OffsetDateTime,
        limit: u64,
    ) -> Result<u64, RepositoryError> {
        // Ids first, then a delete by id: neither engine offers a portable
        // `DELETE … ORDER BY … LIMIT` (SQLite lacks it, MariaDB refuses a
        // `LIMIT` inside an `IN` subquery).
        let expired: Vec<uuid::Uuid> = notification::Entity::find()
            .select_only()
            .column(notification::Column::Id)
            .filter(notification::Column::CreatedAt.lt(to_column(before)?))
            .order_by_asc(notification::Column::CreatedAt)
            .order_by_asc(notification::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        if expired.is_empty() {
            return Ok(0);
        }
        let deleted = notification::Entity::delete_many()
            .filter(notification::Column::Id.is_in(expired))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(deleted.rows_affected)
    }
}
