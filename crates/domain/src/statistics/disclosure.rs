use std::collections::BTreeSet;

/// What one cell of statistics counts: events of identified accounts and the
/// distinct accounts behind them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Events counted.
    pub events: u64,
    /// Distinct accounts among them.
    pub people: u64,
}

/// The fewest distinct people a published cell may count (small-cell rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinCellPeople(u64);

impl MinCellPeople {
    /// The threshold unless configured otherwise.
    pub const DEFAULT: Self = Self(10);

    /// Lowest threshold accepted: below it the rule protects nobody.
    pub const LOWEST: u64 = 5;

    /// A threshold of `n` people, if at least [`Self::LOWEST`].
    #[must_use]
    pub const fn new(n: u64) -> Option<Self> {
        if n >= Self::LOWEST {
            Some(Self(n))
        } else {
            None
        }
    }

    /// The threshold.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Whether a cell may be published on its own: it counts nobody (an
    /// empty cell reveals nothing about anyone) or at least the threshold.
    #[must_use]
    pub const fn allows(self, tally: Tally) -> bool {
        tally.people == 0 || tally.people >= self.0
    }
}

/// One of the parts a cell (the parent) splits into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<K> {
    /// Which part.
    pub key: K,
    /// What it counts.
    pub tally: Tally,
    /// Whether it may be published at all (`false` for what no query can
    /// ask for, such as events without a region).
    pub publishable: bool,
}

/// The parts of `parent` to withhold so that neither a part nor what the
/// parent holds beyond the published parts reveals fewer than `min` people.
///
/// `parts` are disjoint pieces of the parent, not necessarily all of them:
/// whatever the parent counts outside the published parts (the parts
/// withheld and anything not listed) could be found by subtracting the
/// published parts from the parent. That remainder must be empty or count at
/// least `min` people. Its people are not known exactly (a person may appear
/// in several parts), so a lower bound is used: the most people of one
/// withheld part, or the parent's people less those of the published parts.
/// While the bound is too low, the published part with the fewest people
/// (then events, then key) is withheld too — the usual complementary
/// suppression of official statistics.
///
/// Withheld are: every part that is not publishable, every part that
/// [`MinCellPeople::allows`] refuses, and those complementary parts.
#[must_use]
pub fn withheld<K: Ord + Clone>(
    min: MinCellPeople,
    parent: Tally,
    parts: &[Part<K>],
) -> BTreeSet<K> {
    let mut withheld: BTreeSet<K> = parts
        .iter()
        .filter(|p| !p.publishable || !min.allows(p.tally))
        .map(|p| p.key.clone())
        .collect();
    loop {
        let published = || parts.iter().filter(|p| !withheld.contains(&p.key));
        let events: u64 = published().map(|p| p.tally.events).sum();
        let people: u64 = published().map(|p| p.tally.people).sum();
        if parent.events <= events {
            return withheld;
        }
        let largest_withheld = parts
            .iter()
            .filter(|p| withheld.contains(&p.key))
            .map(|p| p.tally.people)
            .max()
            .unwrap_or(0);
        let remainder_people = largest_withheld.max(parent.people.saturating_sub(people));
        if remainder_people >= min.get() {
            return withheld;
        }
        let Some(smallest) = published()
            .min_by(|a, b| {
                (a.tally.people, a.tally.events, &a.key).cmp(&(
                    b.tally.people,
                    b.tally.events,
                    &b.key,
                ))
            })
            .map(|p| p.key.clone())
        else {
            return withheld;
        };
        withheld.insert(smallest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(events: u64, people: u64) -> Tally {
        Tally { events, people }
    }

    fn part(key: u8, events: u64, people: u64) -> Part<u8> {
        Part {
            key,
            tally: tally(events, people),
            publishable: true,
        }
    }

    const TEN: MinCellPeople = MinCellPeople::DEFAULT;

    #[test]
    fn the_threshold_is_at_least_five_and_empty_cells_are_harmless() {
        assert_eq!(MinCellPeople::new(4), None);
        assert_eq!(MinCellPeople::new(5).map(MinCellPeople::get), Some(5));
        assert!(!TEN.allows(tally(30, 9)));
        assert!(TEN.allows(tally(30, 10)));
        assert!(TEN.allows(tally(0, 0)));
    }

    #[test]
    fn parts_that_add_up_to_the_parent_are_published_when_each_is_large_enough() {
        let parts = [part(1, 50, 20), part(2, 40, 15)];
        assert!(withheld(TEN, tally(90, 35), &parts).is_empty());
    }

    #[test]
    fn a_lone_small_part_takes_the_smallest_other_part_with_it() {
        // Parent minus parts 1 and 2 would give part 3 and its 5 people.
        let parts = [part(1, 100, 50), part(2, 90, 45), part(3, 6, 5)];
        let hidden = withheld(TEN, tally(196, 100), &parts);
        assert_eq!(hidden, BTreeSet::from([2, 3]));
    }

    #[test]
    fn small_parts_that_together_count_enough_people_need_nothing_more() {
        let parts = [part(1, 100, 50), part(2, 9, 9), part(3, 8, 8)];
        // The remainder (parts 2 and 3) has at least 100 - 50 = 50 people.
        assert_eq!(
            withheld(TEN, tally(117, 100), &parts),
            BTreeSet::from([2, 3])
        );
    }

    #[test]
    fn what_no_part_lists_is_part_of_the_remainder() {
        // The parent holds 3 people no part lists (say, without a region).
        let parts = [part(1, 100, 50), part(2, 60, 30)];
        assert_eq!(withheld(TEN, tally(163, 83), &parts), BTreeSet::from([2]));
        let hidden = Part {
            key: 9,
            tally: tally(3, 3),
            publishable: false,
        };
        assert_eq!(
            withheld(
                TEN,
                tally(163, 83),
                &[part(1, 100, 50), part(2, 60, 30), hidden]
            ),
            BTreeSet::from([2, 9])
        );
    }

    #[test]
    fn a_parent_fully_covered_by_published_parts_withholds_nothing_more() {
        let parts = [part(1, 100, 50), part(2, 0, 0)];
        assert!(withheld(TEN, tally(100, 50), &parts).is_empty());
    }

    #[test]
    fn when_everything_is_too_small_everything_is_withheld() {
        let parts = [part(1, 12, 11), part(2, 2, 2)];
        assert_eq!(withheld(TEN, tally(14, 12), &parts), BTreeSet::from([1, 2]));
    }
}
