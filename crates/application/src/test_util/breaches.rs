//! The breach register in memory, over [`FakeUsers`] (an account attached
//! must exist; an account gone leaves the breaches it was attached to).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use rr_domain::compliance::{Breach, BreachId};
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use super::FakeUsers;
use crate::RepositoryError;
use crate::ports::{Attached, BreachRegister, RegisteredBreach};

#[derive(Debug, Default)]
struct State {
    breaches: BTreeMap<BreachId, Breach>,
    affected: BTreeMap<BreachId, BTreeSet<UserId>>,
}

/// [`BreachRegister`] in memory.
#[derive(Debug)]
pub struct FakeBreachRegister {
    users: Arc<FakeUsers>,
    state: Mutex<State>,
}

impl FakeBreachRegister {
    /// An empty register over these accounts.
    #[must_use]
    pub fn new(users: Arc<FakeUsers>) -> Self {
        Self {
            users,
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The accounts of `breach` that still exist.
    fn existing(&self, state: &State, breach: BreachId) -> Vec<UserId> {
        let users: BTreeSet<UserId> = self.users.all().into_iter().map(|u| u.id).collect();
        state
            .affected
            .get(&breach)
            .map(|accounts| accounts.intersection(&users).copied().collect())
            .unwrap_or_default()
    }

    fn registered(&self, state: &State, breach: &Breach) -> RegisteredBreach {
        RegisteredBreach {
            breach: breach.clone(),
            affected_accounts: u64::try_from(self.existing(state, breach.id).len())
                .unwrap_or(u64::MAX),
        }
    }
}

#[async_trait]
impl BreachRegister for FakeBreachRegister {
    async fn insert(&self, breach: &Breach) -> Result<(), RepositoryError> {
        let mut state = self.lock();
        if state.breaches.contains_key(&breach.id) {
            return Err(RepositoryError::Conflict("breach id taken".into()));
        }
        state.breaches.insert(breach.id, breach.clone());
        Ok(())
    }

    async fn find(&self, id: BreachId) -> Result<Option<RegisteredBreach>, RepositoryError> {
        let state = self.lock();
        Ok(state.breaches.get(&id).map(|b| self.registered(&state, b)))
    }

    async fn update(
        &self,
        breach: &Breach,
        previous: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let mut state = self.lock();
        let Some(stored) = state.breaches.get_mut(&breach.id) else {
            return Ok(false);
        };
        if stored.updated_at != previous {
            return Ok(false);
        }
        stored.assessment = breach.assessment.clone();
        stored.authority_notification = breach.authority_notification.clone();
        stored.people_notification = breach.people_notification.clone();
        stored.updated_at = breach.updated_at;
        Ok(true)
    }

    async fn list(
        &self,
        after: Option<BreachId>,
        limit: u64,
    ) -> Result<Vec<RegisteredBreach>, RepositoryError> {
        let state = self.lock();
        Ok(state
            .breaches
            .values()
            .rev()
            .filter(|b| after.is_none_or(|after| b.id < after))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|b| self.registered(&state, b))
            .collect())
    }

    async fn attach(
        &self,
        breach: BreachId,
        accounts: &[UserId],
        _by: UserId,
        _at: OffsetDateTime,
    ) -> Result<Attached, RepositoryError> {
        let mut state = self.lock();
        if !state.breaches.contains_key(&breach) {
            return Err(RepositoryError::Conflict("no such breach".into()));
        }
        let users: BTreeSet<UserId> = self.users.all().into_iter().map(|u| u.id).collect();
        let unknown: Vec<UserId> = accounts
            .iter()
            .filter(|id| !users.contains(id))
            .copied()
            .collect();
        if !unknown.is_empty() {
            return Ok(Attached::Unknown(unknown));
        }
        let attached = state.affected.entry(breach).or_default();
        let added = accounts.iter().filter(|id| attached.insert(**id)).count();
        Ok(Attached::Added(u64::try_from(added).unwrap_or(u64::MAX)))
    }

    async fn affected(
        &self,
        breach: BreachId,
        after: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let state = self.lock();
        Ok(self
            .existing(&state, breach)
            .into_iter()
            .filter(|id| after.is_none_or(|after| *id > after))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect())
    }
}
