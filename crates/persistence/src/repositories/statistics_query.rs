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
/// Each measure reads its own table. The accounts that object to statistics
/// *now* (`users.statistics_objection`) are left out by a subquery read once
/// ([`OBJECTORS`]), a region filter is a subquery of that region's accounts,
/// and `users` is joined only to split by region; resources are joined only
/// when a category or resource type must be read from them. The indexes of
/// migration 000008 cover each measure's instant and the columns it reads,
/// so that a period is a range scan of one index. Events of an account that
/// no longer exists cannot be: their account is set to `NULL` (events) or
/// they are deleted with it (favourites, marks), and resources keep theirs.
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

/// Where one measure's events are and how to read them.
struct Source {
    /// The events' table, as `e` (or `r`, `u` when they are the events).
    table: &'static str,
    /// The join of the resources, when categories are read from them.
    resources: Option<&'static str>,
    /// The account behind an event (`NULL` for a visitor's).
    person: &'static str,
    /// The event's instant.
    at: &'static str,
    /// Always true of a counted event.
    condition: Option<&'static str>,
    /// The resource an event is about (for relation types).
    resource: Option<&'static str>,
    /// The category an event is classified in.
    category: Option<&'static str>,
    /// The resource type an event is classified in.
    resource_type: Option<&'static str>,
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
    let resources = Some("JOIN resources r ON r.id = e.resource_id");
    match measure {
        Measure::Consultations => Source {
            table: "consultation_events e",
            resources,
            person: "e.viewer_id",
            at: "e.occurred_at",
            condition: None,
            resource: Some("e.resource_id"),
            category: Some("r.category_id"),
            resource_type: Some("r.resource_type_id"),
            visitors: true,
        },
        Measure::Searches => Source {
            table: "search_events e",
            resources: None,
            person: "e.searcher_id",
            at: "e.occurred_at",
            condition: None,
            resource: None,
            category: Some("e.category_id"),
            resource_type: Some("e.resource_type_id"),
            visitors: true,
        },
        Measure::Exploitations => Source {
            table: "resource_progress e",
            resources,
            person: "e.user_id",
            at: "e.exploited_at",
            condition: Some("e.exploited = TRUE"),
            resource: Some("e.resource_id"),
            category: Some("r.category_id"),
            resource_type: Some("r.resource_type_id"),
            visitors: false,
        },
        Measure::Favourites => Source {
            table: "favourites e",
            resources,
            person: "e.user_id",
            at: "e.created_at",
            condition: None,
            resource: Some("e.resource_id"),
            category: Some("r.category_id"),
            resource_type: Some("r.resource_type_id"),
            visitors: false,
        },
        Measure::Creations => Source {
            table: "resources r",
            resources: None,
            person: "r.author_id",
            at: "r.created_at",
            condition: None,
            resource: Some("r.id"),
            category: Some("r.category_id"),
            resource_type: Some("r.resource_type_id"),
            visitors: false,
        },
        Measure::Registrations => Source {
            table: "users u",
            resources: None,
            person: "u.id",
            at: "u.created_at",
            condition: None,
            resource: None,
            category: None,
            resource_type: None,
            visitors: false,
        },
    }
}

/// The accounts that object to statistics: few, read once per statement
/// (both engines materialise the subquery) rather than joining `users` for
/// every event, which costs a random read per event once `users` outgrows
/// the cache.
const OBJECTORS: &str = "SELECT o.id FROM users o WHERE o.statistics_objection = TRUE";

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

/// A bound of the period: midnight UTC of `day`. On SQLite the bare date,
/// which sorts before every instant of that day and after every earlier one.
fn bound(backend: DatabaseBackend, day: Date) -> Value {
    if backend == DatabaseBackend::MySql {
        Value::from(PrimitiveDateTime::new(day, Time::MIDNIGHT))
    } else {
        Value::from(day.to_string())
    }
}

/// The region of an event's account, when a tally is split by region.
const REGION_KEY: &str = "g.region";

fn unsupported(measure: Measure, what: &str) -> RepositoryError {
    RepositoryError::Internal(format!("{} cannot be {what}", measure.as_str()).into())
}

fn statement(
    backend: DatabaseBackend,
    request: &TallyRequest,
) -> Result<Statement, RepositoryError> {
    let measure = request.measure;
    let source = source(measure);
    let filters: &TallyFilters = &request.filters;
    let classified =
        |column: Option<&'static str>, what: &str| column.ok_or_else(|| unsupported(measure, what));
    let split = match request.split {
        None => None,
        Some(Dimension::Category) => Some(classified(source.category, "split by category")?),
        Some(Dimension::ResourceType) => {
            Some(classified(source.resource_type, "split by resource type")?)
        }
        Some(Dimension::Region) if source.is_accounts() => Some("u.region"),
        Some(Dimension::Region) => Some(REGION_KEY),
        Some(Dimension::RelationType) => {
            return Err(unsupported(measure, "split by relation type"));
        }
    };
    let reads_resources = (filters.category.is_some()
        || filters.resource_type.is_some()
        || matches!(
            request.split,
            Some(Dimension::Category | Dimension::ResourceType)
        ))
        && source.category.is_some_and(|c| c.starts_with("r."));

    let person = source.person;
    let mut select = format!(
        "SELECT {} AS bucket",
        bucket(backend, request.grouping, source.at)
    );
    if let Some(key) = split {
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
    let mut sql = format!("{select} FROM {}", source.table);
    if reads_resources && let Some(join) = source.resources {
        sql.push(' ');
        sql.push_str(join);
    }
    if split == Some(REGION_KEY) {
        sql.push_str(&format!(" LEFT JOIN users g ON g.id = {person}"));
    }
    let at = source.at;
    sql.push_str(&format!(" WHERE {at} >= ? AND {at} < ?"));
    let mut values = vec![bound(backend, request.from), bound(backend, request.to)];
    if source.is_accounts() {
        sql.push_str(" AND u.statistics_objection = FALSE");
    } else if source.visitors {
        sql.push_str(&format!(
            " AND ({person} IS NULL OR {person} NOT IN ({OBJECTORS}))"
        ));
    } else {
        sql.push_str(&format!(" AND {person} NOT IN ({OBJECTORS})"));
    }
    if let Some(condition) = source.condition {
        sql.push_str(&format!(" AND {condition}"));
    }
    if let Some(category) = filters.category {
        sql.push_str(&format!(
            " AND {} = ?",
            classified(source.category, "filtered by category")?
        ));
        values.push(Value::from(category.as_uuid()));
    }
    if let Some(resource_type) = filters.resource_type {
        sql.push_str(&format!(
            " AND {} = ?",
            classified(source.resource_type, "filtered by resource type")?
        ));
        values.push(Value::from(resource_type.as_uuid()));
    }
    if let Some(relation) = filters.relation_type {
        let resource = classified(source.resource, "filtered by relation type")?;
        let (not, id) = match relation {
            RelationFilter::With(id) => ("", id),
            RelationFilter::Without(id) => ("NOT ", id),
        };
        sql.push_str(&format!(
            " AND {not}EXISTS (SELECT 1 FROM resource_relation_types rt \
             WHERE rt.resource_id = {resource} AND rt.relation_type_id = ?)"
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
    sql.push_str(" GROUP BY bucket");
    if split.is_some() {
        sql.push_str(", split_key");
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
    async fn tally(&self, request: &TallyRequest) -> Result<Vec<TallyRow>, RepositoryError> {
        let backend = self.conn.get_database_backend();
        let rows = self
            .conn
            .query_all_raw(statement(backend, request)?)
            .await
            .map_err(map_db_err)?;
        rows.iter().map(|row| read(backend, row, request)).collect()
    }
}
