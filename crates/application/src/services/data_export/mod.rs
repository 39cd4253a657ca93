//! The right of access and to portability (GDPR Art. 15 and 20; ADR 0022):
//! a person, or a staff member answering their letter, asks for an export
//! of everything held about them; it is produced in the background (at once
//! for small accounts) into one machine-readable archive, encrypted under
//! the person's data key, handed out once to whoever asked, and deleted on
//! download or after its time to live.
//!
//! One use case per file: [`request`](DataExportService::request) and
//! [`request_for`](DataExportService::request_for), the worker's
//! [`run_pending`](DataExportService::run_pending), reading
//! ([`get`](DataExportService::get), [`list`](DataExportService::list)),
//! [`download`](DataExportService::download), and the sweep
//! [`expire_due`](DataExportService::expire_due).

mod download;
mod expiry;
mod produce;
mod read;
mod request;
mod sealing;

pub use download::ArchiveDownload;
pub use expiry::ExpiryReport;
pub use read::ExportPage;

use std::sync::Arc;
use std::time::Duration;

use rr_domain::identity::{DataExport, UserId};

use crate::AppError;
use crate::ports::{
    ArchiveFormat, AuditEvent, AuditLog, BlobStore, Clock, DataExportRepository, FieldCipher,
    PersonalData, StaffAccessJournal, UserRepository,
};

/// Longest page of the list of exports.
pub const MAX_PAGE: u64 = 100;

/// Limits and durations of exports.
#[derive(Debug, Clone)]
pub struct DataExportPolicy {
    /// How long a ready archive may be downloaded (7 days by default).
    pub ttl: Duration,
    /// An account whose archive holds at most this many rows is exported
    /// within the request; a larger one by the background worker.
    pub sync_max_rows: u64,
    /// Largest archive stored (encrypted bytes); beyond, the export fails
    /// with `archive_too_large`.
    pub max_archive_bytes: u64,
    /// Rows read from the database at once.
    pub page_rows: u64,
    /// Bytes of the archive sealed at once (the unit of encryption).
    pub chunk_bytes: usize,
    /// A production started this long ago and not finished is taken for
    /// dead (its node stopped) and claimed again.
    pub claim_timeout: Duration,
    /// Productions started for one export before it counts as failed.
    pub max_attempts: u32,
    /// A downloaded archive is removed by the download itself; the sweep
    /// removes it this long after the download if the transfer broke off.
    pub download_grace: Duration,
}

impl Default for DataExportPolicy {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(7 * 24 * 3600),
            sync_max_rows: 20_000,
            max_archive_bytes: 1 << 30,
            page_rows: 500,
            chunk_bytes: 64 * 1024,
            claim_timeout: Duration::from_secs(15 * 60),
            max_attempts: 3,
            download_grace: Duration::from_secs(3600),
        }
    }
}

/// The ports exports need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct DataExportPorts {
    /// The export requests and their state.
    pub exports: Arc<dyn DataExportRepository>,
    /// Everything stored about a person, section by section.
    pub personal_data: Arc<dyn PersonalData>,
    /// Accounts (the data key, the role of a subject).
    pub users: Arc<dyn UserRepository>,
    /// Opening the profile, sealing the archive under the person's key.
    pub cipher: Arc<dyn FieldCipher>,
    /// Where encrypted archives wait to be downloaded.
    pub archives: Arc<dyn BlobStore>,
    /// The archive's format.
    pub format: Arc<dyn ArchiveFormat>,
    /// Security audit log.
    pub audit: Arc<dyn AuditLog>,
    /// The staff access journal: a staff member downloading a person's
    /// archive reads their personal data (ADR 0019).
    pub journal: Arc<dyn StaffAccessJournal>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Exports of persons' data.
#[derive(Clone)]
pub struct DataExportService {
    ports: DataExportPorts,
    policy: DataExportPolicy,
}

impl std::fmt::Debug for DataExportService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataExportService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl DataExportService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: DataExportPorts, policy: DataExportPolicy) -> Self {
        Self { ports, policy }
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> &DataExportPolicy {
        &self.policy
    }

    /// Removes an archive nothing refers to; a failure is only logged (the
    /// file is encrypted under its owner's key and unreachable).
    async fn remove_archive(&self, digest: &rr_domain::resource::BlobDigest) {
        if let Err(err) = self.ports.archives.remove(digest).await {
            tracing::warn!(%digest, error = %produce::error_chain(&err), "an orphan archive could not be removed");
        }
    }

    async fn audit(
        &self,
        action: &'static str,
        actor: Option<UserId>,
        export: &DataExport,
        detail: String,
    ) -> Result<(), AppError> {
        self.ports
            .audit
            .append(
                AuditEvent {
                    action,
                    actor,
                    subject: Some(export.subject),
                    detail: format!("export={} {detail}", export.id)
                        .trim_end()
                        .to_owned(),
                },
                self.ports.clock.now(),
            )
            .await
            .map_err(AppError::from)
    }
}

/// A `std` duration as a `time` one, saturating.
fn span(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}
