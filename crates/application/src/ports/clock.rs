use time::OffsetDateTime;

/// Tells the time. A port so tests can stop and move it.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait Clock: Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock, to the microsecond: the precision both databases
/// store, so that an instant answered at creation is the one read back
/// (and a client filtering on it finds what it just created).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
            .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_keeps_microseconds_only() {
        for _ in 0..100 {
            assert_eq!(SystemClock.now().nanosecond() % 1_000, 0);
        }
    }
}
