use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::ReferenceDataRepository;
use rr_domain::reference::{Category, RelationType, ResourceType};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

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

    async fn insert_category(&self, c: &Category) -> Result<(), RepositoryError> {
        category::Entity::insert(category::ActiveModel {
            id: Set(c.id.as_uuid()),
            slug: Set(c.slug.as_str().to_owned()),
            label: Set(c.label.as_str().to_owned()),
            position: Set(
                i16::try_from(c.position).map_err(|e| RepositoryError::Internal(Box::new(e)))?
            ),
            active: Set(c.active),
        })
        .exec_without_returning(&self.conn)
        .await
        .map_err(map_db_err)?;
        Ok(())
    }

    async fn update_category(&self, c: &Category) -> Result<bool, RepositoryError> {
        let position =
            i16::try_from(c.position).map_err(|e| RepositoryError::Internal(Box::new(e)))?;
        let result = category::Entity::update_many()
            .col_expr(category::Column::Label, Expr::value(c.label.as_str()))
            .col_expr(category::Column::Position, Expr::value(position))
            .col_expr(category::Column::Active, Expr::value(c.active))
            .filter(category::Column::Id.eq(c.id.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        if result.rows_affected == 1 {
            return Ok(true);
        }
        // MariaDB counts changed rows, not matched ones: an update to the same
        // values reports 0. Tell "unchanged" from "absent".
        let exists = category::Entity::find_by_id(c.id.as_uuid())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .is_some();
        Ok(exists)
    }
}
