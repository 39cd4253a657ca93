use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{SessionRecord, SessionRepository};
use rr_domain::identity::{SessionId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use time::OffsetDateTime;

use super::write::{begin_write, settle};
use crate::entities::{session, spent_refresh_token};
use crate::map_db_err;
use crate::mapping::{digest, session_row, to_column};

/// Whose activity a login or a refresh is.
enum Owner {
    /// This account's.
    Account(uuid::Uuid),
    /// The owner's of this session.
    OfSession(uuid::Uuid),
}

/// The statement that records a login or refresh `at` as the last activity
/// of `owner`: written only when the stored one is a day older or more
/// (`users.last_active_at`, read by the retention of inactive accounts,
/// ADR 0025), so that most refreshes change no row.
fn activity(
    backend: DatabaseBackend,
    owner: Owner,
    at: OffsetDateTime,
) -> Result<Statement, RepositoryError> {
    let (who, id) = match owner {
        Owner::Account(id) => ("id = ?", id),
        Owner::OfSession(id) => ("id = (SELECT s.user_id FROM sessions s WHERE s.id = ?)", id),
    };
    Ok(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE users SET last_active_at = ? WHERE {who} \
             AND (last_active_at IS NULL OR last_active_at < ?)"
        ),
        [
            to_column(at)?.into(),
            id.into(),
            to_column(at - time::Duration::days(1))?.into(),
        ],
    ))
}

/// [`SessionRepository`] on sea-orm.
#[derive(Debug, Clone)]
pub struct SeaOrmSessionRepository {
    conn: DatabaseConnection,
}

impl SeaOrmSessionRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl SessionRepository for SeaOrmSessionRepository {
    /// With the owner's last activity, in one transaction.
    async fn create(&self, session: &SessionRecord) -> Result<(), RepositoryError> {
        let row = session_row(session)?;
        let activity = activity(
            self.conn.get_database_backend(),
            Owner::Account(session.user_id.as_uuid()),
            session.created_at,
        )?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let work = async {
            session::Entity::insert(row)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            txn.execute_raw(activity).await.map_err(map_db_err)?;
            Ok(())
        };
        let result = work.await;
        settle(txn, result, true, map_db_err).await
    }

    async fn find(&self, id: SessionId) -> Result<Option<SessionRecord>, RepositoryError> {
        Ok(session::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(SessionRecord::from))
    }

    async fn find_by_refresh(
        &self,
        digest: &[u8],
    ) -> Result<Option<SessionRecord>, RepositoryError> {
        Ok(session::Entity::find()
            .filter(session::Column::RefreshDigest.eq(digest.to_vec()))
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(SessionRecord::from))
    }

    async fn find_spent(&self, digest: &[u8]) -> Result<Option<SessionId>, RepositoryError> {
        Ok(spent_refresh_token::Entity::find_by_id(digest.to_vec())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(|row| SessionId::from_uuid(row.session_id)))
    }

    /// The conditional `UPDATE` decides: it matches only while `old` is the
    /// current digest of a live session, and the database lets one writer at a
    /// time change the row (SQLite's write lock, MariaDB's row lock, after
    /// which the waiting `UPDATE` re-reads the committed row and matches
    /// nothing). The winner records `old` as spent in the same transaction.
    async fn rotate(
        &self,
        id: SessionId,
        old: &[u8],
        new: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let new = digest("sessions", "refresh_digest", new)?;
        let at = now;
        let now = to_column(now)?;
        let expires_at = to_column(expires_at)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let work = async {
            let rotated = session::Entity::update_many()
                .col_expr(session::Column::RefreshDigest, Expr::value(new))
                .col_expr(session::Column::LastUsedAt, Expr::value(now))
                .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
                .filter(session::Column::Id.eq(id.as_uuid()))
                .filter(session::Column::RefreshDigest.eq(old.to_vec()))
                .filter(session::Column::RevokedAt.is_null())
                .filter(session::Column::ExpiresAt.gt(now))
                .exec(&txn)
                .await
                .map_err(map_db_err)?
                .rows_affected
                == 1;
            if rotated {
                spent_refresh_token::Entity::insert(spent_refresh_token::ActiveModel {
                    digest: Set(old.to_vec()),
                    session_id: Set(id.as_uuid()),
                    spent_at: Set(now),
                })
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
                txn.execute_raw(activity(
                    txn.get_database_backend(),
                    Owner::OfSession(id.as_uuid()),
                    at,
                )?)
                .await
                .map_err(map_db_err)?;
            }
            Ok(rotated)
        };
        let result = work.await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn revoke(&self, id: SessionId, now: OffsetDateTime) -> Result<(), RepositoryError> {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(to_column(now)?))
            .filter(session::Column::Id.eq(id.as_uuid()))
            .filter(session::Column::RevokedAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn revoke_all(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        now: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let now = to_column(now)?;
        let mut update = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(now))
            .filter(session::Column::UserId.eq(user.as_uuid()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now));
        if let Some(keep) = keep {
            update = update.filter(session::Column::Id.ne(keep.as_uuid()));
        }
        Ok(update
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?
            .rows_affected)
    }

    async fn list_live(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<SessionRecord>, RepositoryError> {
        Ok(session::Entity::find()
            .filter(session::Column::UserId.eq(user.as_uuid()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(to_column(now)?))
            .order_by_desc(session::Column::CreatedAt)
            .order_by_desc(session::Column::Id)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(SessionRecord::from)
            .collect())
    }
}
