//! An in-memory resource store that keeps the port's contract
//! (version compare-and-set, author listing with keyset paging).

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use rr_domain::identity::UserId;
use rr_domain::resource::{Lifecycle, ResourceId};

use crate::RepositoryError;
use crate::ports::{ResourceRecord, ResourceRepository};

/// Resources in memory.
#[derive(Debug, Default)]
pub struct FakeResources {
    resources: Mutex<BTreeMap<ResourceId, ResourceRecord>>,
}

impl FakeResources {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<ResourceId, ResourceRecord>> {
        self.resources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl ResourceRepository for FakeResources {
    async fn insert(&self, resource: &ResourceRecord) -> Result<(), RepositoryError> {
        self.lock().insert(resource.id, resource.clone());
        Ok(())
    }

    async fn find(&self, id: ResourceId) -> Result<Option<ResourceRecord>, RepositoryError> {
        Ok(self.lock().get(&id).cloned())
    }

    async fn update(&self, resource: &ResourceRecord) -> Result<bool, RepositoryError> {
        let mut resources = self.lock();
        match resources.get_mut(&resource.id) {
            Some(stored) if stored.version == resource.version => {
                let (author, created_at) = (stored.author, stored.created_at);
                *stored = resource.clone();
                stored.author = author;
                stored.created_at = created_at;
                stored.version += 1;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn list_by_author(
        &self,
        author: UserId,
        after: Option<ResourceId>,
        limit: u64,
    ) -> Result<Vec<ResourceRecord>, RepositoryError> {
        Ok(self
            .lock()
            .values()
            .rev()
            .filter(|r| r.author == author && r.state != Lifecycle::Deleted)
            .filter(|r| after.is_none_or(|a| r.id < a))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .cloned()
            .collect())
    }
}
