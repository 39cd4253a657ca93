//! Reports, the moderation log and the queue in memory, keeping the ports'
//! contracts: one report per reporter and content, counts of open reports
//! taken with the filing, decisions that resolve the open reports of their
//! content in the same step, keyset pages in both lists.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use rr_domain::Uuid;
use rr_domain::community::{ContentKind, ContentRef, ReportId, ReportStatus};
use rr_domain::identity::UserId;
use rr_domain::resource::{Lifecycle, ResourceId};
use time::OffsetDateTime;

use super::FakeResources;
use crate::RepositoryError;
use crate::ports::{
    Filed, LoggedModeration, ModerationEntry, ModerationLog, ModerationLogQuery, ModerationQueue,
    QueueEntry, QueueQuery, QueuedReport, ReportRecord, ReportRepository, ResourceRecord,
    ResourceRepository, UserRepository,
};

#[derive(Debug, Default)]
struct State {
    reports: BTreeMap<ReportId, ReportRecord>,
    log: Vec<ModerationEntry>,
}

/// Reports, the moderation log and the queue over the resources of a
/// [`FakeResources`] (the queue's filters read them) and the accounts of a
/// user store (the log names moderators).
pub struct FakeModeration {
    resources: Arc<FakeResources>,
    users: Arc<dyn UserRepository>,
    state: Mutex<State>,
}

impl std::fmt::Debug for FakeModeration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeModeration").finish_non_exhaustive()
    }
}

impl FakeModeration {
    /// Empty stores over these resources and accounts.
    #[must_use]
    pub fn new(resources: Arc<FakeResources>, users: Arc<dyn UserRepository>) -> Self {
        Self {
            resources,
            users,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every report, oldest first.
    #[must_use]
    pub fn reports(&self) -> Vec<ReportRecord> {
        self.lock().reports.values().cloned().collect()
    }

    /// Every entry of the log, oldest first.
    #[must_use]
    pub fn log_entries(&self) -> Vec<ModerationEntry> {
        self.lock().log.clone()
    }
}

fn open_on(state: &State, target: &ContentRef) -> u64 {
    let count = state
        .reports
        .values()
        .filter(|r| r.target == *target && r.status == ReportStatus::Open)
        .count();
    u64::try_from(count).unwrap_or(u64::MAX)
}

#[async_trait]
impl ReportRepository for FakeModeration {
    async fn file(&self, report: &ReportRecord) -> Result<Filed, RepositoryError> {
        let resource = report.target.resource();
        if self.resources.find(resource).await?.is_none()
            || self.users.find(report.reporter).await?.is_none()
        {
            return Err(RepositoryError::Conflict(
                "no such reporter or resource".into(),
            ));
        }
        let mut state = self.lock();
        if state
            .reports
            .values()
            .any(|r| r.reporter == report.reporter && r.target == report.target)
        {
            return Ok(Filed::Duplicate);
        }
        state.reports.insert(report.id, report.clone());
        Ok(Filed::Stored {
            open_reports: open_on(&state, &report.target),
        })
    }

    async fn find(&self, id: ReportId) -> Result<Option<ReportRecord>, RepositoryError> {
        Ok(self.lock().reports.get(&id).cloned())
    }

    async fn dismiss(
        &self,
        id: ReportId,
        by: UserId,
        at: OffsetDateTime,
        note: Option<String>,
    ) -> Result<bool, RepositoryError> {
        let mut state = self.lock();
        let Some(report) = state.reports.get_mut(&id) else {
            return Ok(false);
        };
        let Ok(dismissed) = report.status.dismiss() else {
            return Ok(false);
        };
        report.status = dismissed;
        report.closed_at = Some(at);
        report.closed_by = Some(by);
        report.note = note;
        Ok(true)
    }

    async fn open_count(&self, target: &ContentRef) -> Result<u64, RepositoryError> {
        Ok(open_on(&self.lock(), target))
    }
}

#[async_trait]
impl ModerationLog for FakeModeration {
    async fn record(&self, entry: &ModerationEntry) -> Result<u64, RepositoryError> {
        let mut state = self.lock();
        if entry.action.resolves_reports() {
            for report in state.reports.values_mut() {
                if report.target == entry.target
                    && let Ok(resolved) = report.status.resolve()
                {
                    report.status = resolved;
                    report.closed_at = Some(entry.at);
                    report.closed_by = entry.actor;
                }
            }
        }
        state.log.push(entry.clone());
        Ok(u64::try_from(state.log.len()).unwrap_or(u64::MAX))
    }

    async fn list(
        &self,
        query: &ModerationLogQuery,
    ) -> Result<Vec<LoggedModeration>, RepositoryError> {
        let matching: Vec<(u64, ModerationEntry)> = self
            .lock()
            .log
            .iter()
            .enumerate()
            .rev()
            .map(|(i, entry)| (u64::try_from(i + 1).unwrap_or(u64::MAX), entry.clone()))
            .filter(|(id, e)| {
                query.action.is_none_or(|a| e.action == a)
                    && query.actor.is_none_or(|a| e.actor == Some(a))
                    && query.kind.is_none_or(|k| ContentKind::of(&e.target) == k)
                    && query.from.is_none_or(|from| e.at >= from)
                    && query.before.is_none_or(|before| e.at < before)
                    && query.after.is_none_or(|after| *id < after)
            })
            .take(usize::try_from(query.limit).unwrap_or(usize::MAX))
            .collect();
        let mut logged = Vec::with_capacity(matching.len());
        for (id, entry) in matching {
            let actor_name = match entry.actor {
                Some(actor) => self.users.find(actor).await?.map(|u| u.username),
                None => None,
            };
            logged.push(LoggedModeration {
                id,
                entry,
                actor_name,
            });
        }
        Ok(logged)
    }
}

/// Whether moderators see the resource's content in the queue.
fn moderated(resource: &ResourceRecord) -> bool {
    resource.visibility.needs_review() && resource.state.is_moderated()
}

fn content_id(target: &ContentRef) -> Uuid {
    match target {
        ContentRef::Resource(resource) => resource.as_uuid(),
        ContentRef::Comment { comment, .. } => comment.as_uuid(),
    }
}

#[async_trait]
impl ModerationQueue for FakeModeration {
    async fn page(&self, query: &QueueQuery) -> Result<Vec<QueueEntry>, RepositoryError> {
        let resources: BTreeMap<ResourceId, ResourceRecord> = self
            .resources
            .all()
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let state = self.lock();
        let mut open: BTreeMap<(Uuid, ContentKind), (ContentRef, Vec<QueuedReport>)> =
            BTreeMap::new();
        for report in state.reports.values() {
            if report.status == ReportStatus::Open {
                let key = (content_id(&report.target), ContentKind::of(&report.target));
                open.entry(key)
                    .or_insert_with(|| (report.target, Vec::new()))
                    .1
                    .push(QueuedReport {
                        id: report.id,
                        grounds: report.grounds.clone(),
                        created_at: report.created_at,
                    });
            }
        }
        let mut entries = Vec::new();
        for resource in resources.values() {
            if resource.state == Lifecycle::PendingReview && resource.visibility.needs_review() {
                let target = ContentRef::Resource(resource.id);
                let reports = open
                    .remove(&(resource.id.as_uuid(), ContentKind::Resource))
                    .map(|(_, reports)| reports)
                    .unwrap_or_default();
                entries.push(QueueEntry {
                    target,
                    since: resource.updated_at,
                    reports,
                });
            }
        }
        for (target, mut reports) in open.into_values() {
            if resources.get(&target.resource()).is_some_and(moderated) {
                reports.sort_by_key(|r| (r.created_at, r.id));
                let since = reports.iter().map(|r| r.created_at).min();
                if let Some(since) = since {
                    entries.push(QueueEntry {
                        target,
                        since,
                        reports,
                    });
                }
            }
        }
        let mut entries: Vec<QueueEntry> = entries
            .into_iter()
            .filter(|e| {
                let resource = resources.get(&e.target.resource());
                query.kind.is_none_or(|k| ContentKind::of(&e.target) == k)
                    && query
                        .category
                        .is_none_or(|c| resource.is_some_and(|r| r.category == c))
                    && query
                        .reason
                        .is_none_or(|reason| e.reports.iter().any(|r| r.grounds.reason() == reason))
                    && query.after.is_none_or(|after| {
                        (e.since, content_id(&e.target)) > (after.since, after.id)
                    })
            })
            .collect();
        entries.sort_by_key(|e| (e.since, content_id(&e.target)));
        entries.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        Ok(entries)
    }
}
