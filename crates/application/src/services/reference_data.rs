use std::sync::Arc;

use rr_domain::reference::{Category, RelationType, ResourceType, public_categories};

use crate::AppError;
use crate::ports::ReferenceDataRepository;

/// Lists the reference data that classifies resources; open to visitors.
#[derive(Clone)]
pub struct ReferenceDataService {
    repository: Arc<dyn ReferenceDataRepository>,
}

impl std::fmt::Debug for ReferenceDataService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceDataService")
            .finish_non_exhaustive()
    }
}

impl ReferenceDataService {
    /// Builds the service on its repository.
    #[must_use]
    pub fn new(repository: Arc<dyn ReferenceDataRepository>) -> Self {
        Self { repository }
    }

    /// The categories a visitor may choose from: active ones, in display order.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database cannot be reached.
    pub async fn public_categories(&self) -> Result<Vec<Category>, AppError> {
        Ok(public_categories(self.repository.list_categories().await?))
    }

    /// Every relation type, in display order.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database cannot be reached.
    pub async fn relation_types(&self) -> Result<Vec<RelationType>, AppError> {
        let mut items = self.repository.list_relation_types().await?;
        items.sort_by_key(|item| item.position);
        Ok(items)
    }

    /// Every resource type, in display order.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database cannot be reached.
    pub async fn resource_types(&self) -> Result<Vec<ResourceType>, AppError> {
        let mut items = self.repository.list_resource_types().await?;
        items.sort_by_key(|item| item.position);
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use rr_domain::reference::{Label, ReferenceId, Slug};

    use super::*;
    use crate::RepositoryError;
    use crate::ports::MockReferenceDataRepository;

    fn id() -> ReferenceId {
        ReferenceId::from_uuid(rr_domain::Uuid::nil())
    }

    fn category(slug: &str, position: u16, active: bool) -> Category {
        Category {
            id: id(),
            slug: Slug::parse(slug).unwrap(),
            label: Label::parse(slug).unwrap(),
            position,
            active,
        }
    }

    #[tokio::test]
    async fn public_categories_hide_deactivated_ones() {
        let mut repository = MockReferenceDataRepository::new();
        repository.expect_list_categories().once().returning(|| {
            Ok(vec![
                category("loisirs", 2, true),
                category("cultures", 1, false),
            ])
        });
        let service = ReferenceDataService::new(Arc::new(repository));

        let listed = service.public_categories().await.unwrap();

        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].slug.as_str(), "loisirs");
    }

    #[tokio::test]
    async fn relation_types_come_in_display_order() {
        let mut repository = MockReferenceDataRepository::new();
        repository
            .expect_list_relation_types()
            .once()
            .returning(|| {
                Ok(["amis", "soi"]
                    .iter()
                    .zip([2, 1])
                    .map(|(slug, position)| RelationType {
                        id: id(),
                        slug: Slug::parse(slug).unwrap(),
                        label: Label::parse(slug).unwrap(),
                        position,
                    })
                    .collect())
            });
        let service = ReferenceDataService::new(Arc::new(repository));

        let listed = service.relation_types().await.unwrap();

        assert_eq!(listed[0].slug.as_str(), "soi");
    }

    #[tokio::test]
    async fn an_unreachable_database_is_reported_as_unavailable() {
        let mut repository = MockReferenceDataRepository::new();
        repository
            .expect_list_resource_types()
            .once()
            .returning(|| Err(RepositoryError::Unavailable("connection refused".into())));
        let service = ReferenceDataService::new(Arc::new(repository));

        let err = service.resource_types().await.unwrap_err();

        assert_eq!(err.code(), "service_unavailable");
    }
}
