use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{
    RelationFilter, SplitKey, StatisticsQuery, TallyFilters, TallyRequest, TallyRow,
};
use rr_domain::identity::Region;
use rr_domain::reference::ReferenceId;
use rr_domain::statistics::{Dimension, Grouping, Measure, Tally};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, Value,
};
use time::{Date, PrimitiveDateTime, Time};

use crate::map_db_err;
use crate::mapping::corrupt;

/// [`StatisticsQuery`] in hand-written SQL: one `GROUP BY` per tally, the
/// bucket computed by the engine from the event's instant (UTC).
///
/// Each measure reads its own table, on an index of migration 000008 led by
/// its instant that holds every column the tally reads, so that a period is
/// one range scan. Whatever else is needed is read once per statement, never
/// looked up per event: the accounts that object to statistics *now*
/// or are restricted (`users.statistics_objection`, `users.restricted_at`,
/// [`OBJECTORS`]) and the resources or
/// accounts a filter keeps are subqueries; a split reads every resource's
/// classification or every account's region as a derived table, which
/// MariaDB keeps in memory ([`MARIADB_TEMPORARY`]). Events of an account
/// that no longer exists cannot be: their account is set to `NULL` (events)
/// or they are deleted with it (favourites, marks), and resources keep
/// theirs.
#[derive(Debug, Clone)]
pub struct SeaOrmStatisticsQuery {
    conn: DatabaseConnection,
}

impl SeaOrmStatisticsQuery {
    /// The statistics of this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

/// Where an event's category and resource type are.
#[derive(Clone, Copy)]
enum Classification {
    /// In these columns of the event's row (searches; resources themselves).
    Columns(&'static str, &'static str),
    /// In the resource the event is about.
    OfResource,
    /// Nowhere (registrations).
    Unclassified,
}

/// Where one measure's events are and how to read them.
struct Source {
    /// The events' table, as `e` (or `r`, `u` when they are the events).
    table: &'static str,
    /// The account behind an event (`NULL` for a visitor's).
    person: &'static str,
    /// The event's instant.
    at: &'static str,
    /// Always true of a counted event.
    condition: Option<&'static str>,
    /// The resource an event is about (for relation types).
    resource: Option<&'static str>,
    /// Where its category and resource type are.
    classification: Classification,
    /// Whether visitors (no account) have events of this kind.
    visitors: bool,
}

impl Source {
    /// Whether the events are the accounts themselves (registrations).
    fn is_accounts(&self) -> bool {
        self.table.starts_with("users")
    }
}

fn source(measure: Measure) -> Source {
    match measure {
        Measure::Consultations => Source {
            table: "consultation_events e",
            person: "e.viewer_id",
            at: "e.occurred_at",
            condition: None,
            resource: Some("e.resource_id"),
            classification: Classification::OfResource,
            visitors: true,
        },
        Measure::Searches => Source {
            table: "search_events e",
            person: "e.searcher_id",
            at: "e.occurred_at",
            condition: None,
            resource: None,
            classification: Classification::Columns("e.category_id", "e.resource_type_id"),
            visitors: true,
        },
        Measure::Exploitations => Source {
            table: "resource_progress e",
            person: "e.user_id",
            at: "e.exploited_at",
            condition: Some("e.exploited = TRUE"),
            resource: Some("e.resource_id"),
            classification: Classification::OfResource,
            visitors: false,
        },
        Measure::Favourites => Source {
            table: "favourites e",
            person: "e.user_id",
            at: "e.created_at",
            condition: None,
            resource: Some("e.resource_id"),
            classification: Classification::OfResource,
            visitors: false,
        },
        Measure::Creations => Source {
            table: "resources r",
            person: "r.author_id",
            at: "r.created_at",
            condition: None,
            resource: Some("r.id"),
            classification: Classification::Columns("r.category_id", "r.resource_type_id"),
            visitors: false,
        },
        Measure::Registrations => Source {
            table: "users u",
            person: "u.id",
            at: "u.created_at",
            condition: None,
            resource: None,
            classification: Classification::Unclassified,
            visitors: false,
        },
    }
}

/// The accounts that object to statistics: few, read once per statement
/// (both engines materialise the subquery) rather than joining `users` for
/// every event, which costs a random read per event once `users` outgrows
/// the cache.
const OBJECTORS: &str = "SELECT o.id FROM users o WHERE o.statistics_objection = TRUE";

/// The accounts whose processing is restricted (GDPR Art. 18), on their
/// own index (`idx_users_restricted_at`).
const RESTRICTED: &str = "SELECT ra.id FROM users ra WHERE ra.restricted_at IS NOT NULL";

/// The condition that `person` (an account, not `NULL`) is counted: it
/// neither objects nor is restricted. Two subqueries rather than one
/// `UNION`: MariaDB does not materialise a `UNION` under `NOT IN` and runs
/// it again for every event (minutes for a year), and one subquery with
/// `OR` costs a fifth more per event than two on their own indexes.
pub(super) fn counted(person: &str) -> String {
    format!("{person} NOT IN ({OBJECTORS}) AND {person} NOT IN ({RESTRICTED})")
}

/// `TO_DAYS` of 1970-01-01 on MariaDB, and the Julian day number of that date.
const TO_DAYS_EPOCH: i64 = 719_528;
const JULIAN_EPOCH: i64 = 2_440_588;

/// The first day of the bucket of `at`. SQLite keeps instants as
/// `YYYY-MM-DD HH:MM:SS.f` text in UTC, and the bucket is that text's
/// `YYYY-MM-DD`. MariaDB keeps `datetime(6)` in UTC, and the bucket is its
/// day number (`TO_DAYS`): grouping by an integer sorts several times
/// faster than by text in the connection's collation.
fn bucket(backend: DatabaseBackend, grouping: Grouping, at: &str) -> String {
    match (backend == DatabaseBackend::MySql, grouping) {
        (true, Grouping::Day) => format!("CAST(TO_DAYS({at}) AS SIGNED)"),
        (true, Grouping::Week) => format!("CAST(TO_DAYS({at}) - WEEKDAY({at}) AS SIGNED)"),
        (true, Grouping::Month) => {
            format!("CAST(TO_DAYS({at}) - DAYOFMONTH({at}) + 1 AS SIGNED)")
        }
        (false, Grouping::Day) => format!("substr({at}, 1, 10)"),
        // 'weekday 0' moves to the next Sunday (or stays on one): its Monday is 6 days before.
        (false, Grouping::Week) => format!("date(substr({at}, 1, 10), 'weekday 0', '-6 days')"),
        (false, Grouping::Month) => format!("substr({at}, 1, 7) || '-01'"),
    }
}

/// The bucket starting on `day`, as [`bucket`] computes it.
fn bucket_literal(backend: DatabaseBackend, day: Date) -> String {
    if backend == DatabaseBackend::MySql {
        (i64::from(day.to_julian_day()) - JULIAN_EPOCH + TO_DAYS_EPOCH).to_string()
    } else {
        format!("'{day}'")
    }
}

/// A bound of the period: midnight UTC of `day`. On SQLite the bare date,
/// which sorts before every instant of that day and after every earlier one.
fn bound(backend: DatabaseBackend, day: Date) -> Value {
    if backend == DatabaseBackend::MySql {
        Value::from(PrimitiveDateTime::new(day, Time::MIDNIGHT))
    } else {
        Value::from(day.to_string())
    }
}

fn unsupported(measure: Measure, what: &str) -> RepositoryError {
    RepositoryError::Internal(format!("{} cannot be {what}", measure.as_str()).into())
}

/// On MariaDB, each statement may keep its temporary tables (a derived
/// table of every resource's category, or of every account's region; a
/// subquery's results) in memory up to this size, instead of 16 MiB.
const MARIADB_TEMPORARY: &str = "max_heap_table_size = 268435456, tmp_table_size = 268435456";

fn statement(
    backend: DatabaseBackend,
    request: &TallyRequest,
) -> Result<Statement, RepositoryError> {
    let measure = request.measure;
    let source = source(measure);
    let filters: &TallyFilters = &request.filters;
    let person = source.person;
    // Columns of the two classifications: the event's own, or those of its
    // resource (`rc` in a filter's subquery, `r` in a split's derived table).
    let columns = |dimension: Dimension| match dimension {
        Dimension::Category => "category_id",
        _ => "resource_type_id",
    };
    let mut joins = String::new();
    let mut optimizer: Vec<&str> = Vec::new();

    // A split reads each event's value from a derived table (every
    // resource's classification, every account's region) that MariaDB builds
    // once in memory, rather than looking up a row per event: three to four
    // times faster on a year of the seeded data.
    let split: Option<String> = match (request.split, source.classification) {
        (None, _) => None,
        (Some(Dimension::RelationType), _) => {
            return Err(unsupported(measure, "split by relation type"));
        }
        (Some(Dimension::Region), _) if source.is_accounts() => Some("u.region".to_owned()),
        (Some(Dimension::Region), _) => {
            joins.push_str(&format!(
                " LEFT JOIN (SELECT gs.id, gs.region FROM users gs) g ON g.id = {person}"
            ));
            optimizer.push("derived_merge=off");
            Some("g.region".to_owned())
        }
        (Some(dimension), Classification::Columns(category, resource_type)) => Some(
            if dimension == Dimension::Category {
                category
            } else {
                resource_type
            }
            .to_owned(),
        ),
        (Some(dimension), Classification::OfResource) => {
            let resource = source
                .resource
                .ok_or_else(|| unsupported(measure, "split by its resource"))?;
            joins.push_str(&format!(
                " JOIN (SELECT rs.id, rs.{} AS split_value FROM resources rs) r \
                 ON r.id = {resource}",
                columns(dimension)
            ));
            optimizer.push("derived_merge=off");
            Some("r.split_value".to_owned())
        }
        (Some(_), Classification::Unclassified) => {
            return Err(unsupported(measure, "split by a classification"));
        }
    };

    // What follows the bucket in the select list.
    let mut select = String::new();
    if let Some(key) = &split {
        select.push_str(&format!(", {key} AS split_key"));
    }
    select.push_str(&format!(
        ", COUNT({person}) AS events, COUNT(DISTINCT {person}) AS people"
    ));
    if source.visitors {
        select.push_str(&format!(
            ", COUNT(CASE WHEN {person} IS NULL THEN 1 END) AS visitors"
        ));
    }
    // The conditions after the period's range, and their values.
    let mut sql = String::new();
    let mut values: Vec<Value> = Vec::new();
    if source.is_accounts() {
        sql.push_str(&format!(
            " AND u.statistics_objection = FALSE AND u.id NOT IN ({RESTRICTED})"
        ));
    } else if source.visitors {
        sql.push_str(&format!(" AND ({person} IS NULL OR ({}))", counted(person)));
    } else {
        sql.push_str(&format!(" AND {}", counted(person)));
    }
    if let Some(condition) = source.condition {
        sql.push_str(&format!(" AND {condition}"));
    }
    // A category or resource type filter: the event's own column, or a
    // subquery of the matching resources, read once.
    for (dimension, id) in [
        (Dimension::Category, filters.category),
        (Dimension::ResourceType, filters.resource_type),
    ] {
        let Some(id) = id else { continue };
        let column = columns(dimension);
        match (source.classification, source.resource) {
            (Classification::Columns(category, resource_type), _) => {
                let own = if dimension == Dimension::Category {
                    category
                } else {
                    resource_type
                };
                sql.push_str(&format!(" AND {own} = ?"));
            }
            (Classification::OfResource, Some(resource)) => sql.push_str(&format!(
                " AND {resource} IN (SELECT rc.id FROM resources rc WHERE rc.{column} = ?)"
            )),
            _ => return Err(unsupported(measure, "filtered by a classification")),
        }
        values.push(Value::from(id.as_uuid()));
    }
    // A relation type: the resources that have it (or not), read once; on
    // MariaDB as a materialised subquery rather than a semi-join, which it
    // would run as a lookup per event.
    if let Some(relation) = filters.relation_type {
        let resource = source
            .resource
            .ok_or_else(|| unsupported(measure, "filtered by relation type"))?;
        let (not, id) = match relation {
            RelationFilter::With(id) => {
                optimizer.push("semijoin=off");
                ("", id)
            }
            RelationFilter::Without(id) => ("NOT ", id),
        };
        sql.push_str(&format!(
            " AND {resource} {not}IN (SELECT rt.resource_id FROM resource_relation_types rt \
             WHERE rt.relation_type_id = ?)"
        ));
        values.push(Value::from(id.as_uuid()));
    }
    if let Some(region) = filters.region {
        if source.is_accounts() {
            sql.push_str(" AND u.region = ?");
        } else {
            sql.push_str(&format!(
                " AND {person} IN (SELECT g2.id FROM users g2 \
                 WHERE g2.statistics_objection = FALSE AND g2.region = ?)"
            ));
        }
        values.push(Value::from(region.code().to_owned()));
    }
    let conditions = sql;
    let at = source.at;
    let from = format!("FROM {}{joins} WHERE {at} >= ? AND {at} < ?", source.table);
    let unfiltered = split.is_none() && *filters == TallyFilters::default();
    let (mut sql, values) = if unfiltered && request.grouping != Grouping::Day {
        // One range per bucket, without GROUP BY: MariaDB then keeps one
        // set of distinct people per range instead of sorting every event
        // of the period by bucket first (half the time on a year of the
        // seeded data). Buckets without events come back as zeros, dropped
        // by `tally`. Filters and splits keep the single GROUP BY: their
        // subqueries and derived tables would be built once per bucket.
        let mut parts = Vec::new();
        let mut all = Vec::new();
        let mut start = request.grouping.start_of(request.from);
        while start < request.to {
            let end = request.grouping.next(start);
            parts.push(format!(
                "SELECT {} AS bucket{select} {from}{conditions}",
                bucket_literal(backend, start)
            ));
            all.push(bound(backend, start.max(request.from)));
            all.push(bound(backend, end.min(request.to)));
            all.extend(values.iter().cloned());
            start = end;
        }
        (parts.join(" UNION ALL "), all)
    } else {
        let mut sql = format!(
            "SELECT {} AS bucket{select} {from}{conditions} GROUP BY bucket",
            bucket(backend, request.grouping, at)
        );
        if split.is_some() {
            sql.push_str(", split_key");
        }
        let mut all = vec![bound(backend, request.from), bound(backend, request.to)];
        all.extend(values);
        (sql, all)
    };
    if backend == DatabaseBackend::MySql {
        let mut settings = MARIADB_TEMPORARY.to_owned();
        if !optimizer.is_empty() {
            settings.push_str(&format!(", optimizer_switch = '{}'", optimizer.join(",")));
        }
        sql = format!("SET STATEMENT {settings} FOR {sql}");
    }
    Ok(Statement::from_sql_and_values(backend, sql, values))
}

fn count(row: &QueryResult, column: &str) -> Result<u64, RepositoryError> {
    let n: i64 = row.try_get("", column).map_err(map_db_err)?;
    u64::try_from(n).map_err(|e| corrupt("statistics", column, e))
}

/// The bucket as [`bucket`] computed it.
fn read_bucket(backend: DatabaseBackend, row: &QueryResult) -> Result<Date, RepositoryError> {
    if backend == DatabaseBackend::MySql {
        let days: i64 = row.try_get("", "bucket").map_err(map_db_err)?;
        i32::try_from(days - TO_DAYS_EPOCH + JULIAN_EPOCH)
            .ok()
            .and_then(|julian| Date::from_julian_day(julian).ok())
            .ok_or_else(|| corrupt("statistics", days, "not a day number"))
    } else {
        let raw: String = row.try_get("", "bucket").map_err(map_db_err)?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(&raw, &format).map_err(|e| corrupt("statistics", &raw, e))
    }
}

fn read(
    backend: DatabaseBackend,
    row: &QueryResult,
    request: &TallyRequest,
) -> Result<TallyRow, RepositoryError> {
    let bucket = read_bucket(backend, row)?;
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
                    .map_err(|e| corrupt("users", &code, e))
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
        visitor_events: if source(request.measure).visitors {
            count(row, "visitors")?
        } else {
            0
        },
    })
}

#[async_trait]
impl StatisticsQuery for SeaOrmStatisticsQuery {
    /// Buckets of consultations and searches that start before the first
    /// day whose events are kept are read from the aggregates of the
    /// retention purge (`statistics_rollup`); the others from the events.
    async fn tally(&self, request: &TallyRequest) -> Result<Vec<TallyRow>, RepositoryError> {
        let backend = self.conn.get_database_backend();
        let mut request = *request;
        let mut aggregated = Vec::new();
        if super::statistics_rollup::AGGREGATED.contains(&request.measure)
            && let Some(kept_from) = super::statistics_rollup::kept_from(&self.conn).await?
            && request.from < kept_from
        {
            let split = super::statistics_rollup::split_point(&request, kept_from);
            let until = split.min(request.to);
            aggregated =
                super::statistics_rollup::rollup_rows(&self.conn, &request, (request.from, until))
                    .await?;
            if split >= request.to {
                return Ok(aggregated);
            }
            request.from = split;
        }
        let rows = self
            .conn
            .query_all_raw(statement(backend, &request)?)
            .await
            .map_err(map_db_err)?;
        aggregated.reserve(rows.len());
        for row in &rows {
            // One range per bucket answers zeros for a bucket without events.
            let tally = read(backend, row, &request)?;
            if tally.tally.events > 0 || tally.visitor_events > 0 {
                aggregated.push(tally);
            }
        }
        Ok(aggregated)
    }

    async fn aggregated_before(&self) -> Result<Option<Date>, RepositoryError> {
        super::statistics_rollup::kept_from(&self.conn).await
    }
}
