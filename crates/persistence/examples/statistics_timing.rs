//! Times the administrators' statistics on a database, as `GET
//! /api/v1/admin/statistics` computes them (the use case on the SeaORM
//! adapters), to check the budget of docs/performance.md ("Statistics").
//!
//! ```sh
//! cargo run --release -p rr-persistence --example statistics_timing -- \
//!   mysql://rr:rr@127.0.0.1:3306/rr_seed 2025-11-29 2026-11-29 month \
//!   [measures=consultations,favourites] [category=<uuid>] [resourceType=<uuid>] \
//!   [relationType=<uuid>] [region=53] [runs=3]
//! ```
//!
//! Each run appends a `statistics_queried` entry to the database's audit log,
//! as a real query does.

#![allow(clippy::print_stdout)] // a command-line tool reports on standard output

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use rr_application::ports::SystemClock;
use rr_application::services::statistics::{StatisticsFilters, StatisticsRequest};
use rr_application::services::{StatisticsPolicy, StatisticsPorts, StatisticsService};
use rr_domain::identity::{AuthenticatedActor, Region, Role, SessionId, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::statistics::{Grouping, Measure, Period};
use rr_persistence::Database;
use rr_persistence::testing::test_settings;
use time::Date;

fn date(raw: &str) -> anyhow::Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, &format).with_context(|| format!("{raw}: not a date"))
}

fn reference(raw: &str) -> anyhow::Result<ReferenceId> {
    Ok(ReferenceId::from_uuid(uuid::Uuid::parse_str(raw)?))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, from, to, grouping, options @ ..] = args.as_slice() else {
        bail!("usage: statistics_timing <url> <from> <to> <day|week|month> [key=value…]");
    };
    let grouping = Grouping::parse(grouping).context("grouping: day, week or month")?;
    let period = Period::new(date(from)?, date(to)?, grouping)?;
    let mut filters = StatisticsFilters::default();
    let mut measures = None;
    let mut runs = 3;
    for option in options {
        let (key, value) = option.split_once('=').context("options are key=value")?;
        match key {
            "measures" => {
                measures = Some(
                    value
                        .split(',')
                        .map(|m| Measure::parse(m).with_context(|| format!("{m}: no such measure")))
                        .collect::<anyhow::Result<Vec<_>>>()?,
                );
            }
            "category" => filters.category = Some(reference(value)?),
            "resourceType" => filters.resource_type = Some(reference(value)?),
            "relationType" => filters.relation_type = Some(reference(value)?),
            "region" => filters.region = Some(Region::parse(value)?),
            "runs" => runs = value.parse()?,
            other => bail!("{other}: unknown option"),
        }
    }

    let mut settings = test_settings(url);
    settings.max_connections = 8;
    let database = Database::connect(&settings).await?;
    let service = StatisticsService::new(
        StatisticsPorts {
            query: database.statistics_query(),
            reference_data: database.reference_data(),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
        },
        StatisticsPolicy::default(),
    );
    let admin = AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role: Role::Administrator,
        two_factor: true,
    };
    for run in 1..=runs {
        let started = Instant::now();
        let report = service
            .report(
                &admin,
                StatisticsRequest {
                    measures: measures.clone(),
                    period,
                    filters,
                },
            )
            .await?;
        let elapsed = started.elapsed();
        let suppressed = report.rows.iter().filter(|r| r.suppressed()).count();
        println!(
            "run {run}: {:.3} s, {} rows ({suppressed} suppressed), measures {:?}",
            elapsed.as_secs_f64(),
            report.rows.len(),
            report
                .measures
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
        );
        if run == runs {
            for row in report.rows.iter().take(8) {
                println!(
                    "  {} {:<14} {:?} visitors {:?}",
                    row.bucket,
                    row.measure.as_str(),
                    row.figures,
                    row.visitor_events
                );
            }
        }
    }
    Ok(())
}
