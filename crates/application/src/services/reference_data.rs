use std::future::Future;
use std::sync::Arc;

use rr_domain::identity::{AuthenticatedActor, Role};
use rr_domain::reference::{
    Category, Label, ReferenceId, RelationType, ResourceType, Slug, public_categories,
};

use crate::AppError;
use crate::ports::{Clock, ReferenceDataRepository, SystemClock};
use crate::services::memo::Memo;

/// Lists the reference data that classifies resources; open to visitors.
///
/// The public lists can be kept in memory for a while
/// ([`with_memory`](Self::with_memory)): every page of the client asks for
/// them, and they change a few times a year. A change made through this
/// service shows at once in its own lists; through another server process,
/// once the kept list expires. Administrators' list is always read anew.
#[derive(Clone)]
pub struct ReferenceDataService {
    repository: Arc<dyn ReferenceDataRepository>,
    memory: Arc<Memory>,
}

/// The public lists as last read.
struct Memory {
    clock: Arc<dyn Clock>,
    categories: Memo<(), [Category]>,
    relation_types: Memo<(), [RelationType]>,
    resource_types: Memo<(), [ResourceType]>,
}

impl Memory {
    fn new(ttl: std::time::Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            categories: Memo::new(ttl, 1),
            relation_types: Memo::new(ttl, 1),
            resource_types: Memo::new(ttl, 1),
        }
    }
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
        Self {
            repository,
            memory: Arc::new(Memory::new(
                std::time::Duration::ZERO,
                Arc::new(SystemClock),
            )),
        }
    }

    /// Keeps each public list for `ttl` as `clock` tells time (zero: read
    /// every time, the default); an expired list is still served while one
    /// request reads it anew, 30 s past its time at most.
    #[must_use]
    pub fn with_memory(mut self, ttl: std::time::Duration, clock: Arc<dyn Clock>) -> Self {
        self.memory = Arc::new(Memory::new(ttl, clock));
        self
    }

    /// The categories a visitor may choose from: active ones, in display order.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database cannot be reached.
    pub async fn public_categories(&self) -> Result<Vec<Category>, AppError> {
        let all = self
            .kept(&self.memory.categories, async {
                Ok(self.repository.list_categories().await?)
            })
            .await?;
        Ok(public_categories(all))
    }

    /// Every relation type, in display order.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database cannot be reached.
    pub async fn relation_types(&self) -> Result<Vec<RelationType>, AppError> {
        self.kept(&self.memory.relation_types, async {
            let mut items = self.repository.list_relation_types().await?;
            items.sort_by_key(|item| item.position);
            Ok(items)
        })
        .await
    }

    /// Every resource type, in display order.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database cannot be reached.
    pub async fn resource_types(&self) -> Result<Vec<ResourceType>, AppError> {
        self.kept(&self.memory.resource_types, async {
            let mut items = self.repository.list_resource_types().await?;
            items.sort_by_key(|item| item.position);
            Ok(items)
        })
        .await
    }

    /// The list `memo` keeps, or `read`'s.
    async fn kept<T: Clone>(
        &self,
        memo: &Memo<(), [T]>,
        read: impl Future<Output = Result<Vec<T>, AppError>>,
    ) -> Result<Vec<T>, AppError> {
        let now = self.memory.clock.now();
        Ok(memo.get_or_fetch(&(), now, read).await?.to_vec())
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
        let inserted = self.repository.insert_category(&category).await;
        self.memory.categories.forget(&());
        match inserted {
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
        let updated = self.repository.update_category(&category).await;
        self.memory.categories.forget(&());
        if !updated? {
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

    /// A clock stopped at the epoch, moved by the test.
    fn clock() -> Arc<crate::test_util::SettableClock> {
        Arc::new(crate::test_util::SettableClock::new(
            time::OffsetDateTime::UNIX_EPOCH,
        ))
    }

    #[tokio::test]
    async fn kept_lists_are_read_once_per_period_and_administrators_read_anew() {
        let mut repository = MockReferenceDataRepository::new();
        repository
            .expect_list_categories()
            .times(4)
            .returning(|| Ok(vec![category("loisirs", 1, true)]));
        repository
            .expect_list_resource_types()
            .once()
            .returning(|| Ok(Vec::new()));
        repository
            .expect_list_relation_types()
            .once()
            .returning(|| Ok(Vec::new()));
        let clock = clock();
        let service = ReferenceDataService::new(Arc::new(repository))
            .with_memory(std::time::Duration::from_secs(10), clock.clone());
        let admin = AuthenticatedActor {
            user_id: rr_domain::identity::UserId::generate(),
            session_id: rr_domain::identity::SessionId::generate(),
            role: Role::Administrator,
            two_factor: true,
        };

        for _ in 0..3 {
            assert_eq!(service.public_categories().await.unwrap().len(), 1);
            service.resource_types().await.unwrap();
            service.relation_types().await.unwrap();
        }
        service.all_categories(&admin).await.unwrap();
        service.all_categories(&admin).await.unwrap();
        clock.advance(time::Duration::seconds(10));
        service.public_categories().await.unwrap();

        // Four reads of the categories: the first public one, the two of the
        // administrator and the one after the period; the mock counts them.
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let mut repository = MockReferenceDataRepository::new();
        let mut reads = 0;
        repository
            .expect_list_categories()
            .times(2)
            .returning(move || {
                reads += 1;
                if reads == 1 {
                    Err(RepositoryError::Unavailable("connection refused".into()))
                } else {
                    Ok(vec![category("loisirs", 1, true)])
                }
            });
        let service = ReferenceDataService::new(Arc::new(repository))
            .with_memory(std::time::Duration::from_secs(10), clock());

        let err = service.public_categories().await.unwrap_err();
        assert_eq!(err.code(), "service_unavailable");
        assert_eq!(service.public_categories().await.unwrap().len(), 1);
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
