use std::collections::HashMap;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{ResourceAuthor, ResourceRecord, ResourceRepository};
use rr_domain::identity::{UserId, Username};
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};

use super::write::{begin_write, settle};
use crate::entities::{resource, resource_relation_type, resource_share};
use crate::map_db_err;
use crate::mapping::{into_resource, relation_type_rows, resource_row, share_rows, version_column};

/// [`ResourceRepository`] on sea-orm.
///
/// A resource is three tables: `resources`, its relation types in
/// `resource_relation_types` (with their position) and its shares in
/// `resource_shares`. Writes touch them in one transaction; reads take them in
/// one transaction too, so that a resource is never seen half updated.
/// Foreign keys check the author, the reference data and the shared-with
/// accounts: a missing one is [`RepositoryError::Conflict`] by [`map_db_err`].
///
/// `shared_with` comes back ordered by user id, whatever order it was stored
/// in (sharing is a set); relation types in the order they were given.
#[derive(Debug, Clone)]
pub struct SeaOrmResourceRepository {
    conn: DatabaseConnection,
}

impl SeaOrmResourceRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

/// The relation types and shares of a resource, as rows.
struct Children {
    relation_types: Vec<resource_relation_type::ActiveModel>,
    shares: Vec<resource_share::ActiveModel>,
}

impl Children {
    fn of(resource: &ResourceRecord) -> Result<Self, RepositoryError> {
        Ok(Self {
            relation_types: relation_type_rows(resource.id, &resource.relation_types)?,
            shares: share_rows(resource.id, &resource.shared_with),
        })
    }

    /// Writes them (none of the resource's are stored).
    async fn insert(self, conn: &impl ConnectionTrait) -> Result<(), RepositoryError> {
        if !self.relation_types.is_empty() {
            resource_relation_type::Entity::insert_many(self.relation_types)
                .exec_without_returning(conn)
                .await
                .map_err(map_db_err)?;
        }
        if !self.shares.is_empty() {
            resource_share::Entity::insert_many(self.shares)
                .exec_without_returning(conn)
                .await
                .map_err(map_db_err)?;
        }
        Ok(())
    }
}

/// Deletes the relation types and shares of `id`, row by row by their full
/// primary key: on MariaDB a `DELETE … WHERE resource_id = ?` would take
/// next-key locks on the gaps around them, and two updates of neighbouring
/// resources (time-ordered ids of the same moment) re-inserting into each
/// other's locked gap would deadlock. Only the writer holding the resource's
/// row lock changes its children, so the rows read are the rows to delete.
async fn delete_children(
    conn: &impl ConnectionTrait,
    id: ResourceId,
) -> Result<(), RepositoryError> {
    let relation_types: Vec<uuid::Uuid> = resource_relation_type::Entity::find()
        .select_only()
        .column(resource_relation_type::Column::RelationTypeId)
        .filter(resource_relation_type::Column::ResourceId.eq(id.as_uuid()))
        .into_tuple()
        .all(conn)
        .await
        .map_err(map_db_err)?;
    if !relation_types.is_empty() {
        resource_relation_type::Entity::delete_many()
            .filter(resource_relation_type::Column::ResourceId.eq(id.as_uuid()))
            .filter(resource_relation_type::Column::RelationTypeId.is_in(relation_types))
            .exec(conn)
            .await
            .map_err(map_db_err)?;
    }
    let shares: Vec<uuid::Uuid> = resource_share::Entity::find()
        .select_only()
        .column(resource_share::Column::UserId)
        .filter(resource_share::Column::ResourceId.eq(id.as_uuid()))
        .into_tuple()
        .all(conn)
        .await
        .map_err(map_db_err)?;
    if !shares.is_empty() {
        resource_share::Entity::delete_many()
            .filter(resource_share::Column::ResourceId.eq(id.as_uuid()))
            .filter(resource_share::Column::UserId.is_in(shares))
            .exec(conn)
            .await
            .map_err(map_db_err)?;
    }
    Ok(())
}

/// Re-indexes the text of `resource` in SQLite's FTS5 table (inserts and
/// deletes are indexed by triggers; see migration `m20261129_000004_catalogue`).
/// MariaDB's `FULLTEXT` index follows by itself.
async fn reindex(
    conn: &impl ConnectionTrait,
    resource: &ResourceRecord,
) -> Result<(), RepositoryError> {
    let backend = conn.get_database_backend();
    if backend != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let id = resource.id.as_uuid();
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        "DELETE FROM resource_search WHERE rowid = \
         (SELECT search_key FROM resource_search_keys WHERE resource_id = ?)",
        [id.into()],
    ))
    .await
    .map_err(map_db_err)?;
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO resource_search (rowid, title, summary, body) \
         SELECT search_key, ?, ?, ? FROM resource_search_keys WHERE resource_id = ?",
        [
            resource.title.as_str().into(),
            resource.summary.as_str().into(),
            resource.body.as_str().into(),
            id.into(),
        ],
    ))
    .await
    .map_err(map_db_err)?;
    Ok(())
}

/// The full records of `rows`, in their order, with their relation types and
/// shares read on the same connection.
async fn with_children(
    conn: &impl ConnectionTrait,
    rows: Vec<resource::Model>,
) -> Result<Vec<ResourceRecord>, RepositoryError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|row| row.id).collect();
    let mut relation_types: HashMap<uuid::Uuid, Vec<resource_relation_type::Model>> =
        HashMap::new();
    for row in resource_relation_type::Entity::find()
        .filter(resource_relation_type::Column::ResourceId.is_in(ids.clone()))
        .order_by_asc(resource_relation_type::Column::ResourceId)
        .order_by_asc(resource_relation_type::Column::Position)
        .all(conn)
        .await
        .map_err(map_db_err)?
    {
        relation_types.entry(row.resource_id).or_default().push(row);
    }
    // Only shared resources have shares worth a query (the others' rows, if
    // any, are not read: sharing grants nothing unless shared).
    let shared: Vec<uuid::Uuid> = rows
        .iter()
        .filter(|row| row.visibility == Visibility::Shared.as_str())
        .map(|row| row.id)
        .collect();
    let mut shares: HashMap<uuid::Uuid, Vec<resource_share::Model>> = HashMap::new();
    if shared.is_empty() {
        return finish(rows, relation_types, shares);
    }
    for row in resource_share::Entity::find()
        .filter(resource_share::Column::ResourceId.is_in(shared))
        .order_by_asc(resource_share::Column::ResourceId)
        .order_by_asc(resource_share::Column::UserId)
        .all(conn)
        .await
        .map_err(map_db_err)?
    {
        shares.entry(row.resource_id).or_default().push(row);
    }
    finish(rows, relation_types, shares)
}

fn finish(
    rows: Vec<resource::Model>,
    mut relation_types: HashMap<uuid::Uuid, Vec<resource_relation_type::Model>>,
    mut shares: HashMap<uuid::Uuid, Vec<resource_share::Model>>,
) -> Result<Vec<ResourceRecord>, RepositoryError> {
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            into_resource(
                row,
                relation_types.remove(&id).unwrap_or_default(),
                shares.remove(&id).unwrap_or_default(),
            )
        })
        .collect()
}

#[async_trait]
impl ResourceRepository for SeaOrmResourceRepository {
    async fn insert(&self, resource: &ResourceRecord) -> Result<(), RepositoryError> {
        let row = resource_row(resource)?;
        let children = Children::of(resource)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            resource::Entity::insert(row)
                .exec_without_returning(&txn)
                .await
                .map_err(map_db_err)?;
            children.insert(&txn).await
        }
        .await;
        settle(txn, result, true, map_db_err).await
    }

    /// Two statements, three for a shared resource, outside a transaction:
    /// the row, then its relation types (and shares). A concurrent update may
    /// fall between them; a writer that read such a mix holds a stale version
    /// and its update is refused, and a reader may see the old sharing list
    /// with the new row for that instant, never more than either grants.
    /// One statement for all but shared resources: the row, its author's
    /// username and restriction, and its relation types; a shared one's
    /// shares in a second. The author is always read.
    async fn find_with_author(
        &self,
        id: ResourceId,
    ) -> Result<Option<(ResourceRecord, Option<ResourceAuthor>)>, RepositoryError> {
        let backend = self.conn.get_database_backend();
        let statement = Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT r.*, u.username AS author_username, \
                 u.restricted_at AS author_restricted_at, {} AS relation_types \
                 FROM resources r JOIN users u ON u.id = r.author_id WHERE r.id = ?",
                super::catalogue::relation_types_column(backend)
            ),
            [id.as_uuid().into()],
        );
        let Some(row) = self
            .conn
            .query_one_raw(statement)
            .await
            .map_err(map_db_err)?
        else {
            return Ok(None);
        };
        let model = resource::Model::from_query_result(&row, "").map_err(map_db_err)?;
        let username: String = row.try_get("", "author_username").map_err(map_db_err)?;
        let restricted_at: Option<time::PrimitiveDateTime> = row
            .try_get("", "author_restricted_at")
            .map_err(map_db_err)?;
        let relations: Option<String> = row.try_get("", "relation_types").map_err(map_db_err)?;
        let relation_types = super::catalogue::relation_types(model.id, relations)?
            .into_iter()
            .zip(1_i16..)
            .map(|(relation_type, position)| resource_relation_type::Model {
                resource_id: model.id,
                relation_type_id: relation_type.as_uuid(),
                position,
            })
            .collect();
        let shares = if model.visibility == Visibility::Shared.as_str() {
            resource_share::Entity::find()
                .filter(resource_share::Column::ResourceId.eq(model.id))
                .order_by_asc(resource_share::Column::UserId)
                .all(&self.conn)
                .await
                .map_err(map_db_err)?
        } else {
            Vec::new()
        };
        let author = Username::from_stored(&username).map_err(|e| {
            RepositoryError::Internal(
                format!("stored username of resource {}: {e}", model.id).into(),
            )
        })?;
        Ok(Some((
            into_resource(model, relation_types, shares)?,
            Some(ResourceAuthor {
                username: author,
                restricted: restricted_at.is_some(),
            }),
        )))
    }

    async fn find(&self, id: ResourceId) -> Result<Option<ResourceRecord>, RepositoryError> {
        let Some(row) = resource::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
        else {
            return Ok(None);
        };
        Ok(with_children(&self.conn, vec![row]).await?.pop())
    }

    /// The conditional `UPDATE … SET version = version + 1 WHERE id = ? AND
    /// version = ?` decides, as the first write of the transaction: the
    /// database lets one writer at a time change the row (SQLite's write lock,
    /// MariaDB's row lock, after which the waiting `UPDATE` re-reads the
    /// committed row and matches nothing). Only the winner replaces the
    /// relation types and shares; a loser rolls back having changed nothing.
    async fn update(&self, resource: &ResourceRecord) -> Result<bool, RepositoryError> {
        let mut row = resource_row(resource)?;
        let expected = version_column(resource.version)?;
        row.id = NotSet;
        row.author_id = NotSet;
        row.created_at = NotSet;
        row.version = NotSet;
        let children = Children::of(resource)?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            let updated = resource::Entity::update_many()
                .set(row)
                .col_expr(
                    resource::Column::Version,
                    Expr::col(resource::Column::Version).add(1),
                )
                .filter(resource::Column::Id.eq(resource.id.as_uuid()))
                .filter(resource::Column::Version.eq(expected))
                .exec(&txn)
                .await
                .map_err(map_db_err)?
                .rows_affected
                == 1;
            if updated {
                delete_children(&txn, resource.id).await?;
                children.insert(&txn).await?;
                reindex(&txn, resource).await?;
            }
            Ok(updated)
        }
        .await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn list_by_author(
        &self,
        author: UserId,
        after: Option<ResourceId>,
        limit: u64,
    ) -> Result<Vec<ResourceRecord>, RepositoryError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut query = resource::Entity::find()
            .filter(resource::Column::AuthorId.eq(author.as_uuid()))
            .filter(resource::Column::State.ne(Lifecycle::Deleted.name()));
        if let Some(after) = after {
            query = query.filter(resource::Column::Id.lt(after.as_uuid()));
        }
        let txn = self.conn.begin().await.map_err(map_db_err)?;
        let result = async {
            let rows = query
                .order_by_desc(resource::Column::Id)
                .limit(limit)
                .all(&txn)
                .await
                .map_err(map_db_err)?;
            with_children(&txn, rows).await
        }
        .await;
        settle(txn, result, true, map_db_err).await
    }
}
