//! Producing an export: claim it, stream the person's data page by page
//! through the archive writer and the sealer into the blob store, record
//! the outcome. Memory holds one page of rows and one chunk, whatever the
//! size of the account.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use rr_domain::identity::{
    DataExport, ExportFailure, ExportId, Profile, StoredArchive, UserId, UserRecord,
};

use super::sealing::Sealer;
use super::{DataExportService, span};
use crate::AppError;
use crate::ports::{
    ArchiveHeader, ArchiveWriter, BlobError, ByteSource, ExportRow, ExportSection, ExportValue,
    PersonalData, SectionCursor, open_profile,
};

/// Requested exports a worker takes per round.
const ROUND: u64 = 10;

/// The section the use case writes itself: the profile, opened.
pub(super) const PROFILE: ExportSection = ExportSection {
    name: "profile",
    description: "Your personal data, stored encrypted and opened for this export: \
                  email address, first and last name, country, phone.",
};

/// How long an export just requested is left to the request that made it:
/// a small account's is produced within the request, and a worker claiming
/// it meanwhile would turn the promised `ready` into `requested`. Past it,
/// one the request could not finish (its node stopped) goes to the worker.
const REQUEST_GRACE: time::Duration = time::Duration::seconds(30);

impl DataExportService {
    /// Produces the requested exports no node is producing (those never
    /// started, and those whose production stopped with its node), a few at
    /// a time. Every API node runs it every few seconds; a claim makes sure
    /// each export is produced by one. Returns how many were finished.
    ///
    /// # Errors
    /// Infrastructure failures only; a failed production is recorded on its
    /// export.
    pub async fn run_pending(&self) -> Result<usize, AppError> {
        let now = self.ports.clock.now();
        let stale_before = now - span(self.policy.claim_timeout);
        let requested_before = now - REQUEST_GRACE;
        let ids = self
            .ports
            .exports
            .claimable(requested_before, stale_before, ROUND)
            .await?;
        let mut finished = 0;
        for id in ids {
            if self.produce(id).await?.is_some() {
                finished += 1;
            }
        }
        Ok(finished)
    }

    /// Claims and produces `id`; `None` when another node has it.
    pub(super) async fn produce(&self, id: ExportId) -> Result<Option<DataExport>, AppError> {
        let now = self.ports.clock.now();
        let stale_before = now - span(self.policy.claim_timeout);
        let Some(mut export) = self.ports.exports.claim(id, now, stale_before).await? else {
            return Ok(None);
        };
        let outcome = if export.attempts > self.policy.max_attempts {
            tracing::error!(export = %export.id, attempts = export.attempts, "export abandoned: every production stopped before its end");
            Err(ExportFailure::Internal)
        } else {
            self.write_archive(&export, now).await
        };
        let finished_at = self.ports.clock.now();
        match outcome {
            Ok(archive) => {
                let digest = archive.digest.clone();
                export
                    .mark_ready(archive, finished_at, span(self.policy.ttl))
                    .map_err(|status| {
                        AppError::internal(format!("claimed export is {status:?}"))
                    })?;
                if !self.ports.exports.finish(&export).await? {
                    // Finished meanwhile by a node that took it for dead.
                    self.remove_archive(&digest).await;
                    return Ok(None);
                }
            }
            Err(failure) => {
                export.mark_failed(failure, finished_at).map_err(|status| {
                    AppError::internal(format!("claimed export is {status:?}"))
                })?;
                if !self.ports.exports.finish(&export).await? {
                    return Ok(None);
                }
                self.audit(
                    "data_export_failed",
                    None,
                    &export,
                    format!("failure={}", failure.as_str()),
                )
                .await?;
            }
        }
        Ok(Some(export))
    }

    /// Writes the archive of `export` to the blob store.
    async fn write_archive(
        &self,
        export: &DataExport,
        started: time::OffsetDateTime,
    ) -> Result<StoredArchive, ExportFailure> {
        let failed = |what: &str, err: &dyn std::fmt::Display| {
            tracing::error!(export = %export.id, error = %err, "export failed: {what}");
            ExportFailure::Internal
        };
        let user = self
            .ports
            .users
            .find(export.subject)
            .await
            .map_err(|e| failed("reading the account", &e))?
            .ok_or_else(|| failed("reading the account", &"the account is gone"))?;
        let profile = open_profile(self.ports.cipher.as_ref(), &user)
            .map_err(|e| failed("opening the profile", &e))?;
        let header = ArchiveHeader {
            export_id: export.id,
            subject: export.subject,
            origin: export.origin,
            generated_at: started,
        };
        let content_bytes = Arc::new(AtomicU64::new(0));
        let stream = ArchiveStream {
            source: Arc::clone(&self.ports.personal_data),
            person: export.subject,
            sections: self.ports.personal_data.sections().into(),
            cursor: None,
            writer: self.ports.format.writer(),
            sealer: Sealer::new(
                Arc::clone(&self.ports.cipher),
                user.data_key.clone(),
                user.id,
                export.id,
            ),
            pending: Vec::new(),
            page_rows: self.policy.page_rows.max(1),
            chunk_bytes: self.policy.chunk_bytes.max(1),
            content_bytes: Arc::clone(&content_bytes),
            state: State::Rows,
        };
        let stream = stream.start(&header, &user, &profile);
        match self
            .ports
            .archives
            .put(Box::new(stream), self.policy.max_archive_bytes)
            .await
        {
            Ok(stored) => Ok(StoredArchive {
                digest: stored.digest,
                stored_bytes: stored.size_bytes,
                content_bytes: content_bytes.load(Ordering::SeqCst),
            }),
            Err(BlobError::TooLarge { limit_bytes }) => {
                tracing::warn!(export = %export.id, limit_bytes, "export failed: the archive is too large");
                Err(ExportFailure::TooLarge)
            }
            Err(err) => Err(failed("writing the archive", &error_chain(&err))),
        }
    }
}

/// The profile as a row: the username (in clear) and the opened fields.
fn profile_row(user: &UserRecord, profile: &Profile) -> ExportRow {
    let text = |value: &str| ExportValue::Text(value.to_owned());
    ExportRow {
        fields: vec![
            ("id", ExportValue::Id(user.id.as_uuid())),
            ("username", text(user.username.as_str())),
            ("email", text(profile.email.as_str())),
            ("first_name", text(profile.first_name.as_str())),
            ("last_name", text(profile.last_name.as_str())),
            ("country", text(profile.country.as_str())),
            (
                "phone",
                profile
                    .phone
                    .as_ref()
                    .map_or(ExportValue::Null, |phone| text(phone.as_str())),
            ),
        ],
    }
}

/// An error and its causes on one line, for the logs.
pub(super) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut cause = err.source();
    while let Some(next) = cause {
        line.push_str(": ");
        line.push_str(&next.to_string());
        cause = next.source();
    }
    line
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Sections and rows are still to be read.
    Rows,
    /// Everything is written; the last chunk is still to be sealed.
    Written,
    /// The last chunk is out.
    Done,
}

/// The encrypted archive, produced as the blob store reads it.
struct ArchiveStream {
    source: Arc<dyn PersonalData>,
    person: UserId,
    /// Sections still to start; the current one is the front.
    sections: VecDeque<ExportSection>,
    /// Where the current section's next page starts; `None` before its first.
    cursor: Option<SectionCursor>,
    writer: Box<dyn ArchiveWriter>,
    sealer: Sealer,
    /// Written bytes not yet sealed.
    pending: Vec<u8>,
    page_rows: u64,
    chunk_bytes: usize,
    content_bytes: Arc<AtomicU64>,
    state: State,
}

impl ArchiveStream {
    /// Writes the header and the profile, and starts the first section of
    /// the source.
    fn start(mut self, header: &ArchiveHeader, user: &UserRecord, profile: &Profile) -> Self {
        self.writer.begin(header);
        self.writer.section(&PROFILE);
        self.writer.row(&profile_row(user, profile));
        match self.sections.front() {
            Some(first) => self.writer.section(first),
            None => {
                self.writer.finish();
                self.state = State::Written;
            }
        }
        self.drain_writer();
        self
    }

    fn drain_writer(&mut self) {
        let bytes = self.writer.take();
        self.content_bytes.fetch_add(
            u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            Ordering::SeqCst,
        );
        self.pending.extend(bytes);
    }

    /// Reads the next page of the current section, moving to the next
    /// section (or the end) after its last page.
    async fn read_page(&mut self) -> Result<(), std::io::Error> {
        let Some(section) = self.sections.front().copied() else {
            self.writer.finish();
            self.state = State::Written;
            return Ok(());
        };
        let page = self
            .source
            .page(
                section.name,
                self.person,
                self.cursor.take(),
                self.page_rows,
            )
            .await
            .map_err(|err| std::io::Error::other(error_chain(&err)))?;
        for row in &page.rows {
            self.writer.row(row);
        }
        match page.next {
            Some(next) if !page.rows.is_empty() => self.cursor = Some(next),
            _ => {
                self.sections.pop_front();
                match self.sections.front() {
                    Some(following) => self.writer.section(following),
                    None => {
                        self.writer.finish();
                        self.state = State::Written;
                    }
                }
            }
        }
        Ok(())
    }

    fn seal(&mut self, length: usize, last: bool) -> Result<Vec<u8>, std::io::Error> {
        let chunk: Vec<u8> = self.pending.drain(..length).collect();
        self.sealer
            .seal(&chunk, last)
            .map_err(|err| std::io::Error::other(error_chain(&err)))
    }
}

#[async_trait]
impl ByteSource for ArchiveStream {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                _ if self.pending.len() > self.chunk_bytes => {
                    return self.seal(self.chunk_bytes, false).map(Some);
                }
                State::Written => {
                    self.state = State::Done;
                    return self.seal(self.pending.len(), true).map(Some);
                }
                State::Rows => {
                    self.read_page().await?;
                    self.drain_writer();
                }
            }
        }
    }
}
