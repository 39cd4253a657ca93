//! `rr-server seed`: a synthetic but realistic French data set for load tests
//! and demonstrations — accounts, resources of every category and type,
//! favourites, views, comment threads and reports — written in bulk on the
//! configured database.
//!
//! Generation runs on a blocking thread and hands chunks of rows to the
//! loader (`rr_persistence::bulk`) through a small channel, so that building
//! rows (texts, encryption) and writing them overlap. The same random seed
//! gives the same data set on the same day (instants are counted back from
//! today, midnight UTC), ciphertexts aside: their nonces and data keys are
//! random, as for any account.

#[rustfmt::skip]
mod conversation;
mod discussion;
mod generate;
#[rustfmt::skip]
mod names;
mod people;
mod plan;
mod progress;
mod resources;
mod text;
mod threads;
#[rustfmt::skip]
mod vocabulary;

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;
use rr_application::ports::PasswordHasher as _;
use rr_application::ports::{CommentRecord, ReportRecord};
use rr_domain::credentials::Password;
use rr_domain::identity::UserRecord;
use rr_domain::resource::ResourceId;
use rr_persistence::Database;
use rr_persistence::bulk::{BulkLoader, SeedConsultation, SeedFavourite, SeedResource};
use rr_security::{Argon2PasswordHasher, HmacBlindIndex, XChaChaFieldCipher};
use time::OffsetDateTime;

use crate::Settings;
use generate::Job;
use progress::Progress;

/// The password of every seeded account unless `--password-stdin` gives another.
pub const DEFAULT_PASSWORD: &str = "Seed-Relations-2026!";

/// Statements of `--batch` rows written per transaction.
const BATCHES_PER_TRANSACTION: usize = 10;

/// `rr-server seed` options.
#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// Accounts to create (citizens mostly, a few moderators and administrators).
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
    pub users: u32,
    /// Resources to create.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(0..=20_000_000))]
    pub resources: u32,
    /// Favourites to create (distinct account/resource pairs, on published
    /// public or restricted resources) [default: 5 per account, fewer if the
    /// resources are too few].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    pub favourites: Option<u64>,
    /// Views counted in the resources' view counts, in all; one in 20 is
    /// also written as a consultation event [default: 20 per resource].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=2_000_000_000))]
    pub views: Option<u64>,
    /// Seed of the random generator: the same seed gives the same data set (on the same day).
    #[arg(long, default_value_t = 1)]
    pub random_seed: u64,
    /// Rows per INSERT statement (fewer where the engine's limits require);
    /// ten statements per transaction.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub batch: u32,
    /// Add to a database that already holds resources (refused otherwise).
    #[arg(long)]
    pub append: bool,
    /// Read the password of every seeded account from the first line of
    /// standard input instead of using the default, Seed-Relations-2026!
    #[arg(long)]
    pub password_stdin: bool,
    /// Write the email of every seeded account that can log in (active
    /// citizens) to this file, one per line, for load-test tools.
    #[arg(long)]
    pub accounts_file: Option<PathBuf>,
    /// Comments to create, in threads on published public or restricted
    /// resources [default: 5 per resource].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=200_000_000))]
    pub comments: Option<u64>,
    /// Reports to create, on such resources and their comments [default: 1
    /// per 1,000 comments].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=20_000_000))]
    pub reports: Option<u64>,
    /// Hot threads: popular public resources whose threads reach
    /// --hot-thread-comments (fewer when the comments are too few: they
    /// take at most half of them).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=1_000))]
    pub hot_threads: u32,
    /// Comments of the smallest hot thread; the busiest has nearly twice as many.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub hot_thread_comments: u32,
    /// Write the busiest comment threads to this file, busiest first, one
    /// per line: resource id, comments, top-level comments (tab-separated).
    #[arg(long)]
    pub hot_threads_file: Option<PathBuf>,
}

/// A chunk of rows on its way from the generator to the loader.
#[derive(Debug)]
enum Chunk {
    /// The plan is drawn: how many favourites, events, comments and reports will follow.
    Planned {
        favourites: u64,
        events: u64,
        comments: u64,
        reports: u64,
    },
    Users(Vec<UserRecord>),
    Resources(Vec<SeedResource>),
    Favourites(Vec<SeedFavourite>),
    Consultations(Vec<SeedConsultation>),
    Comments(Vec<CommentRecord>),
    Reports(Vec<ReportRecord>),
}

/// Seeds the configured database. Refuses, before writing anything, a
/// database that already holds resources unless `--append`.
///
/// # Errors
/// Invalid sizes, an unreachable database, a refused write.
pub async fn run(settings: &Settings, args: SeedArgs) -> anyhow::Result<()> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        anyhow::ensure!(
            !password.is_empty(),
            "the password on standard input is empty"
        );
        password
    } else {
        DEFAULT_PASSWORD.to_owned()
    };

    let database = Database::connect(&settings.database)
        .await
        .context("opening the database")?;
    database
        .migrate_up(None)
        .await
        .context("applying migrations")?;
    let classification = generate::classification(database.reference_data().as_ref()).await?;
    // Seeded accounts have accepted the privacy policy in force.
    let policy_version = database
        .privacy_policies()
        .current(time::OffsetDateTime::now_utc())
        .await
        .context("reading the privacy policy in force")?
        .context("no privacy policy is published")?
        .version
        .as_str()
        .to_owned();
    database.close().await?;

    let max_depth = settings.comments.policy()?.max_depth;
    let batch = usize::try_from(args.batch).unwrap_or(500);
    let loader = BulkLoader::open(&settings.database, batch)
        .await
        .context("opening the database for loading")?;
    let existing = loader.counts().await?;
    if existing.resources > 0 && !args.append {
        anyhow::bail!(
            "the database already holds {} resources ({} accounts): refusing to seed over them. \
             Seed a fresh database, or pass --append to add this data set to them.",
            existing.resources,
            existing.users
        );
    }

    let material = crate::wiring::key_material(settings)?;
    let hasher = Argon2PasswordHasher::new(&settings.security.password)
        .context("password hashing parameters")?;
    // Once for every account: hashing 200,000 passwords would take hours.
    let password_hash = hasher
        .hash(&Password::new(password.clone()))
        .await
        .context("hashing the password")?;
    let comments = args
        .comments
        .unwrap_or_else(|| u64::from(args.resources) * COMMENTS_PER_RESOURCE);
    let reports = args.reports.unwrap_or(comments / COMMENTS_PER_REPORT);
    // Below the number of open reports that holds an item.
    let per_target = settings
        .moderation
        .policy()
        .report_threshold
        .saturating_sub(1);
    anyhow::ensure!(
        per_target > 0 || reports == 0,
        "moderation.report_threshold is 1: any report holds its item; seed with --reports 0"
    );
    let per_target = u32::try_from(per_target).unwrap_or(u32::MAX);
    let job = Job {
        users: usize::try_from(args.users)?,
        resources: usize::try_from(args.resources)?,
        favourites: args.favourites,
        views: args.views.unwrap_or_else(|| u64::from(args.resources) * 20),
        seed: mixed_seed(args.random_seed, existing.users),
        first_number: existing.users + 1,
        end_ms: today_ms(),
        chunk_rows: batch * BATCHES_PER_TRANSACTION,
        classification,
        cipher: Arc::new(XChaChaFieldCipher::from_material(&material)?),
        blind_index: Arc::new(HmacBlindIndex::from_material(&material)),
        password_hash,
        policy_version,
        accounts_file: args.accounts_file.clone(),
        discussions: discussion::Ask {
            comments,
            reports,
            hot_threads: usize::try_from(args.hot_threads)?,
            hot_size: args.hot_thread_comments,
            per_target,
        },
        max_depth,
        busiest: usize::try_from(args.hot_threads)?.max(BUSIEST_REPORTED),
    };

    let progress = Progress::new(job.users as u64, job.resources as u64);
    let outcome = load(&loader, job, &progress).await;
    if outcome.is_err() {
        progress.finish();
    }
    let report = outcome.context(
        "seeding stopped: the database holds part of a data set (seed a fresh one, or add to it with --append)",
    )?;
    let step = progress.step("analysing the tables");
    loader.finish().await?;
    progress.done(step, "tables analysed");
    loader.close().await?;
    progress.finish();

    let mut out = std::io::stdout().lock();
    progress.write_summary(&mut out)?;
    writeln!(out, "password of every seeded account: {password}")?;
    writeln!(
        out,
        "accounts that can log in, e.g.: {}",
        report.samples.join(", ")
    )?;
    if !report.busiest.is_empty() {
        writeln!(
            out,
            "busiest comment threads (resource id: comments, top-level):"
        )?;
        for busy in report.busiest.iter().take(BUSIEST_REPORTED) {
            writeln!(
                out,
                "  {}: {}, {}",
                busy.id.as_uuid(),
                busy.comments,
                busy.top_level
            )?;
        }
    }
    if let Some(path) = &args.hot_threads_file {
        let mut lines = String::new();
        for busy in &report.busiest {
            lines.push_str(&format!(
                "{}\t{}\t{}\n",
                busy.id.as_uuid(),
                busy.comments,
                busy.top_level
            ));
        }
        std::fs::write(path, lines).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Comments per resource when not asked.
const COMMENTS_PER_RESOURCE: u64 = 5;

/// Comments per report when not asked.
const COMMENTS_PER_REPORT: u64 = 1_000;

/// Busiest threads listed in the summary (and at least as many in the file).
const BUSIEST_REPORTED: usize = 10;

/// What the generator reports once done.
#[derive(Debug, Default)]
struct Report {
    /// A few emails of accounts that can log in.
    samples: Vec<String>,
    /// The busiest comment threads, busiest first.
    busiest: Vec<Busiest>,
}

/// A busy comment thread.
#[derive(Debug)]
struct Busiest {
    /// Its resource.
    id: ResourceId,
    /// Comments in all.
    comments: u32,
    /// Top-level comments.
    top_level: u32,
}

/// Runs the generator and writes what it produces; returns its report.
async fn load(loader: &BulkLoader, job: Job, progress: &Progress) -> anyhow::Result<Report> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel(4);
    let generator = tokio::task::spawn_blocking(move || generate::run(job, &sender));
    let written = async {
        while let Some(chunk) = receiver.recv().await {
            match chunk {
                Chunk::Planned {
                    favourites,
                    events,
                    comments,
                    reports,
                } => progress.planned(favourites, events, comments, reports),
                Chunk::Users(users) => {
                    loader.insert_users(&users).await?;
                    progress.users(users.len());
                }
                Chunk::Resources(resources) => {
                    loader.insert_resources(&resources).await?;
                    progress.resources(&resources);
                }
                Chunk::Favourites(favourites) => {
                    loader.insert_favourites(&favourites).await?;
                    progress.favourites(favourites.len());
                }
                Chunk::Consultations(events) => {
                    loader.insert_consultations(&events).await?;
                    progress.consultations(events.len());
                }
                Chunk::Comments(comments) => {
                    loader.insert_comments(&comments).await?;
                    progress.comments(comments.len());
                }
                Chunk::Reports(reports) => {
                    loader.insert_reports(&reports).await?;
                    progress.reports(reports.len());
                }
            }
        }
        anyhow::Ok(())
    }
    .await;
    // Stops the generator if writing failed.
    drop(receiver);
    let generated = generator.await.context("the generator panicked")?;
    written?;
    generated
}

/// The random seed of a run: the asked one, made different for each append
/// (by the number of accounts already there) so that appending twice does
/// not write the same texts again.
fn mixed_seed(seed: u64, existing_users: u64) -> u64 {
    seed ^ existing_users.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// An independent generator for one part of the data set.
fn stream(seed: u64, part: u64) -> Xoshiro256PlusPlus {
    use rand::SeedableRng as _;
    Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add(part.wrapping_mul(0xD1B5_4A32_D192_ED03)))
}

/// Today at midnight UTC, in milliseconds since the epoch: the end of the
/// seeded period, the same all day long.
fn today_ms() -> i64 {
    let midnight = OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT);
    i64::try_from(midnight.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The instant `ms` milliseconds after the epoch.
fn instant(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A UUIDv7 whose timestamp is `ms`, its other bits drawn from `rng`.
fn uuid_v7(rng: &mut Xoshiro256PlusPlus, ms: i64) -> uuid::Uuid {
    let mut random = [0_u8; 10];
    rng.fill(&mut random);
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(ms).unwrap_or(0), &random).into_uuid()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    #[test]
    fn ids_carry_their_creation_instant() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let ms = 1_764_000_000_123;
        let id = uuid_v7(&mut rng, ms);
        assert_eq!(id.get_version_num(), 7);
        let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
        assert_eq!(
            i64::try_from(secs).unwrap() * 1_000 + i64::from(nanos / 1_000_000),
            ms
        );
        assert_eq!(
            instant(ms).unix_timestamp_nanos(),
            i128::from(ms) * 1_000_000
        );
        assert!(uuid_v7(&mut rng, ms + 1) > id, "later ids sort after");
    }

    #[test]
    fn appending_changes_the_seed_but_a_first_run_keeps_it() {
        assert_eq!(mixed_seed(42, 0), 42);
        assert_ne!(mixed_seed(42, 1_000), 42);
    }
}
