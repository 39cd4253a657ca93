//! How long each kind of personal data is kept (GDPR Art. 5(1)(e), storage
//! limitation), and the instants before which it goes.

use std::fmt;

use time::{Date, Month, OffsetDateTime, Time};

/// A length of time something is kept: whole days, calendar months or
/// calendar years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// Days of 24 hours.
    Days(u32),
    /// Calendar months.
    Months(u32),
    /// Calendar years.
    Years(u32),
}

impl Span {
    /// How many days, months or years.
    #[must_use]
    pub const fn amount(self) -> u32 {
        match self {
            Self::Days(n) | Self::Months(n) | Self::Years(n) => n,
        }
    }

    /// `days`, `months` or `years`: the unit as machines read it.
    #[must_use]
    pub const fn unit(self) -> &'static str {
        match self {
            Self::Days(_) => "days",
            Self::Months(_) => "months",
            Self::Years(_) => "years",
        }
    }

    /// The fewest days the span lasts (a month is at least 28 days, a year
    /// 365), to compare spans of different units.
    #[must_use]
    pub const fn shortest_days(self) -> u64 {
        match self {
            Self::Days(n) => n as u64,
            Self::Months(n) => n as u64 * 28,
            Self::Years(n) => n as u64 * 365,
        }
    }

    /// The instant `self` before `now`. A calendar month or year back lands
    /// on the same day of the month at the same time, or on the month's last
    /// day when it has no such day (29 February less a year is 28 February).
    #[must_use]
    pub fn before(self, now: OffsetDateTime) -> OffsetDateTime {
        self.shift(now, -1)
    }

    /// The instant `self` after `at`, counted as [`Span::before`] counts back.
    #[must_use]
    pub fn after(self, at: OffsetDateTime) -> OffsetDateTime {
        self.shift(at, 1)
    }

    fn shift(self, at: OffsetDateTime, sign: i64) -> OffsetDateTime {
        match self {
            Self::Days(n) => at + time::Duration::days(sign * i64::from(n)),
            Self::Months(n) => at.replace_date(shift_months(at.date(), sign * i64::from(n))),
            Self::Years(n) => at.replace_date(shift_months(at.date(), sign * 12 * i64::from(n))),
        }
    }
}

impl fmt::Display for Span {
    /// In French: `30 jours`, `1 mois`, `3 ans`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, one, many) = match *self {
            Self::Days(n) => (n, "jour", "jours"),
            Self::Months(n) => (n, "mois", "mois"),
            Self::Years(n) => (n, "an", "ans"),
        };
        write!(f, "{n} {}", if n <= 1 { one } else { many })
    }
}

/// `date` moved by `months` calendar months, on the same day or the month's
/// last.
fn shift_months(date: Date, months: i64) -> Date {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MIN);
    let month = u8::try_from(index.rem_euclid(12) + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// The kinds of personal data deleted on a schedule, each kept for its own
/// [`Span`] of [`RetentionPeriods`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RetentionCategory {
    /// Accounts nobody logged in to (or refreshed a session of) for this
    /// long are erased.
    InactiveAccounts,
    /// How long before that erasure the person is warned by mail.
    InactivityNotice,
    /// Sessions (and their spent refresh tokens) and single-use links, this
    /// long after they expired or were revoked.
    EndedSessions,
    /// Entries of the security audit log, after they were recorded.
    AuditLog,
    /// Entries of the staff access journal, after the access.
    StaffAccessJournal,
    /// Notifications, after they were sent, read or not.
    Notifications,
    /// Consultation and search events, after the month they happened in;
    /// then only their daily, weekly and monthly counts remain.
    StatisticsEvents,
    /// The record that someone exported their data (no archive left), after
    /// the request.
    ExportRecords,
    /// An export's archive, after it is ready (removed at once when
    /// downloaded); the API nodes remove it.
    ExportArchives,
    /// The username of an erased account, reserved (as a keyed digest) so
    /// that nobody takes it to pass for the person; the erasure frees it.
    UsernameReservations,
}

impl RetentionCategory {
    /// Every category, in the order reports list them.
    pub const ALL: [Self; 10] = [
        Self::InactiveAccounts,
        Self::InactivityNotice,
        Self::EndedSessions,
        Self::AuditLog,
        Self::StaffAccessJournal,
        Self::Notifications,
        Self::StatisticsEvents,
        Self::ExportRecords,
        Self::ExportArchives,
        Self::UsernameReservations,
    ];

    /// Stable machine name (`inactive_accounts`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InactiveAccounts => "inactive_accounts",
            Self::InactivityNotice => "inactivity_notice",
            Self::EndedSessions => "ended_sessions",
            Self::AuditLog => "audit_log",
            Self::StaffAccessJournal => "staff_access_journal",
            Self::Notifications => "notifications",
            Self::StatisticsEvents => "statistics_events",
            Self::ExportRecords => "export_records",
            Self::ExportArchives => "export_archives",
            Self::UsernameReservations => "username_reservations",
        }
    }

    /// Whether the nightly purge applies it (the others are applied as they
    /// fall due by the use cases that own them: an export's archive is
    /// deleted once downloaded or expired, a username is free again once its
    /// reservation ends, and the purge only deletes the ended reservation's
    /// row).
    #[must_use]
    pub const fn purged(self) -> bool {
        !matches!(self, Self::ExportArchives | Self::UsernameReservations)
    }
}

/// How long each [`RetentionCategory`] is kept: what the purge and the other
/// use cases apply and what the register of processing activities states,
/// read from one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPeriods {
    /// [`RetentionCategory::InactiveAccounts`]: 3 years (CNIL, référentiel
    /// relatif aux traitements de données personnelles mis en œuvre dans le
    /// cadre de la gestion des comptes : 3 ans d'inactivité).
    pub inactive_accounts: Span,
    /// [`RetentionCategory::InactivityNotice`]: 30 days.
    pub inactivity_notice: Span,
    /// [`RetentionCategory::EndedSessions`]: 30 days.
    pub ended_sessions: Span,
    /// [`RetentionCategory::AuditLog`]: 1 year (CNIL recommendation on
    /// logging, 2021: 6 months to 1 year).
    pub audit_log: Span,
    /// [`RetentionCategory::StaffAccessJournal`]: 1 year, as the audit log.
    pub staff_access_journal: Span,
    /// [`RetentionCategory::Notifications`]: 1 year.
    pub notifications: Span,
    /// [`RetentionCategory::StatisticsEvents`]: 25 months (CNIL guidance on
    /// audience measurement: data collected kept 25 months at most).
    pub statistics_events: Span,
    /// [`RetentionCategory::ExportRecords`]: 1 year.
    pub export_records: Span,
    /// [`RetentionCategory::ExportArchives`]: 7 days.
    pub export_archives: Span,
    /// [`RetentionCategory::UsernameReservations`]: 30 days.
    pub username_reservations: Span,
}

impl Default for RetentionPeriods {
    fn default() -> Self {
        Self {
            inactive_accounts: Span::Years(3),
            inactivity_notice: Span::Days(30),
            ended_sessions: Span::Days(30),
            audit_log: Span::Days(365),
            staff_access_journal: Span::Days(365),
            notifications: Span::Days(365),
            statistics_events: Span::Months(25),
            export_records: Span::Days(365),
            export_archives: Span::Days(7),
            username_reservations: Span::Days(30),
        }
    }
}

impl RetentionPeriods {
    /// The span of `category`.
    #[must_use]
    pub const fn of(&self, category: RetentionCategory) -> Span {
        match category {
            RetentionCategory::InactiveAccounts => self.inactive_accounts,
            RetentionCategory::InactivityNotice => self.inactivity_notice,
            RetentionCategory::EndedSessions => self.ended_sessions,
            RetentionCategory::AuditLog => self.audit_log,
            RetentionCategory::StaffAccessJournal => self.staff_access_journal,
            RetentionCategory::Notifications => self.notifications,
            RetentionCategory::StatisticsEvents => self.statistics_events,
            RetentionCategory::ExportRecords => self.export_records,
            RetentionCategory::ExportArchives => self.export_archives,
            RetentionCategory::UsernameReservations => self.username_reservations,
        }
    }

    /// What is wrong with these periods, if anything: every period the purge
    /// applies lasts at least one unit, and the warning comes strictly
    /// before the erasure.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        for category in RetentionCategory::ALL {
            if category.purged() && self.of(category).amount() == 0 {
                return Some(format!("{} must last at least one unit", category.as_str()));
            }
        }
        (self.inactivity_notice.shortest_days() >= self.inactive_accounts.shortest_days())
            .then(|| "inactivity_notice must be shorter than inactive_accounts".to_owned())
    }

    /// The first day whose consultation and search events are kept one by
    /// one on `today`: the first day of the month [`Self::statistics_events`]
    /// months (or years) before this one. Every event of an earlier month
    /// has been kept at least that long; those of a month go together, on
    /// the first day of a month.
    #[must_use]
    pub fn statistics_kept_from(&self, today: Date) -> Date {
        let months = match self.statistics_events {
            Span::Days(n) => n.div_ceil(28),
            Span::Months(n) => n,
            Span::Years(n) => n.saturating_mul(12),
        };
        let first = today.replace_day(1).unwrap_or(today);
        shift_months(first, -i64::from(months))
    }
}

/// Midnight UTC at the start of `day`.
#[must_use]
pub fn start_of(day: Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_utc()
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn spans_count_back_in_calendar_units() {
        let now = datetime!(2028-02-29 03:00 UTC);
        assert_eq!(Span::Years(3).before(now), datetime!(2025-02-28 03:00 UTC));
        assert_eq!(
            Span::Months(12).before(now),
            datetime!(2027-02-28 03:00 UTC)
        );
        assert_eq!(
            Span::Months(25).before(datetime!(2026-11-29 03:00 UTC)),
            datetime!(2024-10-29 03:00 UTC)
        );
        assert_eq!(Span::Days(30).before(now), datetime!(2028-01-30 03:00 UTC));
    }

    #[test]
    fn spans_read_in_french() {
        assert_eq!(Span::Days(0).to_string(), "0 jour");
        assert_eq!(Span::Days(1).to_string(), "1 jour");
        assert_eq!(Span::Days(30).to_string(), "30 jours");
        assert_eq!(Span::Months(25).to_string(), "25 mois");
        assert_eq!(Span::Years(1).to_string(), "1 an");
        assert_eq!(Span::Years(3).to_string(), "3 ans");
    }

    #[test]
    fn the_defaults_are_three_years_thirty_days_one_year_and_twenty_five_months() {
        let periods = RetentionPeriods::default();
        assert_eq!(
            periods.of(RetentionCategory::InactiveAccounts),
            Span::Years(3)
        );
        assert_eq!(
            periods.of(RetentionCategory::InactivityNotice),
            Span::Days(30)
        );
        assert_eq!(periods.of(RetentionCategory::AuditLog), Span::Days(365));
        assert_eq!(
            periods.of(RetentionCategory::StatisticsEvents),
            Span::Months(25)
        );
        assert_eq!(periods.problem(), None);
    }

    #[test]
    fn a_zero_span_or_a_notice_as_long_as_the_inactivity_is_refused() {
        let zero = RetentionPeriods {
            audit_log: Span::Days(0),
            ..RetentionPeriods::default()
        };
        assert!(zero.problem().unwrap().contains("audit_log"));
        let late = RetentionPeriods {
            inactive_accounts: Span::Days(30),
            inactivity_notice: Span::Days(30),
            ..RetentionPeriods::default()
        };
        assert!(late.problem().unwrap().contains("inactivity_notice"));
        let free_at_once = RetentionPeriods {
            username_reservations: Span::Days(0),
            ..RetentionPeriods::default()
        };
        assert_eq!(free_at_once.problem(), None, "not the purge's to apply");
    }

    #[test]
    fn statistics_go_by_whole_months_kept_at_least_the_span() {
        let periods = RetentionPeriods::default();
        assert_eq!(
            periods.statistics_kept_from(date!(2026 - 11 - 29)),
            date!(2024 - 10 - 01)
        );
        assert_eq!(
            periods.statistics_kept_from(date!(2026 - 11 - 01)),
            date!(2024 - 10 - 01)
        );
        // The last event of September 2024 went on 1 November 2026: 25
        // months and a day after it happened.
        assert_eq!(
            periods.statistics_kept_from(date!(2026 - 10 - 31)),
            date!(2024 - 09 - 01)
        );
        let yearly = RetentionPeriods {
            statistics_events: Span::Years(2),
            ..periods
        };
        assert_eq!(
            yearly.statistics_kept_from(date!(2026 - 01 - 15)),
            date!(2024 - 01 - 01)
        );
    }
}
