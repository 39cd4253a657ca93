//! Exports of everything held about a person (GDPR Art. 15 and 20): a
//! request, produced later into one archive, downloaded once by whoever asked
//! for it, or expired (ADR 0022).
//!
//! The lifecycle is `requested → ready | failed`, then `ready → downloaded |
//! expired`. An export is *live* while requested or ready: a person has at
//! most one live export of each origin at a time.

use std::fmt;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::identity::UserId;
use crate::resource::BlobDigest;

/// Identifier of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExportId(Uuid);

impl ExportId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for ExportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Who asked for an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportOrigin {
    /// The person, about themselves.
    Person,
    /// A staff member, answering a request the person made outside the
    /// application (a letter, an email to the data protection officer).
    Staff,
}

impl ExportOrigin {
    /// Stable machine name, as stored and sent: `self` or `staff`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Person => "self",
            Self::Staff => "staff",
        }
    }

    /// The origin with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Person, Self::Staff]
            .into_iter()
            .find(|origin| origin.as_str() == raw)
    }
}

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportStatus {
    /// Asked for, not produced yet.
    Requested,
    /// Produced; waiting to be downloaded.
    Ready,
    /// Production failed; nothing is kept. Ask again.
    Failed,
    /// Downloaded (once); the archive is gone.
    Downloaded,
    /// Not downloaded in time; the archive is gone.
    Expired,
}

impl ExportStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Requested,
        Self::Ready,
        Self::Failed,
        Self::Downloaded,
        Self::Expired,
    ];

    /// Stable machine name, as stored and sent.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Ready => "ready",
            Self::Failed => "failed",
            Self::Downloaded => "downloaded",
            Self::Expired => "expired",
        }
    }

    /// The status with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// Whether an export in this status is still to be produced or fetched.
    #[must_use]
    pub const fn is_live(self) -> bool {
        matches!(self, Self::Requested | Self::Ready)
    }
}

/// Why producing an export failed, as the person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFailure {
    /// The archive grew beyond the configured cap.
    TooLarge,
    /// Anything else (a database or storage failure); details are logged.
    Internal,
}

impl ExportFailure {
    /// Stable machine name, as stored and sent.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "archive_too_large",
            Self::Internal => "internal_error",
        }
    }

    /// The failure with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::TooLarge, Self::Internal]
            .into_iter()
            .find(|failure| failure.as_str() == raw)
    }
}

/// A produced archive as stored: encrypted, at `digest` in the blob store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArchive {
    /// Address of the encrypted bytes.
    pub digest: BlobDigest,
    /// Length of the encrypted bytes.
    pub stored_bytes: u64,
    /// Length of the archive once decrypted, as downloaded.
    pub content_bytes: u64,
}

/// Why an export cannot be downloaded now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DownloadRefusal {
    /// Still being produced: poll again.
    #[error("the export is not ready yet")]
    NotReady,
    /// Production failed: ask for a new export.
    #[error("the export failed")]
    Failed,
    /// Already downloaded: an archive is handed out once.
    #[error("the export was already downloaded")]
    AlreadyDownloaded,
    /// Not downloaded in time.
    #[error("the export expired")]
    Expired,
}

/// One export of a person's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataExport {
    /// Identifier.
    pub id: ExportId,
    /// Whose data.
    pub subject: UserId,
    /// Who asked (the subject, or a staff member); `None` once a staff
    /// account that asked is gone.
    pub requested_by: Option<UserId>,
    /// Whether the person or staff asked.
    pub origin: ExportOrigin,
    /// Where it stands.
    pub status: ExportStatus,
    /// When it was asked for.
    pub requested_at: OffsetDateTime,
    /// When production last started (a worker claimed it).
    pub started_at: Option<OffsetDateTime>,
    /// How many times production started.
    pub attempts: u32,
    /// When it became ready or failed.
    pub finished_at: Option<OffsetDateTime>,
    /// Until when a ready archive may be downloaded.
    pub expires_at: Option<OffsetDateTime>,
    /// When it was downloaded.
    pub downloaded_at: Option<OffsetDateTime>,
    /// Why production failed.
    pub failure: Option<ExportFailure>,
    /// The encrypted archive, while it is stored.
    pub archive: Option<StoredArchive>,
}

impl DataExport {
    /// A new request by `requested_by` about `subject`, at `now`.
    #[must_use]
    pub fn request(
        subject: UserId,
        requested_by: UserId,
        origin: ExportOrigin,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id: ExportId::generate(),
            subject,
            requested_by: Some(requested_by),
            origin,
            status: ExportStatus::Requested,
            requested_at: now,
            started_at: None,
            attempts: 0,
            finished_at: None,
            expires_at: None,
            downloaded_at: None,
            failure: None,
            archive: None,
        }
    }

    /// The status as of `now`: a ready export past its end counts as
    /// expired even before the sweep records it.
    #[must_use]
    pub fn status_at(&self, now: OffsetDateTime) -> ExportStatus {
        match (self.status, self.expires_at) {
            (ExportStatus::Ready, Some(end)) if end <= now => ExportStatus::Expired,
            (status, _) => status,
        }
    }

    /// Records a produced archive: ready until `now + ttl`.
    ///
    /// # Errors
    /// The status it had, unless it was still requested.
    pub fn mark_ready(
        &mut self,
        archive: StoredArchive,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<(), ExportStatus> {
        if self.status != ExportStatus::Requested {
            return Err(self.status);
        }
        self.status = ExportStatus::Ready;
        self.finished_at = Some(now);
        self.expires_at = Some(now.saturating_add(ttl));
        self.archive = Some(archive);
        Ok(())
    }

    /// Records a failed production.
    ///
    /// # Errors
    /// The status it had, unless it was still requested.
    pub fn mark_failed(
        &mut self,
        failure: ExportFailure,
        now: OffsetDateTime,
    ) -> Result<(), ExportStatus> {
        if self.status != ExportStatus::Requested {
            return Err(self.status);
        }
        self.status = ExportStatus::Failed;
        self.finished_at = Some(now);
        self.failure = Some(failure);
        Ok(())
    }

    /// Hands the archive out, once: the export becomes downloaded.
    ///
    /// # Errors
    /// Why it cannot be downloaded at `now`.
    pub fn download(&mut self, now: OffsetDateTime) -> Result<StoredArchive, DownloadRefusal> {
        match self.status_at(now) {
            ExportStatus::Requested => Err(DownloadRefusal::NotReady),
            ExportStatus::Failed => Err(DownloadRefusal::Failed),
            ExportStatus::Downloaded => Err(DownloadRefusal::AlreadyDownloaded),
            ExportStatus::Expired => Err(DownloadRefusal::Expired),
            ExportStatus::Ready => {
                let archive = self.archive.clone().ok_or(DownloadRefusal::Expired)?;
                self.status = ExportStatus::Downloaded;
                self.downloaded_at = Some(now);
                Ok(archive)
            }
        }
    }

    /// Whether `actor` may read this export's status: the person it is
    /// about, or whoever asked for it.
    #[must_use]
    pub fn concerns(&self, actor: UserId) -> bool {
        self.subject == actor || self.requested_by == Some(actor)
    }

    /// Whether `actor` may download it: only whoever asked for it. A staff
    /// member answering a letter downloads what they asked for; the person
    /// sees that it exists.
    #[must_use]
    pub fn may_be_downloaded_by(&self, actor: UserId) -> bool {
        self.requested_by == Some(actor)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn now() -> OffsetDateTime {
        datetime!(2026-11-29 10:00 UTC)
    }

    fn archive() -> StoredArchive {
        StoredArchive {
            digest: BlobDigest::from_sha256([7; 32]),
            stored_bytes: 120,
            content_bytes: 100,
        }
    }

    fn requested() -> DataExport {
        let person = UserId::generate();
        DataExport::request(person, person, ExportOrigin::Person, now())
    }

    #[test]
    fn names_survive_their_round_trip() {
        for status in ExportStatus::ALL {
            assert_eq!(ExportStatus::parse(status.as_str()), Some(status));
        }
        for origin in [ExportOrigin::Person, ExportOrigin::Staff] {
            assert_eq!(ExportOrigin::parse(origin.as_str()), Some(origin));
        }
        for failure in [ExportFailure::TooLarge, ExportFailure::Internal] {
            assert_eq!(ExportFailure::parse(failure.as_str()), Some(failure));
        }
        assert_eq!(ExportStatus::parse("READY"), None);
    }

    #[test]
    fn a_ready_export_is_downloaded_once() {
        let mut export = requested();
        assert_eq!(export.download(now()), Err(DownloadRefusal::NotReady));
        export
            .mark_ready(archive(), now(), Duration::days(7))
            .unwrap();
        assert_eq!(export.expires_at, Some(datetime!(2026-12-06 10:00 UTC)));
        assert_eq!(export.download(now()), Ok(archive()));
        assert_eq!(export.status, ExportStatus::Downloaded);
        assert_eq!(
            export.download(now()),
            Err(DownloadRefusal::AlreadyDownloaded)
        );
    }

    #[test]
    fn a_ready_export_past_its_end_is_expired() {
        let mut export = requested();
        export
            .mark_ready(archive(), now(), Duration::days(7))
            .unwrap();
        let end = now() + Duration::days(7);
        assert_eq!(
            export.status_at(end - Duration::SECOND),
            ExportStatus::Ready
        );
        assert_eq!(export.status_at(end), ExportStatus::Expired);
        assert_eq!(export.download(end), Err(DownloadRefusal::Expired));
        assert_eq!(export.status, ExportStatus::Ready, "nothing changed");
    }

    #[test]
    fn only_a_requested_export_is_finished() {
        let mut export = requested();
        export.mark_failed(ExportFailure::TooLarge, now()).unwrap();
        assert_eq!(export.download(now()), Err(DownloadRefusal::Failed));
        assert_eq!(
            export.mark_ready(archive(), now(), Duration::days(7)),
            Err(ExportStatus::Failed)
        );
        assert_eq!(
            export.mark_failed(ExportFailure::Internal, now()),
            Err(ExportStatus::Failed)
        );
        assert!(!export.status.is_live());
    }

    #[test]
    fn the_person_sees_a_staff_export_and_only_its_requester_downloads_it() {
        let person = UserId::generate();
        let staff = UserId::generate();
        let export = DataExport::request(person, staff, ExportOrigin::Staff, now());
        assert!(export.concerns(person) && export.concerns(staff));
        assert!(!export.concerns(UserId::generate()));
        assert!(export.may_be_downloaded_by(staff));
        assert!(!export.may_be_downloaded_by(person));
    }
}
