//! Fakes of exports: the requests in memory, a person's data as sections of
//! rows given by the test, and a plain-text archive format; and
//! [`data_export_fixture`], which wires them to an [`IdentityFixture`].

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use rr_domain::identity::{DataExport, ExportId, ExportStatus, UserId};
use time::OffsetDateTime;

use super::{FakeBlobStore, FakeStaffAccessJournal, FakeUsers, IdentityFixture};
use crate::RepositoryError;
use crate::ports::{
    ArchiveFormat, ArchiveHeader, ArchiveWriter, DataExportRepository, ExportRow, ExportSection,
    ExportValue, PersonalData, SectionCursor, SectionPage, UserRepository,
};
use crate::services::{DataExportPolicy, DataExportPorts, DataExportService};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn check_up(down: &AtomicBool) -> Result<(), RepositoryError> {
    if down.load(Ordering::SeqCst) {
        Err(RepositoryError::Unavailable(
            "the fake store is down".into(),
        ))
    } else {
        Ok(())
    }
}

/// Export requests in memory, with the rules of the port: one live export
/// per subject and origin, conditional claims and transitions.
#[derive(Debug)]
pub struct FakeDataExports {
    users: Arc<FakeUsers>,
    exports: Mutex<Vec<DataExport>>,
    down: AtomicBool,
}

impl FakeDataExports {
    /// No export yet; subjects must be accounts of `users`.
    #[must_use]
    pub fn new(users: Arc<FakeUsers>) -> Self {
        Self {
            users,
            exports: Mutex::new(Vec::new()),
            down: AtomicBool::new(false),
        }
    }

    /// Every export, in the order requested.
    #[must_use]
    pub fn all(&self) -> Vec<DataExport> {
        lock(&self.exports).clone()
    }

    /// Makes every later call fail as an unreachable store (`true`), or work again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn update<T>(&self, id: ExportId, change: impl FnOnce(&mut DataExport) -> T) -> Option<T> {
        lock(&self.exports)
            .iter_mut()
            .find(|e| e.id == id)
            .map(change)
    }
}

/// Whether `export` may be claimed by a worker.
fn claimable(export: &DataExport, stale_before: OffsetDateTime) -> bool {
    export.status == ExportStatus::Requested
        && export
            .started_at
            .is_none_or(|started| started < stale_before)
}

/// Whether the worker may claim `export` now: as [`claimable`], and, when
/// never started, requested before `requested_before`.
fn claimable_by_worker(
    export: &DataExport,
    requested_before: OffsetDateTime,
    stale_before: OffsetDateTime,
) -> bool {
    claimable(export, stale_before)
        && (export.started_at.is_some() || export.requested_at < requested_before)
}

#[async_trait]
impl DataExportRepository for FakeDataExports {
    async fn insert(&self, export: &DataExport) -> Result<(), RepositoryError> {
        check_up(&self.down)?;
        if self.users.find(export.subject).await?.is_none() {
            return Err(RepositoryError::Conflict("no such account".into()));
        }
        let mut exports = lock(&self.exports);
        for other in exports.iter_mut() {
            if other.subject == export.subject
                && other.status == ExportStatus::Ready
                && other
                    .expires_at
                    .is_some_and(|end| end <= export.requested_at)
            {
                other.status = ExportStatus::Expired;
            }
        }
        if exports.iter().any(|other| {
            other.subject == export.subject
                && other.origin == export.origin
                && other.status.is_live()
        }) {
            return Err(RepositoryError::Conflict("a live export exists".into()));
        }
        exports.push(export.clone());
        Ok(())
    }

    async fn find(&self, id: ExportId) -> Result<Option<DataExport>, RepositoryError> {
        check_up(&self.down)?;
        Ok(lock(&self.exports).iter().find(|e| e.id == id).cloned())
    }

    async fn list_for(
        &self,
        person: UserId,
        after: Option<ExportId>,
        limit: u64,
    ) -> Result<Vec<DataExport>, RepositoryError> {
        check_up(&self.down)?;
        let mut mine: Vec<DataExport> = self
            .all()
            .into_iter()
            .filter(|e| e.concerns(person))
            .filter(|e| after.is_none_or(|after| e.id < after))
            .collect();
        mine.sort_by_key(|e| std::cmp::Reverse(e.id));
        mine.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(mine)
    }

    async fn claimable(
        &self,
        requested_before: OffsetDateTime,
        stale_before: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<ExportId>, RepositoryError> {
        check_up(&self.down)?;
        let mut ids: Vec<ExportId> = self
            .all()
            .iter()
            .filter(|e| claimable_by_worker(e, requested_before, stale_before))
            .map(|e| e.id)
            .collect();
        ids.sort();
        ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(ids)
    }

    async fn claim(
        &self,
        id: ExportId,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
    ) -> Result<Option<DataExport>, RepositoryError> {
        check_up(&self.down)?;
        Ok(self
            .update(id, |export| {
                claimable(export, stale_before).then(|| {
                    export.started_at = Some(now);
                    export.attempts += 1;
                    export.clone()
                })
            })
            .flatten())
    }

    async fn finish(&self, export: &DataExport) -> Result<bool, RepositoryError> {
        check_up(&self.down)?;
        Ok(self
            .update(export.id, |stored| {
                if stored.status == ExportStatus::Requested {
                    stored.status = export.status;
                    stored.finished_at = export.finished_at;
                    stored.expires_at = export.expires_at;
                    stored.failure = export.failure;
                    stored.archive.clone_from(&export.archive);
                    true
                } else {
                    false
                }
            })
            .unwrap_or(false))
    }

    async fn mark_downloaded(
        &self,
        id: ExportId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        check_up(&self.down)?;
        Ok(self
            .update(id, |stored| {
                if stored.status == ExportStatus::Ready
                    && stored.expires_at.is_some_and(|end| at < end)
                {
                    stored.status = ExportStatus::Downloaded;
                    stored.downloaded_at = Some(at);
                    true
                } else {
                    false
                }
            })
            .unwrap_or(false))
    }

    async fn archives_due(
        &self,
        now: OffsetDateTime,
        downloaded_before: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<DataExport>, RepositoryError> {
        check_up(&self.down)?;
        let mut due: Vec<DataExport> = self
            .all()
            .into_iter()
            .filter(|e| {
                e.archive.is_some()
                    && match e.status {
                        ExportStatus::Ready => e.expires_at.is_some_and(|end| end <= now),
                        ExportStatus::Downloaded => {
                            e.downloaded_at.is_some_and(|at| at < downloaded_before)
                        }
                        ExportStatus::Failed | ExportStatus::Expired => true,
                        ExportStatus::Requested => false,
                    }
            })
            .collect();
        due.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(due)
    }

    async fn archive_removed(&self, id: ExportId) -> Result<(), RepositoryError> {
        check_up(&self.down)?;
        self.update(id, |stored| {
            stored.archive = None;
            if stored.status == ExportStatus::Ready {
                stored.status = ExportStatus::Expired;
            }
        });
        Ok(())
    }

    async fn delete_closed_before(&self, before: OffsetDateTime) -> Result<u64, RepositoryError> {
        check_up(&self.down)?;
        let mut exports = lock(&self.exports);
        let count = exports.len();
        exports.retain(|e| e.status.is_live() || e.archive.is_some() || e.requested_at >= before);
        Ok(u64::try_from(count - exports.len()).unwrap_or(u64::MAX))
    }
}

/// A section of the fake and its rows, each with the person it is about.
type FakeSection = (ExportSection, Vec<(UserId, ExportRow)>);

/// A person's data as sections of rows the test gives, paged by position.
#[derive(Debug)]
pub struct FakePersonalData {
    sections: Mutex<Vec<FakeSection>>,
    pages_read: AtomicU64,
    down: AtomicBool,
}

impl FakePersonalData {
    /// These sections, empty.
    #[must_use]
    pub fn new(sections: Vec<ExportSection>) -> Self {
        Self {
            sections: Mutex::new(sections.into_iter().map(|s| (s, Vec::new())).collect()),
            pages_read: AtomicU64::new(0),
            down: AtomicBool::new(false),
        }
    }

    /// Adds a row about `person` to `section`.
    ///
    /// # Panics
    /// When there is no such section: a mistake in the test.
    pub fn add(&self, section: &str, person: UserId, row: ExportRow) {
        let mut sections = lock(&self.sections);
        #[allow(clippy::expect_used)]
        let (_, rows) = sections
            .iter_mut()
            .find(|(s, _)| s.name == section)
            .expect("a section of the fake");
        rows.push((person, row));
    }

    /// How many pages were read so far.
    #[must_use]
    pub fn pages_read(&self) -> u64 {
        self.pages_read.load(Ordering::SeqCst)
    }

    /// Makes every later read fail as an unreachable store (`true`), or work again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn rows_of(&self, section: &str, person: UserId) -> Option<Vec<ExportRow>> {
        lock(&self.sections)
            .iter()
            .find(|(s, _)| s.name == section)
            .map(|(_, rows)| {
                rows.iter()
                    .filter(|(p, _)| *p == person)
                    .map(|(_, row)| row.clone())
                    .collect()
            })
    }
}

#[async_trait]
impl PersonalData for FakePersonalData {
    fn sections(&self) -> Vec<ExportSection> {
        lock(&self.sections).iter().map(|(s, _)| *s).collect()
    }

    async fn page(
        &self,
        section: &str,
        person: UserId,
        after: Option<SectionCursor>,
        limit: u64,
    ) -> Result<SectionPage, RepositoryError> {
        check_up(&self.down)?;
        self.pages_read.fetch_add(1, Ordering::SeqCst);
        let rows = self
            .rows_of(section, person)
            .ok_or_else(|| RepositoryError::Internal(format!("no section {section}").into()))?;
        let start = match after.as_ref().map(|c| c.0.as_slice()) {
            None => 0,
            Some([ExportValue::Integer(position)]) => usize::try_from(*position)
                .map_err(|_| RepositoryError::Internal("a bad cursor".into()))?,
            Some(_) => return Err(RepositoryError::Internal("a bad cursor".into())),
        };
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let page: Vec<ExportRow> = rows.iter().skip(start).take(limit).cloned().collect();
        let end = start + page.len();
        let next = (page.len() == limit && end < rows.len()).then(|| {
            SectionCursor(vec![ExportValue::Integer(
                i64::try_from(end).unwrap_or(i64::MAX),
            )])
        });
        Ok(SectionPage { rows: page, next })
    }

    async fn estimate(&self, person: UserId, ceiling: u64) -> Result<u64, RepositoryError> {
        check_up(&self.down)?;
        let mut total = 0_u64;
        for section in self.sections() {
            let rows = self.rows_of(section.name, person).unwrap_or_default();
            total += u64::try_from(rows.len()).unwrap_or(u64::MAX);
            if total > ceiling {
                break;
            }
        }
        Ok(total)
    }
}

/// A plain-text archive, one line per event, easy to read in assertions:
/// `begin <export> <subject> <origin>`, `section <name>`, `row a=1;b=x`, `end`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextArchiveFormat;

#[derive(Debug, Default)]
struct TextWriter {
    buffer: Vec<u8>,
}

fn text(value: &ExportValue) -> String {
    match value {
        ExportValue::Null => "null".into(),
        ExportValue::Bool(b) => b.to_string(),
        ExportValue::Integer(i) => i.to_string(),
        ExportValue::Text(t) => t.clone(),
        ExportValue::Instant(at) => at.to_string(),
        ExportValue::Id(id) => id.to_string(),
    }
}

impl ArchiveWriter for TextWriter {
    fn begin(&mut self, header: &ArchiveHeader) {
        self.buffer.extend(
            format!(
                "begin {} {} {}\n",
                header.export_id,
                header.subject.as_uuid(),
                header.origin.as_str()
            )
            .into_bytes(),
        );
    }

    fn section(&mut self, section: &ExportSection) {
        self.buffer
            .extend(format!("section {}\n", section.name).into_bytes());
    }

    fn row(&mut self, row: &ExportRow) {
        let fields: Vec<String> = row
            .fields
            .iter()
            .map(|(name, value)| format!("{name}={}", text(value)))
            .collect();
        self.buffer
            .extend(format!("row {}\n", fields.join(";")).into_bytes());
    }

    fn finish(&mut self) {
        self.buffer.extend(b"end\n");
    }

    fn buffered(&self) -> usize {
        self.buffer.len()
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buffer)
    }
}

impl ArchiveFormat for TextArchiveFormat {
    fn writer(&self) -> Box<dyn ArchiveWriter> {
        Box::new(TextWriter::default())
    }

    fn media_type(&self) -> &'static str {
        "text/plain"
    }

    fn extension(&self) -> &'static str {
        "txt"
    }
}

/// Sections of the fake person's data in [`data_export_fixture`].
pub const FAKE_SECTIONS: [ExportSection; 2] = [
    ExportSection {
        name: "sessions",
        description: "Sessions.",
    },
    ExportSection {
        name: "comments",
        description: "Comments.",
    },
];

/// Exports on an identity fixture's fakes.
#[derive(Clone)]
#[allow(missing_debug_implementations)]
pub struct DataExportFixture {
    /// The service under test.
    pub service: DataExportService,
    /// The requests.
    pub exports: Arc<FakeDataExports>,
    /// The person's data, in [`FAKE_SECTIONS`].
    pub personal_data: Arc<FakePersonalData>,
    /// Where archives are kept.
    pub archives: Arc<FakeBlobStore>,
    /// The staff access journal staff downloads are written to.
    pub journal: Arc<FakeStaffAccessJournal>,
}

/// [`DataExportService`] under `policy` on the accounts, cipher, audit log
/// and clock of `fx`, with a person's data in [`FAKE_SECTIONS`] and archives
/// in [`TextArchiveFormat`].
#[must_use]
pub fn data_export_fixture(fx: &IdentityFixture, policy: DataExportPolicy) -> DataExportFixture {
    let exports = Arc::new(FakeDataExports::new(fx.users.clone()));
    let personal_data = Arc::new(FakePersonalData::new(FAKE_SECTIONS.to_vec()));
    let archives = Arc::new(FakeBlobStore::default());
    let journal = Arc::new(FakeStaffAccessJournal::new(fx.users.clone()));
    DataExportFixture {
        service: DataExportService::new(
            DataExportPorts {
                exports: exports.clone(),
                personal_data: personal_data.clone(),
                users: fx.users.clone(),
                cipher: fx.cipher.clone(),
                archives: archives.clone(),
                format: Arc::new(TextArchiveFormat),
                audit: fx.audit.clone(),
                journal: journal.clone(),
                clock: fx.clock.clone(),
            },
            policy,
        ),
        exports,
        personal_data,
        archives,
        journal,
    }
}
