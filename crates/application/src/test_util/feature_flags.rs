//! Feature flags in memory, with a switch to take the store down and a
//! count of the reads, so tests can tell the snapshot from the store.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use rr_domain::features::{FeatureFlag, FlagKey};

use crate::RepositoryError;
use crate::ports::FeatureFlagRepository;

/// [`FeatureFlagRepository`] in memory.
#[derive(Debug, Default)]
pub struct FakeFeatureFlags {
    flags: Mutex<BTreeMap<FlagKey, FeatureFlag>>,
    down: AtomicBool,
    reads: AtomicUsize,
}

impl FakeFeatureFlags {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<FlagKey, FeatureFlag>> {
        self.flags.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn up(&self) -> Result<(), RepositoryError> {
        if self.down.load(Ordering::SeqCst) {
            Err(RepositoryError::Unavailable(
                "the fake flag store is down".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Takes the store down (every call fails with `Unavailable`) or up.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many times flags were read (`list` and `find`).
    #[must_use]
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }

    /// Stores `flag` as is, bypassing the use cases (as another API node
    /// would have).
    pub fn put(&self, flag: FeatureFlag) {
        self.lock().insert(flag.key.clone(), flag);
    }
}

#[async_trait]
impl FeatureFlagRepository for FakeFeatureFlags {
    async fn list(&self) -> Result<Vec<FeatureFlag>, RepositoryError> {
        self.up()?;
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.lock().values().cloned().collect())
    }

    async fn find(&self, key: &FlagKey) -> Result<Option<FeatureFlag>, RepositoryError> {
        self.up()?;
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.lock().get(key).cloned())
    }

    async fn insert(&self, flag: &FeatureFlag) -> Result<(), RepositoryError> {
        self.up()?;
        let mut flags = self.lock();
        if flags.contains_key(&flag.key) {
            return Err(RepositoryError::Conflict("flag key taken".into()));
        }
        flags.insert(flag.key.clone(), flag.clone());
        Ok(())
    }

    async fn update(&self, flag: &FeatureFlag, previous: u64) -> Result<bool, RepositoryError> {
        self.up()?;
        let mut flags = self.lock();
        match flags.get_mut(&flag.key) {
            Some(stored) if stored.version == previous => {
                stored.settings = flag.settings.clone();
                stored.version = flag.version;
                stored.updated_at = flag.updated_at;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn delete(&self, key: &FlagKey) -> Result<bool, RepositoryError> {
        self.up()?;
        Ok(self.lock().remove(key).is_some())
    }
}
