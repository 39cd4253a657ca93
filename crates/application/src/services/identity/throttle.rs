//! Progressive delay, then a temporary lock, after failed logins (DESIGN.md §4).
//!
//! Keyed by the email's blind index, whether an account exists or not, so the
//! answers never tell a registered address from an unknown one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// Thresholds of the login throttle.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures allowed without any delay.
    pub free_attempts: u32,
    /// Delay after the first extra failure; doubles with each further one.
    pub base_delay: Duration,
    /// Longest delay between two attempts.
    pub max_delay: Duration,
    /// Failures after which the key is locked.
    pub lock_after: u32,
    /// Length of the lock.
    pub lock_for: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// Keys remembered at most (memory bound); the stalest are dropped first.
    pub capacity: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            free_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            lock_after: 10,
            lock_for: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
            capacity: 100_000,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: OffsetDateTime,
}

/// Failure counts per key, in memory.
#[derive(Debug)]
pub(crate) struct Throttle {
    policy: ThrottlePolicy,
    failures: Mutex<HashMap<Vec<u8>, Failures>>,
}

fn std_to_time(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}

impl Throttle {
    pub(crate) fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` while the key must wait before its next attempt.
    pub(crate) fn check(&self, key: &[u8], now: OffsetDateTime) -> Result<(), u64> {
        let Ok(failures) = self.failures.lock() else {
            return Ok(());
        };
        let Some(entry) = failures.get(key) else {
            return Ok(());
        };
        if now - entry.last > std_to_time(self.policy.window)
            && entry.count < self.policy.lock_after
        {
            return Ok(());
        }
        let wait = if entry.count >= self.policy.lock_after {
            self.policy.lock_for
        } else if entry.count >= self.policy.free_attempts {
            let doublings = entry.count - self.policy.free_attempts;
            self.policy
                .base_delay
                .saturating_mul(2_u32.saturating_pow(doublings))
                .min(self.policy.max_delay)
        } else {
            Duration::ZERO
        };
        let ready_at = entry.last + std_to_time(wait);
        if now < ready_at {
            let seconds = (ready_at - now).whole_seconds().max(1);
            Err(u64::try_from(seconds).unwrap_or(1))
        } else {
            Ok(())
        }
    }

    /// Counts a failure.
    pub(crate) fn failed(&self, key: &[u8], now: OffsetDateTime) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= self.policy.capacity && !failures.contains_key(key) {
            let horizon = now - std_to_time(self.policy.window.max(self.policy.lock_for));
            failures.retain(|_, entry| entry.last > horizon);
            if failures.len() >= self.policy.capacity
                && let Some(stalest) = failures
                    .iter()
                    .min_by_key(|(_, e)| e.last)
                    .map(|(k, _)| k.clone())
            {
                failures.remove(&stalest);
            }
        }
        let window = std_to_time(self.policy.window);
        let entry = failures.entry(key.to_vec()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now - entry.last > window && entry.count < self.policy.lock_after {
            entry.count = 0;
        }
        if entry.count >= self.policy.lock_after
            && now - entry.last > std_to_time(self.policy.lock_for)
        {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    /// Forgets the key's failures after a success.
    pub(crate) fn succeeded(&self, key: &[u8]) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

    fn throttle() -> Throttle {
        Throttle::new(ThrottlePolicy::default())
    }

    #[test]
    fn the_first_failures_cost_nothing() {
        let t = throttle();
        for _ in 0..3 {
            assert_eq!(t.check(b"k", T0), Ok(()));
            t.failed(b"k", T0);
        }
    }

    #[test]
    fn then_the_delay_doubles_up_to_its_bound() {
        let t = throttle();
        for _ in 0..4 {
            t.failed(b"k", T0);
        }
        assert_eq!(t.check(b"k", T0), Err(2));
        t.failed(b"k", T0);
        assert_eq!(t.check(b"k", T0), Err(4));
        assert_eq!(t.check(b"k", T0 + time::Duration::seconds(4)), Ok(()));
        for _ in 0..3 {
            t.failed(b"k", T0);
        }
        assert_eq!(t.check(b"k", T0), Err(30), "the delay is capped");
    }

    #[test]
    fn ten_failures_lock_for_fifteen_minutes() {
        let t = throttle();
        for _ in 0..10 {
            t.failed(b"k", T0);
        }
        assert_eq!(t.check(b"k", T0 + time::Duration::minutes(14)), Err(60));
        assert_eq!(t.check(b"k", T0 + time::Duration::minutes(15)), Ok(()));
    }

    #[test]
    fn a_success_clears_the_slate_and_keys_are_independent() {
        let t = throttle();
        for _ in 0..5 {
            t.failed(b"a", T0);
        }
        assert!(t.check(b"a", T0).is_err());
        assert_eq!(t.check(b"b", T0), Ok(()));
        t.succeeded(b"a");
        assert_eq!(t.check(b"a", T0), Ok(()));
    }

    #[test]
    fn memory_stays_bounded() {
        let t = Throttle::new(ThrottlePolicy {
            capacity: 100,
            ..ThrottlePolicy::default()
        });
        for i in 0..1_000_u32 {
            t.failed(&i.to_be_bytes(), T0 + time::Duration::seconds(i64::from(i)));
        }
        assert!(t.failures.lock().unwrap().len() <= 100);
    }
}
