use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::UserRepository;
use rr_domain::identity::{KeyId, UserId, UserRecord, Username, WrappedKey};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::write::{begin_write, settle};
use crate::entities::{recovery_code, user};
use crate::map_db_err;
use crate::mapping::{digest, user_row};

/// [`UserRepository`] on sea-orm.
///
/// Uniqueness is the database's: `username_canonical` (lower case) and
/// `email_index` are unique keys, and their violation is reported as
/// [`RepositoryError::Conflict`] by [`map_db_err`], so two concurrent
/// registrations of one address cannot both succeed.
#[derive(Debug, Clone)]
pub struct SeaOrmUserRepository {
    conn: DatabaseConnection,
}

impl SeaOrmUserRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    async fn find_one(
        &self,
        filter: impl sea_orm::sea_query::IntoCondition,
    ) -> Result<Option<UserRecord>, RepositoryError> {
        user::Entity::find()
            .filter(filter)
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(UserRecord::try_from)
            .transpose()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("no account {0} to update")]
struct MissingAccount(uuid::Uuid);

#[async_trait]
impl UserRepository for SeaOrmUserRepository {
    /// The account's row and its first privacy choices (`consents`), in one
    /// transaction.
    async fn insert(&self, user: &UserRecord) -> Result<(), RepositoryError> {
        let row = user_row(user)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            user::Entity::insert(row)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            super::privacy::insert_first_choices(&txn, user).await
        }
        .await;
        settle(txn, result, true, map_db_err).await
    }

    async fn find(&self, id: UserId) -> Result<Option<UserRecord>, RepositoryError> {
        self.find_one(user::Column::Id.eq(id.as_uuid())).await
    }

    async fn find_by_email_index(
        &self,
        index: &[u8],
    ) -> Result<Option<UserRecord>, RepositoryError> {
        self.find_one(user::Column::EmailIndex.eq(index.to_vec()))
            .await
    }

    async fn find_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, RepositoryError> {
        self.find_one(user::Column::UsernameCanonical.eq(username.canonical()))
            .await
    }

    /// An account that no longer exists (erased meanwhile) is an
    /// [`RepositoryError::Internal`] error rather than a silent no-op: the
    /// caller's write is lost and should be known to be.
    async fn update(&self, user: &UserRecord) -> Result<(), RepositoryError> {
        let mut row = user_row(user)?;
        row.id = NotSet;
        row.created_at = NotSet;
        // The privacy choices are written with their history, by the
        // consent repository only.
        row.policy_version = NotSet;
        row.communications_consent = NotSet;
        row.statistics_objection = NotSet;
        row.restricted_at = NotSet;
        let result = user::Entity::update_many()
            .set(row)
            .filter(user::Column::Id.eq(user.id.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        // Rows matched, not rows changed, on MariaDB too: sqlx sets CLIENT_FOUND_ROWS.
        if result.rows_affected == 0 {
            return Err(RepositoryError::Internal(Box::new(MissingAccount(
                user.id.as_uuid(),
            ))));
        }
        Ok(())
    }

    async fn data_keys_not_under(
        &self,
        current: &KeyId,
        limit: u64,
    ) -> Result<Vec<(UserId, WrappedKey)>, RepositoryError> {
        let rows: Vec<(uuid::Uuid, String, Vec<u8>)> = user::Entity::find()
            .select_only()
            .columns([
                user::Column::Id,
                user::Column::DataKeyId,
                user::Column::DataKey,
            ])
            .filter(user::Column::DataKeyId.ne(current.0.as_str()))
            .order_by_asc(user::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(rows
            .into_iter()
            .map(|(id, key_id, bytes)| {
                (
                    UserId::from_uuid(id),
                    WrappedKey {
                        key_id: KeyId(key_id),
                        bytes,
                    },
                )
            })
            .collect())
    }

    /// One conditional `UPDATE`: the row changes only while it still holds
    /// `old`, so of two rotations from the same key exactly one matches.
    async fn replace_data_key(
        &self,
        id: UserId,
        old: &WrappedKey,
        new: &WrappedKey,
    ) -> Result<bool, RepositoryError> {
        let new_key_id = crate::mapping::bounded("users", "data_key_id", &new.key_id.0, 64)?;
        let result = user::Entity::update_many()
            .col_expr(user::Column::DataKeyId, Expr::value(new_key_id))
            .col_expr(user::Column::DataKey, Expr::value(new.bytes.clone()))
            .filter(user::Column::Id.eq(id.as_uuid()))
            .filter(user::Column::DataKeyId.eq(old.key_id.0.as_str()))
            .filter(user::Column::DataKey.eq(old.bytes.clone()))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected == 1)
    }

    async fn replace_recovery_codes(
        &self,
        id: UserId,
        digests: &[Vec<u8>],
    ) -> Result<(), RepositoryError> {
        let rows = digests
            .iter()
            .map(|bytes| {
                Ok(recovery_code::ActiveModel {
                    user_id: sea_orm::ActiveValue::Set(id.as_uuid()),
                    digest: sea_orm::ActiveValue::Set(digest("recovery_codes", "digest", bytes)?),
                })
            })
            .collect::<Result<Vec<_>, RepositoryError>>()?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let work = async {
            recovery_code::Entity::delete_many()
                .filter(recovery_code::Column::UserId.eq(id.as_uuid()))
                .exec(&txn)
                .await
                .map_err(map_db_err)?;
            recovery_code::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            Ok(())
        };
        let result = work.await;
        settle(txn, result, true, map_db_err).await
    }

    /// One `DELETE`: whoever deletes the row used the code.
    async fn consume_recovery_code(
        &self,
        id: UserId,
        digest: &[u8],
    ) -> Result<bool, RepositoryError> {
        let result = recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(id.as_uuid()))
            .filter(recovery_code::Column::Digest.eq(digest.to_vec()))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected == 1)
    }

    async fn recovery_codes_left(&self, id: UserId) -> Result<u64, RepositoryError> {
        recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(id.as_uuid()))
            .count(&self.conn)
            .await
            .map_err(map_db_err)
    }
}
