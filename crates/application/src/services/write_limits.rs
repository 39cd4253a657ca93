//! Per-account limits on writes: comments, reports and resource creation
//! (OWASP API6:2023, unrestricted access to sensitive business flows), so no
//! account can flood the platform (DESIGN.md §4, ADR 0020).
//!
//! # How a service uses it
//!
//! One [`WriteLimiter`] is built by the composition root from the
//! `[limits.writes]` settings and shared (`Arc<WriteLimiter>`) by every
//! service that writes on behalf of an account. A use case calls
//! [`WriteLimiter::check`] **first**, before any validation or store access,
//! and propagates its error:
//!
//! ```ignore
//! pub async fn post(&self, actor: &AuthenticatedActor, new: NewComment) -> Result<…, AppError> {
//!     self.ports.write_limits.check(actor.user_id, WriteAction::Comment)?;
//!     …
//! }
//! ```
//!
//! A refused write is [`AppError::WriteRateLimited`]: HTTP 429, problem code
//! `write_rate_limited`, `Retry-After` set to the seconds to wait. An accepted
//! check spends one unit of the account's budget even when the write then
//! fails on a bad input: the budget counts attempts, which is what a flood is.
//!
//! # Algorithm
//!
//! Each bound "`count` per `per`" is a token bucket of `count` tokens that
//! refills continuously at `count / per`, kept as one instant per bucket (the
//! GCRA form: the "theoretical arrival time"). A write passes when every
//! bound of its action has a token, and then takes one from each; otherwise
//! nothing is taken and the answer says when the last missing token comes
//! back. So "5 per minute and 60 per hour" allows a burst of 5, then one every
//! 12 s, and no more than 60 in a burst over the hour. A bucket allows `count`
//! writes at once and then its rate: over any span `per`, at most `2 × count`
//! in the worst case (a full bucket plus its refill), `count` on average.
//!
//! The limits are the same for every role: staff's moderation and
//! administration decisions are not these writes, and a compromised staff
//! account must not flood either. The state is in memory, per server
//! process: behind several API nodes an account gets each node's budget
//! (ADR 0020 explains why that is acceptable).
//!
//! # Memory
//!
//! An account's entry for an action is forgotten as soon as all its buckets
//! are full again (then it is indistinguishable from a fresh one): idle
//! entries are swept at most once a minute, and before a new entry would
//! exceed [`WriteLimitPolicy::capacity`]. If the table is full of busy
//! entries, the one closest to idle is dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::AppError;
use crate::ports::Clock;

/// A kind of write limited per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteAction {
    /// Posting a comment or a reply.
    Comment,
    /// Reporting a resource or a comment.
    Report,
    /// Creating a resource.
    Resource,
}

impl WriteAction {
    /// The action's name, for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Comment => "comment",
            Self::Report => "report",
            Self::Resource => "resource",
        }
    }
}

/// One bound: at most `count` writes at once, refilled at `count` per `per`.
/// A zero `count` or `per` turns the bound off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Writes allowed in a burst, and per `per` on average.
    pub count: u32,
    /// The span over which `count` tokens come back.
    pub per: Duration,
}

impl Rate {
    /// `count` per minute.
    #[must_use]
    pub const fn per_minute(count: u32) -> Self {
        Self {
            count,
            per: Duration::from_secs(60),
        }
    }

    /// `count` per hour.
    #[must_use]
    pub const fn per_hour(count: u32) -> Self {
        Self {
            count,
            per: Duration::from_secs(3_600),
        }
    }

    /// `count` per day.
    #[must_use]
    pub const fn per_day(count: u32) -> Self {
        Self {
            count,
            per: Duration::from_secs(86_400),
        }
    }

    /// The bound in `time` units, `None` when it is off.
    fn bucket(self) -> Option<Bucket> {
        if self.count == 0 || self.per.is_zero() {
            return None;
        }
        let window = time::Duration::try_from(self.per).ok()?;
        Some(Bucket {
            interval: window / self.count,
            window,
        })
    }
}

/// The bounds of each action, and the memory bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteLimitPolicy {
    /// Bounds on posting comments.
    pub comments: Vec<Rate>,
    /// Bounds on reports.
    pub reports: Vec<Rate>,
    /// Bounds on creating resources.
    pub resources: Vec<Rate>,
    /// Most (account, action) entries remembered at once.
    pub capacity: usize,
}

impl Default for WriteLimitPolicy {
    /// A citizen's defaults: 5 comments a minute and 60 an hour; 20 reports
    /// an hour and 100 a day; 10 new resources an hour and 30 a day.
    fn default() -> Self {
        Self {
            comments: vec![Rate::per_minute(5), Rate::per_hour(60)],
            reports: vec![Rate::per_hour(20), Rate::per_day(100)],
            resources: vec![Rate::per_hour(10), Rate::per_day(30)],
            capacity: 200_000,
        }
    }
}

/// A bound in `time` units: one token every `interval`, `window / interval`
/// tokens at most.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    interval: time::Duration,
    window: time::Duration,
}

/// The theoretical arrival time of each bucket of one (account, action): the
/// bucket is full when it is in the past.
#[derive(Debug, Clone)]
struct Entry {
    arrivals: Vec<OffsetDateTime>,
}

impl Entry {
    fn idle_at(&self) -> Option<OffsetDateTime> {
        self.arrivals.iter().max().copied()
    }

    fn is_idle(&self, now: OffsetDateTime) -> bool {
        self.idle_at().is_none_or(|at| at <= now)
    }
}

#[derive(Debug)]
struct Table {
    entries: HashMap<(UserId, WriteAction), Entry>,
    next_sweep: Option<OffsetDateTime>,
}

/// Sweep idle entries at most this often.
const SWEEP_EVERY: time::Duration = time::Duration::minutes(1);

/// Per-account write budgets, in memory (see the module documentation).
pub struct WriteLimiter {
    comments: Vec<Bucket>,
    reports: Vec<Bucket>,
    resources: Vec<Bucket>,
    capacity: usize,
    clock: Arc<dyn Clock>,
    table: Mutex<Table>,
}

impl std::fmt::Debug for WriteLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteLimiter")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl WriteLimiter {
    /// A limiter applying `policy`, reading the time from `clock`.
    #[must_use]
    pub fn new(policy: &WriteLimitPolicy, clock: Arc<dyn Clock>) -> Self {
        let buckets = |rates: &[Rate]| rates.iter().filter_map(|r| r.bucket()).collect();
        Self {
            comments: buckets(&policy.comments),
            reports: buckets(&policy.reports),
            resources: buckets(&policy.resources),
            capacity: policy.capacity.max(1),
            clock,
            table: Mutex::new(Table {
                entries: HashMap::new(),
                next_sweep: None,
            }),
        }
    }

    /// A limiter that lets everything through (tests, load generation).
    #[must_use]
    pub fn unlimited(clock: Arc<dyn Clock>) -> Self {
        Self::new(
            &WriteLimitPolicy {
                comments: Vec::new(),
                reports: Vec::new(),
                resources: Vec::new(),
                capacity: 1,
            },
            clock,
        )
    }

    fn buckets(&self, action: WriteAction) -> &[Bucket] {
        match action {
            WriteAction::Comment => &self.comments,
            WriteAction::Report => &self.reports,
            WriteAction::Resource => &self.resources,
        }
    }

    /// Spends one write of `action` from `user`'s budget, or refuses it.
    ///
    /// # Errors
    /// [`AppError::WriteRateLimited`] with the whole seconds (at least 1)
    /// until the write would be accepted; nothing is spent then.
    pub fn check(&self, user: UserId, action: WriteAction) -> Result<(), AppError> {
        let buckets = self.buckets(action);
        if buckets.is_empty() {
            return Ok(());
        }
        let now = self.clock.now();
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if table.next_sweep.is_none_or(|at| at <= now) {
            table.entries.retain(|_, entry| !entry.is_idle(now));
            table.next_sweep = Some(now + SWEEP_EVERY);
        }
        let key = (user, action);
        let mut next = Vec::with_capacity(buckets.len());
        let mut wait = time::Duration::ZERO;
        for (i, bucket) in buckets.iter().enumerate() {
            let arrival = table
                .entries
                .get(&key)
                .and_then(|e| e.arrivals.get(i).copied())
                .map_or(now, |at| at.max(now));
            let after = arrival + bucket.interval;
            let allowed_from = after - bucket.window;
            if allowed_from > now {
                wait = wait.max(allowed_from - now);
            }
            next.push(after);
        }
        if wait > time::Duration::ZERO {
            let secs = wait.whole_seconds() + i64::from(wait.subsec_nanoseconds() > 0);
            let retry_after_secs = u64::try_from(secs.max(1)).unwrap_or(1);
            tracing::info!(
                action = action.as_str(),
                retry_after_secs,
                "write refused by the per-account limit"
            );
            return Err(AppError::WriteRateLimited { retry_after_secs });
        }
        if !table.entries.contains_key(&key) && table.entries.len() >= self.capacity {
            make_room(&mut table.entries, now);
        }
        table.entries.insert(key, Entry { arrivals: next });
        Ok(())
    }

    /// How many (account, action) entries are remembered.
    #[must_use]
    pub fn tracked(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }
}

/// Drops the idle entries, or failing that the one closest to idle.
fn make_room(entries: &mut HashMap<(UserId, WriteAction), Entry>, now: OffsetDateTime) {
    let before = entries.len();
    entries.retain(|_, entry| !entry.is_idle(now));
    if entries.len() < before {
        return;
    }
    if let Some(key) = entries
        .iter()
        .min_by_key(|(_, entry)| entry.idle_at())
        .map(|(key, _)| *key)
    {
        entries.remove(&key);
        tracing::warn!("write limiter full: an account's budget was forgotten early");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::atomic::{AtomicI64, Ordering};

    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

    /// A clock the test moves, in milliseconds after [`T0`].
    #[derive(Debug, Default)]
    struct Manual(AtomicI64);

    impl Manual {
        fn advance(&self, d: time::Duration) {
            let ms = i64::try_from(d.whole_milliseconds()).unwrap();
            self.0.fetch_add(ms, Ordering::SeqCst);
        }
    }

    impl Clock for Manual {
        fn now(&self) -> OffsetDateTime {
            T0 + time::Duration::milliseconds(self.0.load(Ordering::SeqCst))
        }
    }

    fn limiter(policy: &WriteLimitPolicy) -> (WriteLimiter, Arc<Manual>) {
        let clock = Arc::new(Manual::default());
        (WriteLimiter::new(policy, clock.clone()), clock)
    }

    fn retry_after(result: Result<(), AppError>) -> u64 {
        match result {
            Err(AppError::WriteRateLimited { retry_after_secs }) => retry_after_secs,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    const LEA: UserId = UserId::from_uuid(rr_domain::Uuid::from_u128(1));
    const TOM: UserId = UserId::from_uuid(rr_domain::Uuid::from_u128(2));

    #[test]
    fn a_burst_up_to_the_count_passes_then_one_token_per_interval() {
        let (limits, clock) = limiter(&WriteLimitPolicy::default());
        for _ in 0..5 {
            limits.check(LEA, WriteAction::Comment).unwrap();
        }
        // 5 a minute: one token every 12 s.
        assert_eq!(retry_after(limits.check(LEA, WriteAction::Comment)), 12);
        clock.advance(time::Duration::seconds(11));
        assert_eq!(retry_after(limits.check(LEA, WriteAction::Comment)), 1);
        clock.advance(time::Duration::seconds(1));
        limits.check(LEA, WriteAction::Comment).unwrap();
        assert!(limits.check(LEA, WriteAction::Comment).is_err());
    }

    #[test]
    fn a_refusal_spends_nothing() {
        let (limits, clock) = limiter(&WriteLimitPolicy::default());
        for _ in 0..5 {
            limits.check(LEA, WriteAction::Comment).unwrap();
        }
        for _ in 0..100 {
            assert!(limits.check(LEA, WriteAction::Comment).is_err());
        }
        clock.advance(time::Duration::seconds(12));
        limits.check(LEA, WriteAction::Comment).unwrap();
    }

    #[test]
    fn the_longer_bound_caps_a_steady_pace() {
        let (limits, clock) = limiter(&WriteLimitPolicy::default());
        // One comment every 12 s never trips "5 a minute", but "60 an hour"
        // runs dry: 60 pass, then the hour bucket gives one a minute.
        let mut accepted = 0;
        for _ in 0..100 {
            if limits.check(LEA, WriteAction::Comment).is_ok() {
                accepted += 1;
            }
            clock.advance(time::Duration::seconds(12));
        }
        // 20 minutes: the hour bucket's 60, plus 19 tokens refilled at 1/min.
        assert!((75..=80).contains(&accepted), "{accepted}");
        let wait = retry_after({
            let mut last = Ok(());
            for _ in 0..5 {
                last = limits.check(LEA, WriteAction::Comment);
            }
            last
        });
        assert!((1..=60).contains(&wait), "{wait}");
    }

    #[test]
    fn accounts_and_actions_have_their_own_budgets() {
        let (limits, _) = limiter(&WriteLimitPolicy::default());
        for _ in 0..10 {
            limits.check(LEA, WriteAction::Resource).unwrap();
        }
        let wait = retry_after(limits.check(LEA, WriteAction::Resource));
        assert_eq!(wait, 360, "10 an hour: one every 6 minutes");
        limits.check(TOM, WriteAction::Resource).unwrap();
        limits.check(LEA, WriteAction::Comment).unwrap();
        limits.check(LEA, WriteAction::Report).unwrap();
    }

    #[test]
    fn the_daily_bound_holds_across_hours() {
        let (limits, clock) = limiter(&WriteLimitPolicy::default());
        let mut accepted = 0;
        for _ in 0..(24 * 10) {
            if limits.check(LEA, WriteAction::Resource).is_ok() {
                accepted += 1;
            }
            clock.advance(time::Duration::minutes(6));
        }
        // 30 at once, then one every 48 minutes over the 24 hours.
        assert!((30..=60).contains(&accepted), "{accepted}");
    }

    #[test]
    fn a_zero_bound_is_off_and_an_empty_policy_lets_everything_through() {
        let policy = WriteLimitPolicy {
            reports: vec![Rate::per_hour(0), Rate::per_day(2)],
            ..WriteLimitPolicy::default()
        };
        let (limits, _) = limiter(&policy);
        limits.check(LEA, WriteAction::Report).unwrap();
        limits.check(LEA, WriteAction::Report).unwrap();
        assert!(limits.check(LEA, WriteAction::Report).is_err());

        let open = WriteLimiter::unlimited(Arc::new(Manual::default()));
        for _ in 0..1_000 {
            open.check(LEA, WriteAction::Comment).unwrap();
        }
        assert_eq!(open.tracked(), 0);
    }

    #[test]
    fn the_refusal_is_a_429_with_its_own_code() {
        let (limits, _) = limiter(&WriteLimitPolicy {
            resources: vec![Rate::per_hour(1)],
            ..WriteLimitPolicy::default()
        });
        limits.check(LEA, WriteAction::Resource).unwrap();
        let err = limits.check(LEA, WriteAction::Resource).unwrap_err();
        assert_eq!(err.code(), "write_rate_limited");
        assert_eq!(retry_after(Err(err)), 3_600);
    }

    #[test]
    fn idle_entries_are_forgotten_and_memory_stays_bounded() {
        let (limits, clock) = limiter(&WriteLimitPolicy {
            capacity: 100,
            ..WriteLimitPolicy::default()
        });
        for i in 0..1_000_u128 {
            let user = UserId::from_uuid(rr_domain::Uuid::from_u128(i));
            limits.check(user, WriteAction::Comment).unwrap();
            assert!(limits.tracked() <= 100);
        }
        // An hour later every bucket is full again: the next sweep empties the table.
        clock.advance(time::Duration::hours(1));
        limits.check(LEA, WriteAction::Comment).unwrap();
        assert_eq!(limits.tracked(), 1);
    }

    #[test]
    fn a_full_table_drops_the_entry_closest_to_idle_not_the_busy_ones() {
        let (limits, clock) = limiter(&WriteLimitPolicy {
            capacity: 2,
            ..WriteLimitPolicy::default()
        });
        for _ in 0..5 {
            limits.check(LEA, WriteAction::Comment).unwrap();
        }
        clock.advance(time::Duration::seconds(1));
        limits.check(TOM, WriteAction::Comment).unwrap();
        let third = UserId::from_uuid(rr_domain::Uuid::from_u128(3));
        limits.check(third, WriteAction::Comment).unwrap();
        assert_eq!(limits.tracked(), 2);
        assert!(
            limits.check(LEA, WriteAction::Comment).is_err(),
            "the flooding account is still limited"
        );
    }
}
