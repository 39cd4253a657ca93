//! A retention store in memory: what is deleted by age, the inactive
//! accounts (over [`FakeUsers`]), a model of the audit log's oldest entries
//! and of the statistics events, each with handles tests set and read.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use rr_domain::identity::{Role, UserId};
use time::{Date, OffsetDateTime};

use super::{FakeDataExports, FakeNotifications, FakeUsers};
use crate::RepositoryError;
use crate::ports::{AuditPrefix, Expiring, Inactivity, RetentionStore};

/// One entry of the modelled audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAuditEntry {
    /// Its sequence.
    pub sequence: u64,
    /// When it was recorded.
    pub at: OffsetDateTime,
}

/// The activity of one account, as the store keeps it.
#[derive(Debug, Clone, Copy, Default)]
struct Activity {
    last_active_at: Option<OffsetDateTime>,
    warned_at: Option<OffsetDateTime>,
}

#[derive(Debug, Default)]
struct State {
    expiring: Vec<(Expiring, OffsetDateTime)>,
    activity: BTreeMap<UserId, Activity>,
    audit: Vec<ModelAuditEntry>,
    anchor: Option<u64>,
    events: Vec<Date>,
    kept_from: Option<Date>,
}

/// [`RetentionStore`] in memory.
#[derive(Debug)]
pub struct FakeRetentionStore {
    users: Arc<FakeUsers>,
    notifications: Arc<FakeNotifications>,
    exports: Arc<FakeDataExports>,
    state: Mutex<State>,
}

impl FakeRetentionStore {
    /// An empty store over these accounts, notifications and exports.
    #[must_use]
    pub fn new(
        users: Arc<FakeUsers>,
        notifications: Arc<FakeNotifications>,
        exports: Arc<FakeDataExports>,
    ) -> Self {
        Self {
            users,
            notifications,
            exports,
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a row of `what` that expires (or was recorded) `at`.
    pub fn add(&self, what: Expiring, at: OffsetDateTime) {
        self.lock().expiring.push((what, at));
    }

    /// How many rows of `what` are left.
    #[must_use]
    pub fn left(&self, what: Expiring) -> usize {
        self.lock()
            .expiring
            .iter()
            .filter(|(w, _)| *w == what)
            .count()
    }

    /// Records a login or refresh of `user` at `at`.
    pub fn record_activity(&self, user: UserId, at: OffsetDateTime) {
        self.lock().activity.entry(user).or_default().last_active_at = Some(at);
    }

    /// When `user` was last warned.
    #[must_use]
    pub fn warned_at(&self, user: UserId) -> Option<OffsetDateTime> {
        self.lock().activity.get(&user).and_then(|a| a.warned_at)
    }

    /// Appends an entry recorded `at` to the modelled audit log.
    pub fn add_audit_entry(&self, at: OffsetDateTime) {
        let mut state = self.lock();
        let sequence = state.audit.last().map_or(1, |e| e.sequence + 1);
        state.audit.push(ModelAuditEntry { sequence, at });
    }

    /// The modelled audit log, and its anchor once purged.
    #[must_use]
    pub fn audit(&self) -> (Vec<ModelAuditEntry>, Option<u64>) {
        let state = self.lock();
        (state.audit.clone(), state.anchor)
    }

    /// Adds a consultation or search on `day`.
    pub fn add_event(&self, day: Date) {
        self.lock().events.push(day);
    }

    /// The events left, and the first day kept one by one.
    #[must_use]
    pub fn events(&self) -> (Vec<Date>, Option<Date>) {
        let state = self.lock();
        (state.events.clone(), state.kept_from)
    }

    /// Whether `user` is in `stage` now.
    fn is_in(&self, state: &State, user: UserId, stage: Inactivity) -> bool {
        let Some(record) = self.users.all().into_iter().find(|u| u.id == user) else {
            return false;
        };
        if record.role != Role::Citizen || record.restricted_since.is_some() {
            return false;
        }
        let activity = state.activity.get(&user).copied().unwrap_or_default();
        let last = activity.last_active_at.unwrap_or(record.created_at);
        let warned = activity.warned_at.filter(|w| *w >= last);
        match stage {
            Inactivity::ToWarn { inactive_before } => last < inactive_before && warned.is_none(),
            Inactivity::ToErase {
                inactive_before,
                warned_before,
            } => last < inactive_before && warned.is_some_and(|w| w < warned_before),
        }
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[async_trait]
impl RetentionStore for FakeRetentionStore {
    async fn count_expired(
        &self,
        what: Expiring,
        before: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        if what == Expiring::Notifications {
            let all = self.notifications.all();
            return Ok(count(all.iter().filter(|n| n.created_at < before).count()));
        }
        if what == Expiring::ExportRecords {
            let all = self.exports.all();
            return Ok(count(
                all.iter()
                    .filter(|e| {
                        !e.status.is_live() && e.archive.is_none() && e.requested_at < before
                    })
                    .count(),
            ));
        }
        Ok(count(
            self.lock()
                .expiring
                .iter()
                .filter(|(w, at)| *w == what && *at < before)
                .count(),
        ))
    }

    async fn delete_expired(
        &self,
        what: Expiring,
        before: OffsetDateTime,
        limit: u64,
    ) -> Result<u64, RepositoryError> {
        if matches!(what, Expiring::Notifications | Expiring::ExportRecords) {
            return Err(RepositoryError::Internal(
                "deleted by their own use cases".into(),
            ));
        }
        let mut state = self.lock();
        let mut deleted = 0_u64;
        state.expiring.retain(|(w, at)| {
            let goes = *w == what && *at < before && deleted < limit;
            if goes {
                deleted += 1;
            }
            !goes
        });
        Ok(deleted)
    }

    async fn audit_prefix(
        &self,
        before: OffsetDateTime,
    ) -> Result<Option<AuditPrefix>, RepositoryError> {
        let state = self.lock();
        let prefix: Vec<&ModelAuditEntry> =
            state.audit.iter().take_while(|e| e.at < before).collect();
        Ok(prefix.last().map(|last| AuditPrefix {
            through: last.sequence,
            hash: last.sequence.to_be_bytes().to_vec(),
            entries: count(prefix.len()),
        }))
    }

    async fn drop_audit_prefix(
        &self,
        prefix: &AuditPrefix,
        _at: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let mut state = self.lock();
        let before = state.audit.len();
        state.audit.retain(|e| e.sequence > prefix.through);
        state.anchor = Some(prefix.through);
        Ok(count(before - state.audit.len()))
    }

    async fn count_inactive(&self, stage: Inactivity) -> Result<u64, RepositoryError> {
        let state = self.lock();
        Ok(count(
            self.users
                .all()
                .iter()
                .filter(|u| self.is_in(&state, u.id, stage))
                .count(),
        ))
    }

    async fn inactive(
        &self,
        stage: Inactivity,
        after: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let state = self.lock();
        let mut ids: Vec<UserId> = self
            .users
            .all()
            .iter()
            .map(|u| u.id)
            .filter(|id| after.is_none_or(|after| *id > after) && self.is_in(&state, *id, stage))
            .collect();
        ids.sort_unstable();
        ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(ids)
    }

    async fn mark_warned(
        &self,
        user: UserId,
        at: OffsetDateTime,
        inactive_before: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let mut state = self.lock();
        if !self.is_in(&state, user, Inactivity::ToWarn { inactive_before }) {
            return Ok(false);
        }
        state.activity.entry(user).or_default().warned_at = Some(at);
        Ok(true)
    }

    async fn unmark_warned(&self, user: UserId, at: OffsetDateTime) -> Result<(), RepositoryError> {
        let mut state = self.lock();
        if let Some(activity) = state.activity.get_mut(&user)
            && activity.warned_at == Some(at)
        {
            activity.warned_at = None;
        }
        Ok(())
    }

    async fn statistics_events_before(&self, day: Date) -> Result<u64, RepositoryError> {
        Ok(count(
            self.lock().events.iter().filter(|d| **d < day).count(),
        ))
    }

    async fn roll_up_statistics(&self, day: Date) -> Result<u64, RepositoryError> {
        let mut state = self.lock();
        let kept_from = state.kept_from.map_or(day, |kept| kept.max(day));
        state.kept_from = Some(kept_from);
        let before = state.events.len();
        state.events.retain(|d| *d >= kept_from);
        Ok(count(before - state.events.len()))
    }
}
