//! `backup verify`: the signature without the private key; with an
//! identity, every table's count and digest too.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use rr_security::backup::{BackupVerifyingKey, Verified};

use super::format::{FrameReader, Manifest, Record, TableEntry, check_manifest};

/// What `backup verify` found.
#[derive(Debug)]
pub struct Report {
    verified: Verified,
    /// The manifest, when the payload was read and checked.
    manifest: Option<Manifest>,
}

impl Report {
    /// Prints the report on standard output.
    ///
    /// # Errors
    /// When standard output is closed.
    pub fn print(&self) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        let h = &self.verified.header;
        writeln!(
            out,
            "{} {} of {} (schema {}, from {}), {}",
            h.kind,
            h.backup_id,
            h.created_at,
            h.schema_version,
            h.source_engine,
            super::size(self.verified.size)
        )?;
        writeln!(
            out,
            "signature: valid (key {}), SHA-256 {}",
            h.signing_key, self.verified.sha256
        )?;
        writeln!(out, "encrypted to: {}", h.recipients.join(", "))?;
        match &self.manifest {
            Some(manifest) => {
                for table in &manifest.tables {
                    writeln!(out, "{:<28} {:>12} rows  digest ok", table.name, table.rows)?;
                }
                writeln!(
                    out,
                    "content: valid ({} tables, every count and digest matches the manifest)",
                    manifest.tables.len()
                )?;
            }
            None => writeln!(
                out,
                "content: not decrypted (pass --identity to check every table)"
            )?,
        }
        Ok(())
    }
}

/// Checks the file at `path`; with `identities`, reads it all.
///
/// # Errors
/// What failed, named: truncated, altered, signed by another key, not
/// encrypted to these identities, a count or digest that differs, a
/// manifest of another backup.
pub fn verify(
    path: &Path,
    key: &BackupVerifyingKey,
    identities: Option<&[age::x25519::Identity]>,
) -> anyhow::Result<Report> {
    let verified = checked(path, key)?;
    let manifest = identities
        .map(|identities| {
            read(path, &verified, identities, |_| Ok(()), |_| {})
                .with_context(|| format!("{} is refused", path.display()))
        })
        .transpose()?;
    Ok(Report { verified, manifest })
}

/// The signature check of the file at `path`, its refusal naming the file.
///
/// # Errors
/// What failed: truncated, altered, signed by another key.
pub fn checked(path: &Path, key: &BackupVerifyingKey) -> anyhow::Result<Verified> {
    rr_security::backup::verify(path, key).with_context(|| format!("{} is refused", path.display()))
}

/// Decrypts the payload of a verified file and hands every table and row
/// record to `each`, checking the order of the records, then every count
/// and digest against the manifest, which it returns. `progress` hears of
/// the plaintext bytes read.
///
/// # Errors
/// When the payload is damaged, out of order, or disagrees with its manifest.
pub fn read(
    path: &Path,
    verified: &Verified,
    identities: &[age::x25519::Identity],
    mut each: impl FnMut(Record) -> anyhow::Result<()>,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<Manifest> {
    let header = &verified.header;
    let payload = rr_security::backup::open_payload(path, verified, identities)?;
    let counted = Counting {
        inner: payload,
        read: 0,
    };
    let mut frames = FrameReader::new(counted);
    match frames.next_record()? {
        Some(Record::Begin { backup_id, kind }) => {
            anyhow::ensure!(
                backup_id == header.backup_id && kind == header.kind,
                "the payload belongs to {kind} {backup_id}, the header says {} {}",
                header.kind,
                header.backup_id
            );
        }
        _ => anyhow::bail!("the payload does not begin with its backup's identity"),
    }
    let mut in_table = false;
    let manifest = loop {
        let record = frames
            .next_record()?
            .context("the payload ends before its manifest")?;
        progress(frames.input().read);
        match record {
            Record::Manifest(manifest) => break manifest,
            Record::Begin { .. } => anyhow::bail!("a second beginning in the payload"),
            Record::Rows { .. } if !in_table => anyhow::bail!("rows before any table"),
            Record::Table { .. } => {
                in_table = true;
                each(record)?;
            }
            Record::Rows { .. } => each(record)?,
        }
    };
    anyhow::ensure!(
        frames.next_record()?.is_none(),
        "records follow the manifest"
    );
    anyhow::ensure!(
        manifest.kind == header.kind,
        "the manifest is a {}'s, the header says {}",
        manifest.kind,
        header.kind
    );
    let read: Vec<TableEntry> = frames.tables();
    check_manifest(&manifest, header.backup_id, &read).map_err(anyhow::Error::msg)?;
    Ok(manifest)
}

/// Counts the bytes read through it.
#[derive(Debug)]
pub struct Counting {
    inner: rr_security::backup::PayloadReader,
    read: u64,
}

impl std::io::Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
