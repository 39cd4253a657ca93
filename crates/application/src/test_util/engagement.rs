//! An in-memory store of favourites and progress marks that keeps the port's
//! contract: idempotent changes, an exact favourite count, and reads that
//! leave out what the viewer may not see, decided by `can_view` itself.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use rr_domain::identity::{Actor, AuthenticatedActor, UserId};
use rr_domain::resource::{ResourceFacts, ResourceId, can_view};
use time::OffsetDateTime;

use super::UnavailableStore;
use crate::RepositoryError;
use crate::ports::{
    EngagementRepository, ProgressCursor, ProgressItem, ProgressList, ProgressMark, ProgressTally,
    ResourceRecord, ResourceRepository, UserRepository,
};

/// When each mark was put, if it is.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    exploited: Option<OffsetDateTime>,
    set_aside: Option<OffsetDateTime>,
}

impl Marks {
    fn slot(&mut self, mark: ProgressMark) -> &mut Option<OffsetDateTime> {
        match mark {
            ProgressMark::Exploited => &mut self.exploited,
            ProgressMark::SetAside => &mut self.set_aside,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    favourites: BTreeMap<(UserId, ResourceId), OffsetDateTime>,
    marks: BTreeMap<(UserId, ResourceId), Marks>,
}

/// Favourites and marks in memory, reading resources and accounts from the
/// stores it is given (to check they exist, to decide visibility and to name
/// authors).
pub struct FakeEngagement {
    resources: Arc<dyn ResourceRepository>,
    users: Arc<dyn UserRepository>,
    state: Mutex<State>,
}

impl std::fmt::Debug for FakeEngagement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeEngagement").finish_non_exhaustive()
    }
}

impl FakeEngagement {
    /// A store over these resources and accounts.
    #[must_use]
    pub fn new(resources: Arc<dyn ResourceRepository>, users: Arc<dyn UserRepository>) -> Self {
        Self {
            resources,
            users,
            state: Mutex::new(State::default()),
        }
    }

    /// How many citizens keep `resource` in their favourites.
    #[must_use]
    pub fn favourite_count(&self, resource: ResourceId) -> u64 {
        let count = self
            .lock()
            .favourites
            .keys()
            .filter(|(_, r)| *r == resource)
            .count();
        u64::try_from(count).unwrap_or(u64::MAX)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Both exist, or [`RepositoryError::Conflict`] (the foreign keys).
    async fn check_references(
        &self,
        user: UserId,
        resource: ResourceId,
    ) -> Result<(), RepositoryError> {
        if self.users.find(user).await?.is_none() {
            return Err(RepositoryError::Conflict("no such user".into()));
        }
        if self.resources.find(resource).await?.is_none() {
            return Err(RepositoryError::Conflict("no such resource".into()));
        }
        Ok(())
    }

    /// The resource, if `viewer` may see it.
    async fn visible(
        &self,
        viewer: &AuthenticatedActor,
        id: ResourceId,
    ) -> Result<Option<ResourceRecord>, RepositoryError> {
        let Some(record) = self.resources.find(id).await? else {
            return Ok(None);
        };
        let author_restricted = self
            .users
            .find(record.author)
            .await?
            .is_some_and(|author| author.restricted_since.is_some());
        let facts = ResourceFacts {
            author: record.author,
            visibility: record.visibility,
            state: &record.state,
            shared_with: &record.shared_with,
            author_restricted,
        };
        Ok(can_view(&Actor::User(*viewer), &facts).then_some(record))
    }

    /// The viewer's entries of `list`: resource and when it was marked.
    fn entries(&self, user: UserId, list: ProgressList) -> Vec<(ResourceId, OffsetDateTime)> {
        let state = self.lock();
        let mine = |(u, _): &(UserId, ResourceId)| *u == user;
        match list {
            ProgressList::Favourites => state
                .favourites
                .iter()
                .filter(|(key, _)| mine(key))
                .map(|((_, r), at)| (*r, *at))
                .collect(),
            ProgressList::Exploited | ProgressList::SetAside => state
                .marks
                .iter()
                .filter(|(key, _)| mine(key))
                .filter_map(|((_, r), marks)| {
                    let at = if list == ProgressList::Exploited {
                        marks.exploited
                    } else {
                        marks.set_aside
                    };
                    at.map(|at| (*r, at))
                })
                .collect(),
        }
    }
}

#[async_trait]
impl EngagementRepository for FakeEngagement {
    async fn add_favourite(
        &self,
        user: UserId,
        resource: ResourceId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        self.check_references(user, resource).await?;
        let mut state = self.lock();
        if state.favourites.contains_key(&(user, resource)) {
            return Ok(false);
        }
        state.favourites.insert((user, resource), at);
        Ok(true)
    }

    async fn remove_favourite(
        &self,
        user: UserId,
        resource: ResourceId,
    ) -> Result<bool, RepositoryError> {
        Ok(self.lock().favourites.remove(&(user, resource)).is_some())
    }

    async fn set_mark(
        &self,
        user: UserId,
        resource: ResourceId,
        mark: ProgressMark,
        on: bool,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        if on {
            self.check_references(user, resource).await?;
        }
        let mut state = self.lock();
        let marks = state.marks.entry((user, resource)).or_default();
        let slot = marks.slot(mark);
        let changed = slot.is_some() != on;
        if changed {
            *slot = on.then_some(at);
        }
        if marks.exploited.is_none() && marks.set_aside.is_none() {
            state.marks.remove(&(user, resource));
        }
        Ok(changed)
    }

    async fn tallies(
        &self,
        viewer: &AuthenticatedActor,
    ) -> Result<Vec<ProgressTally>, RepositoryError> {
        let mut tallies: Vec<ProgressTally> = Vec::new();
        for list in ProgressList::ALL {
            for (id, _) in self.entries(viewer.user_id, list) {
                let Some(record) = self.visible(viewer, id).await? else {
                    continue;
                };
                let position = tallies.iter().position(|t| {
                    t.category == record.category && t.resource_type == record.resource_type
                });
                let tally = if let Some(position) = position {
                    &mut tallies[position]
                } else {
                    tallies.push(ProgressTally {
                        category: record.category,
                        resource_type: record.resource_type,
                        favourites: 0,
                        exploited: 0,
                        set_aside: 0,
                    });
                    let last = tallies.len() - 1;
                    &mut tallies[last]
                };
                match list {
                    ProgressList::Favourites => tally.favourites += 1,
                    ProgressList::Exploited => tally.exploited += 1,
                    ProgressList::SetAside => tally.set_aside += 1,
                }
            }
        }
        Ok(tallies)
    }

    async fn list(
        &self,
        viewer: &AuthenticatedActor,
        list: ProgressList,
        after: Option<ProgressCursor>,
        limit: u64,
    ) -> Result<Vec<ProgressItem>, RepositoryError> {
        let mut entries = self.entries(viewer.user_id, list);
        entries.sort_by_key(|&(id, at)| std::cmp::Reverse((at, id)));
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut items = Vec::new();
        for (id, marked_at) in entries {
            if items.len() == limit {
                break;
            }
            if after.is_some_and(|c| (marked_at, id) >= (c.marked_at, c.resource)) {
                continue;
            }
            let Some(record) = self.visible(viewer, id).await? else {
                continue;
            };
            let author = self
                .users
                .find(record.author)
                .await?
                .ok_or_else(|| RepositoryError::Internal("an author does not exist".into()))?
                .username;
            items.push(ProgressItem {
                resource: id,
                title: record.title,
                summary: record.summary,
                category: record.category,
                resource_type: record.resource_type,
                author,
                favourite_count: self.favourite_count(id),
                marked_at,
            });
        }
        Ok(items)
    }
}

fn unavailable() -> RepositoryError {
    RepositoryError::Unavailable("the fake store is down".into())
}

#[async_trait]
impl EngagementRepository for UnavailableStore {
    async fn add_favourite(
        &self,
        _: UserId,
        _: ResourceId,
        _: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        Err(unavailable())
    }

    async fn remove_favourite(&self, _: UserId, _: ResourceId) -> Result<bool, RepositoryError> {
        Err(unavailable())
    }

    async fn set_mark(
        &self,
        _: UserId,
        _: ResourceId,
        _: ProgressMark,
        _: bool,
        _: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        Err(unavailable())
    }

    async fn tallies(&self, _: &AuthenticatedActor) -> Result<Vec<ProgressTally>, RepositoryError> {
        Err(unavailable())
    }

    async fn list(
        &self,
        _: &AuthenticatedActor,
        _: ProgressList,
        _: Option<ProgressCursor>,
        _: u64,
    ) -> Result<Vec<ProgressItem>, RepositoryError> {
        Err(unavailable())
    }
}
