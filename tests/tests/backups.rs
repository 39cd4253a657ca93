//! Backups end to end (ADR 0029): `rr-server backup create | verify |
//! restore` on a seeded database, restored into every engine from every
//! engine with every table logically equal; damaged, cut, foreign and
//! mis-keyed files refused, each naming what failed; and the erasure of an
//! account reaching a backup taken before it (crypto-shredding).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::path::{Path, PathBuf};

use clap::Parser as _;
use rr_acceptance_tests::{Engine, PASSWORD, TestApp, on_every_engine, spawn_with, test_settings};
use rr_domain::identity::Role;
use rr_persistence::testing::{TestDatabase, logical_rows, stored_values};
use rr_server::Settings;
use rr_server::backup::format::{FrameReader, FrameWriter, Record};
use rr_server::backup::{BackupAction, keyring_path};
use serde_json::{Value, json};

/// Backup keys in a directory of their own.
struct Keys {
    dir: tempfile::TempDir,
    identity: PathBuf,
    signing: PathBuf,
    public: PathBuf,
    recipient: String,
}

async fn keys(settings: &Settings) -> Keys {
    let dir = tempfile::tempdir().unwrap();
    let identity = dir.path().join("identity.txt");
    let signing = dir.path().join("signing.pem");
    rr_server::backup::run(
        settings,
        BackupAction::Keygen {
            identity_output: Some(identity.clone()),
            signing_key_output: Some(signing.clone()),
        },
    )
    .await
    .unwrap();
    let recipient = std::fs::read_to_string(&identity)
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("# recipient: "))
        .unwrap()
        .to_owned();
    Keys {
        public: dir.path().join("signing.pem.pub"),
        dir,
        identity,
        signing,
        recipient,
    }
}

impl Keys {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn create(&self, settings: &Settings, name: &str) -> PathBuf {
        let output = self.file(name);
        rr_server::backup::run(
            settings,
            BackupAction::Create {
                output: output.clone(),
                keyring_output: None,
                recipients: vec![self.recipient.clone()],
                signing_key: Some(self.signing.clone()),
            },
        )
        .await
        .unwrap();
        output
    }

    async fn verify(&self, settings: &Settings, input: &Path, decrypt: bool) -> anyhow::Result<()> {
        rr_server::backup::run(
            settings,
            BackupAction::Verify {
                input: input.to_owned(),
                signing_public_key: Some(self.public.clone()),
                identity: decrypt.then(|| self.identity.clone()),
            },
        )
        .await
    }

    async fn restore(
        &self,
        settings: &Settings,
        input: &Path,
        keyring: Option<&Path>,
        force: bool,
    ) -> anyhow::Result<()> {
        rr_server::backup::run(
            settings,
            BackupAction::Restore {
                input: input.to_owned(),
                identity: self.identity.clone(),
                keyring: keyring.map(Path::to_owned),
                signing_public_key: Some(self.public.clone()),
                force,
            },
        )
        .await
    }
}

/// A fresh database of `engine`; `None` for MariaDB when it is not configured.
async fn database(engine: Engine) -> Option<TestDatabase> {
    match engine {
        Engine::Sqlite => Some(TestDatabase::sqlite()),
        Engine::MariaDb => TestDatabase::mariadb().await,
    }
}

/// `settings` pointed at `database` (same keys: the master key must open
/// the restored data keys).
fn on(settings: &Settings, database: &TestDatabase) -> Settings {
    let mut settings = settings.clone();
    settings.database = rr_persistence::testing::test_settings(database.url());
    settings
}

/// A database of `engine` filled by `rr-server seed`: accounts, resources,
/// comments, favourites, views, reports, statistics.
async fn seeded(engine: Engine) -> Option<(TestDatabase, Settings, tempfile::TempDir)> {
    let database = database(engine).await?;
    let workdir = tempfile::tempdir().unwrap();
    let settings = test_settings(database.url(), workdir.path()).unwrap();
    let cli = rr_server::cli::Cli::parse_from([
        "rr-server",
        "seed",
        "--users",
        "12",
        "--resources",
        "40",
        "--comments",
        "120",
        "--hot-threads",
        "1",
        "--hot-thread-comments",
        "30",
    ]);
    let Some(rr_server::cli::Command::Seed(args)) = cli.command else {
        panic!("seed arguments")
    };
    rr_server::seed::run(&settings, args).await.unwrap();
    // What only the API writes: sessions, consents, the audit log, tokens,
    // two-factor secrets and recovery codes.
    let app = spawn_with(database, settings, workdir).await.unwrap();
    app.citizen("zoe_backup").await.unwrap();
    app.staff("moderatrice", Role::Moderator).await.unwrap();
    let (database, workdir, settings) = app.shut_down().await;
    Some((database, settings, workdir))
}

async fn round_trip(from: Engine, to: Engine) {
    let Some((source, settings, _workdir)) = seeded(from).await else {
        eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped");
        return;
    };
    let Some(target) = database(to).await else {
        eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped");
        return;
    };
    let keys = keys(&settings).await;
    let backup = keys.create(&settings, "seeded.rrbackup").await;
    keys.verify(&settings, &backup, true).await.unwrap();
    keys.restore(&on(&settings, &target), &backup, None, false)
        .await
        .unwrap();

    let before = logical_rows(source.url()).await.unwrap();
    let after = logical_rows(target.url()).await.unwrap();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &before {
        assert_eq!(
            rows, &after[table],
            "table {table} differs after the restore"
        );
    }
    for table in [
        "users",
        "resources",
        "comments",
        "favourites",
        "consents",
        "sessions",
        "audit_log",
        "recovery_codes",
    ] {
        assert!(!before[table].is_empty(), "the seed filled {table}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_restores_into_sqlite() {
    round_trip(Engine::Sqlite, Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_restores_into_mariadb() {
    round_trip(Engine::Sqlite, Engine::MariaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_restores_into_sqlite() {
    round_trip(Engine::MariaDb, Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_restores_into_mariadb() {
    round_trip(Engine::MariaDb, Engine::MariaDb).await;
}

/// The message of `result`'s error, causes included.
fn refusal(result: anyhow::Result<()>) -> String {
    format!("{:#}", result.expect_err("refused"))
}

/// Every record of the payload of the backup at `path`, decrypted with `keys`.
fn records(keys: &Keys, path: &Path) -> Vec<Record> {
    use rr_security::backup::{BackupVerifyingKey, open_payload, parse_identities, verify};
    let public =
        BackupVerifyingKey::from_public_key_pem(&std::fs::read_to_string(&keys.public).unwrap())
            .unwrap();
    let identities = parse_identities(&std::fs::read_to_string(&keys.identity).unwrap()).unwrap();
    let verified = verify(path, &public).unwrap();
    let mut frames = FrameReader::new(open_payload(path, &verified, &identities).unwrap());
    let mut records = Vec::new();
    while let Some(record) = frames.next_record().unwrap() {
        records.push(record);
    }
    records
}

/// A copy of `backup` whose content is `backup`'s but whose manifest is
/// `other`'s, sealed and signed again with the same keys: only the deep
/// check can tell.
fn with_foreign_manifest(keys: &Keys, backup: &Path, other: &Path) -> PathBuf {
    use rr_security::backup::{BackupSigningKey, SealedWriter, parse_recipients, read_header};
    let mut forged = records(keys, backup);
    let foreign = records(keys, other).pop().unwrap();
    assert!(matches!(foreign, Record::Manifest(_)));
    *forged.last_mut().unwrap() = foreign;
    let path = keys.file("forged.rrbackup");
    let key =
        BackupSigningKey::from_pkcs8_pem(&std::fs::read_to_string(&keys.signing).unwrap()).unwrap();
    let mut writer = FrameWriter::new(
        SealedWriter::start(
            std::fs::File::create(&path).unwrap(),
            read_header(backup).unwrap(),
            &parse_recipients(std::slice::from_ref(&keys.recipient)).unwrap(),
            &key,
        )
        .unwrap(),
    );
    for record in &forged {
        writer.write(record).unwrap();
    }
    writer.into_inner().finish().unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_cut_foreign_or_mis_keyed_files_are_refused() {
    let (_source, settings, _workdir) = seeded(Engine::Sqlite).await.unwrap();
    let keys = keys(&settings).await;
    let backup = keys.create(&settings, "b1.rrbackup").await;
    let original = std::fs::read(&backup).unwrap();
    let copy = |name: &str, bytes: &[u8]| {
        let path = keys.file(name);
        std::fs::write(&path, bytes).unwrap();
        std::fs::copy(keyring_path(&backup), keyring_path(&path)).unwrap();
        path
    };
    let empty = TestDatabase::sqlite();
    let target = on(&settings, &empty);

    // One flipped byte, in the middle of the encrypted rows.
    let mut flipped = original.clone();
    flipped[original.len() / 2] ^= 0x04;
    let flipped = copy("flipped.rrbackup", &flipped);
    let message = refusal(keys.verify(&settings, &flipped, false).await);
    assert!(message.contains("altered"), "{message}");
    let message = refusal(keys.restore(&target, &flipped, None, false).await);
    assert!(message.contains("altered"), "{message}");

    // Cut short: half of it, and only the signature block missing.
    for keep in [original.len() / 2, original.len() - 112] {
        let cut = copy("cut.rrbackup", &original[..keep]);
        let message = refusal(keys.verify(&settings, &cut, false).await);
        assert!(message.contains("truncated"), "{message}");
        let message = refusal(keys.restore(&target, &cut, None, false).await);
        assert!(message.contains("truncated"), "{message}");
    }

    // Checked with another signing key; opened with another identity.
    let others = self::keys(&settings).await;
    let message = refusal(others.verify(&settings, &backup, false).await);
    assert!(
        message.contains("signature does not match this public key"),
        "{message}"
    );
    let foreign_identity = Keys {
        identity: others.identity.clone(),
        ..self::keys_like(&keys)
    };
    let message = refusal(foreign_identity.verify(&settings, &backup, true).await);
    assert!(
        message.contains("not encrypted to this identity"),
        "{message}"
    );
    let message = refusal(
        foreign_identity
            .restore(&target, &backup, None, false)
            .await,
    );
    assert!(
        message.contains("not encrypted to this identity"),
        "{message}"
    );

    // The manifest of another backup, signed with the real key.
    let other = keys.create(&settings, "b2.rrbackup").await;
    let forged = with_foreign_manifest(&keys, &backup, &other);
    keys.verify(&settings, &forged, false)
        .await
        .expect("the signature alone cannot tell");
    let message = refusal(keys.verify(&settings, &forged, true).await);
    assert!(message.contains("manifest belongs to backup"), "{message}");

    // A keyring older than the backup.
    let message = refusal(
        keys.restore(&target, &other, Some(&keyring_path(&backup)), false)
            .await,
    );
    assert!(message.contains("older than the backup"), "{message}");

    // Nothing above wrote a row: the database is still empty, and takes
    // the backup; a second restore needs --force.
    keys.restore(&target, &backup, None, false).await.unwrap();
    let message = refusal(keys.restore(&target, &backup, None, false).await);
    assert!(message.contains("not empty"), "{message}");
    keys.restore(&target, &backup, None, true).await.unwrap();
    assert_eq!(
        logical_rows(_source.url()).await.unwrap(),
        logical_rows(empty.url()).await.unwrap()
    );
}

/// `keys` again, sharing its files (the directory stays with `keys`).
fn keys_like(keys: &Keys) -> Keys {
    Keys {
        dir: tempfile::tempdir().unwrap(),
        identity: keys.identity.clone(),
        signing: keys.signing.clone(),
        public: keys.public.clone(),
        recipient: keys.recipient.clone(),
    }
}

/// The `users` rows of the data backup at `path`, as its payload holds them.
fn users_in(keys: &Keys, path: &Path) -> Vec<Vec<rr_persistence::backup::Cell>> {
    let (mut table, mut users) = (String::new(), Vec::new());
    for record in records(keys, path) {
        match record {
            Record::Table { name, .. } => table = name,
            Record::Rows { rows } if table == "users" => users.extend(rows),
            _ => {}
        }
    }
    users
}

async fn login(app: &TestApp, username: &str) -> (u16, Value) {
    let response = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": format!("{username}@exemple.fr"), "password": PASSWORD}),
            None,
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A backup taken before an account's erasure, restored with the keyring
/// of a later backup, gives the account back to nobody: the restore erases
/// it again. The backup itself never held a wrapped data key.
async fn an_erasure_reaches_a_backup_taken_before_it(app: TestApp) {
    const GONE: &str = "ondine_vasseur";
    app.citizen("ana_keeps").await.unwrap();
    let token = app.citizen(GONE).await.unwrap();
    let (_, me) = {
        let response = app.get_with("/api/v1/me", &token).await.unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    let gone_id = uuid::Uuid::parse_str(me["id"].as_str().unwrap()).unwrap();

    let keys = keys(&app.settings).await;
    let before = keys.create(&app.settings, "before.rrbackup").await;

    let response = app
        .client
        .delete(format!("{}/api/v1/me", app.address))
        .bearer_auth(&token)
        .json(&json!({"password": PASSWORD, "content": "delete"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        204,
        "{:?}",
        response.text().await
    );
    let after = keys.create(&app.settings, "after.rrbackup").await;

    // The data file holds every account without its wrapped key; the
    // keyring taken with it has them.
    let users = users_in(&keys, &before);
    assert_eq!(users.len(), 2, "the two accounts");
    let empty_key = rr_persistence::backup::Cell::Bytes(Vec::new());
    assert!(users.iter().all(|row| row.contains(&empty_key)));

    // Restored with the newest keyring: the account is erased again.
    let restored = if app.database_url().starts_with("mysql") {
        TestDatabase::mariadb().await.unwrap()
    } else {
        TestDatabase::sqlite()
    };
    let settings = on(&app.settings, &restored);
    keys.restore(&settings, &before, Some(&keyring_path(&after)), false)
        .await
        .unwrap();
    let values = stored_values(restored.url()).await.unwrap();
    assert!(
        !values
            .iter()
            .filter_map(|v| v.bytes.as_ref())
            .any(|bytes| bytes.windows(GONE.len()).any(|w| w == GONE.as_bytes())),
        "the erased username is nowhere in the restored database"
    );
    assert!(
        !values.iter().any(|v| v.table == "users"
            && v.column == "id"
            && v.bytes.as_deref() == Some(gone_id.as_bytes().as_slice())),
        "the erased account is not restored"
    );
    assert!(values.iter().any(|v| v.table == "audit_log"
        && v.bytes.as_ref().is_some_and(|b| {
            String::from_utf8_lossy(b).contains("restore: erased since the backup")
        })));

    // Everybody else is whole: logs in, and their sealed fields open.
    let workdir = tempfile::tempdir().unwrap();
    let restored_app = spawn_with(restored, settings, workdir).await.unwrap();
    let (status, tokens) = login(&restored_app, "ana_keeps").await;
    assert_eq!(status, 200, "{tokens}");
    let me: Value = restored_app
        .get_with("/api/v1/me", tokens["accessToken"].as_str().unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "ana_keeps@exemple.fr");
    let (status, _) = login(&restored_app, GONE).await;
    assert_eq!(status, 401);

    // Whereas the keyring of the day still opens the account: which is
    // why keyrings are kept days, not weeks (ADR 0029).
    let older = TestDatabase::sqlite();
    keys.restore(&on(&app.settings, &older), &before, None, false)
        .await
        .unwrap();
    assert!(
        stored_values(older.url())
            .await
            .unwrap()
            .iter()
            .any(|v| v.table == "users" && v.bytes.as_deref() == Some(GONE.as_bytes()))
    );
}

on_every_engine!(an_erasure_reaches_a_backup_taken_before_it);
