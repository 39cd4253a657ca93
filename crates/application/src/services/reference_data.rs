use std::sync::Arc;

use rr_domain::identity::{AuthenticatedActor, Role};
use rr_domain::reference::{
    Category, Label, ReferenceId, RelationType, ResourceType, Slug, public_categories,
};

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

impl ReferenceDataService {
    /// Every category, inactive ones included, for administrators.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless an administrator with two-factor authentication.
    pub async fn all_categories(
        &self,
        actor: &AuthenticatedActor,
    ) -> Result<Vec<Category>, AppError> {
        administrator(actor)?;
        Ok(self.repository.list_categories().await?)
    }

    /// Adds a category, active, last in display order.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::ConflictWith`] `slug_taken`.
    pub async fn create_category(
        &self,
        actor: &AuthenticatedActor,
        slug: Slug,
        label: Label,
    ) -> Result<Category, AppError> {
        administrator(actor)?;
        let categories = self.repository.list_categories().await?;
        if categories.iter().any(|c| c.slug == slug) {
            return Err(AppError::ConflictWith("slug_taken"));
        }
        let position = categories
            .iter()
            .map(|c| c.position)
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let category = Category {
            id: ReferenceId::from_uuid(rr_domain::Uuid::now_v7()),
            slug,
            label,
            position,
            active: true,
        };
        match self.repository.insert_category(&category).await {
            Ok(()) => Ok(category),
            Err(crate::RepositoryError::Conflict(_)) => Err(AppError::ConflictWith("slug_taken")),
            Err(err) => Err(err.into()),
        }
    }

    /// Renames a category and/or turns it on or off. A deactivated category
    /// keeps its resources but takes no new ones and leaves the public list;
    /// its slug never changes.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`].
    pub async fn change_category(
        &self,
        actor: &AuthenticatedActor,
        id: ReferenceId,
        label: Option<Label>,
        active: Option<bool>,
    ) -> Result<Category, AppError> {
        administrator(actor)?;
        let mut category = self
            .repository
            .list_categories()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)?;
        if let Some(label) = label {
            category.label = label;
        }
        if let Some(active) = active {
            category.active = active;
        }
        if !self.repository.update_category(&category).await? {
            return Err(AppError::NotFound);
        }
        Ok(category)
    }
}

fn administrator(actor: &AuthenticatedActor) -> Result<(), AppError> {
    if actor.may_act_as(Role::Administrator) {
        Ok(())
    } else if actor.role >= Role::Administrator {
        Err(AppError::Forbidden("two_factor_required"))
    } else {
        Err(AppError::Forbidden("forbidden"))
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
