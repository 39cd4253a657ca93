//! Consultations and searches, counted in memory and written in batches.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rr_application::RepositoryError;
use rr_application::ports::{Consultation, Search, StatisticsRecorder};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};
use serde::Deserialize;

use crate::map_db_err;
use crate::mapping::to_column;
use crate::repositories::write::{begin_write, settle};

/// Configuration of the statistics counters, section `[statistics]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatisticsSettings {
    /// How often counted events are written, in milliseconds.
    pub flush_interval_ms: u64,
    /// Events kept in memory at most between two writes; beyond, new events
    /// are dropped (and the drop logged) rather than memory exhausted.
    pub buffer_capacity: usize,
    /// Fewest distinct people a published figure of the administrators'
    /// statistics may describe (small-cell rule, ADR 0018); at least 5.
    /// Read by the statistics use case, kept in this section with the rest
    /// of the statistics.
    #[serde(default = "default_min_cell_people")]
    pub min_cell_people: u64,
}

const fn default_min_cell_people() -> u64 {
    10
}

/// Rows per multi-row statement: far below SQLite's 32,766 bound variables
/// and MariaDB's packet size.
const CHUNK: usize = 500;

#[derive(Debug, Default)]
struct Buffer {
    consultations: Vec<Consultation>,
    searches: Vec<Search>,
    dropped: u64,
}

impl Buffer {
    fn len(&self) -> usize {
        self.consultations.len() + self.searches.len()
    }
}

/// What one write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlushReport {
    /// Consultations written.
    pub consultations: usize,
    /// Searches written.
    pub searches: usize,
    /// Events left out: their account objected to statistics or no longer
    /// exists, or their resource no longer exists.
    pub left_out: usize,
    /// Events dropped since the previous write because the buffer was full.
    pub dropped: u64,
}

/// [`StatisticsRecorder`] that counts in memory and writes in batches.
///
/// Recording takes a mutex for a push: requests never wait for the
/// database. [`Self::flush`] (every `flush_interval_ms` from
/// [`Self::spawn_flusher`], and once more at shutdown) writes, in one
/// transaction: the consultation and search events, and each consulted
/// resource's `view_count` increased by its consultations, in one statement
/// per 500 resources. Events of accounts that objected to statistics are
/// left out then, so an objection takes effect for what was not yet written.
/// A failed write puts its events back, within the buffer's capacity.
#[derive(Debug, Clone)]
pub struct BufferedStatistics {
    conn: DatabaseConnection,
    buffer: Arc<Mutex<Buffer>>,
    capacity: usize,
}

impl BufferedStatistics {
    /// Counters writing to this pool, holding at most `capacity` events.
    #[must_use]
    pub fn new(conn: DatabaseConnection, capacity: usize) -> Self {
        Self {
            conn,
            buffer: Arc::default(),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.buffer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes every event counted so far.
    ///
    /// # Errors
    /// When the database refuses; the events are kept for the next attempt.
    pub async fn flush(&self) -> Result<FlushReport, RepositoryError> {
        let taken = std::mem::take(&mut *self.lock());
        if taken.len() == 0 {
            return Ok(FlushReport {
                dropped: taken.dropped,
                ..FlushReport::default()
            });
        }
        match self.write(&taken).await {
            Ok(mut report) => {
                report.dropped = taken.dropped;
                Ok(report)
            }
            Err(e) => {
                let mut buffer = self.lock();
                let room = self.capacity.saturating_sub(buffer.len());
                let mut back = taken;
                back.consultations.truncate(room);
                let room = room - back.consultations.len();
                back.searches.truncate(room);
                back.consultations.append(&mut buffer.consultations);
                back.searches.append(&mut buffer.searches);
                back.dropped += buffer.dropped;
                *buffer = back;
                Err(e)
            }
        }
    }

    /// Flushes every `interval` until the returned task is aborted.
    #[must_use]
    pub fn spawn_flusher(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                this.flush_logged().await;
            }
        })
    }

    /// Flushes, logging the outcome rather than returning it.
    pub async fn flush_logged(&self) {
        match self.flush().await {
            Ok(report) if report.dropped > 0 => tracing::warn!(
                dropped = report.dropped,
                "statistics buffer full: events dropped"
            ),
            Ok(report) => tracing::debug!(?report, "statistics written"),
            Err(e) => {
                tracing::warn!(error = %e, "statistics not written; kept for the next attempt")
            }
        }
    }

    async fn write(&self, events: &Buffer) -> Result<FlushReport, RepositoryError> {
        let backend = self.conn.get_database_backend();
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = write_events(&txn, backend, events).await;
        settle(txn, result, true, map_db_err).await
    }
}

impl StatisticsRecorder for BufferedStatistics {
    fn consulted(&self, consultation: Consultation) {
        let mut buffer = self.lock();
        if buffer.len() < self.capacity {
            buffer.consultations.push(consultation);
        } else {
            buffer.dropped += 1;
        }
    }

    fn searched(&self, search: Search) {
        let mut buffer = self.lock();
        if buffer.len() < self.capacity {
            buffer.searches.push(search);
        } else {
            buffer.dropped += 1;
        }
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The ids among `ids` that `sql` (`… IN (`, closed here) selects.
async fn existing(
    conn: &impl ConnectionTrait,
    backend: DatabaseBackend,
    sql: &str,
    ids: &HashSet<uuid::Uuid>,
) -> Result<HashSet<uuid::Uuid>, RepositoryError> {
    let ids: Vec<uuid::Uuid> = ids.iter().copied().collect();
    let mut found = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let statement = Statement::from_sql_and_values(
            backend,
            format!("{sql}{})", placeholders(chunk.len())),
            chunk.iter().copied().map(Value::from),
        );
        for row in conn.query_all_raw(statement).await.map_err(map_db_err)? {
            found.insert(row.try_get_by_index::<uuid::Uuid>(0).map_err(map_db_err)?);
        }
    }
    Ok(found)
}

async fn write_events(
    conn: &impl ConnectionTrait,
    backend: DatabaseBackend,
    events: &Buffer,
) -> Result<FlushReport, RepositoryError> {
    let accounts: HashSet<uuid::Uuid> = events
        .consultations
        .iter()
        .filter_map(|c| c.viewer)
        .chain(events.searches.iter().filter_map(|s| s.searcher))
        .map(|u| u.as_uuid())
        .collect();
    let counted_accounts = existing(
        conn,
        backend,
        "SELECT id FROM users WHERE statistics_objection = FALSE AND restricted_at IS NULL \
         AND id IN (",
        &accounts,
    )
    .await?;
    let counted = |account: Option<rr_domain::identity::UserId>| {
        account.is_none_or(|u| counted_accounts.contains(&u.as_uuid()))
    };
    let resources: HashSet<uuid::Uuid> = events
        .consultations
        .iter()
        .map(|c| c.resource.as_uuid())
        .collect();
    let live_resources = existing(
        conn,
        backend,
        "SELECT id FROM resources WHERE id IN (",
        &resources,
    )
    .await?;

    let consultations: Vec<&Consultation> = events
        .consultations
        .iter()
        .filter(|c| counted(c.viewer) && live_resources.contains(&c.resource.as_uuid()))
        .collect();
    let searches: Vec<&Search> = events
        .searches
        .iter()
        .filter(|s| counted(s.searcher))
        .collect();

    for chunk in consultations.chunks(CHUNK) {
        let mut values = Vec::with_capacity(chunk.len() * 3);
        for c in chunk {
            values.push(Value::from(c.resource.as_uuid()));
            values.push(Value::from(c.viewer.map(|u| u.as_uuid())));
            values.push(Value::from(to_column(c.at)?));
        }
        let rows = vec!["(?, ?, ?)"; chunk.len()].join(", ");
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("INSERT INTO consultation_events (resource_id, viewer_id, occurred_at) VALUES {rows}"),
            values,
        ))
        .await
        .map_err(map_db_err)?;
    }

    let mut views: HashMap<uuid::Uuid, i64> = HashMap::new();
    for c in &consultations {
        *views.entry(c.resource.as_uuid()).or_default() += 1;
    }
    let views: Vec<(uuid::Uuid, i64)> = views.into_iter().collect();
    for chunk in views.chunks(CHUNK) {
        let mut values = Vec::with_capacity(chunk.len() * 3);
        let mut cases = String::new();
        for (id, n) in chunk {
            cases.push_str(" WHEN ? THEN ?");
            values.push(Value::from(*id));
            values.push(Value::from(*n));
        }
        for (id, _) in chunk {
            values.push(Value::from(*id));
        }
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE resources SET view_count = view_count + CASE id{cases} ELSE 0 END \
                 WHERE id IN ({})",
                placeholders(chunk.len())
            ),
            values,
        ))
        .await
        .map_err(map_db_err)?;
    }

    for chunk in searches.chunks(CHUNK) {
        let mut values = Vec::with_capacity(chunk.len() * 5);
        for s in chunk {
            values.push(Value::from(s.searcher.map(|u| u.as_uuid())));
            values.push(Value::from(to_column(s.at)?));
            values.push(Value::from(s.category.map(|c| c.as_uuid())));
            values.push(Value::from(s.resource_type.map(|t| t.as_uuid())));
            values.push(Value::from(s.with_text));
        }
        let rows = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO search_events (searcher_id, occurred_at, category_id, resource_type_id, with_text) VALUES {rows}"
            ),
            values,
        ))
        .await
        .map_err(map_db_err)?;
    }

    Ok(FlushReport {
        consultations: consultations.len(),
        searches: searches.len(),
        left_out: events.len() - consultations.len() - searches.len(),
        dropped: 0,
    })
}
