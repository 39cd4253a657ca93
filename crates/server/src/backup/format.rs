//! What a backup's payload holds, once decrypted: a sequence of frames (a
//! `u32` little-endian length, then one CBOR record), in this order:
//!
//! ```text
//! Begin { backup_id, kind }
//! for each table: Table { name, columns }, Rows { rows }…
//! Manifest { backup_id, kind, schema_version, created_at, tables: [{ name, rows, sha256 }] }
//! ```
//!
//! A table's digest is the SHA-256 of the bytes of its `Rows` frames, as
//! written: `verify --identity` recomputes it without trusting anything the
//! file says, and checks the manifest names the same backup as the header.

use std::io::{self, Read, Write};

use rr_persistence::backup::{Cell, Column};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The largest frame a reader accepts: a row chunk is cut at about 1 MiB,
/// and a single row is far smaller than this.
const MAX_FRAME: u32 = 64 * 1024 * 1024;

/// A data backup.
pub const KIND_DATA: &str = "data";
/// A keyring: the accounts' wrapped data keys and the erasures.
pub const KIND_KEYRING: &str = "keyring";

/// The keyring's table of wrapped data keys.
pub const KEYS_TABLE: &str = "keys";
/// The keyring's table of accounts erased (from the audit log).
pub const ERASED_TABLE: &str = "erased";

/// One frame's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// First of the payload.
    Begin {
        /// The backup, as in the header.
        backup_id: uuid::Uuid,
        /// `data` or `keyring`.
        kind: String,
    },
    /// A table starts; its rows follow.
    Table {
        /// Its name.
        name: String,
        /// Its columns.
        columns: Vec<Column>,
    },
    /// Rows of the current table.
    Rows {
        /// Values in the order of the columns.
        rows: Vec<Vec<Cell>>,
    },
    /// Last of the payload.
    Manifest(Manifest),
}

/// What the payload holds, written last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The backup, as in the header.
    pub backup_id: uuid::Uuid,
    /// `data` or `keyring`.
    pub kind: String,
    /// The last migration of the source.
    pub schema_version: String,
    /// When the snapshot was taken (RFC 3339).
    pub created_at: String,
    /// Every table, in the order of the payload.
    pub tables: Vec<TableEntry>,
}

/// A table of the [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// Its name.
    pub name: String,
    /// How many rows.
    pub rows: u64,
    /// SHA-256 of its `Rows` frames, hexadecimal.
    pub sha256: String,
}

/// About how many bytes `row` takes, to cut chunks and batches.
pub fn approximate_size(row: &[Cell]) -> usize {
    row.iter()
        .map(|cell| match cell {
            Cell::Text(s) => s.len() + 2,
            Cell::Bytes(b) => b.len() + 2,
            _ => 9,
        })
        .sum()
}

/// Hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Each table's count and digest, from the frames as they go by.
#[derive(Debug, Default)]
struct Digests {
    table: Option<(String, u64, Sha256)>,
    done: Vec<TableEntry>,
}

impl Digests {
    /// Takes account of `record`, whose whole frame is `frame`.
    fn observe(&mut self, record: &Record, frame: &[u8]) {
        match record {
            Record::Table { name, .. } => {
                self.end_table();
                self.table = Some((name.clone(), 0, Sha256::new()));
            }
            Record::Rows { rows } => {
                if let Some((_, count, hasher)) = &mut self.table {
                    *count += rows.len() as u64;
                    hasher.update(frame);
                }
            }
            Record::Begin { .. } | Record::Manifest(_) => self.end_table(),
        }
    }

    fn end_table(&mut self) {
        if let Some((name, rows, hasher)) = self.table.take() {
            self.done.push(TableEntry {
                name,
                rows,
                sha256: hex(&hasher.finalize()),
            });
        }
    }

    fn tables(&mut self) -> Vec<TableEntry> {
        self.end_table();
        self.done.clone()
    }
}

/// Writes frames, keeping the digest of the current table.
#[derive(Debug)]
pub struct FrameWriter<W> {
    out: W,
    buffer: Vec<u8>,
    digests: Digests,
    /// Bytes of plaintext written.
    pub written: u64,
}

impl<W: Write> FrameWriter<W> {
    /// Frames into `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            buffer: Vec::with_capacity(1 << 20),
            digests: Digests::default(),
            written: 0,
        }
    }

    /// Writes `record` as one frame.
    ///
    /// # Errors
    /// When encoding or writing fails.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.buffer.clear();
        self.buffer.extend_from_slice(&[0; 4]);
        ciborium::into_writer(record, &mut self.buffer).map_err(io::Error::other)?;
        let len = u32::try_from(self.buffer.len() - 4)
            .ok()
            .filter(|len| *len <= MAX_FRAME)
            .ok_or_else(|| io::Error::other("a record larger than a frame may be"))?;
        self.buffer[..4].copy_from_slice(&len.to_le_bytes());
        self.digests.observe(record, &self.buffer);
        self.out.write_all(&self.buffer)?;
        self.written += self.buffer.len() as u64;
        Ok(())
    }

    /// Ends the current table; returns every table's entry so far.
    pub fn tables(&mut self) -> Vec<TableEntry> {
        self.digests.tables()
    }

    /// The output.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Reads frames, recomputing each table's digest and count.
#[derive(Debug)]
pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    digests: Digests,
}

/// Why a payload cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Reading failed (age reports damaged or cut ciphertext here).
    #[error("the encrypted payload is damaged or cut short: {0}")]
    Io(#[from] io::Error),
    /// A frame does not decode.
    #[error("a record does not decode: {0}")]
    Decode(String),
    /// A frame length is absurd.
    #[error("a record announces {0} bytes, more than a record may hold")]
    TooLarge(u32),
}

impl<R: Read> FrameReader<R> {
    /// Frames from `input`.
    pub fn new(input: R) -> Self {
        Self {
            input,
            buffer: Vec::new(),
            digests: Digests::default(),
        }
    }

    /// The next record; `None` at the end of the payload.
    ///
    /// # Errors
    /// [`FrameError`] when the payload is damaged.
    pub fn next_record(&mut self) -> Result<Option<Record>, FrameError> {
        let mut len = [0_u8; 4];
        match self.input.read(&mut len[..1])? {
            0 => return Ok(None),
            _ => self.input.read_exact(&mut len[1..])?,
        }
        let len = u32::from_le_bytes(len);
        if len > MAX_FRAME {
            return Err(FrameError::TooLarge(len));
        }
        self.buffer.clear();
        self.buffer.extend_from_slice(&len.to_le_bytes());
        self.buffer.resize(4 + len as usize, 0);
        self.input.read_exact(&mut self.buffer[4..])?;
        let record: Record = ciborium::from_reader(&self.buffer[4..])
            .map_err(|err| FrameError::Decode(err.to_string()))?;
        self.digests.observe(&record, &self.buffer);
        Ok(Some(record))
    }

    /// The input.
    pub fn input(&self) -> &R {
        &self.input
    }

    /// Every table read so far, with the count and digest recomputed.
    pub fn tables(&mut self) -> Vec<TableEntry> {
        self.digests.tables()
    }
}

/// Compares what was read with what the manifest says; the first
/// difference, named.
pub fn check_manifest(
    manifest: &Manifest,
    backup_id: uuid::Uuid,
    read: &[TableEntry],
) -> Result<(), String> {
    if manifest.backup_id != backup_id {
        return Err(format!(
            "the manifest belongs to backup {}, not to backup {backup_id}",
            manifest.backup_id
        ));
    }
    for entry in &manifest.tables {
        let Some(seen) = read.iter().find(|t| t.name == entry.name) else {
            return Err(format!(
                "table {}: in the manifest but not in the payload",
                entry.name
            ));
        };
        if seen.rows != entry.rows {
            return Err(format!(
                "table {}: {} rows in the payload, the manifest says {}",
                entry.name, seen.rows, entry.rows
            ));
        }
        if seen.sha256 != entry.sha256 {
            return Err(format!(
                "table {}: its rows do not match the manifest's digest",
                entry.name
            ));
        }
    }
    if let Some(extra) = read
        .iter()
        .find(|t| !manifest.tables.iter().any(|e| e.name == t.name))
    {
        return Err(format!(
            "table {}: in the payload but not in the manifest",
            extra.name
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rr_persistence::backup::ColumnKind;

    use super::*;

    fn sample() -> (Vec<u8>, uuid::Uuid, Vec<TableEntry>) {
        let id = uuid::Uuid::now_v7();
        let mut writer = FrameWriter::new(Vec::new());
        writer
            .write(&Record::Begin {
                backup_id: id,
                kind: KIND_DATA.into(),
            })
            .unwrap();
        writer
            .write(&Record::Table {
                name: "t".into(),
                columns: vec![Column {
                    name: "c".into(),
                    kind: ColumnKind::Text,
                }],
            })
            .unwrap();
        for chunk in 0..3 {
            writer
                .write(&Record::Rows {
                    rows: (0..10)
                        .map(|i| vec![Cell::Text(format!("{chunk}-{i}"))])
                        .collect(),
                })
                .unwrap();
        }
        let tables = writer.tables();
        (writer.into_inner(), id, tables)
    }

    #[test]
    fn frames_round_trip_with_their_digests() {
        let (bytes, id, written) = sample();
        assert_eq!(written[0].rows, 30);
        let mut reader = FrameReader::new(bytes.as_slice());
        let mut records = 0;
        while reader.next_record().unwrap().is_some() {
            records += 1;
        }
        assert_eq!(records, 5);
        let read = reader.tables();
        assert_eq!(read, written);
        let manifest = Manifest {
            backup_id: id,
            kind: KIND_DATA.into(),
            schema_version: "m".into(),
            created_at: "now".into(),
            tables: written,
        };
        check_manifest(&manifest, id, &read).unwrap();
        let other = uuid::Uuid::now_v7();
        assert!(
            check_manifest(&manifest, other, &read)
                .unwrap_err()
                .contains("belongs to backup")
        );
        let mut wrong = manifest.clone();
        wrong.tables[0].rows = 29;
        assert!(
            check_manifest(&wrong, id, &read)
                .unwrap_err()
                .contains("29")
        );
        let mut wrong = manifest;
        wrong.tables[0].sha256 = hex(&[0; 32]);
        assert!(
            check_manifest(&wrong, id, &read)
                .unwrap_err()
                .contains("digest")
        );
    }

    #[test]
    fn a_cut_or_absurd_frame_is_an_error() {
        let (bytes, _, _) = sample();
        let mut reader = FrameReader::new(&bytes[..bytes.len() - 3]);
        let mut result = Ok(None);
        for _ in 0..10 {
            result = reader.next_record();
            if !matches!(result, Ok(Some(_))) {
                break;
            }
        }
        assert!(matches!(result, Err(FrameError::Io(_))));
        let huge = u32::MAX.to_le_bytes();
        assert!(matches!(
            FrameReader::new(&huge[..]).next_record(),
            Err(FrameError::TooLarge(_))
        ));
    }
}
