use time::{Date, Duration, Month};

use crate::DomainError;

/// How events are grouped in time: by UTC day, ISO week (Monday to Sunday)
/// or calendar month. A bucket is named by its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grouping {
    /// One bucket per day.
    Day,
    /// One bucket per ISO week, starting on Monday.
    Week,
    /// One bucket per calendar month.
    Month,
}

impl Grouping {
    /// Every grouping.
    pub const ALL: [Self; 3] = [Self::Day, Self::Week, Self::Month];

    /// The grouping's stable name (`day`, `week`, `month`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The grouping named `raw` exactly, if any.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == raw)
    }

    /// The first day of the bucket holding `date`.
    #[must_use]
    pub fn start_of(self, date: Date) -> Date {
        match self {
            Self::Day => date,
            Self::Week => date
                .checked_sub(Duration::days(i64::from(
                    date.weekday().number_days_from_monday(),
                )))
                .unwrap_or(Date::MIN),
            Self::Month => date.replace_day(1).unwrap_or(date),
        }
    }

    /// The first day of the bucket after the one holding `date`.
    #[must_use]
    pub fn next(self, date: Date) -> Date {
        let start = self.start_of(date);
        match self {
            Self::Day => start.next_day().unwrap_or(Date::MAX),
            Self::Week => start.checked_add(Duration::days(7)).unwrap_or(Date::MAX),
            Self::Month => {
                let (year, month) = match start.month() {
                    Month::December => (start.year() + 1, Month::January),
                    month => (start.year(), month.next()),
                };
                Date::from_calendar_date(year, month, 1).unwrap_or(Date::MAX)
            }
        }
    }
}

/// The dates a statistics query covers: whole buckets of its grouping,
/// `from` included, `to` excluded.
///
/// The period asked for is widened to the buckets it touches, so that a
/// bucket always counts the same events whatever period it was asked within:
/// two overlapping periods cannot be subtracted to isolate a part of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: Date,
    to: Date,
    grouping: Grouping,
}

impl Period {
    /// Longest period asked for, in years.
    pub const MAX_YEARS: u8 = 3;

    /// Earliest year a period may start in; latest it may end in.
    const YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;

    /// The whole buckets of `grouping` that hold the days from `from`
    /// (included) to `to` (excluded).
    ///
    /// # Errors
    /// [`DomainError::PeriodReversed`] unless `from` is before `to`;
    /// [`DomainError::PeriodTooLong`] when `to` is more than
    /// [`Self::MAX_YEARS`] years after `from`, or either lies outside the
    /// years 2000 to 2999.
    pub fn new(from: Date, to: Date, grouping: Grouping) -> Result<Self, DomainError> {
        if from >= to {
            return Err(DomainError::PeriodReversed);
        }
        let too_long = DomainError::PeriodTooLong {
            max_years: Self::MAX_YEARS,
        };
        if !Self::YEARS.contains(&from.year()) || !Self::YEARS.contains(&to.year()) {
            return Err(too_long);
        }
        let years = i32::from(Self::MAX_YEARS);
        // From 29 February, "three years later" is 1 March.
        let limit = from
            .replace_year(from.year() + years)
            .or_else(|_| Date::from_calendar_date(from.year() + years, Month::March, 1))
            .map_err(|_| too_long.clone())?;
        if to > limit {
            return Err(too_long);
        }
        let last = to.previous_day().unwrap_or(to);
        Ok(Self {
            from: grouping.start_of(from),
            to: grouping.next(last),
            grouping,
        })
    }

    /// First day covered.
    #[must_use]
    pub const fn from(&self) -> Date {
        self.from
    }

    /// First day after the period.
    #[must_use]
    pub const fn to(&self) -> Date {
        self.to
    }

    /// How the period is cut.
    #[must_use]
    pub const fn grouping(&self) -> Grouping {
        self.grouping
    }

    /// The first day of each bucket, in order.
    #[must_use]
    pub fn buckets(&self) -> Vec<Date> {
        let mut buckets = Vec::new();
        let mut bucket = self.from;
        while bucket < self.to {
            buckets.push(bucket);
            bucket = self.grouping.next(bucket);
        }
        buckets
    }

    /// The whole buckets of `grouping` that hold this period, from the first
    /// day of the first to the day after the last: for instance the months
    /// and ISO weeks around a period of days.
    #[must_use]
    pub fn enclosed_in(&self, grouping: Grouping) -> (Date, Date) {
        let last = self.to.previous_day().unwrap_or(self.to);
        (grouping.start_of(self.from), grouping.next(last))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn buckets_start_on_the_first_day_monday_and_first_of_the_month() {
        // 2026-11-29 is a Sunday.
        let sunday = date!(2026 - 11 - 29);
        assert_eq!(Grouping::Day.start_of(sunday), sunday);
        assert_eq!(Grouping::Week.start_of(sunday), date!(2026 - 11 - 23));
        assert_eq!(
            Grouping::Week.start_of(date!(2026 - 11 - 23)),
            date!(2026 - 11 - 23)
        );
        assert_eq!(Grouping::Month.start_of(sunday), date!(2026 - 11 - 01));
        assert_eq!(Grouping::Day.next(sunday), date!(2026 - 11 - 30));
        assert_eq!(Grouping::Week.next(sunday), date!(2026 - 11 - 30));
        assert_eq!(Grouping::Month.next(sunday), date!(2026 - 12 - 01));
        assert_eq!(
            Grouping::Month.next(date!(2026 - 12 - 31)),
            date!(2027 - 01 - 01)
        );
        // ISO week 1 of 2027 starts in 2026.
        assert_eq!(
            Grouping::Week.start_of(date!(2027 - 01 - 03)),
            date!(2026 - 12 - 28)
        );
    }

    #[test]
    fn a_period_is_widened_to_whole_buckets() {
        let period = Period::new(
            date!(2026 - 01 - 15),
            date!(2026 - 03 - 15),
            Grouping::Month,
        )
        .unwrap();
        assert_eq!(
            (period.from(), period.to()),
            (date!(2026 - 01 - 01), date!(2026 - 04 - 01))
        );
        assert_eq!(
            period.buckets(),
            [
                date!(2026 - 01 - 01),
                date!(2026 - 02 - 01),
                date!(2026 - 03 - 01)
            ]
        );
        // An end on a bucket's first day excludes that bucket.
        let exact = Period::new(
            date!(2026 - 01 - 01),
            date!(2026 - 03 - 01),
            Grouping::Month,
        )
        .unwrap();
        assert_eq!(exact.to(), date!(2026 - 03 - 01));
        let days =
            Period::new(date!(2026 - 11 - 25), date!(2026 - 11 - 27), Grouping::Day).unwrap();
        assert_eq!(days.buckets().len(), 2);
        let weeks =
            Period::new(date!(2026 - 11 - 25), date!(2026 - 11 - 27), Grouping::Week).unwrap();
        assert_eq!(weeks.buckets(), [date!(2026 - 11 - 23)]);
        assert_eq!(
            days.enclosed_in(Grouping::Month),
            (date!(2026 - 11 - 01), date!(2026 - 12 - 01))
        );
    }

    #[test]
    fn a_period_runs_forward_for_at_most_three_years() {
        let day = Grouping::Day;
        assert_eq!(
            Period::new(date!(2026 - 03 - 01), date!(2026 - 03 - 01), day),
            Err(DomainError::PeriodReversed)
        );
        assert_eq!(
            Period::new(date!(2026 - 03 - 02), date!(2026 - 03 - 01), day),
            Err(DomainError::PeriodReversed)
        );
        assert!(Period::new(date!(2024 - 01 - 01), date!(2027 - 01 - 01), day).is_ok());
        assert_eq!(
            Period::new(date!(2024 - 01 - 01), date!(2027 - 01 - 02), day),
            Err(DomainError::PeriodTooLong { max_years: 3 })
        );
        assert!(Period::new(date!(2024 - 02 - 29), date!(2027 - 03 - 01), day).is_ok());
        assert!(Period::new(date!(2024 - 02 - 29), date!(2027 - 03 - 02), day).is_err());
        assert!(Period::new(date!(1999 - 12 - 31), date!(2000 - 01 - 02), day).is_err());
    }
}
