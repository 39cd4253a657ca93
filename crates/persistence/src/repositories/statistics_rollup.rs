//! The aggregates of consultations and searches whose events the retention
//! purge deleted (migration 000013, ADR 0025): written month by month by
//! [`roll_up_before`], read by the statistics for the buckets that start
//! before the first day still kept ([`kept_from`], [`rollup_rows`]).
//!
//! For each day, ISO week and month, measure, subset of the dimensions
//! category, resource type and region (a bit set, `dimensions`) and value of
//! those dimensions, a row holds the events of accounts, the distinct
//! accounts behind them and the visitors' events. Every cell a statistics
//! query can ask for, but a relation type, is one row: its distinct people
//! are exact (as counted then), never added up across rows.

use rr_application::RepositoryError;
use rr_application::ports::{SplitKey, TallyRequest, TallyRow};
use rr_domain::identity::Region;
use rr_domain::reference::ReferenceId;
use rr_domain::statistics::{Dimension, Grouping, Measure, Tally};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, Statement, Value,
};
use time::{Date, PrimitiveDateTime, Time};

use super::statistics_query::counted;
use super::write::{begin_write, settle};
use crate::map_db_err;
use crate::mapping::corrupt;

/// The measures whose events are aggregated, then deleted.
pub(crate) const AGGREGATED: [Measure; 2] = [Measure::Consultations, Measure::Searches];

/// The dimensions a row may fix, and their bit.
const DIMENSIONS: [(Dimension, i16); 3] = [
    (Dimension::Category, 1),
    (Dimension::ResourceType, 2),
    (Dimension::Region, 4),
];

/// Events deleted by one statement.
const DELETE_BATCH: u64 = 5_000;

/// Where one measure's events are, and how each dimension reads.
struct Events {
    table: &'static str,
    person: &'static str,
    joins: &'static str,
    category: &'static str,
    resource_type: &'static str,
}

fn events(measure: Measure) -> Events {
    match measure {
        Measure::Searches => Events {
            table: "search_events",
            person: "e.searcher_id",
            joins: " LEFT JOIN users g ON g.id = e.searcher_id",
            category: "e.category_id",
            resource_type: "e.resource_type_id",
        },
        _ => Events {
            table: "consultation_events",
            person: "e.viewer_id",
            joins: " JOIN resources r ON r.id = e.resource_id \
                     LEFT JOIN users g ON g.id = e.viewer_id",
            category: "r.category_id",
            resource_type: "r.resource_type_id",
        },
    }
}

/// The stable name of a grouping in `statistics_rollups.granularity`.
fn granularity(grouping: Grouping) -> &'static str {
    grouping.as_str()
}

/// The first day of the bucket of the instant `at`, as a date.
fn bucket(backend: DatabaseBackend, grouping: Grouping, at: &str) -> String {
    match (backend == DatabaseBackend::MySql, grouping) {
        (true, Grouping::Day) => format!("DATE({at})"),
        (true, Grouping::Week) => format!("DATE({at}) - INTERVAL WEEKDAY({at}) DAY"),
        (true, Grouping::Month) => format!("DATE({at}) - INTERVAL (DAYOFMONTH({at}) - 1) DAY"),
        (false, Grouping::Day) => format!("substr({at}, 1, 10)"),
        (false, Grouping::Week) => format!("date(substr({at}, 1, 10), 'weekday 0', '-6 days')"),
        (false, Grouping::Month) => format!("substr({at}, 1, 7) || '-01'"),
    }
}

/// Midnight UTC of `day`, as the events' instants compare (see
/// `statistics_query::bound`).
fn instant(backend: DatabaseBackend, day: Date) -> Value {
    if backend == DatabaseBackend::MySql {
        Value::from(PrimitiveDateTime::new(day, Time::MIDNIGHT))
    } else {
        Value::from(day.to_string())
    }
}

fn date(day: Date) -> Value {
    Value::from(day)
}

/// The first bucket of `grouping` that starts on or after `day`.
fn first_on_or_after(grouping: Grouping, day: Date) -> Date {
    let start = grouping.start_of(day);
    if start == day {
        start
    } else {
        grouping.next(start)
    }
}

fn read_date(row: &QueryResult, column: &str) -> Result<Option<Date>, RepositoryError> {
    row.try_get::<Option<Date>>("", column).map_err(map_db_err)
}

/// The first day whose events are kept one by one, once a purge ran.
pub(crate) async fn kept_from(
    conn: &impl ConnectionTrait,
) -> Result<Option<Date>, RepositoryError> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT events_kept_from FROM statistics_rollup_state WHERE id = 1",
        ))
        .await
        .map_err(map_db_err)?;
    match row {
        Some(row) => read_date(&row, "events_kept_from"),
        None => Ok(None),
    }
}

/// How many events of the aggregated measures happened before `day`.
pub(crate) async fn events_before(
    conn: &DatabaseConnection,
    day: Date,
) -> Result<u64, RepositoryError> {
    let backend = conn.get_database_backend();
    let mut total = 0_u64;
    for measure in AGGREGATED {
        let source = events(measure);
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT COUNT(*) AS n FROM {} e WHERE e.occurred_at < ?",
                    source.table
                ),
                [instant(backend, day)],
            ))
            .await
            .map_err(map_db_err)?;
        let n: i64 = row
            .map(|r| r.try_get("", "n"))
            .transpose()
            .map_err(map_db_err)?
            .unwrap_or(0);
        total = total.saturating_add(u64::try_from(n).unwrap_or(0));
    }
    Ok(total)
}

/// The day of the oldest event of the aggregated measures, if any.
async fn first_event_day(conn: &impl ConnectionTrait) -> Result<Option<Date>, RepositoryError> {
    let backend = conn.get_database_backend();
    let day = |at: &str| {
        if backend == DatabaseBackend::MySql {
            format!("DATE({at})")
        } else {
            format!("substr({at}, 1, 10)")
        }
    };
    let mut first: Option<Date> = None;
    for measure in AGGREGATED {
        let source = events(measure);
        let row = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT {} AS first_day FROM {} e ORDER BY e.occurred_at LIMIT 1",
                    day("e.occurred_at"),
                    source.table
                ),
            ))
            .await
            .map_err(map_db_err)?;
        if let Some(row) = row {
            let found = if backend == DatabaseBackend::MySql {
                read_date(&row, "first_day")?
            } else {
                let raw: String = row.try_get("", "first_day").map_err(map_db_err)?;
                let format = time::macros::format_description!("[year]-[month]-[day]");
                Some(Date::parse(&raw, &format).map_err(|e| corrupt("statistics", &raw, e))?)
            };
            first = match (first, found) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    Ok(first)
}

/// Writes the rows of `measure` for the buckets of `grouping` that start in
/// `[first, to)`, counting the events of those buckets (a week that starts
/// before `to` is counted whole, its last days included).
async fn aggregate(
    conn: &impl ConnectionTrait,
    measure: Measure,
    grouping: Grouping,
    (first, to): (Date, Date),
) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let source = events(measure);
    let person = source.person;
    let Some(last_day) = to.previous_day() else {
        return Ok(());
    };
    let end = grouping.next(grouping.start_of(last_day));
    if first >= end {
        return Ok(());
    }
    for mask in 0_i16..8 {
        let fixed = |dimension: Dimension| {
            DIMENSIONS
                .iter()
                .any(|(d, bit)| *d == dimension && mask & bit != 0)
        };
        let mut columns = vec!["b".to_owned()];
        let pick = |dimension: Dimension, expression: &str, columns: &mut Vec<String>| {
            if fixed(dimension) {
                columns.push(expression.to_owned());
                expression.to_owned()
            } else {
                "NULL".to_owned()
            }
        };
        let category = pick(Dimension::Category, source.category, &mut columns);
        let resource_type = pick(Dimension::ResourceType, source.resource_type, &mut columns);
        let region = pick(Dimension::Region, "g.region", &mut columns);
        let sql = format!(
            "INSERT INTO statistics_rollups (granularity, bucket, measure, dimensions, \
             category_id, resource_type_id, region, events, people, visitor_events) \
             SELECT '{granularity}', {bucket} AS b, '{measure}', {mask}, {category}, \
             {resource_type}, {region}, COUNT({person}), COUNT(DISTINCT {person}), \
             COUNT(CASE WHEN {person} IS NULL THEN 1 END) \
             FROM {table} e{joins} \
             WHERE e.occurred_at >= ? AND e.occurred_at < ? \
             AND ({person} IS NULL OR ({counted})) \
             GROUP BY {group}",
            counted = counted(person),
            granularity = granularity(grouping),
            bucket = bucket(backend, grouping, "e.occurred_at"),
            measure = measure.as_str(),
            table = source.table,
            joins = source.joins,
            group = columns.join(", "),
        );
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [instant(backend, first), instant(backend, end)],
        ))
        .await?;
    }
    Ok(())
}

/// Aggregates every bucket that starts before `day` and is not yet, a month
/// at a time (one transaction each, so that an interruption keeps what was
/// done), makes `day` the first day kept (never an earlier one), then
/// deletes the events before it. Returns how many events went.
pub(crate) async fn roll_up_before(
    conn: &DatabaseConnection,
    day: Date,
) -> Result<u64, RepositoryError> {
    let backend = conn.get_database_backend();
    loop {
        let txn = begin_write(conn).await.map_err(map_db_err)?;
        let work = async {
            // The state's row is locked first: two purges at once take turns.
            let lock = if backend == DatabaseBackend::MySql {
                " FOR UPDATE"
            } else {
                ""
            };
            txn.query_one_raw(Statement::from_string(
                backend,
                format!("SELECT id FROM statistics_rollup_state WHERE id = 1{lock}"),
            ))
            .await
            .map_err(map_db_err)?;
            let kept = kept_from(&txn).await?;
            if kept.is_some_and(|kept| kept >= day) {
                return Ok(false);
            }
            let start = match kept {
                Some(kept) => kept,
                None => match first_event_day(&txn).await? {
                    Some(first) => Grouping::Month.start_of(first).min(day),
                    None => day,
                },
            };
            let end = Grouping::Month
                .next(Grouping::Month.start_of(start))
                .min(day);
            if start < end {
                for measure in AGGREGATED {
                    for grouping in [Grouping::Day, Grouping::Week, Grouping::Month] {
                        // A bucket that straddles `start` was counted whole
                        // by the previous pass; the first pass counts the
                        // one that holds the first event.
                        let first = if kept.is_some() {
                            first_on_or_after(grouping, start)
                        } else {
                            grouping.start_of(start)
                        };
                        aggregate(&txn, measure, grouping, (first, end))
                            .await
                            .map_err(map_db_err)?;
                    }
                }
            }
            let next = end.max(start);
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "UPDATE statistics_rollup_state SET events_kept_from = ? WHERE id = 1",
                [date(next)],
            ))
            .await
            .map_err(map_db_err)?;
            Ok(next < day)
        };
        let result = work.await;
        let more = settle(txn, result, true, map_db_err).await?;
        if !more {
            break;
        }
    }
    let Some(kept) = kept_from(conn).await? else {
        return Ok(0);
    };
    delete_events_before(conn, kept).await
}

/// Deletes the events of the aggregated measures before `day`, in batches.
async fn delete_events_before(
    conn: &DatabaseConnection,
    day: Date,
) -> Result<u64, RepositoryError> {
    let backend = conn.get_database_backend();
    let mut deleted = 0_u64;
    for measure in AGGREGATED {
        let table = events(measure).table;
        loop {
            // Ids first: neither engine offers a portable `DELETE … LIMIT`.
            let ids: Vec<i64> = conn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    format!(
                        "SELECT e.id FROM {table} e WHERE e.occurred_at < ? \
                         ORDER BY e.occurred_at LIMIT {DELETE_BATCH}"
                    ),
                    [instant(backend, day)],
                ))
                .await
                .map_err(map_db_err)?
                .iter()
                .map(|row| row.try_get::<i64>("", "id"))
                .collect::<Result<_, _>>()
                .map_err(map_db_err)?;
            if ids.is_empty() {
                break;
            }
            let list = ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let gone = conn
                .execute_raw(Statement::from_string(
                    backend,
                    format!("DELETE FROM {table} WHERE id IN ({list})"),
                ))
                .await
                .map_err(map_db_err)?
                .rows_affected();
            deleted = deleted.saturating_add(gone);
            if (ids.len() as u64) < DELETE_BATCH {
                break;
            }
        }
    }
    Ok(deleted)
}

/// The rows of `request` for the buckets starting in `[from, to)`, read
/// from the aggregates.
///
/// # Errors
/// [`RepositoryError::Internal`] for a relation type filter (not kept) or a
/// corrupt row.
pub(crate) async fn rollup_rows(
    conn: &DatabaseConnection,
    request: &TallyRequest,
    (from, to): (Date, Date),
) -> Result<Vec<TallyRow>, RepositoryError> {
    let backend = conn.get_database_backend();
    if request.filters.relation_type.is_some() {
        return Err(RepositoryError::Internal(
            format!(
                "{} before {from} are aggregated without relation types",
                request.measure.as_str()
            )
            .into(),
        ));
    }
    let filters = &request.filters;
    let mut mask = 0_i16;
    let mut conditions = String::new();
    let mut values = vec![
        Value::from(request.measure.as_str()),
        Value::from(granularity(request.grouping)),
    ];
    let given = [
        (
            Dimension::Category,
            "category_id",
            filters.category.map(|id| Value::from(id.as_uuid())),
        ),
        (
            Dimension::ResourceType,
            "resource_type_id",
            filters.resource_type.map(|id| Value::from(id.as_uuid())),
        ),
        (
            Dimension::Region,
            "region",
            filters.region.map(|r| Value::from(r.code().to_owned())),
        ),
    ];
    let mut split_column = "NULL";
    for ((dimension, column, value), (_, bit)) in given.into_iter().zip(DIMENSIONS) {
        if let Some(value) = value {
            mask |= bit;
            conditions.push_str(&format!(" AND {column} = ?"));
            values.push(value);
        }
        if request.split == Some(dimension) {
            mask |= bit;
            split_column = column;
        }
    }
    values.push(Value::from(mask));
    values.push(date(from));
    values.push(date(to));
    let sql = format!(
        "SELECT bucket, {split_column} AS split_key, events, people, visitor_events \
         FROM statistics_rollups WHERE measure = ? AND granularity = ?{conditions} \
         AND dimensions = ? AND bucket >= ? AND bucket < ?"
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map_err(map_db_err)?;
    rows.iter().map(|row| read_row(row, request)).collect()
}

fn count(row: &QueryResult, column: &str) -> Result<u64, RepositoryError> {
    let n: i64 = row.try_get("", column).map_err(map_db_err)?;
    u64::try_from(n).map_err(|e| corrupt("statistics_rollups", column, e))
}

fn read_row(row: &QueryResult, request: &TallyRequest) -> Result<TallyRow, RepositoryError> {
    let bucket = read_date(row, "bucket")?
        .ok_or_else(|| corrupt("statistics_rollups", "bucket", "no bucket"))?;
    let key = match request.split {
        None | Some(Dimension::RelationType) => None,
        Some(Dimension::Category | Dimension::ResourceType) => row
            .try_get::<Option<uuid::Uuid>>("", "split_key")
            .map_err(map_db_err)?
            .map(|id| SplitKey::Reference(ReferenceId::from_uuid(id))),
        Some(Dimension::Region) => row
            .try_get::<Option<String>>("", "split_key")
            .map_err(map_db_err)?
            .map(|code| {
                Region::parse(&code)
                    .map(SplitKey::Region)
                    .map_err(|e| corrupt("statistics_rollups", &code, e))
            })
            .transpose()?,
    };
    Ok(TallyRow {
        bucket,
        key,
        tally: Tally {
            events: count(row, "events")?,
            people: count(row, "people")?,
        },
        visitor_events: count(row, "visitor_events")?,
    })
}

/// Where the aggregates end and the events begin for `request`: the first
/// bucket that starts on or after `kept_from`.
pub(crate) fn split_point(request: &TallyRequest, kept_from: Date) -> Date {
    first_on_or_after(request.grouping, kept_from)
}
