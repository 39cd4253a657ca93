//! `rr-server gdpr`: the nightly retention purge and the register of
//! processing activities (ADR 0025).

use std::io::Write;

use anyhow::Context;
use clap::Subcommand;
use rr_application::services::RetentionService;
use rr_application::services::retention::{PurgeMode, PurgeReport};
use rr_persistence::Database;
use time::format_description::well_known::Rfc3339;

use crate::Settings;

/// `gdpr` actions.
#[derive(Debug, Subcommand)]
pub enum GdprAction {
    /// Apply every retention period: warn then erase inactive accounts,
    /// delete old sessions, links, audit entries, staff journal entries,
    /// notifications and export records, aggregate then delete old
    /// consultations and searches. Idempotent: run it every night. Exits 1
    /// when a mail or an erasure failed (retried next run).
    Purge {
        /// Print what would be done, per category, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the register of processing activities (Markdown), as the API
    /// serves it with this configuration: `docs/rgpd/register.md`.
    Register,
}

/// Runs a `gdpr` action.
///
/// # Errors
/// When the configuration, the database or the mail relay fails; when a
/// purge could not warn or erase some account.
pub async fn run(settings: &Settings, action: GdprAction) -> anyhow::Result<()> {
    match action {
        GdprAction::Register => {
            let register = crate::register::document(settings)?;
            write!(
                std::io::stdout().lock(),
                "{}",
                crate::register::markdown(&register)
            )?;
            Ok(())
        }
        GdprAction::Purge { dry_run } => {
            let mode = if dry_run {
                PurgeMode::DryRun
            } else {
                PurgeMode::Apply
            };
            let report = purge(settings, mode).await?;
            print(&report)?;
            let failures = report.failures();
            anyhow::ensure!(
                failures == 0,
                "{failures} account(s) could not be warned or erased; the next run retries them"
            );
            Ok(())
        }
    }
}

/// Runs the purge on the configured database (migrated first when
/// configured to), as `gdpr purge` does.
///
/// # Errors
/// When the configuration, the database or the mail relay fails.
pub async fn purge(settings: &Settings, mode: PurgeMode) -> anyhow::Result<PurgeReport> {
    let (database, retention) = open(settings).await?;
    let report = retention.purge(mode).await;
    database.close().await?;
    report.map_err(|err| anyhow::anyhow!("{err} ({})", err.code()))
}

/// The database, migrated when configured to, and the purge on it.
async fn open(settings: &Settings) -> anyhow::Result<(Database, RetentionService)> {
    let database = Database::connect(&settings.database)
        .await
        .context("opening the database")?;
    if settings.database.migrate_on_start {
        database
            .migrate_up(None)
            .await
            .context("applying migrations")?;
    }
    let identity = crate::wiring::identity(settings, &database)?;
    let attachments = crate::wiring::attachments(settings, &database)?;
    let exports = crate::wiring::data_exports(settings, &database)?;
    let erasure = crate::wiring::erasure(settings, &database, identity, attachments, exports)?;
    let notifications = crate::wiring::notifications(settings, &database)?;
    let retention = crate::wiring::retention(settings, &database, notifications, erasure)?;
    Ok((database, retention))
}

/// One line per action: what, how many, the cut-off and the period.
fn print(report: &PurgeReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let at = report.at.format(&Rfc3339).unwrap_or_default();
    match report.mode {
        PurgeMode::DryRun => writeln!(out, "retention purge, dry run at {at}: nothing changed")?,
        PurgeMode::Apply => writeln!(out, "retention purge at {at}")?,
    }
    for line in &report.lines {
        let before = line.before.format(&Rfc3339).unwrap_or_default();
        let mut text = format!(
            "  {:<30} {:>10}   before {before} ({})",
            line.action.as_str(),
            line.count,
            line.span
        );
        if line.failed > 0 {
            text.push_str(&format!("   {} failed", line.failed));
        }
        writeln!(out, "{text}")?;
    }
    Ok(())
}
