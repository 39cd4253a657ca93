//! Statistics for administrators (issue 5 point 6, ADR 0018): consultations,
//! searches, exploitations, favourites, creations and registrations, by day,
//! ISO week or month, narrowed by category, resource type, relation type and
//! the region on the citizen's profile.
//!
//! Privacy by design: the store counts only citizens who have not objected
//! to statistics (at query time); a figure describing fewer than
//! [`StatisticsPolicy::min_cell_people`] distinct people is withheld, and so
//! is any figure that, subtracted from a larger one the API also publishes,
//! would reveal such a group (see [`report`](StatisticsService::report)).
//! Reports hold numbers, dates and reference data labels only. Administrators
//! (and super-administrators) with two-factor authentication only; every
//! query is written to the audit log.

mod commands;
mod report;

pub use commands::{
    AppliedFilters, StatisticsFilters, StatisticsReport, StatisticsRequest, StatisticsRow,
};

use std::sync::Arc;

use rr_domain::statistics::MinCellPeople;

use crate::ports::{AuditLog, Clock, ReferenceDataRepository, StatisticsQuery};

/// The ports the statistics use case needs.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct StatisticsPorts {
    /// The counts.
    pub query: Arc<dyn StatisticsQuery>,
    /// Categories, relation types and resource types, to check filters.
    pub reference_data: Arc<dyn ReferenceDataRepository>,
    /// Where each query is recorded.
    pub audit: Arc<dyn AuditLog>,
    /// Time of the audit entries.
    pub clock: Arc<dyn Clock>,
}

/// Settings of the statistics (`[statistics]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatisticsPolicy {
    /// Fewest distinct people a published figure may describe.
    pub min_cell_people: MinCellPeople,
}

impl Default for StatisticsPolicy {
    fn default() -> Self {
        Self {
            min_cell_people: MinCellPeople::DEFAULT,
        }
    }
}

/// The administrators' statistics.
#[derive(Clone)]
pub struct StatisticsService {
    ports: StatisticsPorts,
    policy: StatisticsPolicy,
}

impl std::fmt::Debug for StatisticsService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatisticsService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl StatisticsService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: StatisticsPorts, policy: StatisticsPolicy) -> Self {
        Self { ports, policy }
    }
}
