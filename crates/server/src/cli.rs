//! The `rr-server` command line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use rr_persistence::Database;

use crate::settings::{self, Profile};
use crate::{Application, telemetry};

/// Ressources Relationnelles: the API server and its operations commands.
#[derive(Debug, Parser)]
#[command(name = "rr-server", version, about)]
pub struct Cli {
    /// Configuration profile.
    #[arg(long, env = "RR_PROFILE", value_enum, default_value_t = Profile::Development, global = true)]
    pub profile: Profile,
    /// Directory holding default.toml and the profiles' files.
    #[arg(long, env = "RR_CONFIG_DIR", default_value = "config", global = true)]
    pub config_dir: PathBuf,
    /// What to do; serving HTTP when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply, roll back or list database migrations.
    Migrate {
        /// Which way.
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the OpenAPI document on standard output.
    Openapi,
}

/// `migrate` actions.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply pending migrations.
    Up {
        /// Apply only this many (all when omitted).
        #[arg(long)]
        steps: Option<u32>,
    },
    /// Roll back applied migrations, newest first.
    Down {
        /// Roll back this many.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List every migration and whether it is applied.
    Status,
}

/// Runs the command line.
///
/// # Errors
/// Whatever the command fails with, with its context.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Openapi) = cli.command {
        let json = rr_http::openapi()
            .to_pretty_json()
            .context("serialising the OpenAPI document")?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{json}").context("writing to standard output")?;
        return Ok(());
    }
    let settings = settings::load(cli.profile, &cli.config_dir)?;
    telemetry::init(&settings.telemetry, std::io::stderr)?;
    tracing::info!(profile = cli.profile.name(), "configuration loaded");
    match cli.command {
        None | Some(Command::Serve) => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        Some(Command::Migrate { action }) => migrate(&settings, action).await,
        Some(Command::Openapi) => Ok(()),
    }
}

async fn migrate(settings: &settings::Settings, action: MigrateAction) -> anyhow::Result<()> {
    let database = Database::connect(&settings.database)
        .await
        .context("opening the database")?;
    let mut out = std::io::stdout().lock();
    match action {
        MigrateAction::Up { steps } => {
            database.migrate_up(steps).await?;
            writeln!(out, "migrations applied")?;
        }
        MigrateAction::Down { steps } => {
            database.migrate_down(Some(steps)).await?;
            writeln!(out, "{steps} migration(s) rolled back")?;
        }
        MigrateAction::Status => {
            for migration in database.migration_status().await? {
                let state = if migration.applied {
                    "applied"
                } else {
                    "pending"
                };
                writeln!(out, "{state:<8} {}", migration.name)?;
            }
        }
    }
    database.close().await?;
    Ok(())
}
