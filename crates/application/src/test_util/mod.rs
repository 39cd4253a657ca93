//! In-memory fakes of the ports, for tests of this crate, of the HTTP adapter
//! and of anything else that needs the use cases without a database.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use rr_domain::reference::{Category, RelationType, ResourceType};

use crate::RepositoryError;
use crate::ports::{DatabaseHealth, PoolStatus, ReferenceDataRepository};

/// Reference data held in memory.
#[derive(Debug, Default)]
pub struct InMemoryReferenceData {
    categories: Mutex<Vec<Category>>,
    relation_types: Mutex<Vec<RelationType>>,
    resource_types: Mutex<Vec<ResourceType>>,
}

impl InMemoryReferenceData {
    /// A store holding exactly these items.
    #[must_use]
    pub fn new(
        categories: Vec<Category>,
        relation_types: Vec<RelationType>,
        resource_types: Vec<ResourceType>,
    ) -> Self {
        Self {
            categories: Mutex::new(categories),
            relation_types: Mutex::new(relation_types),
            resource_types: Mutex::new(resource_types),
        }
    }
}

fn snapshot<T: Clone>(items: &Mutex<Vec<T>>) -> Vec<T> {
    items
        .lock()
        .map(|guard| guard.clone())
        .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
}

#[async_trait]
impl ReferenceDataRepository for InMemoryReferenceData {
    async fn list_categories(&self) -> Result<Vec<Category>, RepositoryError> {
        let mut items = snapshot(&self.categories);
        items.sort_by(|a, b| {
            a.position
                .cmp(&b.position)
                .then_with(|| a.slug.cmp(&b.slug))
        });
        Ok(items)
    }

    async fn list_relation_types(&self) -> Result<Vec<RelationType>, RepositoryError> {
        let mut items = snapshot(&self.relation_types);
        items.sort_by_key(|item| item.position);
        Ok(items)
    }

    async fn list_resource_types(&self) -> Result<Vec<ResourceType>, RepositoryError> {
        let mut items = snapshot(&self.resource_types);
        items.sort_by_key(|item| item.position);
        Ok(items)
    }

    async fn insert_category(&self, category: &Category) -> Result<(), RepositoryError> {
        let mut categories = self
            .categories
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if categories
            .iter()
            .any(|c| c.id == category.id || c.slug == category.slug)
        {
            return Err(RepositoryError::Conflict("category slug taken".into()));
        }
        categories.push(category.clone());
        Ok(())
    }

    async fn update_category(&self, category: &Category) -> Result<bool, RepositoryError> {
        let mut categories = self
            .categories
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(match categories.iter_mut().find(|c| c.id == category.id) {
            Some(stored) => {
                stored.label = category.label.clone();
                stored.position = category.position;
                stored.active = category.active;
                true
            }
            None => false,
        })
    }
}

/// A store that is always down: every call answers [`RepositoryError::Unavailable`].
#[derive(Debug, Default, Clone, Copy)]
pub struct UnavailableStore;

fn unavailable() -> RepositoryError {
    RepositoryError::Unavailable("the fake store is down".into())
}

#[async_trait]
impl ReferenceDataRepository for UnavailableStore {
    async fn list_categories(&self) -> Result<Vec<Category>, RepositoryError> {
        Err(unavailable())
    }

    async fn list_relation_types(&self) -> Result<Vec<RelationType>, RepositoryError> {
        Err(unavailable())
    }

    async fn list_resource_types(&self) -> Result<Vec<ResourceType>, RepositoryError> {
        Err(unavailable())
    }

    async fn insert_category(&self, _: &Category) -> Result<(), RepositoryError> {
        Err(unavailable())
    }

    async fn update_category(&self, _: &Category) -> Result<bool, RepositoryError> {
        Err(unavailable())
    }
}

/// A database whose availability the test switches on and off.
#[derive(Debug)]
pub struct SwitchableHealth {
    up: AtomicBool,
}

impl SwitchableHealth {
    /// Starts up (`true`) or down (`false`).
    #[must_use]
    pub fn new(up: bool) -> Self {
        Self {
            up: AtomicBool::new(up),
        }
    }

    /// Brings the fake database up or down.
    pub fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

#[async_trait]
impl DatabaseHealth for SwitchableHealth {
    async fn ping(&self) -> Result<(), RepositoryError> {
        if self.up.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(unavailable())
        }
    }

    fn pool_status(&self) -> PoolStatus {
        PoolStatus {
            open: 1,
            idle: 1,
            max: 4,
        }
    }
}

mod accounts;
mod attachments;
mod breaches;
mod comments;
mod data_export;
mod engagement;
mod erasure;
mod feature_flags;
mod identity;
mod moderation;
mod notifications;
mod privacy;
mod resources;
mod retention;
mod statistics;

pub use accounts::{AccountAdminFixture, FakeStaffAccessJournal, account_admin_fixture};
pub use attachments::{
    AttachmentFixture, ChunkSource, FakeAttachments, FakeBlobStore, attachment_fixture,
    idle_attachment_service,
};
pub use breaches::FakeBreachRegister;
pub use comments::FakeComments;
pub use data_export::{
    DataExportFixture, FAKE_SECTIONS, FakeDataExports, FakePersonalData, TextArchiveFormat,
    data_export_fixture,
};
pub use engagement::FakeEngagement;
pub use erasure::{
    ErasureFixture, FakeErasure, FakeSubjectRequests, FakeUsernameReservations, erasure_fixture,
};
pub use feature_flags::FakeFeatureFlags;
pub use identity::{
    FakeAccessTokens, FakeAuditLog, FakeBlindIndex, FakeFieldCipher, FakeHasher, FakeOneTimeTokens,
    FakeSecretTokens, FakeSessions, FakeStrength, FakeTotp, FakeUsers, IdentityFixture, Outbox,
    SettableClock, identity_fixture,
};
pub use moderation::FakeModeration;
pub use notifications::{FailingMailer, FakeNotifications, RecordingNotifier};
pub use privacy::FakePrivacyPolicies;
pub use resources::{FakeCatalogue, FakeResources, RecordingStatistics};
pub use retention::{FakeRetentionStore, ModelAuditEntry};
pub use statistics::{FakeStatisticsQuery, StatisticsEvent};
