//! The snapshot of the flags every request is answered from, and its
//! refreshes.
//!
//! Every refresh takes a ticket before it reads the store, and a snapshot
//! replaces the one in place only if its ticket is newer. A change made
//! through this process patches the snapshot with a ticket taken once the
//! change is stored: a refresh that began reading before the change (and
//! might not see it) holds an older ticket and cannot undo the patch when
//! it ends; one that began after reads the change anyway.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use rr_domain::features::{Audience, FeatureFlag, FlagKey};

use super::FeatureFlagService;
use crate::AppError;

/// Every flag, on or off for one audience, by key.
pub type FlagStates = BTreeMap<FlagKey, bool>;

/// The flags in place, and the ticket of the read or change they come from.
#[derive(Debug, Default)]
struct Installed {
    ticket: u64,
    flags: Arc<[FeatureFlag]>,
}

/// The flags the requests of this process are answered from.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    tickets: AtomicU64,
    installed: RwLock<Installed>,
}

impl Snapshot {
    /// A ticket newer than every one given before.
    fn ticket(&self) -> u64 {
        self.tickets.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// The flags in place.
    fn flags(&self) -> Arc<[FeatureFlag]> {
        self.installed
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .flags
            .clone()
    }

    /// Puts `flags`, read under `ticket`, in place unless newer ones are.
    fn install(&self, ticket: u64, flags: Vec<FeatureFlag>) -> bool {
        let mut installed = self
            .installed
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if ticket <= installed.ticket {
            return false;
        }
        *installed = Installed {
            ticket,
            flags: flags.into(),
        };
        true
    }

    /// Applies a change stored just now: `flag` replaces the flag of its
    /// key, or the flag `key` leaves when `flag` is `None`. Skipped when
    /// the flags in place were read after the change.
    fn patch(&self, key: &FlagKey, flag: Option<FeatureFlag>) {
        let ticket = self.ticket();
        let mut installed = self
            .installed
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if ticket <= installed.ticket {
            return;
        }
        let mut flags: Vec<FeatureFlag> = installed
            .flags
            .iter()
            .filter(|f| f.key != *key)
            .cloned()
            .collect();
        flags.extend(flag);
        flags.sort_by(|a, b| a.key.cmp(&b.key));
        *installed = Installed {
            ticket,
            flags: flags.into(),
        };
    }
}

impl FeatureFlagService {
    /// Reads every flag from the store into this process's snapshot; the
    /// server calls it at start-up and then every `features.refresh_secs`.
    /// Returns how many flags there are.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the store cannot be reached: the
    /// flags read last stay in place.
    pub async fn refresh(&self) -> Result<usize, AppError> {
        let ticket = self.snapshot.ticket();
        let flags = self.ports.flags.list().await?;
        let count = flags.len();
        self.snapshot.install(ticket, flags);
        Ok(count)
    }

    /// Every flag of the snapshot, on or off for `audience`. No store is
    /// asked: until the first refresh there is no flag, and a flag the
    /// client does not find is off.
    #[must_use]
    pub fn states_for(&self, audience: &Audience) -> FlagStates {
        self.snapshot
            .flags()
            .iter()
            .map(|flag| (flag.key.clone(), flag.is_on_for(audience)))
            .collect()
    }

    /// Whether the flag `key` is on for `audience`, for use cases that
    /// switch behaviour on the server; an unknown flag is off.
    #[must_use]
    pub fn is_on(&self, key: &FlagKey, audience: &Audience) -> bool {
        self.snapshot
            .flags()
            .iter()
            .find(|flag| flag.key == *key)
            .is_some_and(|flag| flag.is_on_for(audience))
    }

    /// Puts a change stored through this process in the snapshot at once.
    pub(super) fn apply(&self, key: &FlagKey, flag: Option<FeatureFlag>) {
        self.snapshot.patch(key, flag);
    }
}
