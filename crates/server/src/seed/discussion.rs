//! The shape of the discussions, drawn with the rest of the plan: how many
//! comments each resource gets, which resources hold the hot threads, and
//! how many reports fall on each resource and on its comments. Only counts
//! per resource are kept: the comments themselves are built resource by
//! resource (`threads.rs`), so memory does not grow with their number.
//!
//! Comments go to the published public and restricted resources, in the
//! popularity ranking of the views and favourites:
//! - the hot threads: the most popular public resources published at least
//!   [`HOT_THREAD_MIN_AGE_MS`] ago get fixed sizes, from twice the asked size
//!   (nearly) down to the asked size, as many as half of the comments allow;
//! - the rest are drawn one by one over the most popular
//!   [`COMMENTED_SHARE`] of the other resources along a power law
//!   (`position = len · u^(1/a)`: a Zipf-like law of exponent `1 − a`),
//!   whose exponent is chosen so that the busiest of them expects
//!   [`TAIL_CAP`] of the hot size: the hot threads stay the busiest.

use std::collections::HashMap;

use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;
use rr_domain::resource::Visibility;

use super::plan::{DAY_MS, Skeleton, power_law};

/// A hot thread's resource was published at least this long before the end.
pub(super) const HOT_THREAD_MIN_AGE_MS: i64 = 30 * DAY_MS;

/// Share of the other commentable resources that get comments at all: the
/// least popular ones get none.
pub(super) const COMMENTED_SHARE: f64 = 0.7;

/// The busiest thread outside the hot ones expects this share of the hot size.
pub(super) const TAIL_CAP: f64 = 0.8;

/// Share of the reports made on a comment when the resource has some.
const ON_COMMENTS: f64 = 0.8;

/// What was asked of the discussions.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ask {
    /// Comments in all.
    pub comments: u64,
    /// Reports in all.
    pub reports: u64,
    /// Hot threads wanted.
    pub hot_threads: usize,
    /// Comments of the smallest hot thread.
    pub hot_size: u32,
    /// Most reports on one item (resource or comment): below the number of
    /// open reports that holds it.
    pub per_target: u32,
}

/// Reports on one resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Reported {
    /// On the resource itself.
    pub resource: u32,
    /// On its comments.
    pub comments: u32,
}

/// The plan of the discussions.
#[derive(Debug)]
pub(super) struct Discussions {
    /// Comments per resource index.
    pub comments: Vec<u32>,
    /// Reports per resource index, for the reported ones.
    pub reports: HashMap<u32, Reported>,
}

/// Why the discussions asked for cannot be drawn.
#[derive(Debug, thiserror::Error)]
pub(super) enum DiscussionError {
    /// Comments but nothing to comment on.
    #[error(
        "cannot place {0} comments: no published public or restricted resource to comment on (ask for --comments 0)"
    )]
    NowhereToComment(u64),
    /// Reports too dense to draw.
    #[error(
        "cannot draw {asked} reports on {resources} published resources and their {comments} comments: ask for fewer (--reports)"
    )]
    TooManyReports {
        asked: u64,
        resources: usize,
        comments: u64,
    },
}

/// The sizes of the hot threads, busiest first: `size · (2k − 1 − i) / k`
/// for the `i`-th of `k`, so the last one gets `size` exactly; as many as
/// wanted, `available` and half of `total` allow.
pub(super) fn hot_sizes(wanted: usize, size: u32, available: usize, total: u64) -> Vec<u32> {
    let sizes = |k: usize| -> Vec<u32> {
        let k64 = k as u64;
        (0..k64)
            .map(|i| {
                let grown = u64::from(size) * (2 * k64 - 1 - i) / k64;
                u32::try_from(grown).unwrap_or(u32::MAX)
            })
            .collect()
    };
    (0..=wanted.min(available))
        .rev()
        .map(sizes)
        .find(|sizes| sizes.iter().map(|&s| u64::from(s)).sum::<u64>() * 2 <= total)
        .unwrap_or_default()
}

/// The exponent `a` of the tail's law such that the busiest of `len`
/// resources expects `cap` of `total` comments (`total · len^(−a) = cap`),
/// between 0.3 (concentrated) and 1 (even).
pub(super) fn tail_exponent(total: u64, len: usize, cap: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let (total, len) = (total as f64, len as f64);
    if len <= 1.0 || total <= cap {
        return 1.0;
    }
    ((total / cap).ln() / len.ln()).clamp(0.3, 1.0)
}

/// Draws the discussions of the resources `skeletons`, ranked by popularity
/// in `ranking` (the published public and restricted ones), at most at `end`.
///
/// # Errors
/// When comments are asked and nothing can take them, or the reports are
/// too dense to draw.
pub(super) fn plan(
    rng: &mut Xoshiro256PlusPlus,
    ask: Ask,
    skeletons: &[Skeleton],
    ranking: &[u32],
    end: i64,
) -> Result<Discussions, DiscussionError> {
    let mut comments = vec![0_u32; skeletons.len()];
    if ask.comments > 0 && ranking.is_empty() {
        return Err(DiscussionError::NowhereToComment(ask.comments));
    }
    let candidates: Vec<u32> = ranking
        .iter()
        .copied()
        .filter(|&index| {
            let skeleton = &skeletons[index as usize];
            skeleton.visibility == Visibility::Public
                && skeleton
                    .published_ms
                    .is_some_and(|at| at <= end - HOT_THREAD_MIN_AGE_MS)
        })
        .take(ask.hot_threads)
        .collect();
    let sizes = hot_sizes(
        ask.hot_threads,
        ask.hot_size,
        candidates.len(),
        ask.comments,
    );
    let hot: Vec<u32> = candidates[..sizes.len()].to_vec();
    for (&index, &size) in hot.iter().zip(&sizes) {
        comments[index as usize] = size;
    }

    let rest: Vec<u32> = ranking
        .iter()
        .copied()
        .filter(|index| !hot.contains(index))
        .collect();
    let remaining = ask.comments - sizes.iter().map(|&s| u64::from(s)).sum::<u64>();
    if remaining > 0 {
        let rest = if rest.is_empty() { &hot[..] } else { &rest[..] };
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let tail =
            &rest[..((rest.len() as f64 * COMMENTED_SHARE).ceil() as usize).clamp(1, rest.len())];
        let exponent = tail_exponent(remaining, tail.len(), f64::from(ask.hot_size) * TAIL_CAP);
        let inverse = 1.0 / exponent;
        #[allow(clippy::cast_precision_loss)]
        let len = tail.len() as f64;
        for _ in 0..remaining {
            let u: f64 = rng.random();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let position = ((u.powf(inverse) * len) as usize).min(tail.len() - 1);
            comments[tail[position] as usize] += 1;
        }
    }
    let reports = reports(rng, ask, ranking, &comments)?;
    Ok(Discussions { comments, reports })
}

/// Spreads `ask.reports` reports over the ranked resources (the popular ones
/// get most) and their comments, at most `ask.per_target` per item.
fn reports(
    rng: &mut Xoshiro256PlusPlus,
    ask: Ask,
    ranking: &[u32],
    comments: &[u32],
) -> Result<HashMap<u32, Reported>, DiscussionError> {
    let mut reported: HashMap<u32, Reported> = HashMap::new();
    if ask.reports == 0 {
        return Ok(reported);
    }
    let commented: u64 = ranking
        .iter()
        .map(|&index| u64::from(comments[index as usize]))
        .sum();
    let refuse = || DiscussionError::TooManyReports {
        asked: ask.reports,
        resources: ranking.len(),
        comments: commented,
    };
    let capacity = u64::from(ask.per_target) * (ranking.len() as u64 + commented);
    if ranking.is_empty() || ask.reports.saturating_mul(4) > capacity {
        return Err(refuse());
    }
    let mut placed = 0_u64;
    let mut attempts = 0_u64;
    while placed < ask.reports {
        attempts += 1;
        if attempts > ask.reports.saturating_mul(50) {
            return Err(refuse());
        }
        let index = ranking[power_law(rng, ranking.len(), 2.0)];
        let on_comments = comments[index as usize];
        let entry = reported.entry(index).or_default();
        if on_comments > 0 && rng.random_bool(ON_COMMENTS) {
            if entry.comments < ask.per_target.saturating_mul(on_comments) {
                entry.comments += 1;
                placed += 1;
            }
        } else if entry.resource < ask.per_target {
            entry.resource += 1;
            placed += 1;
        }
    }
    reported.retain(|_, entry| *entry != Reported::default());
    Ok(reported)
}

/// The `count` busiest threads, busiest first (the lower index on a tie):
/// resource indexes and their comments.
pub(super) fn busiest(comments: &[u32], count: usize) -> Vec<(u32, u32)> {
    let mut threads: Vec<(u32, u32)> = (0_u32..)
        .zip(comments)
        .filter(|&(_, &n)| n > 0)
        .map(|(index, &n)| (index, n))
        .collect();
    threads.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    threads.truncate(count);
    threads
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;
    use crate::seed::plan::State;

    fn skeletons(count: usize) -> Vec<Skeleton> {
        (0..count)
            .map(|index| Skeleton {
                created_ms: index as i64 * DAY_MS,
                author: 0,
                visibility: if index % 4 == 0 {
                    Visibility::Restricted
                } else {
                    Visibility::Public
                },
                state: State::Published,
                published_ms: Some(index as i64 * DAY_MS + 1),
            })
            .collect()
    }

    fn ask(comments: u64, reports: u64) -> Ask {
        Ask {
            comments,
            reports,
            hot_threads: 3,
            hot_size: 200,
            per_target: 2,
        }
    }

    #[test]
    fn hot_threads_take_at_most_half_of_the_comments() {
        assert_eq!(hot_sizes(3, 1_000, 10, 1_000_000), [1_666, 1_333, 1_000]);
        assert_eq!(hot_sizes(10, 1_000, 10, 1_000_000).len(), 10);
        assert_eq!(hot_sizes(10, 1_000, 10, 1_000_000)[9], 1_000);
        assert_eq!(hot_sizes(3, 1_000, 2, 1_000_000), [1_500, 1_000]);
        assert_eq!(hot_sizes(3, 1_000, 10, 5_000), [1_500, 1_000]);
        assert!(hot_sizes(3, 1_000, 10, 1_999).is_empty());
        assert!(hot_sizes(0, 1_000, 10, 1_000_000).is_empty());
    }

    #[test]
    fn the_tail_law_keeps_its_busiest_below_the_cap() {
        let a = tail_exponent(5_000_000, 600_000, 800.0);
        assert!((0.6..0.7).contains(&a), "{a}");
        #[allow(clippy::cast_precision_loss)]
        let busiest = 5_000_000.0 * (600_000.0_f64).powf(-a);
        assert!((busiest - 800.0).abs() < 1.0, "{busiest}");
        assert!((tail_exponent(10, 1_000, 800.0) - 1.0).abs() < f64::EPSILON);
        assert!((tail_exponent(10_000, 1, 800.0) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn comments_add_up_on_ranked_resources_with_hot_threads_on_top() {
        let skeletons = skeletons(2_000);
        // Every other resource is commentable; the first, too young, is ranked first.
        let mut ranking: Vec<u32> = (0..2_000).step_by(2).rev().collect();
        ranking.insert(0, 1_999);
        let end = 2_000 * DAY_MS;
        let plan = plan(
            &mut Xoshiro256PlusPlus::seed_from_u64(1),
            ask(10_000, 0),
            &skeletons,
            &ranking,
            end,
        )
        .unwrap();
        assert_eq!(
            plan.comments.iter().map(|&n| u64::from(n)).sum::<u64>(),
            10_000
        );
        let top = busiest(&plan.comments, 4);
        let hot: Vec<u32> = top.iter().take(3).map(|&(index, _)| index).collect();
        assert_eq!(
            top.iter().take(3).map(|&(_, n)| n).collect::<Vec<_>>(),
            [333, 266, 200]
        );
        assert!(
            top[3].1 < 200,
            "the others stay below the hot threads: {top:?}"
        );
        assert!(!hot.contains(&1_999), "too young to be hot");
        assert!(
            plan.comments[1_999] > 0,
            "but among the busiest of the others"
        );
        assert!(
            plan.comments
                .iter()
                .skip(1)
                .step_by(2)
                .take(999)
                .all(|&n| n == 0)
        );
        for &index in &hot {
            let skeleton = &skeletons[index as usize];
            assert_eq!(skeleton.visibility, Visibility::Public);
            assert!(skeleton.published_ms.unwrap() <= end - HOT_THREAD_MIN_AGE_MS);
        }
        let silent = ranking.iter().filter(|&&i| plan.comments[i as usize] == 0);
        assert!(silent.count() > 200, "the least popular get no comment");
    }

    #[test]
    fn reports_stay_under_the_hold_threshold_per_item() {
        let skeletons = skeletons(500);
        let ranking: Vec<u32> = (0..500).collect();
        let plan = plan(
            &mut Xoshiro256PlusPlus::seed_from_u64(2),
            ask(2_000, 300),
            &skeletons,
            &ranking,
            500 * DAY_MS,
        )
        .unwrap();
        let total: u32 = plan.reports.values().map(|r| r.resource + r.comments).sum();
        assert_eq!(total, 300);
        for (&index, reported) in &plan.reports {
            assert!(reported.resource <= 2);
            assert!(reported.comments <= 2 * plan.comments[index as usize]);
        }
        assert!(plan.reports.values().any(|r| r.comments > 0));
        assert!(plan.reports.values().any(|r| r.resource > 0));
    }

    #[test]
    fn impossible_discussions_are_refused() {
        let skeletons = skeletons(10);
        let err = plan(
            &mut Xoshiro256PlusPlus::seed_from_u64(3),
            ask(5, 0),
            &skeletons,
            &[],
            10 * DAY_MS,
        )
        .unwrap_err();
        assert!(err.to_string().contains("--comments 0"), "{err}");
        let err = plan(
            &mut Xoshiro256PlusPlus::seed_from_u64(3),
            ask(0, 10),
            &skeletons,
            &[0, 1],
            10 * DAY_MS,
        )
        .unwrap_err();
        assert!(err.to_string().contains("--reports"), "{err}");
        let empty = plan(
            &mut Xoshiro256PlusPlus::seed_from_u64(3),
            ask(0, 0),
            &skeletons,
            &[],
            10 * DAY_MS,
        )
        .unwrap();
        assert!(empty.comments.iter().all(|&n| n == 0) && empty.reports.is_empty());
    }
}
