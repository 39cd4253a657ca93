use rr_domain::identity::{ExportId, ExportOrigin, UserId};
use time::OffsetDateTime;

use super::personal_data::{ExportRow, ExportSection};

/// What an archive says about itself, before its sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveHeader {
    /// The export it is.
    pub export_id: ExportId,
    /// Whose data it holds.
    pub subject: UserId,
    /// Whether the person or staff asked.
    pub origin: ExportOrigin,
    /// When production started.
    pub generated_at: OffsetDateTime,
}

/// Writes one archive piece by piece into a buffer the use case drains as it
/// goes, so that an archive is never whole in memory.
///
/// Calls come in this order: [`begin`](Self::begin) once, then for each
/// section [`section`](Self::section) followed by its rows, then
/// [`finish`](Self::finish) once.
pub trait ArchiveWriter: Send {
    /// Starts the archive.
    fn begin(&mut self, header: &ArchiveHeader);

    /// Starts a section (and ends the previous one).
    fn section(&mut self, section: &ExportSection);

    /// Writes a row of the current section.
    fn row(&mut self, row: &ExportRow);

    /// Ends the last section and the archive.
    fn finish(&mut self);

    /// How many bytes are written and not yet taken.
    fn buffered(&self) -> usize;

    /// The bytes written since the last call.
    fn take(&mut self) -> Vec<u8>;
}

/// The format of export archives (machine-readable, for portability).
pub trait ArchiveFormat: Send + Sync {
    /// A writer for a new archive.
    fn writer(&self) -> Box<dyn ArchiveWriter>;

    /// Its media type, as downloaded (`application/json`).
    fn media_type(&self) -> &'static str;

    /// The extension of its file name, without the dot (`json`).
    fn extension(&self) -> &'static str;
}
