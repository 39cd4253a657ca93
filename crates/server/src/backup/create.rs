//! `backup create`: one snapshot, streamed into a data file and a keyring.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use rr_persistence::backup::{Cell, Column, ColumnKind, TableShape};
use rr_persistence::{Database, PersistenceError};
use rr_security::backup::{BackupSigningKey, ContainerHeader, SealedWriter};
use time::format_description::well_known::Rfc3339;

use super::format::{
    ERASED_TABLE, FrameWriter, KEYS_TABLE, KIND_DATA, KIND_KEYRING, Manifest, Record, TableEntry,
    approximate_size,
};
use crate::settings::Settings;

/// Rows per chunk, and bytes: a chunk is sent when either is reached.
const CHUNK_ROWS: usize = 2_000;
const CHUNK_BYTES: usize = 1 << 20;

/// What went where.
enum Message {
    Data(Record),
    Keyring(Record),
}

/// What `backup create` made.
#[derive(Debug)]
pub struct Created {
    output: PathBuf,
    keyring: PathBuf,
    backup_id: uuid::Uuid,
    schema_version: String,
    tables: Vec<TableEntry>,
    keys: u64,
    erased: u64,
    size: u64,
    keyring_size: u64,
    elapsed: Duration,
}

impl Created {
    /// Prints the summary on standard output.
    ///
    /// # Errors
    /// When standard output is closed.
    pub fn print(&self) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        for table in &self.tables {
            writeln!(out, "{:<28} {:>12} rows", table.name, table.rows)?;
        }
        let rows: u64 = self.tables.iter().map(|t| t.rows).sum();
        writeln!(
            out,
            "backup {} (schema {}): {} tables, {rows} rows, {} in {}",
            self.backup_id,
            self.schema_version,
            self.tables.len(),
            super::size(self.size),
            self.output.display()
        )?;
        writeln!(
            out,
            "keyring: {} data keys, {} erased accounts, {} in {}",
            self.keys,
            self.erased,
            super::size(self.keyring_size),
            self.keyring.display()
        )?;
        writeln!(out, "done in {:.1} s", self.elapsed.as_secs_f64())?;
        Ok(())
    }
}

/// `path` with `.partial` added: where a file is written until it is complete.
fn partial(path: &Path) -> PathBuf {
    super::with_suffix(path, ".partial")
}

/// Backs up the configured database into `output` and `keyring`.
///
/// # Errors
/// When the database cannot be read or a file written; then neither file
/// is left behind.
pub async fn create(
    settings: &Settings,
    output: &Path,
    keyring: &Path,
    recipients: &[age::x25519::Recipient],
    key: &BackupSigningKey,
) -> anyhow::Result<Created> {
    for path in [output, keyring] {
        anyhow::ensure!(
            !path.exists(),
            "{} exists: a backup never replaces a file",
            path.display()
        );
    }
    let started = Instant::now();
    let database = Database::connect(&settings.database)
        .await
        .context("opening the database")?;
    let snapshot = database.snapshot().await.context("starting the snapshot")?;
    let schema_version = snapshot
        .schema_version()
        .context("the database has no schema (no migration applied): nothing to back up")?
        .to_owned();
    let backup_id = uuid::Uuid::now_v7();
    let created_at = time::OffsetDateTime::now_utc().format(&Rfc3339)?;
    let header = |kind: &str| ContainerHeader {
        kind: kind.to_owned(),
        backup_id,
        created_at: created_at.clone(),
        schema_version: schema_version.clone(),
        source_engine: snapshot.engine().name().to_owned(),
        recipients: Vec::new(),
        signing_key: String::new(),
    };
    let files = [partial(output), partial(keyring)];
    let open = |path: &Path, header: ContainerHeader| -> anyhow::Result<_> {
        // Readable by its owner only: encrypted, still nobody else's business.
        let file = super::create_new(path, 0o600)?;
        let sealed = SealedWriter::start(
            BufWriter::with_capacity(1 << 20, file),
            header,
            recipients,
            key,
        )?;
        Ok(FrameWriter::new(sealed))
    };
    let data = open(&files[0], header(KIND_DATA))?;
    let keys = open(&files[1], header(KIND_KEYRING))?;

    let (sender, receiver) = sync_channel::<Message>(8);
    let manifest = |kind: &str| Manifest {
        backup_id,
        kind: kind.to_owned(),
        schema_version: schema_version.clone(),
        created_at: created_at.clone(),
        tables: Vec::new(),
    };
    let manifests = (manifest(KIND_DATA), manifest(KIND_KEYRING));
    let writer = std::thread::spawn(move || write_files(&receiver, data, keys, manifests));

    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    progress.enable_steady_tick(Duration::from_millis(200));
    let streamed = stream(&snapshot, backup_id, &sender, &progress).await;
    drop(sender);
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the backup writer stopped"))?;
    progress.finish_and_clear();
    let finished = snapshot.finish().await;
    let outcome = streamed.and_then(|(keys, erased)| {
        let tables = written?;
        finished.context("ending the snapshot")?;
        Ok((keys, erased, tables))
    });
    let (keys, erased, tables) = match outcome {
        Ok(done) => done,
        Err(err) => {
            for file in &files {
                let _ = std::fs::remove_file(file);
            }
            return Err(err);
        }
    };
    std::fs::rename(&files[1], keyring)?;
    std::fs::rename(&files[0], output)?;
    Ok(Created {
        output: output.to_owned(),
        keyring: keyring.to_owned(),
        backup_id,
        schema_version,
        tables,
        keys,
        erased,
        size: std::fs::metadata(output)?.len(),
        keyring_size: std::fs::metadata(keyring)?.len(),
        elapsed: started.elapsed(),
    })
}

type Payload = FrameWriter<SealedWriter<BufWriter<File>>>;

/// The writer thread: frames, encrypts and signs both files.
fn write_files(
    receiver: &Receiver<Message>,
    mut data: Payload,
    mut keys: Payload,
    (mut data_manifest, mut keys_manifest): (Manifest, Manifest),
) -> anyhow::Result<Vec<TableEntry>> {
    for message in receiver {
        match message {
            Message::Data(record) => data.write(&record)?,
            Message::Keyring(record) => keys.write(&record)?,
        }
    }
    data_manifest.tables = data.tables();
    keys_manifest.tables = keys.tables();
    data.write(&Record::Manifest(data_manifest.clone()))?;
    keys.write(&Record::Manifest(keys_manifest))?;
    for payload in [data, keys] {
        let mut file = payload.into_inner().finish()?;
        file.flush()?;
        file.get_ref().sync_all()?;
    }
    Ok(data_manifest.tables)
}

/// Cuts a table's rows into chunks and sends them.
struct Chunker<'a> {
    sender: &'a SyncSender<Message>,
    rows: Vec<Vec<Cell>>,
    bytes: usize,
    keyring: bool,
}

impl<'a> Chunker<'a> {
    fn new(sender: &'a SyncSender<Message>, keyring: bool) -> Self {
        Self {
            sender,
            rows: Vec::new(),
            bytes: 0,
            keyring,
        }
    }

    fn push(&mut self, row: Vec<Cell>) -> Result<(), PersistenceError> {
        self.bytes += approximate_size(&row);
        self.rows.push(row);
        if self.rows.len() >= CHUNK_ROWS || self.bytes >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), PersistenceError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let record = Record::Rows {
            rows: std::mem::take(&mut self.rows),
        };
        self.bytes = 0;
        self.send(record)
    }

    fn send(&self, record: Record) -> Result<(), PersistenceError> {
        let message = if self.keyring {
            Message::Keyring(record)
        } else {
            Message::Data(record)
        };
        self.sender
            .send(message)
            .map_err(|_| PersistenceError::Restore("the backup writer stopped".into()))
    }
}

fn column(name: &str, kind: ColumnKind) -> Column {
    Column {
        name: name.to_owned(),
        kind,
    }
}

/// Positions of columns `table` must have.
fn positions<const N: usize>(table: &TableShape, names: [&str; N]) -> anyhow::Result<[usize; N]> {
    let mut found = [0; N];
    for (slot, name) in found.iter_mut().zip(names) {
        *slot = table
            .position(name)
            .with_context(|| format!("table {} has no column {name}", table.name))?;
    }
    Ok(found)
}

/// Streams every table of `snapshot`: the rows to the data file, the
/// accounts' wrapped keys (blanked in the data) and the erasures recorded
/// in the audit log to the keyring. Returns how many keys and erasures.
async fn stream(
    snapshot: &rr_persistence::backup::Snapshot,
    backup_id: uuid::Uuid,
    sender: &SyncSender<Message>,
    progress: &ProgressBar,
) -> anyhow::Result<(u64, u64)> {
    let begin = |kind: &str| Record::Begin {
        backup_id,
        kind: kind.to_owned(),
    };
    let send = |message| {
        sender
            .send(message)
            .map_err(|_| anyhow::anyhow!("the backup writer stopped"))
    };
    send(Message::Data(begin(KIND_DATA)))?;
    send(Message::Keyring(begin(KIND_KEYRING)))?;
    let (mut keys, mut erased) = (0, 0);
    for table in snapshot.tables() {
        send(Message::Data(Record::Table {
            name: table.name.clone(),
            columns: table.columns.clone(),
        }))?;
        let mut data = Chunker::new(sender, false);
        let mut keyring = Chunker::new(sender, true);
        let name = table.name.as_str();
        let mut seen: u64 = 0;
        let tick = |seen: &mut u64| {
            *seen += 1;
            if seen.is_multiple_of(10_000) {
                progress.set_message(format!("{name}: {seen} rows"));
            }
        };
        let result = match name {
            "users" => {
                let [id, key_id, key] = positions(table, ["id", "data_key_id", "data_key"])?;
                keyring.send(Record::Table {
                    name: KEYS_TABLE.into(),
                    columns: vec![
                        column("id", ColumnKind::Bytes),
                        column("data_key_id", ColumnKind::Text),
                        column("data_key", ColumnKind::Bytes),
                    ],
                })?;
                let streamed = snapshot
                    .stream_table(table, |mut row| {
                        let wrapped = [
                            row[id].clone(),
                            std::mem::replace(&mut row[key_id], Cell::Text(String::new())),
                            std::mem::replace(&mut row[key], Cell::Bytes(Vec::new())),
                        ];
                        keyring.push(wrapped.to_vec())?;
                        tick(&mut seen);
                        data.push(row)
                    })
                    .await;
                keys = streamed.as_ref().copied().unwrap_or(0);
                streamed
            }
            "audit_log" => {
                let [action, at, subject, detail] =
                    positions(table, ["action", "at", "subject_id", "detail"])?;
                keyring.send(Record::Table {
                    name: ERASED_TABLE.into(),
                    columns: vec![
                        column("subject_id", ColumnKind::Bytes),
                        column("at", ColumnKind::Instant),
                        column("content", ColumnKind::Text),
                    ],
                })?;
                snapshot
                    .stream_table(table, |row| {
                        if row[action] == Cell::Text("account_erased".into()) {
                            let content = match &row[detail] {
                                Cell::Text(detail) => content_choice(detail),
                                _ => "unknown",
                            };
                            keyring.push(vec![
                                row[subject].clone(),
                                row[at].clone(),
                                Cell::Text(content.to_owned()),
                            ])?;
                            erased += 1;
                        }
                        tick(&mut seen);
                        data.push(row)
                    })
                    .await
            }
            _ => {
                snapshot
                    .stream_table(table, |row| {
                        tick(&mut seen);
                        data.push(row)
                    })
                    .await
            }
        };
        result.with_context(|| format!("reading table {name}"))?;
        data.flush()?;
        keyring.flush()?;
    }
    Ok((keys, erased))
}

/// The content choice an `account_erased` entry's detail records
/// (`… content=delete …`).
fn content_choice(detail: &str) -> &'static str {
    detail
        .split_whitespace()
        .find_map(|word| word.strip_prefix("content="))
        .and_then(rr_domain::subject_rights::ContentChoice::parse)
        .map_or("unknown", rr_domain::subject_rights::ContentChoice::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_choice_is_read_from_the_audit_detail() {
        assert_eq!(
            content_choice("self content=anonymise resources_deleted=0"),
            "anonymise"
        );
        assert_eq!(content_choice("retention content=delete"), "delete");
        assert_eq!(content_choice("content=shred"), "unknown");
        assert_eq!(content_choice(""), "unknown");
    }
}
