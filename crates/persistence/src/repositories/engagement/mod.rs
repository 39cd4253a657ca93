mod reads;

use std::collections::BTreeMap;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{
    EngagementRepository, ProgressCursor, ProgressItem, ProgressList, ProgressMark, ProgressTally,
};
use rr_domain::identity::{AuthenticatedActor, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::ResourceId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, SqlErr, TransactionTrait,
};
use time::OffsetDateTime;

use super::write::{begin_write, settle};
use crate::entities::{favourite, resource, resource_progress};
use crate::map_db_err;
use crate::mapping::{ItemRow, into_progress_item, marks, to_column};

/// [`EngagementRepository`] on sea-orm: `favourites` rows, the resource's
/// `favourite_count`, and `resource_progress` rows.
///
/// # Every change starts with the resource's row
///
/// A change of favourites first updates the resource's `favourite_count`
/// (one more, or one less), a change of marks first reads the resource's row
/// `FOR UPDATE` (MariaDB; SQLite's `BEGIN IMMEDIATE` lets one writer in at a
/// time): the resource's row lock orders every change about one resource.
/// Taking it after the insert instead would deadlock two citizens adding the
/// same resource at once on MariaDB (each insert's foreign-key check holds a
/// shared lock on the resource's row, and both would then wait to upgrade it).
///
/// # The favourite count is exact
///
/// Adding bumps the count, then inserts the favourite: a duplicate key means
/// it was there already, and the transaction rolls back, bump included.
/// Removing lowers the count, then deletes the favourite by its primary key:
/// nothing deleted, and the transaction rolls back. So the count moves by one
/// exactly when a row is inserted or deleted, in the same transaction.
///
/// # Marks
///
/// A `resource_progress` row holds both marks; it is deleted when both are
/// off, so that the table keeps nothing of a citizen who took every mark back.
///
/// # Reads
///
/// Lists and tallies filter in SQL with the condition of `reads::visible_to`,
/// the SQL twin of `rr_domain::resource::can_view` (the contract suite checks
/// they agree), so that keyset pages and counts need no second pass.
#[derive(Debug, Clone)]
pub struct SeaOrmEngagementRepository {
    conn: DatabaseConnection,
}

impl SeaOrmEngagementRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

fn is_duplicate(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Adds `delta` to the resource's favourite count; whether the resource exists.
async fn bump_favourite_count(
    txn: &DatabaseTransaction,
    resource: ResourceId,
    delta: i64,
) -> Result<bool, RepositoryError> {
    let updated = resource::Entity::update_many()
        .col_expr(
            resource::Column::FavouriteCount,
            Expr::col(resource::Column::FavouriteCount).add(delta),
        )
        .filter(resource::Column::Id.eq(resource.as_uuid()))
        .exec(txn)
        .await
        .map_err(map_db_err)?;
    Ok(updated.rows_affected == 1)
}

/// Puts or takes off one mark, within `txn`; whether it changed.
async fn change_mark(
    txn: &DatabaseTransaction,
    user: UserId,
    resource: ResourceId,
    mark: ProgressMark,
    on: bool,
    at: OffsetDateTime,
) -> Result<bool, RepositoryError> {
    let locked: Option<uuid::Uuid> = resource::Entity::find_by_id(resource.as_uuid())
        .select_only()
        .column(resource::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .one(txn)
        .await
        .map_err(map_db_err)?;
    if locked.is_none() {
        return if on {
            Err(RepositoryError::Conflict("no such resource".into()))
        } else {
            Ok(false)
        };
    }
    let key = (user.as_uuid(), resource.as_uuid());
    let stored = resource_progress::Entity::find_by_id(key)
        .one(txn)
        .await
        .map_err(map_db_err)?;
    let (mut exploited, mut set_aside) = match &stored {
        Some(row) => marks(row)?,
        None => (None, None),
    };
    let slot = match mark {
        ProgressMark::Exploited => &mut exploited,
        ProgressMark::SetAside => &mut set_aside,
    };
    if slot.is_some() == on {
        return Ok(false);
    }
    *slot = on.then_some(at);
    if exploited.is_none() && set_aside.is_none() {
        resource_progress::Entity::delete_by_id(key)
            .exec(txn)
            .await
            .map_err(map_db_err)?;
        return Ok(true);
    }
    let optional = |at: Option<OffsetDateTime>| at.map(to_column).transpose();
    let row = resource_progress::ActiveModel {
        user_id: Set(key.0),
        resource_id: Set(key.1),
        exploited: Set(exploited.is_some()),
        exploited_at: Set(optional(exploited)?),
        set_aside: Set(set_aside.is_some()),
        set_aside_at: Set(optional(set_aside)?),
        updated_at: Set(to_column(at)?),
    };
    if stored.is_some() {
        let mut changes = row;
        changes.user_id = NotSet;
        changes.resource_id = NotSet;
        resource_progress::Entity::update_many()
            .set(changes)
            .filter(resource_progress::Column::UserId.eq(key.0))
            .filter(resource_progress::Column::ResourceId.eq(key.1))
            .exec(txn)
            .await
            .map_err(map_db_err)?;
    } else {
        resource_progress::Entity::insert(row)
            .exec_without_returning(txn)
            .await
            .map_err(map_db_err)?;
    }
    Ok(true)
}

#[derive(Debug, FromQueryResult)]
struct TallyRow {
    category_id: uuid::Uuid,
    resource_type_id: uuid::Uuid,
    marks: i64,
}

#[async_trait]
impl EngagementRepository for SeaOrmEngagementRepository {
    async fn add_favourite(
        &self,
        user: UserId,
        resource: ResourceId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let row = favourite::ActiveModel {
            user_id: Set(user.as_uuid()),
            resource_id: Set(resource.as_uuid()),
            created_at: Set(to_column(at)?),
        };
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            if !bump_favourite_count(&txn, resource, 1).await? {
                return Err(RepositoryError::Conflict("no such resource".into()));
            }
            match favourite::Entity::insert(row)
                .exec_without_returning(&txn)
                .await
            {
                Ok(_) => Ok(true),
                Err(err) if is_duplicate(&err) => Ok(false),
                Err(err) => Err(map_db_err(err)),
            }
        }
        .await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn remove_favourite(
        &self,
        user: UserId,
        resource: ResourceId,
    ) -> Result<bool, RepositoryError> {
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            if !bump_favourite_count(&txn, resource, -1).await? {
                return Ok(false);
            }
            let deleted = favourite::Entity::delete_by_id((user.as_uuid(), resource.as_uuid()))
                .exec(&txn)
                .await
                .map_err(map_db_err)?;
            Ok(deleted.rows_affected == 1)
        }
        .await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn set_mark(
        &self,
        user: UserId,
        resource: ResourceId,
        mark: ProgressMark,
        on: bool,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = change_mark(&txn, user, resource, mark, on, at).await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn tallies(
        &self,
        viewer: &AuthenticatedActor,
    ) -> Result<Vec<ProgressTally>, RepositoryError> {
        // One transaction: the three counts are of one moment.
        let txn = self.conn.begin().await.map_err(map_db_err)?;
        let result = async {
            let mut tallies: BTreeMap<(uuid::Uuid, uuid::Uuid), ProgressTally> = BTreeMap::new();
            for list in ProgressList::ALL {
                let rows = txn
                    .query_all(&reads::tally_query(viewer, list))
                    .await
                    .map_err(map_db_err)?;
                for row in rows {
                    let row = TallyRow::from_query_result(&row, "").map_err(map_db_err)?;
                    let marks = u64::try_from(row.marks)
                        .map_err(|e| RepositoryError::Internal(Box::new(e)))?;
                    let tally = tallies
                        .entry((row.category_id, row.resource_type_id))
                        .or_insert(ProgressTally {
                            category: ReferenceId::from_uuid(row.category_id),
                            resource_type: ReferenceId::from_uuid(row.resource_type_id),
                            favourites: 0,
                            exploited: 0,
                            set_aside: 0,
                        });
                    match list {
                        ProgressList::Favourites => tally.favourites = marks,
                        ProgressList::Exploited => tally.exploited = marks,
                        ProgressList::SetAside => tally.set_aside = marks,
                    }
                }
            }
            Ok(tallies.into_values().collect())
        }
        .await;
        settle(txn, result, true, map_db_err).await
    }

    async fn list(
        &self,
        viewer: &AuthenticatedActor,
        list: ProgressList,
        after: Option<ProgressCursor>,
        limit: u64,
    ) -> Result<Vec<ProgressItem>, RepositoryError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let query = reads::list_query(viewer, list, after, limit)?;
        let rows = self.conn.query_all(&query).await.map_err(map_db_err)?;
        rows.iter()
            .map(|row| into_progress_item(ItemRow::from_query_result(row, "").map_err(map_db_err)?))
            .collect()
    }
}
