//! The citizen's dashboard: how many resources are in each list, by category
//! and by resource type, and the lists themselves, page by page.

use std::collections::BTreeMap;

use rr_domain::identity::AuthenticatedActor;
use rr_domain::reference::ReferenceId;

use super::{EngagementService, MAX_PAGE};
use crate::AppError;
use crate::ports::{ProgressCursor, ProgressItem, ProgressList, ProgressTally};

/// How many resources are in each list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// In favourites.
    pub favourites: u64,
    /// Marked exploited.
    pub exploited: u64,
    /// Set aside.
    pub set_aside: u64,
}

impl Counts {
    fn add(&mut self, tally: &ProgressTally) {
        self.favourites = self.favourites.saturating_add(tally.favourites);
        self.exploited = self.exploited.saturating_add(tally.exploited);
        self.set_aside = self.set_aside.saturating_add(tally.set_aside);
    }
}

/// The counts of one category or one resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceCounts {
    /// The category or resource type.
    pub id: ReferenceId,
    /// Its counts.
    pub counts: Counts,
}

/// A page of one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressPage {
    /// Most recently marked first.
    pub items: Vec<ProgressItem>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<ProgressCursor>,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// Counts of each category that has at least one resource in a list, by id.
    pub by_category: Vec<ReferenceCounts>,
    /// Counts of each resource type that has at least one, by id.
    pub by_resource_type: Vec<ReferenceCounts>,
    /// Counts of every resource.
    pub totals: Counts,
    /// The first page of favourites.
    pub favourites: ProgressPage,
    /// The first page of exploited resources.
    pub exploited: ProgressPage,
    /// The first page of resources set aside.
    pub set_aside: ProgressPage,
}

/// Sums tallies by the reference `key` picks, ordered by id.
fn group(
    tallies: &[ProgressTally],
    key: fn(&ProgressTally) -> ReferenceId,
) -> Vec<ReferenceCounts> {
    let mut groups: BTreeMap<ReferenceId, Counts> = BTreeMap::new();
    for tally in tallies {
        groups.entry(key(tally)).or_default().add(tally);
    }
    groups
        .into_iter()
        .map(|(id, counts)| ReferenceCounts { id, counts })
        .collect()
}

impl EngagementService {
    /// The caller's dashboard, with the first `limit` items (1 to
    /// [`MAX_PAGE`]) of each list. Reads are not one snapshot: a change made
    /// meanwhile may show in one part and not yet in another.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn dashboard(
        &self,
        actor: &AuthenticatedActor,
        limit: u64,
    ) -> Result<Dashboard, AppError> {
        let tallies = self.ports.engagement.tallies(actor).await?;
        let mut totals = Counts::default();
        for tally in &tallies {
            totals.add(tally);
        }
        Ok(Dashboard {
            by_category: group(&tallies, |t| t.category),
            by_resource_type: group(&tallies, |t| t.resource_type),
            totals,
            favourites: self
                .list(actor, ProgressList::Favourites, None, limit)
                .await?,
            exploited: self
                .list(actor, ProgressList::Exploited, None, limit)
                .await?,
            set_aside: self
                .list(actor, ProgressList::SetAside, None, limit)
                .await?,
        })
    }

    /// A page of one of the caller's lists: `limit` items (1 to
    /// [`MAX_PAGE`]) after `after`.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn list(
        &self,
        actor: &AuthenticatedActor,
        list: ProgressList,
        after: Option<ProgressCursor>,
        limit: u64,
    ) -> Result<ProgressPage, AppError> {
        let limit = limit.clamp(1, MAX_PAGE);
        // One more than asked tells whether there is a next page.
        let mut items = self
            .ports
            .engagement
            .list(actor, list, after, limit + 1)
            .await?;
        let more = u64::try_from(items.len()).unwrap_or(u64::MAX) > limit;
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = more
            .then(|| items.last().map(ProgressItem::cursor))
            .flatten();
        Ok(ProgressPage { items, next })
    }
}

#[cfg(test)]
mod tests {
    use rr_domain::Uuid;

    use super::*;

    fn id(n: u128) -> ReferenceId {
        ReferenceId::from_uuid(Uuid::from_u128(n))
    }

    fn tally(category: u128, resource_type: u128, counts: [u64; 3]) -> ProgressTally {
        ProgressTally {
            category: id(category),
            resource_type: id(resource_type),
            favourites: counts[0],
            exploited: counts[1],
            set_aside: counts[2],
        }
    }

    #[test]
    fn tallies_are_summed_by_category_and_by_type_in_id_order() {
        let tallies = [
            tally(2, 10, [1, 0, 2]),
            tally(1, 10, [0, 1, 0]),
            tally(2, 11, [3, 1, 0]),
        ];

        let by_category = group(&tallies, |t| t.category);
        let by_type = group(&tallies, |t| t.resource_type);

        let counts = |f, e, s| Counts {
            favourites: f,
            exploited: e,
            set_aside: s,
        };
        assert_eq!(
            by_category,
            [
                ReferenceCounts {
                    id: id(1),
                    counts: counts(0, 1, 0)
                },
                ReferenceCounts {
                    id: id(2),
                    counts: counts(4, 1, 2)
                },
            ]
        );
        assert_eq!(
            by_type,
            [
                ReferenceCounts {
                    id: id(10),
                    counts: counts(1, 1, 2)
                },
                ReferenceCounts {
                    id: id(11),
                    counts: counts(3, 1, 0)
                },
            ]
        );
    }
}
