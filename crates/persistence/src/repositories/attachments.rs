use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{AttachmentRecord, AttachmentRepository};
use rr_domain::resource::{AttachmentId, BlobDigest, ResourceId};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::attachment;
use crate::map_db_err;
use crate::mapping::{attachment_row, into_attachment};

/// [`AttachmentRepository`] on sea-orm: one `attachments` row per file, each
/// call one statement. The foreign key checks the resource (a missing one is
/// [`RepositoryError::Conflict`] by [`map_db_err`]) and removes the rows of a
/// resource purged from the database; the index on `digest` answers
/// [`AttachmentRepository::is_referenced`].
#[derive(Debug, Clone)]
pub struct SeaOrmAttachmentRepository {
    conn: DatabaseConnection,
}

impl SeaOrmAttachmentRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl AttachmentRepository for SeaOrmAttachmentRepository {
    async fn insert(&self, attachment: &AttachmentRecord) -> Result<(), RepositoryError> {
        attachment::Entity::insert(attachment_row(attachment)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn list_by_resource(
        &self,
        resource: ResourceId,
    ) -> Result<Vec<AttachmentRecord>, RepositoryError> {
        attachment::Entity::find()
            .filter(attachment::Column::ResourceId.eq(resource.as_uuid()))
            .order_by_asc(attachment::Column::Id)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_attachment)
            .collect()
    }

    async fn find(&self, id: AttachmentId) -> Result<Option<AttachmentRecord>, RepositoryError> {
        attachment::Entity::find_by_id(id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_attachment)
            .transpose()
    }

    async fn delete(&self, id: AttachmentId) -> Result<bool, RepositoryError> {
        let result = attachment::Entity::delete_by_id(id.as_uuid())
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected == 1)
    }

    async fn is_referenced(&self, digest: &BlobDigest) -> Result<bool, RepositoryError> {
        let any: Option<uuid::Uuid> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::Id)
            .filter(attachment::Column::Digest.eq(digest.as_str()))
            .limit(1)
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(any.is_some())
    }
}
