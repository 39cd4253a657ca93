use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{Attached, BreachRegister, RegisteredBreach};
use rr_domain::compliance::{Breach, BreachId};
use rr_domain::identity::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

use super::write::{begin_write, settle};
use crate::entities::{breach, breach_affected_account as affected, user};
use crate::map_db_err;
use crate::mapping::{breach_row, into_breach, to_column};

/// [`BreachRegister`] on sea-orm: `breaches` and `breach_affected_accounts`
/// (migration 000013). An account's attachments go with it (foreign key).
#[derive(Debug, Clone)]
pub struct SeaOrmBreachRegister {
    conn: DatabaseConnection,
}

impl SeaOrmBreachRegister {
    /// A register on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    /// How many accounts each of `breaches` has.
    async fn counts(
        &self,
        breaches: &[uuid::Uuid],
    ) -> Result<HashMap<uuid::Uuid, u64>, RepositoryError> {
        if breaches.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(uuid::Uuid, i64)> = affected::Entity::find()
            .select_only()
            .column(affected::Column::BreachId)
            .column_as(affected::Column::UserId.count(), "accounts")
            .filter(affected::Column::BreachId.is_in(breaches.to_vec()))
            .group_by(affected::Column::BreachId)
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(rows
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    async fn registered(
        &self,
        rows: Vec<breach::Model>,
    ) -> Result<Vec<RegisteredBreach>, RepositoryError> {
        let ids: Vec<uuid::Uuid> = rows.iter().map(|row| row.id).collect();
        let counts = self.counts(&ids).await?;
        rows.into_iter()
            .map(|row| {
                let affected_accounts = counts.get(&row.id).copied().unwrap_or(0);
                Ok(RegisteredBreach {
                    breach: into_breach(row)?,
                    affected_accounts,
                })
            })
            .collect()
    }
}

#[async_trait]
impl BreachRegister for SeaOrmBreachRegister {
    async fn insert(&self, breach: &Breach) -> Result<(), RepositoryError> {
        breach::Entity::insert(breach_row(breach)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn find(&self, id: BreachId) -> Result<Option<RegisteredBreach>, RepositoryError> {
        let Some(row) = breach::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
        else {
            return Ok(None);
        };
        Ok(self.registered(vec![row]).await?.pop())
    }

    /// One conditional `UPDATE`: it matches only while `updated_at` is still
    /// `previous`, and the database lets one writer at a time change the row.
    async fn update(
        &self,
        breach: &Breach,
        previous: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let mut row = breach_row(breach)?;
        // Never rewritten.
        row.known_at = sea_orm::ActiveValue::NotSet;
        row.recorded_by = sea_orm::ActiveValue::NotSet;
        row.recorded_at = sea_orm::ActiveValue::NotSet;
        let id = breach.id.as_uuid();
        row.id = sea_orm::ActiveValue::NotSet;
        let updated = breach::Entity::update_many()
            .set(row)
            .filter(breach::Column::Id.eq(id))
            .filter(breach::Column::UpdatedAt.eq(to_column(previous)?))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(updated.rows_affected == 1)
    }

    async fn list(
        &self,
        after: Option<BreachId>,
        limit: u64,
    ) -> Result<Vec<RegisteredBreach>, RepositoryError> {
        let mut query = breach::Entity::find()
            .order_by_desc(breach::Column::Id)
            .limit(limit);
        if let Some(after) = after {
            query = query.filter(breach::Column::Id.lt(after.as_uuid()));
        }
        let rows = query.all(&self.conn).await.map_err(map_db_err)?;
        self.registered(rows).await
    }

    /// In one transaction: the breach must exist, every account too; those
    /// not attached yet are inserted.
    async fn attach(
        &self,
        breach: BreachId,
        accounts: &[UserId],
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<Attached, RepositoryError> {
        let at = to_column(at)?;
        let wanted: BTreeSet<uuid::Uuid> = accounts.iter().map(UserId::as_uuid).collect();
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let work = async {
            let exists = breach::Entity::find_by_id(breach.as_uuid())
                .count(&txn)
                .await
                .map_err(map_db_err)?;
            if exists == 0 {
                return Err(RepositoryError::Conflict("no such breach".into()));
            }
            let found: BTreeSet<uuid::Uuid> = user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .filter(user::Column::Id.is_in(wanted.iter().copied()))
                .into_tuple::<uuid::Uuid>()
                .all(&txn)
                .await
                .map_err(map_db_err)?
                .into_iter()
                .collect();
            let unknown: Vec<UserId> = wanted
                .difference(&found)
                .copied()
                .map(UserId::from_uuid)
                .collect();
            if !unknown.is_empty() {
                return Ok(Attached::Unknown(unknown));
            }
            let already: BTreeSet<uuid::Uuid> = affected::Entity::find()
                .select_only()
                .column(affected::Column::UserId)
                .filter(affected::Column::BreachId.eq(breach.as_uuid()))
                .filter(affected::Column::UserId.is_in(wanted.iter().copied()))
                .into_tuple::<uuid::Uuid>()
                .all(&txn)
                .await
                .map_err(map_db_err)?
                .into_iter()
                .collect();
            let new: Vec<affected::ActiveModel> = wanted
                .difference(&already)
                .map(|user| affected::ActiveModel {
                    breach_id: Set(breach.as_uuid()),
                    user_id: Set(*user),
                    attached_at: Set(at),
                    attached_by: Set(Some(by.as_uuid())),
                })
                .collect();
            let added = new.len() as u64;
            if !new.is_empty() {
                affected::Entity::insert_many(new)
                    .exec_without_returning(&txn)
                    .await
                    .map_err(map_db_err)?;
            }
            Ok(Attached::Added(added))
        };
        let result = work.await;
        let keep = matches!(result, Ok(Attached::Added(_)));
        settle(txn, result, keep, map_db_err).await
    }

    async fn affected(
        &self,
        breach: BreachId,
        after: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let mut query = affected::Entity::find()
            .select_only()
            .column(affected::Column::UserId)
            .filter(affected::Column::BreachId.eq(breach.as_uuid()))
            .order_by_asc(affected::Column::UserId)
            .limit(limit);
        if let Some(after) = after {
            query = query.filter(affected::Column::UserId.gt(after.as_uuid()));
        }
        Ok(query
            .into_tuple::<uuid::Uuid>()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(UserId::from_uuid)
            .collect())
    }
}
