//! What a statistics query asks for and what it answers.

use rr_domain::identity::Region;
use rr_domain::reference::{Category, ReferenceId, RelationType, ResourceType};
use rr_domain::statistics::{Measure, Period, Tally};
use time::Date;

/// Narrowing asked for, by reference data id (checked by the use case).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatisticsFilters {
    /// A category.
    pub category: Option<ReferenceId>,
    /// A resource type.
    pub resource_type: Option<ReferenceId>,
    /// A relation type.
    pub relation_type: Option<ReferenceId>,
    /// A region of the people counted.
    pub region: Option<Region>,
}

/// A statistics query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsRequest {
    /// What to count; `None` counts every measure the filters apply to.
    /// Given explicitly, each must accept every filter.
    pub measures: Option<Vec<Measure>>,
    /// Dates and grouping (whole buckets).
    pub period: Period,
    /// Narrowing.
    pub filters: StatisticsFilters,
}

/// The filters as applied, with their reference data (labels for the
/// report's readers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedFilters {
    /// The category.
    pub category: Option<Category>,
    /// The resource type.
    pub resource_type: Option<ResourceType>,
    /// The relation type.
    pub relation_type: Option<RelationType>,
    /// The region.
    pub region: Option<Region>,
}

/// One cell: one measure in one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatisticsRow {
    /// First day of the bucket.
    pub bucket: Date,
    /// What is counted.
    pub measure: Measure,
    /// Events of identified citizens and the distinct citizens behind them;
    /// `None` when withheld by the disclosure rules (ADR 0018).
    pub figures: Option<Tally>,
    /// Visitors' events (no account, so no person): for consultations and
    /// searches without a region filter, `None` otherwise.
    pub visitor_events: Option<u64>,
}

impl StatisticsRow {
    /// Whether the figures are withheld.
    #[must_use]
    pub const fn suppressed(&self) -> bool {
        self.figures.is_none()
    }
}

/// The answer to a statistics query: numbers and dates, and the labels of
/// the filters applied; no text of anyone, no identifier of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsReport {
    /// The period covered (whole buckets).
    pub period: Period,
    /// Fewest distinct people a published cell counts.
    pub min_cell_people: u64,
    /// The filters applied.
    pub filters: AppliedFilters,
    /// The measures counted, in [`Measure::ALL`] order.
    pub measures: Vec<Measure>,
    /// One row per bucket and measure, by bucket then measure.
    pub rows: Vec<StatisticsRow>,
}
