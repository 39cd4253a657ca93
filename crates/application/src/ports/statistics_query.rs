use async_trait::async_trait;
use rr_domain::identity::Region;
use rr_domain::reference::ReferenceId;
use rr_domain::statistics::{Dimension, Grouping, Measure, Tally};
use time::Date;

use crate::RepositoryError;

/// How a tally is narrowed by relation type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationFilter {
    /// Events on resources that have this relation type.
    With(ReferenceId),
    /// Events on resources that do not have it.
    Without(ReferenceId),
}

/// What a tally counts: each filter given narrows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TallyFilters {
    /// The resource's category (for searches, the category filter used).
    pub category: Option<ReferenceId>,
    /// The resource's type (for searches, the type filter used).
    pub resource_type: Option<ReferenceId>,
    /// The resource's relation types.
    pub relation_type: Option<RelationFilter>,
    /// The region on the person's profile: events without an account (or
    /// without a region) are left out.
    pub region: Option<Region>,
}

/// One count asked of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TallyRequest {
    /// What to count.
    pub measure: Measure,
    /// How to cut time (UTC).
    pub grouping: Grouping,
    /// First day counted; the first day of a bucket.
    pub from: Date,
    /// First day not counted; the first day of a bucket.
    pub to: Date,
    /// Narrowing; only filters the measure accepts are given.
    pub filters: TallyFilters,
    /// Count each value of this dimension apart (a partition: category,
    /// resource type or region), besides the bucket.
    pub split: Option<Dimension>,
}

/// The value of a split dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SplitKey {
    /// A category or a resource type.
    Reference(ReferenceId),
    /// A region.
    Region(Region),
}

/// What one bucket (and split value) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyRow {
    /// First day of the bucket.
    pub bucket: Date,
    /// The split value; `None` for events without one (no region on the
    /// profile or no account; a search without a category filter), and
    /// always `None` without a split.
    pub key: Option<SplitKey>,
    /// Events of identified accounts and the distinct accounts behind them.
    pub tally: Tally,
    /// Events without an account (visitors' consultations and searches).
    pub visitor_events: u64,
}

/// Counts for the administrators' statistics, computed by the store.
///
/// Implementations MUST count an event only within `[from, to)` (UTC) and in
/// the bucket of its instant; MUST count in `tally` only events of accounts
/// that exist and have not objected to statistics *now*
/// (`statistics_objection`), whatever they had chosen when the event was
/// recorded; MUST count in `visitor_events` only events recorded without an
/// account (a region filter leaves them all out); MUST give `people` as the
/// number of distinct accounts. They return one row per bucket (and split
/// value) that counts at least one event, in no particular order.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait StatisticsQuery: Send + Sync {
    /// Counts what `request` asks for.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn tally(&self, request: &TallyRequest) -> Result<Vec<TallyRow>, RepositoryError>;

    /// The first day whose consultations and searches are still kept one by
    /// one, once the retention purge has aggregated older ones (ADR 0025);
    /// `None` before. Buckets of those measures starting before it are
    /// counted from the aggregates the purge wrote, as they were then: who
    /// objected to statistics later is still counted there, and no relation
    /// type is kept, so a tally of them with a relation type filter MUST
    /// fail with [`RepositoryError::Internal`].
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn aggregated_before(&self) -> Result<Option<Date>, RepositoryError>;
}
