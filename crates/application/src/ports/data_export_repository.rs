use async_trait::async_trait;
use rr_domain::identity::{DataExport, ExportId, UserId};
use time::OffsetDateTime;

use crate::RepositoryError;

/// Exports of persons' data (ADR 0022): requests, their production and
/// their one download. Conditional writes make each step happen once even
/// when several API nodes race.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait DataExportRepository: Send + Sync {
    /// Stores a new request (status `requested`). A ready export of the
    /// subject whose end is at or before the new one's `requested_at` is no
    /// longer live: it MUST be recorded `expired` first (its archive left
    /// for [`archives_due`](Self::archives_due)).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the subject already has
    /// a live export (requested or ready) of the same origin, or when the
    /// subject's account does not exist.
    async fn insert(&self, export: &DataExport) -> Result<(), RepositoryError>;

    /// The export `id`, if it exists.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(&self, id: ExportId) -> Result<Option<DataExport>, RepositoryError>;

    /// The exports about `person` or asked for by them, newest first
    /// (by id), after `after`, at most `limit`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_for(
        &self,
        person: UserId,
        after: Option<ExportId>,
        limit: u64,
    ) -> Result<Vec<DataExport>, RepositoryError>;

    /// Requested exports a worker may claim: never started and requested
    /// before `requested_before` (younger ones are left to the request that
    /// made them), or started before `stale_before` (their worker died);
    /// oldest first, at most `limit`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn claimable(
        &self,
        requested_before: OffsetDateTime,
        stale_before: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<ExportId>, RepositoryError>;

    /// Claims `id` for production at `now`: MUST set `started_at` and count
    /// one more attempt only if it is still requested and never started or
    /// started before `stale_before`, in one conditional write, so that one
    /// claimant wins. Returns the export as claimed, or `None` when another
    /// worker has it or it is no longer requested.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn claim(
        &self,
        id: ExportId,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
    ) -> Result<Option<DataExport>, RepositoryError>;

    /// Writes the outcome of a production (`ready` with its archive and end,
    /// or `failed` with its failure): MUST change the export only while it is
    /// still requested. Returns whether it did.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn finish(&self, export: &DataExport) -> Result<bool, RepositoryError>;

    /// Marks `id` downloaded at `at`: MUST change it only while it is ready
    /// and `at` is before its end, so that of two concurrent downloads one
    /// gets the archive. Returns whether it did.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn mark_downloaded(
        &self,
        id: ExportId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Exports whose stored archive is due for removal: ready ones whose end
    /// is at or before `now`, downloaded ones downloaded before
    /// `downloaded_before` (a download still streaming is left alone), and
    /// any other not live that still holds one; at most `limit`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn archives_due(
        &self,
        now: OffsetDateTime,
        downloaded_before: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<DataExport>, RepositoryError>;

    /// Records that the archive of `id` was removed from storage: it no
    /// longer has one, and if it was ready it is now `expired`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn archive_removed(&self, id: ExportId) -> Result<(), RepositoryError>;

    /// Deletes the records of exports that are no longer live, hold no
    /// archive, and were requested before `before` (the retention of the
    /// record that a request was answered). Returns how many.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn delete_closed_before(&self, before: OffsetDateTime) -> Result<u64, RepositoryError>;
}
