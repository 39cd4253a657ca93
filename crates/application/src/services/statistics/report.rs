//! The statistics query: checks, counts, and the disclosure rules.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::try_join_all;
use rr_domain::identity::{AuthenticatedActor, Role};
use rr_domain::statistics::{Dimension, Grouping, Measure, Part, Period, Tally, withheld};
use time::Date;

use super::{
    AppliedFilters, StatisticsFilters, StatisticsReport, StatisticsRequest, StatisticsRow,
    StatisticsService,
};
use crate::ports::{AuditEvent, RelationFilter, SplitKey, TallyFilters, TallyRequest, TallyRow};
use crate::{AppError, FieldViolation};

/// What one bucket of the main tally holds.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    tally: Tally,
    visitors: u64,
}

/// The filter parameters' names, as the API spells them.
const fn field(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Category => "category",
        Dimension::ResourceType => "resourceType",
        Dimension::RelationType => "relationType",
        Dimension::Region => "region",
    }
}

/// In French, for messages.
const fn measure_name(measure: Measure) -> &'static str {
    match measure {
        Measure::Consultations => "Les consultations",
        Measure::Searches => "Les recherches",
        Measure::Exploitations => "Les exploitations",
        Measure::Favourites => "Les favoris",
        Measure::Creations => "Les créations",
        Measure::Registrations => "Les inscriptions",
    }
}

const fn dimension_name(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Category => "catégorie",
        Dimension::ResourceType => "type de ressource",
        Dimension::RelationType => "type de relation",
        Dimension::Region => "région",
    }
}

fn given(filters: &StatisticsFilters) -> Vec<Dimension> {
    [
        (Dimension::Category, filters.category.is_some()),
        (Dimension::ResourceType, filters.resource_type.is_some()),
        (Dimension::RelationType, filters.relation_type.is_some()),
        (Dimension::Region, filters.region.is_some()),
    ]
    .into_iter()
    .filter_map(|(dimension, set)| set.then_some(dimension))
    .collect()
}

fn tally_filters(filters: &StatisticsFilters) -> TallyFilters {
    TallyFilters {
        category: filters.category,
        resource_type: filters.resource_type,
        relation_type: filters.relation_type.map(RelationFilter::With),
        region: filters.region,
    }
}

/// `filters` without `dimension`.
fn without(mut filters: TallyFilters, dimension: Dimension) -> TallyFilters {
    match dimension {
        Dimension::Category => filters.category = None,
        Dimension::ResourceType => filters.resource_type = None,
        Dimension::RelationType => filters.relation_type = None,
        Dimension::Region => filters.region = None,
    }
    filters
}

/// The value `filters` asks of a partition `dimension`.
fn asked(filters: &TallyFilters, dimension: Dimension) -> Option<SplitKey> {
    match dimension {
        Dimension::Category => filters.category.map(SplitKey::Reference),
        Dimension::ResourceType => filters.resource_type.map(SplitKey::Reference),
        Dimension::Region => filters.region.map(SplitKey::Region),
        Dimension::RelationType => None,
    }
}

/// Every subset of `items`, the empty one included.
fn subsets<T: Copy>(items: &[T]) -> Vec<Vec<T>> {
    let mut all = vec![Vec::new()];
    for item in items {
        let with: Vec<Vec<T>> = all
            .iter()
            .map(|subset| {
                let mut subset = subset.clone();
                subset.push(*item);
                subset
            })
            .collect();
        all.extend(with);
    }
    all
}

/// The rows of a tally without split (one per bucket), by bucket.
fn by_bucket(rows: Vec<TallyRow>) -> BTreeMap<Date, Cell> {
    let mut cells = BTreeMap::<Date, Cell>::new();
    for row in rows {
        let cell = cells.entry(row.bucket).or_default();
        cell.tally.events += row.tally.events;
        cell.tally.people += row.tally.people;
        cell.visitors += row.visitor_events;
    }
    cells
}

/// Whether the retention purge aggregates the events of `measure` once they
/// are old (ADR 0025): consultations and searches, the event logs.
const fn aggregated_by_retention(measure: Measure) -> bool {
    matches!(measure, Measure::Consultations | Measure::Searches)
}

fn tally_at(cells: &BTreeMap<Date, Cell>, bucket: Date) -> Tally {
    cells.get(&bucket).map(|c| c.tally).unwrap_or_default()
}

impl StatisticsService {
    /// Counts `request.measures` over `request.period`, one row per bucket
    /// and measure, and withholds what would describe too few people.
    ///
    /// Disclosure rules (ADR 0018), with `k` the policy's `min_cell_people`:
    /// 1. a cell counting between 1 and `k - 1` distinct people is withheld
    ///    (its events and its people);
    /// 2. no total is published: a report has no sum over buckets, measures
    ///    or filter values, and a bucket always counts the same events
    ///    whatever period it was asked within ([`Period`] widens to whole
    ///    buckets);
    /// 3. a cell is also withheld when the API publishes a larger cell it is
    ///    part of, from which subtracting the published parts would reveal a
    ///    group of 1 to `k - 1` people ([`withheld`]): the bucket without one
    ///    of the filters (split by that filter's values when they are
    ///    disjoint: category, resource type, region; against the resources
    ///    without the relation type otherwise), and, for days, the ISO week
    ///    and the month that hold the day; against every other larger cell
    ///    (without several filters, or coarser and without filters), when
    ///    subtracting the cell alone would leave fewer than `k` people more.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `forbidden` below administrator,
    /// `two_factor_required` for an administrator without it;
    /// [`AppError::Invalid`] `unknown_category`, `unknown_resource_type`,
    /// `unknown_relation_type` for an id that names nothing, and
    /// `filter_not_applicable` when a measure asked for cannot be narrowed
    /// by a filter given (searches by relation type, registrations by
    /// anything but region), `no_measure` for an empty list of measures,
    /// `relation_type_not_kept` for a relation type over consultations the
    /// retention purge already aggregated; [`AppError::Unavailable`] when
    /// the store is.
    pub async fn report(
        &self,
        actor: &AuthenticatedActor,
        request: StatisticsRequest,
    ) -> Result<StatisticsReport, AppError> {
        if !actor.may_act_as(Role::Administrator) {
            return Err(if actor.role >= Role::Administrator {
                AppError::Forbidden("two_factor_required")
            } else {
                AppError::Forbidden("forbidden")
            });
        }
        let mut violations = Vec::new();
        let applied = self.resolve(&request.filters, &mut violations).await?;
        let dimensions = given(&request.filters);
        let measures = match &request.measures {
            None => Measure::ALL
                .into_iter()
                .filter(|m| dimensions.iter().all(|d| m.accepts(*d)))
                .collect(),
            Some(asked) => {
                for measure in Measure::ALL.into_iter().filter(|m| asked.contains(m)) {
                    for dimension in dimensions.iter().filter(|d| !measure.accepts(**d)) {
                        violations.push(FieldViolation::new(
                            field(*dimension),
                            "filter_not_applicable",
                            format!(
                                "{} ne se filtrent pas par {}.",
                                measure_name(measure),
                                dimension_name(*dimension)
                            ),
                        ));
                    }
                }
                Measure::ALL
                    .into_iter()
                    .filter(|m| asked.contains(m))
                    .collect::<Vec<_>>()
            }
        };
        if !violations.is_empty() {
            return Err(AppError::Invalid(violations));
        }
        if measures.is_empty() {
            return Err(AppError::invalid(
                "measures",
                "no_measure",
                "Choisissez au moins une mesure.",
            ));
        }
        if request.filters.relation_type.is_some()
            && measures.iter().copied().any(aggregated_by_retention)
        {
            self.check_relation_types_kept(&request.period).await?;
        }

        let filters = tally_filters(&request.filters);
        let period = request.period;
        let per_measure = try_join_all(
            measures
                .iter()
                .map(|&measure| self.measure_rows(measure, period, filters)),
        )
        .await?;
        let mut rows: Vec<StatisticsRow> = per_measure.into_iter().flatten().collect();
        rows.sort_by_key(|row| (row.bucket, row.measure));

        self.audit(actor, &measures, &period, &request.filters)
            .await?;
        Ok(StatisticsReport {
            period,
            min_cell_people: self.policy.min_cell_people.get(),
            filters: applied,
            measures,
            rows,
        })
    }

    /// Refuses a relation type filter over days whose consultations were
    /// aggregated by the retention purge, which keeps no relation type
    /// (ADR 0025): every bucket the report counts (for days, their whole
    /// weeks and months too) must start on or after the first day kept.
    async fn check_relation_types_kept(&self, period: &Period) -> Result<(), AppError> {
        let Some(kept_from) = self.ports.query.aggregated_before().await? else {
            return Ok(());
        };
        let earliest = if period.grouping() == Grouping::Day {
            let (month, _) = period.enclosed_in(Grouping::Month);
            let (week, _) = period.enclosed_in(Grouping::Week);
            month.min(week)
        } else {
            period.from()
        };
        if earliest >= kept_from {
            return Ok(());
        }
        let first = match period.grouping() {
            Grouping::Month => kept_from,
            Grouping::Day | Grouping::Week => {
                let monday = Grouping::Week.start_of(kept_from);
                if monday == kept_from {
                    monday
                } else {
                    Grouping::Week.next(monday)
                }
            }
        };
        Err(AppError::invalid(
            "relationType",
            "relation_type_not_kept",
            format!(
                "Les consultations antérieures au {kept_from} ne sont plus conservées \
                 qu'en chiffres agrégés, sans type de relation : commencez la période le \
                 {first} ou après, ou retirez ce filtre."
            ),
        ))
    }

    /// The reference data the filters name; an unknown id is a violation.
    async fn resolve(
        &self,
        filters: &StatisticsFilters,
        violations: &mut Vec<FieldViolation>,
    ) -> Result<AppliedFilters, AppError> {
        let reference = &self.ports.reference_data;
        let mut applied = AppliedFilters {
            region: filters.region,
            ..AppliedFilters::default()
        };
        if let Some(id) = filters.category {
            applied.category = reference
                .list_categories()
                .await?
                .into_iter()
                .find(|c| c.id == id);
            if applied.category.is_none() {
                violations.push(FieldViolation::new(
                    "category",
                    "unknown_category",
                    "Aucune catégorie n'a cet identifiant.",
                ));
            }
        }
        if let Some(id) = filters.resource_type {
            applied.resource_type = reference
                .list_resource_types()
                .await?
                .into_iter()
                .find(|t| t.id == id);
            if applied.resource_type.is_none() {
                violations.push(FieldViolation::new(
                    "resourceType",
                    "unknown_resource_type",
                    "Aucun type de ressource n'a cet identifiant.",
                ));
            }
        }
        if let Some(id) = filters.relation_type {
            applied.relation_type = reference
                .list_relation_types()
                .await?
                .into_iter()
                .find(|t| t.id == id);
            if applied.relation_type.is_none() {
                violations.push(FieldViolation::new(
                    "relationType",
                    "unknown_relation_type",
                    "Aucun type de relation n'a cet identifiant.",
                ));
            }
        }
        Ok(applied)
    }

    async fn audit(
        &self,
        actor: &AuthenticatedActor,
        measures: &[Measure],
        period: &Period,
        filters: &StatisticsFilters,
    ) -> Result<(), AppError> {
        let mut detail = format!(
            "measures={} from={} to={} group_by={}",
            measures
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(","),
            period.from(),
            period.to(),
            period.grouping().as_str(),
        );
        for (name, id) in [
            ("category", filters.category),
            ("resource_type", filters.resource_type),
            ("relation_type", filters.relation_type),
        ] {
            if let Some(id) = id {
                detail.push_str(&format!(" {name}={}", id.as_uuid()));
            }
        }
        if let Some(region) = filters.region {
            detail.push_str(&format!(" region={}", region.code()));
        }
        self.ports
            .audit
            .append(
                AuditEvent {
                    action: "statistics_queried",
                    actor: Some(actor.user_id),
                    subject: None,
                    detail,
                },
                self.ports.clock.now(),
            )
            .await
            .map_err(AppError::from)
    }

    async fn tally(
        &self,
        measure: Measure,
        grouping: Grouping,
        (from, to): (Date, Date),
        filters: TallyFilters,
        split: Option<Dimension>,
    ) -> Result<Vec<TallyRow>, AppError> {
        Ok(self
            .ports
            .query
            .tally(&TallyRequest {
                measure,
                grouping,
                from,
                to,
                filters,
                split,
            })
            .await?)
    }

    /// The rows of one measure, disclosure rules applied.
    async fn measure_rows(
        &self,
        measure: Measure,
        period: Period,
        filters: TallyFilters,
    ) -> Result<Vec<StatisticsRow>, AppError> {
        let grouping = period.grouping();
        let min = self.policy.min_cell_people;
        let dates = (period.from(), period.to());
        // Days are counted over the whole weeks and months around the
        // period: a day's siblings in them decide whether it is published.
        let counted = if grouping == Grouping::Day {
            let (month_from, month_to) = period.enclosed_in(Grouping::Month);
            let (week_from, week_to) = period.enclosed_in(Grouping::Week);
            (month_from.min(week_from), month_to.max(week_to))
        } else {
            dates
        };
        let main = by_bucket(
            self.tally(measure, grouping, counted, filters, None)
                .await?,
        );
        let buckets = period.buckets();

        // Rule 1: too few people.
        let mut hidden: BTreeSet<Date> = buckets
            .iter()
            .copied()
            .filter(|b| !min.allows(tally_at(&main, *b)))
            .collect();

        // Rule 3, time: a day within its week and its month. The days of a
        // week or a month add up to it exactly, so only the weeks and months
        // holding a day that rule 1 withholds can reveal anything: the
        // others are not counted.
        if grouping == Grouping::Day {
            let small: Vec<Date> = main
                .iter()
                .filter(|(_, cell)| !min.allows(cell.tally))
                .map(|(day, _)| *day)
                .collect();
            for coarse in [Grouping::Week, Grouping::Month] {
                let (Some(first), Some(last)) = (small.first(), small.last()) else {
                    break;
                };
                let range = (coarse.start_of(*first), coarse.next(*last));
                let parents = by_bucket(self.tally(measure, coarse, range, filters, None).await?);
                for (start, parent) in parents {
                    let end = coarse.next(start);
                    let days: Vec<Part<Date>> = main
                        .range(start..end)
                        .map(|(day, cell)| Part {
                            key: *day,
                            tally: cell.tally,
                            publishable: true,
                        })
                        .collect();
                    hidden.extend(withheld(min, parent.tally, &days));
                }
            }
        }

        // Rule 3, filters: the cell within the bucket without that filter.
        for dimension in Dimension::ALL {
            let Some(key) = asked(&filters, dimension) else {
                continue;
            };
            let broader = without(filters, dimension);
            let parents = by_bucket(self.tally(measure, grouping, dates, broader, None).await?);
            let mut parts: BTreeMap<Date, Vec<Part<Option<SplitKey>>>> = BTreeMap::new();
            for row in self
                .tally(measure, grouping, dates, broader, Some(dimension))
                .await?
            {
                parts.entry(row.bucket).or_default().push(Part {
                    key: row.key,
                    tally: row.tally,
                    publishable: row.key.is_some(),
                });
            }
            for bucket in &buckets {
                let parts = parts.remove(bucket).unwrap_or_default();
                if withheld(min, tally_at(&parents, *bucket), &parts).contains(&Some(key)) {
                    hidden.insert(*bucket);
                }
            }
        }
        if let Some(RelationFilter::With(relation)) = filters.relation_type {
            let broader = without(filters, Dimension::RelationType);
            let parents = by_bucket(self.tally(measure, grouping, dates, broader, None).await?);
            let lacking = TallyFilters {
                relation_type: Some(RelationFilter::Without(relation)),
                ..broader
            };
            let others = by_bucket(self.tally(measure, grouping, dates, lacking, None).await?);
            for bucket in &buckets {
                let parts = [
                    Part {
                        key: true,
                        tally: tally_at(&main, *bucket),
                        publishable: true,
                    },
                    Part {
                        key: false,
                        tally: tally_at(&others, *bucket),
                        publishable: false,
                    },
                ];
                if withheld(min, tally_at(&parents, *bucket), &parts).contains(&true) {
                    hidden.insert(*bucket);
                }
            }
        }

        // Rule 3, any other larger cell published: the same or a coarser
        // bucket without several of the filters, or a coarser bucket without
        // one. Single subtraction only, so a lower bound of its people is
        // enough: the cell is withheld unless the larger one holds nothing
        // more, or at least `k` more people.
        let dimensions: Vec<Dimension> = Dimension::ALL
            .into_iter()
            .filter(|d| without(filters, *d) != filters)
            .collect();
        let coarser: &[Grouping] = if grouping == Grouping::Day {
            &[Grouping::Day, Grouping::Week, Grouping::Month]
        } else {
            &[grouping]
        };
        for &coarse in coarser {
            for dropped in subsets(&dimensions) {
                // Covered by the families above.
                let covered = if coarse == grouping {
                    dropped.len() <= 1
                } else {
                    dropped.is_empty()
                };
                if covered {
                    continue;
                }
                let broader = dropped.iter().fold(filters, |f, d| without(f, *d));
                let range = period.enclosed_in(coarse);
                let larger = by_bucket(self.tally(measure, coarse, range, broader, None).await?);
                for bucket in &buckets {
                    let cell = tally_at(&main, *bucket);
                    let whole = tally_at(&larger, coarse.start_of(*bucket));
                    if whole.events > cell.events
                        && whole.people.saturating_sub(cell.people) < min.get()
                    {
                        hidden.insert(*bucket);
                    }
                }
            }
        }

        let visitors = measure.has_visitors() && filters.region.is_none();
        Ok(buckets
            .into_iter()
            .map(|bucket| StatisticsRow {
                bucket,
                measure,
                figures: (!hidden.contains(&bucket)).then(|| tally_at(&main, bucket)),
                visitor_events: visitors.then(|| main.get(&bucket).map_or(0, |cell| cell.visitors)),
            })
            .collect())
    }
}
