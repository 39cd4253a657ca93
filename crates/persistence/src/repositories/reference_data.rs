use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::ReferenceDataRepository;
use rr_domain::reference::{Category, RelationType, ResourceType};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::entities::{category, relation_type, resource_type};
use crate::map_db_err;

/// [`ReferenceDataRepository`] on sea-orm.
#[derive(Debug, Clone)]
pub struct SeaOrmReferenceDataRepository {
    conn: DatabaseConnection,
}

impl SeaOrmReferenceDataRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl ReferenceDataRepository for SeaOrmReferenceDataRepository {
    async fn list_categories(&self) -> Result<Vec<Category>, RepositoryError> {
        category::Entity::find()
            .order_by_asc(category::Column::Position)
            .order_by_asc(category::Column::Slug)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Category::try_from)
            .collect()
    }

    async fn list_relation_types(&self) -> Result<Vec<RelationType>, RepositoryError> {
        relation_type::Entity::find()
            .order_by_asc(relation_type::Column::Position)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(RelationType::try_from)
            .collect()
    }

    async fn list_resource_types(&self) -> Result<Vec<ResourceType>, RepositoryError> {
        resource_type::Entity::find()
            .order_by_asc(resource_type::Column::Position)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(ResourceType::try_from)
            .collect()
    }
}
