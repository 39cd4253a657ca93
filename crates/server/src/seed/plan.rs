//! The shape of a data set, decided before any text is written: when each
//! account and resource was created, who wrote what, in which state, and
//! which resources are popular (favourites and views).
//!
//! Everything is indexed: account `i` is the `i`-th created, resource `j`
//! the `j`-th. Instants are whole milliseconds, strictly increasing, so that
//! the time-ordered ids (UUIDv7) follow the indexes.

use std::collections::HashSet;

use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::SliceRandom as _;
use rr_domain::resource::Visibility;

/// One day, in milliseconds.
pub(super) const DAY_MS: i64 = 24 * 3600 * 1000;

/// One consultation event is written for this many counted views.
pub(super) const VIEWS_PER_EVENT: u64 = 20;

/// `count` instants in `[start, end)`, strictly increasing, denser towards
/// the end (the platform grows): the `i`-th falls at the `(i/count)^(2/3)`
/// fraction of the span, with jitter; the first one at `start`.
pub(super) fn growing_instants(
    rng: &mut Xoshiro256PlusPlus,
    count: usize,
    start: i64,
    end: i64,
) -> Vec<i64> {
    #[allow(clippy::cast_precision_loss)] // spans of milliseconds and counts stay far below 2^52
    let (span, total) = ((end - start) as f64, count as f64);
    let mut instants = Vec::with_capacity(count);
    let mut previous = start - 1;
    for index in 0..count {
        // The first one opens the span: the first account exists before any resource.
        #[allow(clippy::cast_precision_loss)]
        let fraction = if index == 0 {
            0.0
        } else {
            (index as f64 + rng.random::<f64>()) / total
        };
        #[allow(clippy::cast_possible_truncation)] // within the span
        let at = start + (span * fraction.powf(2.0 / 3.0)) as i64;
        let at = at.max(previous + 1);
        instants.push(at);
        previous = at;
    }
    instants
}

/// A resource's state, before its texts and reasons exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Draft,
    PendingReview,
    Published,
    Rejected,
    Suspended,
    Archived,
    Deleted,
}

/// What is decided about a resource before it is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Skeleton {
    pub created_ms: i64,
    /// Index of its author.
    pub author: u32,
    pub visibility: Visibility,
    pub state: State,
    /// First publication, if any.
    pub published_ms: Option<i64>,
}

impl Skeleton {
    /// Whether anyone but its author and staff may see it: the resources
    /// that receive favourites and views.
    pub(super) fn is_popular_kind(&self) -> bool {
        self.state == State::Published
            && matches!(self.visibility, Visibility::Public | Visibility::Restricted)
    }
}

/// Draws a visibility: public 70 %, restricted 20 %, private 6 %, shared 4 %.
fn visibility(rng: &mut Xoshiro256PlusPlus) -> Visibility {
    match rng.random_range(0..100) {
        0..70 => Visibility::Public,
        70..90 => Visibility::Restricted,
        90..96 => Visibility::Private,
        _ => Visibility::Shared,
    }
}

/// Draws a state: published 85 %, then draft, archived, pending review,
/// rejected, deleted and suspended. Private and shared resources skip review
/// (submitting publishes them), so they are never pending or rejected.
fn state(rng: &mut Xoshiro256PlusPlus, visibility: Visibility) -> State {
    let state = match rng.random_range(0..1000) {
        0..850 => State::Published,
        850..890 => State::Draft,
        890..920 => State::Archived,
        920..950 => State::PendingReview,
        950..970 => State::Rejected,
        970..990 => State::Deleted,
        _ => State::Suspended,
    };
    match state {
        State::PendingReview | State::Rejected if !visibility.needs_review() => State::Published,
        other => other,
    }
}

/// The skeletons of `count` resources created in `[start, end)` by the
/// accounts created at `users_ms` (sorted): an author never writes before
/// their account exists, and early accounts write more.
pub(super) fn skeletons(
    rng: &mut Xoshiro256PlusPlus,
    count: usize,
    users_ms: &[i64],
    start: i64,
    end: i64,
) -> Vec<Skeleton> {
    growing_instants(rng, count, start, end)
        .into_iter()
        .map(|created_ms| {
            let existing = users_ms.partition_point(|&at| at <= created_ms).max(1);
            let author = power_law(rng, existing, 2.0);
            let visibility = visibility(rng);
            let mut state = state(rng, visibility);
            let was_published = match state {
                State::Published | State::Suspended => true,
                State::Archived | State::Deleted => rng.random_bool(0.5),
                State::Draft | State::PendingReview | State::Rejected => false,
            };
            let review_ms = if visibility.needs_review() {
                rng.random_range(10 * 60 * 1000..5 * DAY_MS)
            } else {
                rng.random_range(0..3600 * 1000)
            };
            let mut published_ms = was_published.then_some(created_ms + review_ms);
            if published_ms.is_some_and(|at| at >= end) {
                // Not reviewed yet: the newest resources still wait.
                published_ms = None;
                if matches!(state, State::Published | State::Suspended) {
                    state = if visibility.needs_review() {
                        State::PendingReview
                    } else {
                        State::Draft
                    };
                }
            }
            Skeleton {
                created_ms,
                author: u32::try_from(author).unwrap_or(u32::MAX),
                visibility,
                state,
                published_ms,
            }
        })
        .collect()
}

/// A position in `0..len`, the low ones much more likely: `len · u^exponent`.
/// With exponent 2 the first 1 % of positions get 10 % of the draws; with 3,
/// 22 %.
pub(super) fn power_law(rng: &mut Xoshiro256PlusPlus, len: usize, exponent: f64) -> usize {
    let u: f64 = rng.random();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let position = (u.powf(exponent) * len as f64) as usize;
    position.min(len.saturating_sub(1))
}

/// The resources that can become popular, most popular first (a random order).
pub(super) fn popularity_ranking(rng: &mut Xoshiro256PlusPlus, skeletons: &[Skeleton]) -> Vec<u32> {
    let mut ranking: Vec<u32> = (0_u32..)
        .zip(skeletons)
        .filter(|(_, skeleton)| skeleton.is_popular_kind())
        .map(|(index, _)| index)
        .collect();
    ranking.shuffle(rng);
    ranking
}

/// Why the favourites asked for cannot be drawn.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot draw {asked} distinct favourites from {users} accounts and {resources} published resources: ask for fewer (--favourites)"
)]
pub(super) struct TooManyFavourites {
    asked: u64,
    users: usize,
    resources: usize,
}

/// `count` distinct (account, resource) pairs, sorted: popular resources and
/// a core of active accounts get most of them.
///
/// # Errors
/// When the pairs would be too dense to find by drawing.
pub(super) fn favourites(
    rng: &mut Xoshiro256PlusPlus,
    count: u64,
    users: usize,
    ranking: &[u32],
) -> Result<Vec<(u32, u32)>, TooManyFavourites> {
    let refuse = || TooManyFavourites {
        asked: count,
        users,
        resources: ranking.len(),
    };
    if count == 0 {
        return Ok(Vec::new());
    }
    #[allow(clippy::cast_possible_truncation)] // checked against the pairs available
    let wanted = count as usize;
    if ranking.is_empty() || users == 0 || count > (users as u64 * ranking.len() as u64) / 4 {
        return Err(refuse());
    }
    let mut active: Vec<u32> = (0..u32::try_from(users).unwrap_or(u32::MAX)).collect();
    active.shuffle(rng);
    let mut pairs = HashSet::with_capacity(wanted);
    let mut attempts = 0_u64;
    while pairs.len() < wanted {
        attempts += 1;
        if attempts > count.saturating_mul(50) {
            return Err(refuse());
        }
        let user = active[power_law(rng, users, 1.6)];
        let resource = ranking[power_law(rng, ranking.len(), 2.0)];
        pairs.insert((u64::from(user) << 32) | u64::from(resource));
    }
    let mut pairs: Vec<u64> = pairs.into_iter().collect();
    pairs.sort_unstable();
    #[allow(clippy::cast_possible_truncation)] // each half holds a u32
    Ok(pairs
        .into_iter()
        .map(|pair| ((pair >> 32) as u32, pair as u32))
        .collect())
}

/// `total` views shared among the ranked resources along a power law (the
/// expected counts of `position = len · u³`, so the most popular resource
/// gets about a hundredth of them and the least a few), returned per
/// resource index. The counts add up to `total` exactly.
pub(super) fn views(total: u64, ranking: &[u32], resources: usize) -> Vec<u64> {
    let mut counts = vec![0_u64; resources];
    if ranking.is_empty() {
        return counts;
    }
    #[allow(clippy::cast_precision_loss)]
    let (len, total_f) = (ranking.len() as f64, total as f64);
    let mut given = 0_u64;
    let mut previous = 0.0_f64;
    for (rank, &resource) in ranking.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let share = ((rank + 1) as f64 / len).cbrt();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let count = (total_f * (share - previous)) as u64;
        previous = share;
        let count = count.min(total - given);
        counts[resource as usize] = count;
        given += count;
    }
    // What rounding left goes to the head of the ranking.
    for &resource in ranking.iter().cycle().take((total - given) as usize) {
        counts[resource as usize] += 1;
    }
    counts
}

/// How many consultation events a resource with `views` counted views gets:
/// one per [`VIEWS_PER_EVENT`] views, the remainder by chance.
pub(super) fn events_for(rng: &mut Xoshiro256PlusPlus, views: u64) -> u64 {
    let remainder = views % VIEWS_PER_EVENT;
    views / VIEWS_PER_EVENT
        + u64::from(remainder > 0 && rng.random_range(0..VIEWS_PER_EVENT) < remainder)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    fn rng() -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(11)
    }

    #[test]
    fn instants_increase_strictly_within_the_span() {
        let instants = growing_instants(&mut rng(), 10_000, 1_000, 1_000 + 365 * DAY_MS);
        assert!(instants.windows(2).all(|w| w[0] < w[1]));
        assert!(instants[0] >= 1_000 && instants[9_999] < 1_000 + 365 * DAY_MS);
        let first_half = instants.partition_point(|&at| at < 1_000 + 182 * DAY_MS);
        assert!(first_half < 4_000, "growth: {first_half} in the first half");
    }

    #[test]
    fn authors_exist_before_they_write_and_states_follow_the_lifecycle() {
        let mut rng = rng();
        let users = growing_instants(&mut rng, 100, 0, 1_000 * DAY_MS);
        let resources = skeletons(&mut rng, 5_000, &users, DAY_MS, 1_000 * DAY_MS);
        for skeleton in &resources {
            assert!(users[skeleton.author as usize] <= skeleton.created_ms);
            if !skeleton.visibility.needs_review() {
                assert!(!matches!(
                    skeleton.state,
                    State::PendingReview | State::Rejected
                ));
            }
            match skeleton.state {
                State::Published | State::Suspended => assert!(skeleton.published_ms.is_some()),
                State::Draft | State::PendingReview | State::Rejected => {
                    assert!(skeleton.published_ms.is_none());
                }
                State::Archived | State::Deleted => {}
            }
            assert!(
                skeleton
                    .published_ms
                    .is_none_or(|at| at >= skeleton.created_ms && at < 1_000 * DAY_MS)
            );
        }
        let published = resources
            .iter()
            .filter(|s| s.state == State::Published)
            .count();
        assert!((4_100..4_500).contains(&published), "{published}");
    }

    #[test]
    fn favourites_are_distinct_sorted_and_on_popular_resources() {
        let mut rng = rng();
        let ranking: Vec<u32> = (0..500).collect();
        let pairs = favourites(&mut rng, 5_000, 200, &ranking).unwrap();
        assert_eq!(pairs.len(), 5_000);
        assert!(pairs.windows(2).all(|w| w[0] < w[1]));
        assert!(favourites(&mut rng, 30_000, 200, &ranking).is_err());
    }

    #[test]
    fn views_add_up_and_follow_the_ranking() {
        let ranking: Vec<u32> = (0..1_000).rev().collect();
        let counts = views(100_000, &ranking, 1_200);
        assert_eq!(counts.iter().sum::<u64>(), 100_000);
        assert!(
            counts[999] > 50 * counts[0],
            "{} vs {}",
            counts[999],
            counts[0]
        );
        assert!(counts[0] > 0);
        assert!(counts[1_000..].iter().all(|&c| c == 0));
    }

    #[test]
    fn events_sample_one_view_in_twenty() {
        let mut rng = rng();
        let events: u64 = (0..10_000).map(|_| events_for(&mut rng, 30)).sum();
        assert!((14_000..16_000).contains(&events), "{events}");
        assert_eq!(events_for(&mut rng, 40), 2);
    }
}
