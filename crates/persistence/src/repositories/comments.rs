use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{CommentRecord, CommentRepository, ThreadComment, ThreadCursor};
use rr_domain::community::CommentId;
use rr_domain::identity::Username;
use rr_domain::resource::ResourceId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    Statement, Value,
};

use super::comment_cache::ThreadCache;
use crate::entities::comment;
use crate::map_db_err;
use crate::mapping::{comment_row, corrupt, into_comment, to_column};

const TABLE: &str = "comments";

/// [`CommentRepository`] on sea-orm.
///
/// Every operation is one statement. A page of a thread reads the page of
/// top-level comments (on the index `(resource_id, depth, created_at, id)`)
/// in a derived table and joins every comment of those threads (on
/// `(root_id, created_at, id)`) and their authors' usernames: one round
/// trip, however many replies. Thread order is then built in memory.
///
/// An update is a conditional `UPDATE … WHERE id = ? AND version = ?`: the
/// database lets one writer at a time change the row, and the second sees
/// the new version and matches nothing.
///
/// The repositories [`crate::Database::comments`] gives out share one memory
/// of thread pages, off unless [`crate::Database::cache_comment_threads`]
/// turns it on (see `comment_cache`).
#[derive(Debug, Clone)]
pub struct SeaOrmCommentRepository {
    conn: DatabaseConnection,
    cache: Arc<ThreadCache>,
}

impl SeaOrmCommentRepository {
    /// A repository on this pool, keeping no page in memory.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self::with_cache(conn, Arc::default())
    }

    /// A repository on this pool sharing `cache` with others.
    pub(crate) fn with_cache(conn: DatabaseConnection, cache: Arc<ThreadCache>) -> Self {
        Self { conn, cache }
    }

    async fn read_page(
        &self,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: u64,
    ) -> Result<Vec<ThreadComment>, RepositoryError> {
        let statement = thread_statement(self.conn.get_database_backend(), resource, after, limit)?;
        let rows = self
            .conn
            .query_all_raw(statement)
            .await
            .map_err(map_db_err)?;
        let mut joined = Vec::with_capacity(rows.len());
        for row in rows {
            let restricted_at: Option<time::PrimitiveDateTime> = row
                .try_get("", "author_restricted_at")
                .map_err(map_db_err)?;
            joined.push(Joined {
                row: comment::Model::from_query_result(&row, "").map_err(map_db_err)?,
                author_name: row.try_get("", "author_username").map_err(map_db_err)?,
                author_restricted: restricted_at.is_some(),
            });
        }
        thread_order(joined)?
            .into_iter()
            .map(
                |Joined {
                     row,
                     author_name,
                     author_restricted,
                 }| {
                    let id = row.id;
                    let author_name = Username::from_stored(&author_name)
                        .map_err(|e| corrupt(TABLE, id, format!("author's username: {e}")))?;
                    Ok(ThreadComment {
                        comment: into_comment(row)?,
                        author_name,
                        author_restricted,
                    })
                },
            )
            .collect()
    }

    async fn write_update(
        &self,
        comment: &CommentRecord,
        expected_version: u64,
    ) -> Result<(), RepositoryError> {
        let mut row = comment_row(comment)?;
        let expected =
            i64::try_from(expected_version).map_err(|e| RepositoryError::Internal(Box::new(e)))?;
        let next = expected
            .checked_add(1)
            .ok_or_else(|| RepositoryError::Internal("comment version overflow".into()))?;
        row.id = NotSet;
        row.resource_id = NotSet;
        row.parent_id = NotSet;
        row.root_id = NotSet;
        row.depth = NotSet;
        row.author_id = NotSet;
        row.as_moderator = NotSet;
        row.created_at = NotSet;
        row.version = Set(next);
        let updated = comment::Entity::update_many()
            .set(row)
            .filter(comment::Column::Id.eq(comment.id.as_uuid()))
            .filter(comment::Column::Version.eq(expected))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?
            .rows_affected;
        if updated == 1 {
            Ok(())
        } else {
            Err(RepositoryError::Conflict(Box::new(VersionMoved(
                comment.id.as_uuid(),
            ))))
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("comment {0} changed meanwhile or does not exist")]
struct VersionMoved(uuid::Uuid);

/// A joined row: the comment, its author's username and restriction.
struct Joined {
    row: comment::Model,
    author_name: String,
    author_restricted: bool,
}

/// The statement of a thread page: `limit` top-level comments of
/// `resource` after `after`, joined with every comment of their threads.
fn thread_statement(
    backend: sea_orm::DatabaseBackend,
    resource: ResourceId,
    after: Option<ThreadCursor>,
    limit: u64,
) -> Result<Statement, RepositoryError> {
    let mut values: Vec<Value> = vec![resource.as_uuid().into()];
    // `created_at >= ?` bounds the index range on both engines; the OR
    // breaks ties between comments of the same microsecond by id.
    let keyset = match after {
        Some(cursor) => {
            let at = to_column(cursor.created_at)?;
            values.extend([at.into(), at.into(), cursor.id.as_uuid().into()]);
            " AND created_at >= ? AND (created_at > ? OR id > ?)"
        }
        None => "",
    };
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    Ok(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT c.*, u.username AS author_username, u.restricted_at AS author_restricted_at \
             FROM (SELECT id FROM comments \
                   WHERE resource_id = ? AND depth = 0{keyset} \
                   ORDER BY created_at, id LIMIT ?) page \
             JOIN comments c ON c.root_id = page.id \
             JOIN users u ON u.id = c.author_id"
        ),
        values,
    ))
}

/// `rows` in thread order: top-level comments oldest first, each followed by
/// its replies depth first, siblings oldest first.
fn thread_order(rows: Vec<Joined>) -> Result<Vec<Joined>, RepositoryError> {
    let total = rows.len();
    let key = |joined: &Joined| (joined.row.created_at, joined.row.id);
    let mut roots = Vec::new();
    let mut children: HashMap<uuid::Uuid, Vec<Joined>> = HashMap::new();
    for joined in rows {
        match joined.row.parent_id {
            None => roots.push(joined),
            Some(parent) => children.entry(parent).or_default().push(joined),
        }
    }
    for siblings in children.values_mut() {
        // Reversed, so that popping from the stack below takes the oldest.
        siblings.sort_by_key(|joined| std::cmp::Reverse(key(joined)));
    }
    roots.sort_by_key(key);
    let mut ordered = Vec::with_capacity(total);
    for root in roots {
        let mut stack = vec![root];
        while let Some(next) = stack.pop() {
            if let Some(replies) = children.remove(&next.row.id) {
                stack.extend(replies);
            }
            ordered.push(next);
        }
    }
    if ordered.len() == total {
        Ok(ordered)
    } else {
        Err(corrupt(
            TABLE,
            "?",
            "a reply whose parent is not in its thread",
        ))
    }
}

#[async_trait]
impl CommentRepository for SeaOrmCommentRepository {
    async fn insert(&self, comment: &CommentRecord) -> Result<(), RepositoryError> {
        let row = comment_row(comment)?;
        let _write = self.cache.write(comment.resource);
        comment::Entity::insert(row)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn find(&self, id: CommentId) -> Result<Option<CommentRecord>, RepositoryError> {
        comment::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_comment)
            .transpose()
    }

    async fn update(
        &self,
        comment: &CommentRecord,
        expected_version: u64,
    ) -> Result<(), RepositoryError> {
        let _write = self.cache.write(comment.resource);
        self.write_update(comment, expected_version).await
    }

    async fn thread_page(
        &self,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: u64,
    ) -> Result<Vec<ThreadComment>, RepositoryError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        if let Some(page) = self.cache.get(resource, after, limit) {
            return Ok(page.to_vec());
        }
        let mark = self.cache.mark();
        let page = self.read_page(resource, after, limit).await?;
        self.cache.keep(mark, resource, after, limit, &page);
        Ok(page)
    }
}
