//! Instants as stored: UTC wall-clock time to the microsecond, without zone.
//!
//! Columns are `datetime(6)` on MariaDB and text on SQLite (see the identity
//! migration); neither keeps an offset, so every instant is converted to UTC on
//! the way in and read back as UTC. Nanoseconds are dropped on the way in, so
//! what is read back equals what the same write produces on either engine.

use rr_application::RepositoryError;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::unstorable;

/// Years MariaDB's `datetime` can hold.
const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// The column value of `at`: UTC, truncated to the microsecond.
///
/// # Errors
/// [`RepositoryError::Internal`] outside years 1000–9999.
pub(crate) fn to_column(at: OffsetDateTime) -> Result<PrimitiveDateTime, RepositoryError> {
    let out_of_range = || unstorable("*", "instant", format!("{at} is out of range"));
    let utc = at
        .checked_to_offset(UtcOffset::UTC)
        .ok_or_else(out_of_range)?;
    if !YEARS.contains(&utc.year()) {
        return Err(out_of_range());
    }
    let utc = utc
        .replace_nanosecond(utc.microsecond() * 1_000)
        .map_err(|_| out_of_range())?;
    Ok(PrimitiveDateTime::new(utc.date(), utc.time()))
}

/// The instant a column value stands for.
pub(crate) fn from_column(at: PrimitiveDateTime) -> OffsetDateTime {
    at.assume_utc()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn instants_are_stored_in_utc_to_the_microsecond() {
        let at = datetime!(2026-11-29 14:30:15.123_456_789 +02:00);

        let column = to_column(at).unwrap();

        assert_eq!(column, datetime!(2026-11-29 12:30:15.123_456));
        assert_eq!(
            from_column(column),
            datetime!(2026-11-29 12:30:15.123_456 UTC)
        );
    }

    #[test]
    fn instants_outside_the_datetime_range_are_refused() {
        assert!(to_column(datetime!(0999-12-31 23:59:59 UTC)).is_err());
        assert!(to_column(datetime!(9999-12-31 23:59:59 UTC)).is_ok());
    }
}
