//! An in-memory resource store that keeps the port's contract
//! (version compare-and-set, author listing with keyset paging).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rr_domain::identity::UserId;
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};

use crate::RepositoryError;
use crate::ports::{
    CatalogueAudience, CatalogueEntry, CatalogueQuery, Consultation, ResourceCatalogue,
    ResourceRecord, ResourceRepository, Search, StatisticsRecorder, UserRepository,
};

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

impl FakeResources {
    /// Every stored resource, newest first.
    #[must_use]
    pub fn all(&self) -> Vec<ResourceRecord> {
        self.lock().values().rev().cloned().collect()
    }
}

/// The catalogue over [`FakeResources`]: the port's audience rules, filters,
/// orders and keyset pages, with a naive word match (lower-case substring;
/// accents are not folded) and no counters (views and favourites are 0).
pub struct FakeCatalogue {
    resources: Arc<FakeResources>,
    users: Arc<dyn UserRepository>,
}

impl FakeCatalogue {
    /// The catalogue of these resources, with these accounts' usernames.
    #[must_use]
    pub fn new(resources: Arc<FakeResources>, users: Arc<dyn UserRepository>) -> Self {
        Self { resources, users }
    }
}

impl std::fmt::Debug for FakeCatalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCatalogue").finish_non_exhaustive()
    }
}

fn listed(query: &CatalogueQuery, r: &ResourceRecord) -> bool {
    let audience = match query.audience {
        CatalogueAudience::Visitor => r.visibility == Visibility::Public,
        CatalogueAudience::Member(user) => match r.visibility {
            Visibility::Public | Visibility::Restricted => true,
            Visibility::Shared => r.shared_with.contains(&user),
            Visibility::Private => false,
        },
    };
    let text = query.text.as_ref().is_none_or(|text| {
        let haystack = format!(
            "{} {} {}",
            r.title.as_str(),
            r.summary.as_str(),
            r.body.as_str()
        )
        .to_lowercase();
        text.words().iter().all(|w| haystack.contains(w.as_str()))
    });
    r.state == Lifecycle::Published
        && audience
        && text
        && query.category.is_none_or(|c| r.category == c)
        && query.resource_type.is_none_or(|t| r.resource_type == t)
        && (query.relation_types.is_empty()
            || r.relation_types
                .iter()
                .any(|t| query.relation_types.contains(t)))
        && query.author.is_none_or(|a| r.author == a)
        && query.created_from.is_none_or(|from| r.created_at >= from)
        && query
            .created_before
            .is_none_or(|before| r.created_at < before)
        && query.after.is_none_or(|after| r.id < after.id)
}

#[async_trait]
impl ResourceCatalogue for FakeCatalogue {
    async fn search(&self, query: &CatalogueQuery) -> Result<Vec<CatalogueEntry>, RepositoryError> {
        // Every counter is 0 here, so every order is the id's, newest first.
        let mut entries = Vec::new();
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        for r in self
            .resources
            .all()
            .into_iter()
            .filter(|r| listed(query, r))
        {
            if entries.len() == limit {
                break;
            }
            let author = self
                .users
                .find(r.author)
                .await?
                .ok_or_else(|| RepositoryError::Internal("an author does not exist".into()))?;
            // A restricted author's resources are theirs alone (GDPR Art. 18).
            if author.restricted_since.is_some() {
                continue;
            }
            let author = author.username;
            entries.push(CatalogueEntry {
                id: r.id,
                author,
                title: r.title,
                summary: r.summary,
                category: r.category,
                resource_type: r.resource_type,
                relation_types: r.relation_types,
                visibility: r.visibility,
                created_at: r.created_at,
                published_at: r.published_at,
                view_count: 0,
                favourite_count: 0,
            });
        }
        Ok(entries)
    }
}

/// Keeps every consultation and search it is told of.
#[derive(Debug, Default)]
pub struct RecordingStatistics {
    consultations: Mutex<Vec<Consultation>>,
    searches: Mutex<Vec<Search>>,
}

impl RecordingStatistics {
    /// The consultations counted so far.
    #[must_use]
    pub fn consultations(&self) -> Vec<Consultation> {
        self.consultations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The searches counted so far.
    #[must_use]
    pub fn searches(&self) -> Vec<Search> {
        self.searches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl StatisticsRecorder for RecordingStatistics {
    fn consulted(&self, consultation: Consultation) {
        self.consultations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(consultation);
    }

    fn searched(&self, search: Search) {
        self.searches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(search);
    }
}
