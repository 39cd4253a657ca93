//! The administrators' statistics counted in memory.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rr_domain::identity::{UserId, UserRecord};
use rr_domain::reference::ReferenceId;
use rr_domain::statistics::{Dimension, Measure, Tally};
use time::{Date, OffsetDateTime};

use super::FakeUsers;
use crate::RepositoryError;
use crate::ports::{
    RelationFilter, SplitKey, StatisticsQuery, TallyFilters, TallyRequest, TallyRow,
};

/// Something that happened, as the statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsEvent {
    /// What kind of event.
    pub measure: Measure,
    /// When.
    pub at: OffsetDateTime,
    /// Whose account, if any (a visitor has none).
    pub person: Option<UserId>,
    /// The resource's category (a search's category filter).
    pub category: Option<ReferenceId>,
    /// The resource's type (a search's type filter).
    pub resource_type: Option<ReferenceId>,
    /// The resource's relation types.
    pub relation_types: Vec<ReferenceId>,
}

impl StatisticsEvent {
    /// An event of `measure` at `at` by `person`, on nothing classified.
    #[must_use]
    pub fn new(measure: Measure, at: OffsetDateTime, person: Option<UserId>) -> Self {
        Self {
            measure,
            at,
            person,
            category: None,
            resource_type: None,
            relation_types: Vec::new(),
        }
    }
}

/// [`StatisticsQuery`] over the events it is told of, and the accounts of a
/// [`FakeUsers`] read at query time (objection and region), as the real
/// store reads `users`.
#[derive(Debug)]
pub struct FakeStatisticsQuery {
    users: Arc<FakeUsers>,
    events: Mutex<Vec<StatisticsEvent>>,
    requests: Mutex<Vec<TallyRequest>>,
    aggregated_before: Mutex<Option<Date>>,
}

impl FakeStatisticsQuery {
    /// No events yet; accounts from `users`.
    #[must_use]
    pub fn new(users: Arc<FakeUsers>) -> Self {
        Self {
            users,
            events: Mutex::default(),
            requests: Mutex::default(),
            aggregated_before: Mutex::default(),
        }
    }

    /// Says that the events before `day` were aggregated by the retention
    /// purge (the events told of are still counted as they are).
    pub fn set_aggregated_before(&self, day: Option<Date>) {
        *lock(&self.aggregated_before) = day;
    }

    /// Records an event.
    pub fn record(&self, event: StatisticsEvent) {
        lock(&self.events).push(event);
    }

    /// Every request answered so far, for assertions.
    #[must_use]
    pub fn requests(&self) -> Vec<TallyRequest> {
        lock(&self.requests).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn matches(event: &StatisticsEvent, filters: &TallyFilters, account: Option<&UserRecord>) -> bool {
    let region = account.and_then(|a| a.region);
    filters.category.is_none_or(|c| event.category == Some(c))
        && filters
            .resource_type
            .is_none_or(|t| event.resource_type == Some(t))
        && match filters.relation_type {
            None => true,
            Some(RelationFilter::With(r)) => event.relation_types.contains(&r),
            Some(RelationFilter::Without(r)) => !event.relation_types.contains(&r),
        }
        && filters.region.is_none_or(|r| region == Some(r))
}

fn key(
    event: &StatisticsEvent,
    account: Option<&UserRecord>,
    split: Option<Dimension>,
) -> Option<SplitKey> {
    match split? {
        Dimension::Category => event.category.map(SplitKey::Reference),
        Dimension::ResourceType => event.resource_type.map(SplitKey::Reference),
        Dimension::Region => account.and_then(|a| a.region).map(SplitKey::Region),
        Dimension::RelationType => None,
    }
}

#[derive(Default)]
struct Cell {
    events: u64,
    people: BTreeSet<UserId>,
    visitors: u64,
}

#[async_trait]
impl StatisticsQuery for FakeStatisticsQuery {
    async fn tally(&self, request: &TallyRequest) -> Result<Vec<TallyRow>, RepositoryError> {
        lock(&self.requests).push(*request);
        let accounts: HashMap<UserId, UserRecord> =
            self.users.all().into_iter().map(|u| (u.id, u)).collect();
        let mut cells: BTreeMap<(Date, Option<SplitKey>), Cell> = BTreeMap::new();
        for event in lock(&self.events).iter() {
            let day = event.at.to_offset(time::UtcOffset::UTC).date();
            if event.measure != request.measure || day < request.from || day >= request.to {
                continue;
            }
            let account = event.person.and_then(|p| accounts.get(&p));
            // Objectors and restricted accounts (GDPR Art. 21, 18) are not counted.
            if event.person.is_some()
                && account.is_none_or(|a| a.statistics_objection || a.restricted_since.is_some())
            {
                continue;
            }
            if !matches(event, &request.filters, account) {
                continue;
            }
            let bucket = request.grouping.start_of(day);
            let cell = cells
                .entry((bucket, key(event, account, request.split)))
                .or_default();
            match account {
                Some(account) => {
                    cell.events += 1;
                    cell.people.insert(account.id);
                }
                None => cell.visitors += 1,
            }
        }
        Ok(cells
            .into_iter()
            .map(|((bucket, key), cell)| TallyRow {
                bucket,
                key,
                tally: Tally {
                    events: cell.events,
                    people: u64::try_from(cell.people.len()).unwrap_or(u64::MAX),
                },
                visitor_events: cell.visitors,
            })
            .collect())
    }

    async fn aggregated_before(&self) -> Result<Option<Date>, RepositoryError> {
        Ok(*lock(&self.aggregated_before))
    }
}

#[async_trait]
impl StatisticsQuery for super::UnavailableStore {
    async fn tally(&self, _: &TallyRequest) -> Result<Vec<TallyRow>, RepositoryError> {
        Err(super::unavailable())
    }

    async fn aggregated_before(&self) -> Result<Option<Date>, RepositoryError> {
        Err(super::unavailable())
    }
}
