//! Progress bars on standard error (one per table, with rows per second)
//! and the summary printed at the end.

use std::io::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use rr_persistence::bulk::SeedResource;

const BAR: &str =
    "{prefix:>20} [{bar:30}] {human_pos:>9}/{human_len:9} {per_sec:>13} {elapsed:>4} eta {eta:>4}";

/// One table being loaded.
#[derive(Debug)]
struct Table {
    name: &'static str,
    bar: ProgressBar,
}

/// The figures of the summary.
#[derive(Debug)]
struct Figures {
    /// When the last thing was done: the start of the next write.
    mark: Instant,
    rows: [u64; TABLES],
    /// The time of each table: for each of its writes, from the end of the
    /// previous write (of any table) to its own end. For tables written one
    /// after the other, from the end of the previous table to the last write
    /// of this one; tables written in turns share the time between them.
    spent: [Duration; TABLES],
    relation_types: u64,
    shares: u64,
    steps: Vec<(String, Duration)>,
}

/// The bars of a seed and the figures of its summary.
#[derive(Debug)]
pub(super) struct Progress {
    multi: MultiProgress,
    started: Instant,
    tables: [Table; TABLES],
    figures: Mutex<Figures>,
}

const USERS: usize = 0;
const RESOURCES: usize = 1;
const FAVOURITES: usize = 2;
const EVENTS: usize = 3;
const COMMENTS: usize = 4;
const REPORTS: usize = 5;
const TABLES: usize = 6;

impl Progress {
    /// Bars for `users` accounts and `resources` resources; the other
    /// tables' lengths come with the plan.
    pub(super) fn new(users: u64, resources: u64) -> Self {
        let multi = MultiProgress::new();
        let style = ProgressStyle::with_template(BAR)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let table = |name: &'static str, len: u64| {
            let bar = multi.add(ProgressBar::new(len));
            bar.set_style(style.clone());
            bar.set_prefix(name);
            Table { name, bar }
        };
        let now = Instant::now();
        Self {
            tables: [
                table("users", users),
                table("resources", resources),
                table("favourites", 0),
                table("consultation events", 0),
                table("comments", 0),
                table("reports", 0),
            ],
            multi,
            started: now,
            figures: Mutex::new(Figures {
                mark: now,
                rows: [0; TABLES],
                spent: [Duration::ZERO; TABLES],
                relation_types: 0,
                shares: 0,
                steps: Vec::new(),
            }),
        }
    }

    fn figures(&self) -> MutexGuard<'_, Figures> {
        // Figures stay usable even if a thread panicked while holding them.
        self.figures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The plan is drawn.
    pub(super) fn planned(&self, favourites: u64, events: u64, comments: u64, reports: u64) {
        self.tables[FAVOURITES].bar.set_length(favourites);
        self.tables[EVENTS].bar.set_length(events);
        self.tables[COMMENTS].bar.set_length(comments);
        self.tables[REPORTS].bar.set_length(reports);
        let now = Instant::now();
        let mut figures = self.figures();
        let took = now - figures.mark;
        figures.steps.push(("plan drawn".into(), took));
        figures.mark = now;
    }

    fn written(&self, table: usize, rows: usize) {
        let now = Instant::now();
        let mut figures = self.figures();
        let took = now - figures.mark;
        figures.spent[table] += took;
        figures.rows[table] += rows as u64;
        figures.mark = now;
        self.tables[table].bar.inc(rows as u64);
    }

    pub(super) fn users(&self, rows: usize) {
        self.written(USERS, rows);
    }

    pub(super) fn resources(&self, rows: &[SeedResource]) {
        let relation_types: usize = rows.iter().map(|r| r.record.relation_types.len()).sum();
        let shares: usize = rows.iter().map(|r| r.record.shared_with.len()).sum();
        {
            let mut figures = self.figures();
            figures.relation_types += relation_types as u64;
            figures.shares += shares as u64;
        }
        self.written(RESOURCES, rows.len());
    }

    pub(super) fn favourites(&self, rows: usize) {
        self.written(FAVOURITES, rows);
    }

    pub(super) fn consultations(&self, rows: usize) {
        self.written(EVENTS, rows);
    }

    pub(super) fn comments(&self, rows: usize) {
        self.written(COMMENTS, rows);
    }

    pub(super) fn reports(&self, rows: usize) {
        self.written(REPORTS, rows);
    }

    /// A spinner for a step after the load.
    pub(super) fn step(&self, message: &'static str) -> (ProgressBar, Instant) {
        let spinner = self.multi.add(ProgressBar::new_spinner());
        spinner.set_message(message);
        spinner.enable_steady_tick(Duration::from_millis(200));
        (spinner, Instant::now())
    }

    /// The step is over.
    pub(super) fn done(&self, (spinner, started): (ProgressBar, Instant), label: &str) {
        spinner.finish_and_clear();
        self.figures()
            .steps
            .push((label.to_owned(), started.elapsed()));
    }

    /// Clears the bars.
    pub(super) fn finish(&self) {
        for table in &self.tables {
            table.bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }

    /// The figures of the load: rows, time and rows per second of each table.
    pub(super) fn write_summary(&self, out: &mut impl Write) -> std::io::Result<()> {
        let figures = self.figures();
        writeln!(
            out,
            "seeded in {:.1} s",
            self.started.elapsed().as_secs_f64()
        )?;
        for (index, table) in self.tables.iter().enumerate() {
            let rows = figures.rows[index];
            let seconds = figures.spent[index].as_secs_f64();
            #[allow(clippy::cast_precision_loss)]
            let rate = if seconds > 0.0 {
                rows as f64 / seconds
            } else {
                0.0
            };
            writeln!(
                out,
                "  {:<20} {rows:>10} rows {seconds:>8.1} s {rate:>10.0} rows/s",
                table.name
            )?;
            if index == RESOURCES {
                writeln!(
                    out,
                    "    relation types     {:>10} rows (with the resources)",
                    figures.relation_types
                )?;
                writeln!(
                    out,
                    "    shares             {:>10} rows (with the resources)",
                    figures.shares
                )?;
            }
        }
        for (label, took) in &figures.steps {
            writeln!(out, "  {label:<37} {:>8.1} s", took.as_secs_f64())?;
        }
        Ok(())
    }
}
