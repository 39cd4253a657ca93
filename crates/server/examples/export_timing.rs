//! Times the export of one account holding many resources and comments, as
//! `POST /api/v1/me/export` then `GET /api/v1/me/exports/{id}/download`
//! produce and hand it out (the use case on the real adapters: SeaORM, the
//! XChaCha20-Poly1305 field cipher, the JSON archive, the file store), to
//! check the budget of docs/performance.md ("Exports").
//!
//! ```sh
//! RR_TEST_MARIADB_URL=mysql://rr:rr@127.0.0.1:3306/test \
//!   cargo run --release -p rr-server --example export_timing -- [resources] [comments] [runs]
//! ```
//!
//! Defaults: 1,000 resources, 10,000 comments, 3 runs. It works on a fresh
//! database it creates and drops (MariaDB when `RR_TEST_MARIADB_URL` names a
//! server, else a temporary SQLite file), never on an existing one. The
//! data is loaded with the seed's bulk loader; every run asks for an export
//! (produced within the request: the threshold is lifted), downloads it,
//! and checks the archive holds every resource and comment.

#![allow(clippy::print_stdout)] // a command-line tool reports on standard output

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use rr_application::ports::CommentRecord;
use rr_application::ports::ResourceRecord;
use rr_application::services::identity::StaffAccount;
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    AuthenticatedActor, CountryCode, Email, ExportStatus, PersonName, Role, SessionId, Username,
};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::bulk::{BulkLoader, SeedResource};
use rr_persistence::testing::{TestDatabase, test_settings};
use rr_server::Profile;
use time::OffsetDateTime;

const PASSWORD: &str = "Tournesol-Bleu-2026!";

fn reference(raw: &str) -> anyhow::Result<ReferenceId> {
    Ok(ReferenceId::from_uuid(uuid::Uuid::parse_str(raw)?))
}

fn resources(
    author: rr_domain::identity::UserId,
    count: usize,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<SeedResource>> {
    let body = "Écouter d'abord, sans juger. ".repeat(40);
    (0..count)
        .map(|n| {
            Ok(SeedResource {
                record: ResourceRecord {
                    id: ResourceId::generate(),
                    author,
                    title: Title::parse(&format!("Parler à son ado, épisode {n}"))?,
                    summary: Summary::parse("Quelques pistes pour renouer le dialogue.")?,
                    body: Body::parse(&body)?,
                    category: reference("01a22499-f800-7107-8000-000000000000")?,
                    resource_type: reference("01a22499-f800-7302-8000-000000000000")?,
                    relation_types: vec![reference("01a22499-f800-7203-8000-000000000000")?],
                    external_link: None,
                    visibility: Visibility::Public,
                    state: Lifecycle::Published,
                    shared_with: Vec::new(),
                    created_at: now,
                    updated_at: now,
                    published_at: Some(now),
                    deleted_at: None,
                    version: 0,
                },
                view_count: 0,
                favourite_count: 0,
            })
        })
        .collect()
}

fn comments(
    author: rr_domain::identity::UserId,
    on: &[SeedResource],
    count: usize,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<CommentRecord>> {
    (0..count)
        .map(|n| {
            let id = CommentId::generate();
            Ok(CommentRecord {
                id,
                resource: on[n % on.len()].record.id,
                parent: None,
                root: id,
                depth: 0,
                author,
                body: Some(CommentBody::parse(&format!(
                    "Merci pour cette ressource, elle m'a beaucoup aidée avec ma fille (n° {n})."
                ))?),
                as_moderator: false,
                state: CommentState::Visible,
                created_at: now,
                edited_at: None,
                updated_at: now,
                version: 0,
            })
        })
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().context("arguments are numbers"))
        .collect::<anyhow::Result<_>>()?;
    let (resource_count, comment_count, runs) = match args.as_slice() {
        [] => (1_000, 10_000, 3),
        [r] => (*r, 10_000, 3),
        [r, c] => (*r, *c, 3),
        [r, c, n] => (*r, *c, *n),
        _ => bail!("usage: export_timing [resources] [comments] [runs]"),
    };
    ensure!(resource_count > 0, "at least one resource");

    let test_db = match TestDatabase::mariadb().await {
        Some(db) => db,
        None => TestDatabase::sqlite(),
    };
    let workdir = tempfile::tempdir()?;
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let mut settings = rr_server::settings::load(Profile::Test, &config)?;
    settings.database = test_settings(test_db.url());
    settings.database.max_connections = 8;
    settings.security.development_keys_dir = workdir.path().join("keys");
    settings.mail.directory = workdir.path().join("outbox");
    settings.storage.blob_dir = workdir.path().join("blobs");
    settings.exports.archive_dir = workdir.path().join("exports");
    settings.exports.sync_max_rows = u64::MAX;
    println!("engine: {:?}", test_db.engine());

    let database = Database::connect(&settings.database).await?;
    database.migrate_up(None).await?;
    let identity = rr_server::wiring::identity(&settings, &database)?;
    let person = identity
        .bootstrap_account(
            StaffAccount {
                email: Email::parse("lea.martin@exemple.fr")?,
                username: Username::parse("lea")?,
                first_name: PersonName::parse("Léa")?,
                last_name: PersonName::parse("Martin")?,
                country: CountryCode::parse("FR")?,
                role: Role::Citizen,
            },
            &Password::new(PASSWORD),
        )
        .await?;

    let now = OffsetDateTime::now_utc();
    let loading = Instant::now();
    let loader = BulkLoader::open(&settings.database, 500).await?;
    let seeded = resources(person, resource_count, now)?;
    loader.insert_resources(&seeded).await?;
    loader
        .insert_comments(&comments(person, &seeded, comment_count, now)?)
        .await?;
    loader.finish().await?;
    loader.close().await?;
    println!(
        "loaded {resource_count} resources and {comment_count} comments in {:.2?}",
        loading.elapsed()
    );

    let service = rr_server::wiring::data_exports(&settings, &database)?;
    let actor = AuthenticatedActor {
        user_id: person,
        session_id: SessionId::generate(),
        role: Role::Citizen,
        two_factor: false,
    };
    let mut totals = Vec::new();
    for run in 1..=runs {
        let started = Instant::now();
        let export = service.request(&actor).await?;
        let produced = started.elapsed();
        ensure!(
            export.status == ExportStatus::Ready,
            "the export is {:?}",
            export.status
        );
        let stored = export.archive.as_ref().map_or(0, |a| a.stored_bytes);
        let fetching = Instant::now();
        let mut download = service.download(&actor, export.id).await?;
        let mut archive = Vec::new();
        while let Some(chunk) = download.content.next_chunk().await? {
            archive.extend(chunk);
        }
        let downloaded = fetching.elapsed();
        let total = started.elapsed();
        let document: serde_json::Value = serde_json::from_slice(&archive)?;
        let rows = |section: &str| {
            document["sections"][section]["rows"]
                .as_array()
                .map_or(0, Vec::len)
        };
        ensure!(rows("resources") == resource_count, "every resource");
        ensure!(rows("comments") == comment_count, "every comment");
        println!(
            "run {run}: produced in {produced:.2?}, downloaded in {downloaded:.2?}, \
             total {total:.2?} ({} bytes of JSON, {stored} bytes stored encrypted)",
            archive.len()
        );
        totals.push(total);
    }
    totals.sort();
    if let Some(median) = totals.get(totals.len() / 2) {
        println!(
            "median total: {median:.2?} (budget {:.2?})",
            Duration::from_secs(2)
        );
    }
    database.close().await?;
    drop(test_db);
    Ok(())
}
