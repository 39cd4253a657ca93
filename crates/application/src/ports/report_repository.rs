use async_trait::async_trait;
use rr_domain::community::{ContentRef, ReportGrounds, ReportId, ReportStatus};
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// A report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    /// Identifier.
    pub id: ReportId,
    /// Who reported.
    pub reporter: UserId,
    /// What was reported.
    pub target: ContentRef,
    /// Why.
    pub grounds: ReportGrounds,
    /// Open, dismissed or resolved.
    pub status: ReportStatus,
    /// When it was made (to the microsecond).
    pub created_at: OffsetDateTime,
    /// When a moderator closed it, if one did.
    pub closed_at: Option<OffsetDateTime>,
    /// The moderator who closed it, if one did.
    pub closed_by: Option<UserId>,
    /// The moderator's note when dismissing it.
    pub note: Option<String>,
}

/// What filing a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Stored; this many reports on its target are open now, this one included.
    Stored {
        /// Open reports on the target, counted in the same transaction.
        open_reports: u64,
    },
    /// The reporter had already reported this content (whatever became of
    /// that report): nothing was stored.
    Duplicate,
}

/// Stores citizens' reports.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ReportRepository: Send + Sync {
    /// Stores a new report (as given; normally open) unless its reporter
    /// already reported its target, and counts the open reports on the
    /// target. Filings about one resource (itself or its comments) are
    /// serialised: of concurrent filings, each counts every one committed
    /// before it, so exactly one of them sees any given count.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the reporter or the
    /// target's resource does not exist.
    async fn file(&self, report: &ReportRecord) -> Result<Filed, RepositoryError>;

    /// The report with this id.
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when the stored row is corrupt.
    async fn find(&self, id: ReportId) -> Result<Option<ReportRecord>, RepositoryError>;

    /// Dismisses the report if it is open, by `by` at `at`, with `note`.
    /// Returns whether it did: of two concurrent dismissals, exactly one does.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn dismiss(
        &self,
        id: ReportId,
        by: UserId,
        at: OffsetDateTime,
        note: Option<String>,
    ) -> Result<bool, RepositoryError>;

    /// How many reports on `target` are open.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn open_count(&self, target: &ContentRef) -> Result<u64, RepositoryError>;
}
