//! `backup restore`: a verified backup into an empty database, then its
//! keyring, then the erasures the keyring says happened since.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use rr_application::ports::{AuditEvent, BlindIndex as _, ErasurePlan, UsernameReservation};
use rr_domain::identity::UserId;
use rr_domain::subject_rights::{ContentChoice, ERASED_AUTHOR};
use rr_persistence::Database;
use rr_persistence::backup::{Cell, Column, Loader};
use rr_security::backup::{BackupVerifyingKey, Verified};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::format::{
    ERASED_TABLE, KEYS_TABLE, KIND_DATA, KIND_KEYRING, Manifest, Record, approximate_size,
};
use super::verify::{checked, read};
use crate::settings::Settings;

/// Rows and bytes per transaction.
const BATCH_ROWS: usize = 5_000;
const BATCH_BYTES: usize = 4 << 20;
/// Data keys per transaction.
const KEY_BATCH: usize = 1_000;

/// What `backup restore` did.
#[derive(Debug)]
pub struct Restored {
    manifest: Manifest,
    /// How long each table took to load.
    timings: HashMap<String, Duration>,
    keys: u64,
    erased: Vec<(UserId, ContentChoice)>,
    elapsed: Duration,
}

impl Restored {
    /// Prints the summary on standard output.
    ///
    /// # Errors
    /// When standard output is closed.
    pub fn print(&self) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        for table in &self.manifest.tables {
            let took = self.timings.get(&table.name).copied().unwrap_or_default();
            writeln!(
                out,
                "{:<28} {:>12} rows {:>8.1} s",
                table.name,
                table.rows,
                took.as_secs_f64()
            )?;
        }
        let rows: u64 = self.manifest.tables.iter().map(|t| t.rows).sum();
        writeln!(
            out,
            "restored backup {} (schema {}): {rows} rows, every table's count matches the manifest",
            self.manifest.backup_id, self.manifest.schema_version
        )?;
        writeln!(out, "data keys restored from the keyring: {}", self.keys)?;
        writeln!(
            out,
            "accounts erased since the backup, erased again: {}",
            self.erased.len()
        )?;
        for (id, content) in &self.erased {
            writeln!(out, "  {} (content: {})", id.as_uuid(), content.as_str())?;
        }
        writeln!(out, "done in {:.1} s", self.elapsed.as_secs_f64())?;
        Ok(())
    }
}

/// Restores `input` with `keyring` into the configured database.
///
/// # Errors
/// When a file is refused, the database is not empty (without `force`) or
/// at another schema, or loading fails; a failure after loading began says
/// the database holds a partial copy.
pub async fn restore(
    settings: &Settings,
    input: &Path,
    keyring: &Path,
    key: &BackupVerifyingKey,
    identities: Vec<age::x25519::Identity>,
    force: bool,
) -> anyhow::Result<Restored> {
    let started = Instant::now();
    let identities = Arc::new(identities);
    let data = checked_kind(input, key, KIND_DATA)?;
    let keys = checked_kind(keyring, key, KIND_KEYRING)?;
    let taken = |header: &rr_security::backup::ContainerHeader| {
        OffsetDateTime::parse(&header.created_at, &Rfc3339)
            .with_context(|| format!("the date of {} {}", header.kind, header.backup_id))
    };
    anyhow::ensure!(
        taken(&keys.header)? >= taken(&data.header)?,
        "the keyring {} ({}) is older than the backup ({}): use the newest keyring",
        keyring.display(),
        keys.header.created_at,
        data.header.created_at
    );
    // The keyring is checked whole before the database is touched (a bad
    // one stops the restore before it starts); its keys are applied later,
    // in a second reading, so that memory stays bounded however many
    // accounts there are.
    let erasures = {
        let (path, verified, identities) = (keyring.to_owned(), keys.clone(), identities.clone());
        tokio::task::spawn_blocking(move || read_keyring(&path, &verified, &identities, |_| Ok(())))
            .await?
            .with_context(|| format!("{} is refused", keyring.display()))?
    };

    // One connection: turning the foreign key checks off is the connection's.
    let mut database_settings = settings.database.clone();
    database_settings.max_connections = 1;
    database_settings.min_connections = 1;
    let database = Database::connect(&database_settings)
        .await
        .context("opening the database")?;
    let loader = prepare(&database, &data.header.schema_version, force).await?;

    let (manifest, timings) = load(&loader, input, &data, identities.clone())
        .await
        .context("the restore stopped part-way: the database holds a partial copy (run the restore again with --force)")?;
    let counts: HashMap<String, u64> = loader.counts().await?.into_iter().collect();
    for table in &manifest.tables {
        let found = counts.get(&table.name).copied().unwrap_or(0);
        anyhow::ensure!(
            found == table.rows,
            "table {}: {found} rows restored, the manifest says {}",
            table.name,
            table.rows
        );
    }
    if let Some(violations) = loader.finish().await? {
        anyhow::ensure!(
            violations == 0,
            "{violations} restored rows break a foreign key"
        );
    }

    let restored_keys = apply_keys(&loader, keyring, &keys, identities).await?;
    let erased = erase_again(settings, &database, &loader, &erasures).await?;
    Ok(Restored {
        manifest,
        timings,
        keys: restored_keys,
        erased,
        elapsed: started.elapsed(),
    })
}

fn checked_kind(path: &Path, key: &BackupVerifyingKey, kind: &str) -> anyhow::Result<Verified> {
    let verified = checked(path, key)?;
    anyhow::ensure!(
        verified.header.kind == kind,
        "{} is a {}, not a {kind}",
        path.display(),
        verified.header.kind
    );
    Ok(verified)
}

type KeyRow = (Vec<u8>, String, Vec<u8>);
type Erasures = HashMap<Vec<u8>, (Option<i64>, String)>;

/// Reads a keyring: its keys, in batches, to `keys`; returns its erasures
/// (a handful: accounts erased while the audit log keeps them).
fn read_keyring(
    path: &Path,
    verified: &Verified,
    identities: &[age::x25519::Identity],
    mut keys: impl FnMut(Vec<KeyRow>) -> anyhow::Result<()>,
) -> anyhow::Result<Erasures> {
    let mut erased = HashMap::new();
    let mut table = String::new();
    read(
        path,
        verified,
        identities,
        |record| {
            match record {
                Record::Table { name, .. } => table = name,
                Record::Rows { rows } => {
                    let mut batch = Vec::with_capacity(rows.len());
                    for row in rows {
                        match (table.as_str(), row.as_slice()) {
                            (
                                KEYS_TABLE,
                                [Cell::Bytes(id), Cell::Text(key_id), Cell::Bytes(key)],
                            ) => {
                                batch.push((id.clone(), key_id.clone(), key.clone()));
                            }
                            (ERASED_TABLE, [Cell::Bytes(id), at, Cell::Text(content)]) => {
                                let at = match at {
                                    Cell::Int(micros) => Some(*micros),
                                    _ => None,
                                };
                                erased.insert(id.clone(), (at, content.clone()));
                            }
                            (ERASED_TABLE, [Cell::Null, ..]) => {}
                            _ => anyhow::bail!("an unexpected row in the keyring's table {table}"),
                        }
                    }
                    if !batch.is_empty() {
                        keys(batch)?;
                    }
                }
                Record::Begin { .. } | Record::Manifest(_) => {}
            }
            Ok(())
        },
        |_| {},
    )?;
    Ok(erased)
}

/// Sets every restored account's wrapped data key from the keyring, a
/// batch per transaction; returns how many accounts got theirs.
async fn apply_keys(
    loader: &Loader,
    keyring: &Path,
    verified: &Verified,
    identities: Arc<Vec<age::x25519::Identity>>,
) -> anyhow::Result<u64> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<KeyRow>>(4);
    let reader = {
        let (path, verified) = (keyring.to_owned(), verified.clone());
        tokio::task::spawn_blocking(move || {
            read_keyring(&path, &verified, &identities, |batch| {
                sender
                    .blocking_send(batch)
                    .map_err(|_| anyhow::anyhow!("the restore stopped"))
            })
        })
    };
    let applied = async {
        let mut found = 0;
        while let Some(batch) = receiver.recv().await {
            for chunk in batch.chunks(KEY_BATCH) {
                found += loader.set_data_keys(chunk.to_vec()).await?;
            }
        }
        anyhow::Ok(found)
    }
    .await;
    drop(receiver);
    reader.await??;
    applied
}

/// Makes the database ready: an empty one migrated to `version`; a used
/// one, with `force` and at `version`, emptied. Returns its loader.
async fn prepare(database: &Database, version: &str, force: bool) -> anyhow::Result<Loader> {
    let migrations = database.migration_status().await?;
    let Some(position) = migrations.iter().position(|m| m.name == version) else {
        anyhow::bail!(
            "the backup's schema {version} is unknown to this release: restore it with the release that made it (or a newer one)"
        );
    };
    let applied = migrations.iter().filter(|m| m.applied).count();
    if applied == 0 {
        database
            .migrate_up(Some(u32::try_from(position + 1)?))
            .await
            .context("creating the schema")?;
    } else {
        let current = migrations
            .iter()
            .rev()
            .find(|m| m.applied)
            .map_or("", |m| m.name.as_str());
        anyhow::ensure!(
            force,
            "the database is not empty (schema {current}): restore into an empty database, or pass --force to replace everything it holds"
        );
        anyhow::ensure!(
            current == version,
            "the database is at schema {current}, the backup at {version}: run `rr-server migrate up` or `migrate down` to {version} first, or restore into an empty database"
        );
    }
    // The migrations wrote reference data; the backup holds it as it was.
    let loader = database.loader().await?;
    loader.empty_every_table().await?;
    Ok(loader)
}

/// Loads every table of the backup, a batch per transaction; returns the
/// manifest and how long each table took.
async fn load(
    loader: &Loader,
    input: &Path,
    data: &Verified,
    identities: Arc<Vec<age::x25519::Identity>>,
) -> anyhow::Result<(Manifest, HashMap<String, Duration>)> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Record>(8);
    let payload = data.payload_len();
    let progress = ProgressBar::new(payload);
    progress.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {percent:>3}% ETA {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let reader = {
        let (path, verified, progress) = (input.to_owned(), data.clone(), progress.clone());
        tokio::task::spawn_blocking(move || {
            read(
                &path,
                &verified,
                &identities,
                |record| {
                    sender
                        .blocking_send(record)
                        .map_err(|_| anyhow::anyhow!("the restore stopped"))
                },
                |bytes| progress.set_position(bytes.min(payload)),
            )
        })
    };
    let mut current: Option<(String, Vec<Column>)> = None;
    let mut batch: Vec<Vec<Cell>> = Vec::new();
    let mut bytes = 0;
    let mut timings = HashMap::new();
    let mut table_started = Instant::now();
    let loaded = async {
        while let Some(record) = receiver.recv().await {
            match record {
                Record::Table { name, columns } => {
                    flush(loader, current.as_ref(), &mut batch).await?;
                    if let Some((done, _)) = &current {
                        timings.insert(done.clone(), table_started.elapsed());
                    }
                    table_started = Instant::now();
                    let target = loader
                        .tables()
                        .iter()
                        .find(|t| t.name == name)
                        .with_context(|| format!("table {name} does not exist in this database"))?;
                    anyhow::ensure!(
                        target.columns == columns,
                        "table {name} has other columns here than in the backup"
                    );
                    progress.set_message(name.clone());
                    current = Some((name, columns));
                    bytes = 0;
                }
                Record::Rows { rows } => {
                    for row in rows {
                        bytes += approximate_size(&row);
                        batch.push(row);
                    }
                    if batch.len() >= BATCH_ROWS || bytes >= BATCH_BYTES {
                        flush(loader, current.as_ref(), &mut batch).await?;
                        bytes = 0;
                    }
                }
                Record::Begin { .. } | Record::Manifest(_) => {}
            }
        }
        flush(loader, current.as_ref(), &mut batch).await?;
        if let Some((done, _)) = &current {
            timings.insert(done.clone(), table_started.elapsed());
        }
        anyhow::Ok(())
    }
    .await;
    // Stop the reader (it fails on its next send) before waiting for it.
    drop(receiver);
    let read = reader.await?;
    progress.finish_and_clear();
    loaded?;
    Ok((read?, timings))
}

async fn flush(
    loader: &Loader,
    table: Option<&(String, Vec<Column>)>,
    batch: &mut Vec<Vec<Cell>>,
) -> anyhow::Result<()> {
    if let Some((name, columns)) = table {
        loader
            .insert(name, columns, std::mem::take(batch))
            .await
            .with_context(|| format!("restoring table {name}"))?;
    }
    Ok(())
}

/// Erases the accounts the keyring has no key for: erased since the backup
/// (with the content choice the keyring records, else their content is
/// deleted, the choice that keeps least of them).
async fn erase_again(
    settings: &Settings,
    database: &Database,
    loader: &Loader,
    erasures: &Erasures,
) -> anyhow::Result<Vec<(UserId, ContentChoice)>> {
    let missing = loader.accounts_without_key().await?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let material = crate::wiring::key_material(settings)?;
    let blind_index = rr_security::HmacBlindIndex::from_material(&material);
    let erasure = database.account_erasure();
    let audit = database.audit_log();
    let attachments = crate::wiring::attachments(settings, database)?;
    let reservation = time::Duration::try_from(settings.erasure.policy().username_reservation)
        .unwrap_or(time::Duration::MAX);
    let mut erased = Vec::new();
    for (id, canonical) in missing {
        let subject = UserId::from_uuid(uuid::Uuid::from_slice(&id)?);
        if subject == ERASED_AUTHOR {
            continue;
        }
        let (at, content) = match erasures.get(&id) {
            Some((at, content)) => (
                at.and_then(|micros| {
                    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).ok()
                }),
                ContentChoice::parse(content).unwrap_or(ContentChoice::Delete),
            ),
            None => (None, ContentChoice::Delete),
        };
        let now = OffsetDateTime::now_utc();
        let plan = ErasurePlan {
            subject,
            content,
            reservation: UsernameReservation {
                digest: blind_index.username_index(&canonical),
                until: at.unwrap_or(now) + reservation,
            },
            at: now,
        };
        let outcome = erasure
            .erase(&plan)
            .await
            .with_context(|| format!("erasing again the account {}", subject.as_uuid()))?;
        if let Some(outcome) = outcome {
            attachments.remove_orphans(&outcome.blobs).await;
        }
        let erased_at = at.map_or_else(
            || "unknown".to_owned(),
            |at| at.format(&Rfc3339).unwrap_or_default(),
        );
        audit
            .append(
                AuditEvent {
                    action: "account_erased",
                    actor: None,
                    subject: Some(subject),
                    detail: format!(
                        "restore: erased since the backup (at {erased_at}) content={}",
                        content.as_str()
                    ),
                },
                now,
            )
            .await
            .context("recording the erasure in the audit log")?;
        erased.push((subject, content));
    }
    Ok(erased)
}
