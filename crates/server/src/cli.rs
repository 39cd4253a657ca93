//! The `rr-server` command line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::ProgressBar;
use rr_application::AppError;
use rr_application::ports::ChainVerification;
use rr_application::services::IdentityService;
use rr_application::services::identity::StaffAccount;
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, Username};
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
    /// Administer accounts from the command line.
    Admin {
        /// What to do.
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Manage the encryption keys.
    Keys {
        /// What to do.
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Check the security audit log.
    Audit {
        /// What to do.
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Data protection: the nightly retention purge, the register of
    /// processing activities.
    Gdpr {
        /// What to do.
        #[command(subcommand)]
        action: crate::gdpr::GdprAction,
    },
    /// Encrypted, signed backups: make the keys, back up, verify, restore.
    Backup {
        /// What to do.
        #[command(subcommand)]
        action: crate::backup::BackupAction,
    },
    /// Fill the database with a synthetic French data set for load tests
    /// (never in production). Applies the migrations first.
    Seed(crate::seed::SeedArgs),
}

/// `admin` actions.
#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create an account with a verified email (the first super-administrator).
    /// The password is read from a prompt, or from standard input with
    /// `--password-stdin`; never from an argument.
    CreateUser {
        /// Role to give.
        #[arg(long, value_parser = ["citizen", "moderator", "administrator", "super-administrator"])]
        role: String,
        /// Email address.
        #[arg(long)]
        email: String,
        /// Username.
        #[arg(long)]
        username: String,
        /// First name.
        #[arg(long)]
        first_name: String,
        /// Last name.
        #[arg(long)]
        last_name: String,
        /// ISO 3166-1 alpha-2 country code.
        #[arg(long, default_value = "FR")]
        country: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `keys` actions.
#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Re-wrap every data key under the current master key. Add the new master
    /// key to [security.keys], make it current, run this, then remove the old one.
    /// Safe to interrupt and run again.
    Rotate {
        /// Keys re-wrapped per batch.
        #[arg(long, default_value_t = 500)]
        batch: u64,
    },
}

/// `audit` actions.
#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Recompute the hash chain; exit 1 and name the first broken entry if tampered.
    Verify,
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
    if matches!(cli.command, Some(Command::Seed(_))) && cli.profile == Profile::Production {
        anyhow::bail!(
            "seed refuses to run in the production profile: it writes thousands of fictitious accounts and resources"
        );
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
        Some(Command::Admin { action }) => admin(&settings, action).await,
        Some(Command::Keys { action }) => keys(&settings, action).await,
        Some(Command::Audit { action }) => audit(&settings, action).await,
        Some(Command::Gdpr { action }) => crate::gdpr::run(&settings, action).await,
        Some(Command::Seed(args)) => crate::seed::run(&settings, args).await,
        Some(Command::Backup { action }) => crate::backup::run(&settings, action).await,
        Some(Command::Openapi) => Ok(()),
    }
}

async fn open(settings: &settings::Settings) -> anyhow::Result<(Database, IdentityService)> {
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
    Ok((database, identity))
}

fn read_password(from_stdin: bool) -> anyhow::Result<Password> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ").context("reading the password")?;
        let again =
            rpassword::prompt_password("Password again: ").context("reading the password")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    };
    Ok(Password::new(password))
}

/// An application error as a message for the operator.
fn explain(err: AppError) -> anyhow::Error {
    match err {
        AppError::Invalid(violations) => anyhow::anyhow!(
            "refused: {}",
            violations
                .iter()
                .map(|v| format!("{} ({}): {}", v.field, v.code, v.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other} ({})", other.code()),
    }
}

async fn admin(settings: &settings::Settings, action: AdminAction) -> anyhow::Result<()> {
    let AdminAction::CreateUser {
        role,
        email,
        username,
        first_name,
        last_name,
        country,
        password_stdin,
    } = action;
    let account = StaffAccount {
        email: parse("--email", Email::parse(&email))?,
        username: parse("--username", Username::parse(&username))?,
        first_name: parse("--first-name", PersonName::parse(&first_name))?,
        last_name: parse("--last-name", PersonName::parse(&last_name))?,
        country: parse("--country", CountryCode::parse(&country))?,
        role: Role::parse(&role.replace('-', "_")).context("unknown role")?,
    };
    let password = read_password(password_stdin)?;
    let (database, identity) = open(settings).await?;
    let id = identity
        .bootstrap_account(account, &password)
        .await
        .map_err(explain)?;
    writeln!(
        std::io::stdout().lock(),
        "account {} created ({role})",
        id.as_uuid()
    )?;
    database.close().await?;
    Ok(())
}

fn parse<T>(field: &str, result: Result<T, rr_domain::DomainError>) -> anyhow::Result<T> {
    result.map_err(|e| anyhow::anyhow!("{field}: {e}"))
}

async fn keys(settings: &settings::Settings, action: KeysAction) -> anyhow::Result<()> {
    let KeysAction::Rotate { batch } = action;
    let (database, identity) = open(settings).await?;
    let progress = ProgressBar::new_spinner();
    let total = identity
        .rotate_master_key(batch.max(1), |done| {
            progress.set_message(format!("{done} data keys re-wrapped"))
        })
        .await
        .map_err(explain)?;
    progress.finish_and_clear();
    writeln!(
        std::io::stdout().lock(),
        "{total} data keys re-wrapped under the current master key"
    )?;
    database.close().await?;
    Ok(())
}

async fn audit(settings: &settings::Settings, action: AuditAction) -> anyhow::Result<()> {
    let AuditAction::Verify = action;
    let (database, identity) = open(settings).await?;
    let verdict = identity.verify_audit_log().await.map_err(explain)?;
    database.close().await?;
    match verdict {
        ChainVerification::Intact { entries } => {
            writeln!(
                std::io::stdout().lock(),
                "audit log intact: {entries} entries"
            )?;
            Ok(())
        }
        ChainVerification::BrokenAt { sequence } => {
            anyhow::bail!("audit log TAMPERED: the chain breaks at entry {sequence}")
        }
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
