//! Times the erasure of an account holding 1,000 resources and 10,000
//! comments (ADR 0023; the budget of docs/performance.md, "Erasure"): the
//! transaction of `AccountErasure::erase`, which is all of the use case but
//! a handful of single-row reads and the audit entry.
//!
//! ```sh
//! RR_TEST_MARIADB_URL=mysql://rr:rr@127.0.0.1:3306/test \
//!   cargo run --release -p rr-persistence --example erasure_timing -- [runs=3] \
//!   [resources=1000] [comments=10000] [background=20000]
//! ```
//!
//! Each run loads, in a fresh database created for it (MariaDB on the
//! server of `RR_TEST_MARIADB_URL`, dropped afterwards; SQLite when it is
//! unset), `background` resources and as many comments by other accounts,
//! then two accounts each holding `resources` resources (seven in ten
//! published and public, the others private drafts) and `comments`
//! comments (half on their own resources, half on others'), with others'
//! comments under their resources and a few hundred favourites; and erases
//! one with `anonymise`, the other with `delete`.

#![allow(clippy::print_stdout)] // a command-line tool reports on standard output

use std::time::Instant;

use anyhow::{Context, bail};
use rr_application::ports::{CommentRecord, ErasurePlan, ResourceRecord, UsernameReservation};
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::credentials::PasswordHash;
use rr_domain::identity::{
    AccountStatus, KeyId, Role, Sealed, UserId, UserRecord, Username, WrappedKey,
};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_domain::subject_rights::ContentChoice;
use rr_persistence::bulk::{BulkLoader, SeedFavourite, SeedResource};
use rr_persistence::testing::TestDatabase;
use rr_persistence::{Database, Engine};
use time::{Duration, OffsetDateTime};

const FAMILY: &str = "01a22499-f800-7107-8000-000000000000";
const ARTICLE: &str = "01a22499-f800-7302-8000-000000000000";
const RELATION: &str = "01a22499-f800-7203-8000-000000000000";

fn seeded(id: &str) -> anyhow::Result<ReferenceId> {
    Ok(ReferenceId::from_uuid(uuid::Uuid::parse_str(id)?))
}

fn account(n: u32, now: OffsetDateTime) -> anyhow::Result<UserRecord> {
    let mut index = vec![0_u8; 32];
    index[..4].copy_from_slice(&n.to_be_bytes());
    index[4] = 1;
    Ok(UserRecord {
        id: UserId::generate(),
        username: Username::parse(&format!("compte_{n}"))?,
        email_index: index,
        data_key: WrappedKey {
            key_id: KeyId("k1".into()),
            bytes: vec![7; 72],
        },
        email: Sealed(vec![1; 60]),
        first_name: Sealed(vec![2; 50]),
        last_name: Sealed(vec![3; 50]),
        country: Sealed(vec![4; 43]),
        phone: None,
        password_hash: PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
        role: Role::Citizen,
        status: AccountStatus::Active,
        email_verified_at: Some(now),
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        failed_logins: 0,
        locked_until: None,
        policy_version: "2026-11".into(),
        statistics_objection: false,
        region: None,
        communications_consent: false,
        restricted_since: None,
        created_at: now,
        updated_at: now,
    })
}

fn resource(author: UserId, public: bool, at: OffsetDateTime) -> anyhow::Result<SeedResource> {
    let (visibility, state) = if public {
        (Visibility::Public, Lifecycle::Published)
    } else {
        (Visibility::Private, Lifecycle::Draft)
    };
    Ok(SeedResource {
        record: ResourceRecord {
            id: ResourceId::generate(),
            author,
            title: Title::parse("Parler à son ado sans le brusquer")?,
            summary: Summary::parse("Quelques pistes pour renouer le dialogue.")?,
            body: Body::parse("D'abord écouter, sans juger ; ensuite proposer.")?,
            category: seeded(FAMILY)?,
            resource_type: seeded(ARTICLE)?,
            relation_types: vec![seeded(RELATION)?],
            external_link: None,
            visibility,
            state,
            shared_with: Vec::new(),
            created_at: at,
            updated_at: at,
            published_at: public.then_some(at),
            deleted_at: None,
            version: 0,
        },
        view_count: 0,
        favourite_count: 0,
    })
}

fn comment(
    author: UserId,
    resource: ResourceId,
    at: OffsetDateTime,
) -> anyhow::Result<CommentRecord> {
    let id = CommentId::generate();
    Ok(CommentRecord {
        id,
        resource,
        parent: None,
        root: id,
        depth: 0,
        author,
        body: Some(CommentBody::parse(
            "Merci, c'est exactement ce qu'il me fallait.",
        )?),
        as_moderator: false,
        state: CommentState::Visible,
        created_at: at,
        edited_at: None,
        updated_at: at,
        version: 0,
    })
}

/// Sizes of one run.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    resources: u32,
    comments: u32,
    background: u32,
}

/// Loads the data set; the two accounts to erase.
async fn load(url: &str, sizes: Sizes) -> anyhow::Result<[UserId; 2]> {
    let loader = BulkLoader::open(&rr_persistence::testing::test_settings(url), 2_000).await?;
    let now = OffsetDateTime::now_utc() - Duration::days(1);
    let at = |i: u32| now + Duration::milliseconds(i64::from(i));
    let others: Vec<UserRecord> = (0..100)
        .map(|n| account(n, now))
        .collect::<Result<_, _>>()?;
    let subjects = [account(1_000, now)?, account(1_001, now)?];
    loader.insert_users(&others).await?;
    loader.insert_users(&subjects).await?;

    // The first 300 are both subjects' favourites.
    let background: Vec<SeedResource> = (0..sizes.background)
        .map(|i| {
            let mut seed = resource(others[(i % 100) as usize].id, true, at(i))?;
            seed.favourite_count = if i < 300 { 2 } else { 0 };
            Ok::<_, anyhow::Error>(seed)
        })
        .collect::<Result<_, _>>()?;
    loader.insert_resources(&background).await?;
    let background_comments: Vec<CommentRecord> = (0..sizes.background)
        .map(|i| {
            let on = &background[((i * 7) % sizes.background) as usize].record;
            comment(others[((i + 3) % 100) as usize].id, on.id, at(i))
        })
        .collect::<Result<_, _>>()?;
    loader.insert_comments(&background_comments).await?;

    for subject in &subjects {
        let own: Vec<SeedResource> = (0..sizes.resources)
            .map(|i| resource(subject.id, i % 10 < 7, at(i)))
            .collect::<Result<_, _>>()?;
        loader.insert_resources(&own).await?;
        let public: Vec<&ResourceRecord> = own
            .iter()
            .map(|seed| &seed.record)
            .filter(|r| r.visibility == Visibility::Public)
            .collect();
        let mut comments = Vec::new();
        for i in 0..sizes.comments {
            let on = if i % 2 == 0 {
                public[(i as usize / 2) % public.len()].id
            } else {
                background[(i as usize * 13) % background.len()].record.id
            };
            comments.push(comment(subject.id, on, at(i))?);
        }
        for i in 0..sizes.comments / 2 {
            let on = public[(i as usize * 3) % public.len()].id;
            comments.push(comment(others[(i % 100) as usize].id, on, at(i))?);
        }
        loader.insert_comments(&comments).await?;
        let favourites: Vec<SeedFavourite> = background
            .iter()
            .take(300)
            .map(|seed| SeedFavourite {
                user: subject.id,
                resource: seed.record.id,
                created_at: now,
            })
            .collect();
        loader.insert_favourites(&favourites).await?;
    }
    loader.finish().await?;
    loader.close().await?;
    Ok([subjects[0].id, subjects[1].id])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut runs = 3;
    let mut sizes = Sizes {
        resources: 1_000,
        comments: 10_000,
        background: 20_000,
    };
    for option in std::env::args().skip(1) {
        let (key, value) = option.split_once('=').context("options are key=value")?;
        match key {
            "runs" => runs = value.parse()?,
            "resources" => sizes.resources = value.parse()?,
            "comments" => sizes.comments = value.parse()?,
            "background" => sizes.background = value.parse()?,
            other => bail!("{other}: unknown option"),
        }
    }
    if sizes.resources < 10 || sizes.background == 0 {
        bail!("at least 10 resources and some background");
    }
    for run in 1..=runs {
        let test_db = match TestDatabase::mariadb().await {
            Some(db) => db,
            None => TestDatabase::sqlite(),
        };
        let database = Database::connect(&test_db.settings()).await?;
        database.migrate_up(None).await?;
        let subjects = load(test_db.url(), sizes).await?;
        let engine = match database.engine() {
            Engine::Sqlite => "SQLite",
            Engine::MariaDb => "MariaDB",
        };
        for (subject, content) in subjects
            .into_iter()
            .zip([ContentChoice::Anonymise, ContentChoice::Delete])
        {
            let now = OffsetDateTime::now_utc();
            let plan = ErasurePlan {
                subject,
                content,
                reservation: UsernameReservation {
                    digest: subject.as_uuid().as_bytes().repeat(2),
                    until: now + Duration::days(30),
                },
                at: now,
            };
            let started = Instant::now();
            let outcome = database
                .account_erasure()
                .erase(&plan)
                .await?
                .context("the account was not there")?;
            let elapsed = started.elapsed();
            println!(
                "run {run} {engine} {:<9}: {:.3} s — {} resources deleted, {} kept, \
                 {} comments anonymised, {} emptied",
                content.as_str(),
                elapsed.as_secs_f64(),
                outcome.resources_deleted,
                outcome.resources_kept,
                outcome.comments_anonymised,
                outcome.comments_emptied,
            );
        }
        database.close().await?;
    }
    Ok(())
}
