use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{OneTimeToken, OneTimeTokenRepository, TokenPurpose};
use rr_domain::identity::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;

use super::write::{begin_write, settle};
use crate::entities::one_time_token;
use crate::map_db_err;
use crate::mapping::{digest, to_column};

/// [`OneTimeTokenRepository`] on sea-orm.
///
/// The port passes no time to [`insert`](OneTimeTokenRepository::insert) or
/// [`revoke_all`](OneTimeTokenRepository::revoke_all); `created_at` and the
/// `used_at` of revoked tokens take the system clock. Both are bookkeeping,
/// never compared with the application's clock.
#[derive(Debug, Clone)]
pub struct SeaOrmOneTimeTokenRepository {
    conn: DatabaseConnection,
}

impl SeaOrmOneTimeTokenRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl OneTimeTokenRepository for SeaOrmOneTimeTokenRepository {
    async fn insert(&self, token: &OneTimeToken) -> Result<(), RepositoryError> {
        one_time_token::Entity::insert(one_time_token::ActiveModel {
            digest: Set(digest("one_time_tokens", "digest", &token.digest)?),
            purpose: Set(token.purpose.as_str().to_owned()),
            user_id: Set(token.user_id.as_uuid()),
            expires_at: Set(to_column(token.expires_at)?),
            used_at: Set(None),
            created_at: Set(to_column(OffsetDateTime::now_utc())?),
        })
        .exec_without_returning(&self.conn)
        .await
        .map_err(map_db_err)?;
        Ok(())
    }

    /// The conditional `UPDATE` decides who uses the token; only the winner
    /// reads whose it is, in the same transaction.
    async fn consume(
        &self,
        digest: &[u8],
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, RepositoryError> {
        let now = to_column(now)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let work = async {
            let used = one_time_token::Entity::update_many()
                .col_expr(one_time_token::Column::UsedAt, Expr::value(now))
                .filter(one_time_token::Column::Digest.eq(digest.to_vec()))
                .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
                .filter(one_time_token::Column::UsedAt.is_null())
                .filter(one_time_token::Column::ExpiresAt.gt(now))
                .exec(&txn)
                .await
                .map_err(map_db_err)?
                .rows_affected
                == 1;
            if !used {
                return Ok(None);
            }
            let user: Option<uuid::Uuid> = one_time_token::Entity::find_by_id(digest.to_vec())
                .select_only()
                .column(one_time_token::Column::UserId)
                .into_tuple()
                .one(&txn)
                .await
                .map_err(map_db_err)?;
            Ok(user.map(UserId::from_uuid))
        };
        let result = work.await;
        let keep = matches!(result, Ok(Some(_)));
        settle(txn, result, keep, map_db_err).await
    }

    async fn revoke_all(&self, user: UserId, purpose: TokenPurpose) -> Result<(), RepositoryError> {
        one_time_token::Entity::update_many()
            .col_expr(
                one_time_token::Column::UsedAt,
                Expr::value(to_column(OffsetDateTime::now_utc())?),
            )
            .filter(one_time_token::Column::UserId.eq(user.as_uuid()))
            .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
            .filter(one_time_token::Column::UsedAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }
}
