use async_trait::async_trait;
use rr_domain::identity::UserId;
use time::{Date, OffsetDateTime};

use crate::RepositoryError;

/// What the store deletes by age, each kind by its own instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiring {
    /// Sessions whose refresh token expired, or which were revoked, before
    /// the instant; their spent refresh tokens go with them.
    EndedSessions,
    /// Single-use links (address verification, password reset) that expired
    /// before the instant, used or not.
    OneTimeTokens,
    /// Entries of the staff access journal about accesses before the instant.
    StaffAccesses,
    /// Notifications sent before the instant (counted here; deleted by the
    /// notification use cases' own purge).
    Notifications,
    /// Records of exports requested before the instant that are no longer
    /// live and hold no archive (counted here; deleted by
    /// [`crate::ports::DataExportRepository::delete_closed_before`], whose
    /// rule this count MUST follow).
    ExportRecords,
    /// Reservations of erased citizens' usernames that ended before the
    /// instant (an ended reservation no longer holds its name back; the row
    /// is only a digest of it).
    UsernameReservations,
}

/// The oldest entries of the audit log, which a purge removes together: the
/// longest run from the first entry kept whose every entry was recorded
/// before the cut-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPrefix {
    /// The sequence of its last entry.
    pub through: u64,
    /// The hash of its last entry: the chain's anchor once it is gone.
    pub hash: Vec<u8>,
    /// How many entries it holds.
    pub entries: u64,
}

impl AuditPrefix {
    /// How a purge names it in the audit log, and how the verification of
    /// the chain finds that record: `through=<sequence> hash=<hex>`.
    #[must_use]
    pub fn describe(&self) -> String {
        let hex: String = self.hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("through={} hash={hex}", self.through)
    }
}

/// Which inactive accounts a query is about. Only citizens' accounts, never
/// restricted ones (GDPR Art. 18: the person asked that their data be kept).
/// An account's activity is its last login or session refresh, or its
/// creation when it never had one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inactivity {
    /// Inactive since before `inactive_before`, not warned since their last
    /// activity.
    ToWarn {
        /// The cut-off of activity.
        inactive_before: OffsetDateTime,
    },
    /// Inactive since before `inactive_before`, warned since their last
    /// activity, and that warning sent before `warned_before`.
    ToErase {
        /// The cut-off of activity.
        inactive_before: OffsetDateTime,
        /// The cut-off of the warning.
        warned_before: OffsetDateTime,
    },
}

/// Deletes what has outlived its retention period (GDPR Art. 5(1)(e)), and
/// finds the inactive accounts to warn and to erase. Every method is
/// idempotent: what is gone is not there to delete again.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// How many of `what` are older than `before`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn count_expired(
        &self,
        what: Expiring,
        before: OffsetDateTime,
    ) -> Result<u64, RepositoryError>;

    /// Deletes up to `limit` of `what` older than `before`; returns how many
    /// went (fewer than `limit` once none is left).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached;
    /// [`RepositoryError::Internal`] for [`Expiring::Notifications`] and
    /// [`Expiring::ExportRecords`], which their own use cases delete.
    async fn delete_expired(
        &self,
        what: Expiring,
        before: OffsetDateTime,
        limit: u64,
    ) -> Result<u64, RepositoryError>;

    /// The oldest entries of the audit log recorded before `before`, if any.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn audit_prefix(
        &self,
        before: OffsetDateTime,
    ) -> Result<Option<AuditPrefix>, RepositoryError>;

    /// Deletes the entries of `prefix`, and makes its last entry's sequence
    /// and hash the anchor the verification of the chain starts from, in
    /// one transaction, only if that entry still has that hash (otherwise
    /// changes nothing and returns 0). The caller MUST first append to the
    /// audit log an `audit_log_purged` entry whose detail starts with
    /// [`AuditPrefix::describe`]: the verification checks that the anchor
    /// was recorded in the chain. Returns how many entries went.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn drop_audit_prefix(
        &self,
        prefix: &AuditPrefix,
        at: OffsetDateTime,
    ) -> Result<u64, RepositoryError>;

    /// How many accounts are in `stage`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn count_inactive(&self, stage: Inactivity) -> Result<u64, RepositoryError>;

    /// Up to `limit` accounts in `stage`, by id, after `after`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn inactive(
        &self,
        stage: Inactivity,
        after: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserId>, RepositoryError>;

    /// Records that `user` was warned `at`, only if it is still
    /// [`Inactivity::ToWarn`] with `inactive_before` (so that of two purges
    /// at once, one warns). Returns whether it did.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn mark_warned(
        &self,
        user: UserId,
        at: OffsetDateTime,
        inactive_before: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Forgets the warning [`Self::mark_warned`] recorded `at` (the mail
    /// could not be sent), if it is still that one.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn unmark_warned(&self, user: UserId, at: OffsetDateTime) -> Result<(), RepositoryError>;

    /// How many consultation and search events happened before `day` and
    /// are still kept one by one.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn statistics_events_before(&self, day: Date) -> Result<u64, RepositoryError>;

    /// Counts the consultations and searches of every day, ISO week and
    /// month that starts before `day` and is not counted yet into the
    /// aggregates the statistics read for them (excluding the accounts that
    /// object to statistics or restricted their processing), makes `day`
    /// the first day whose events are kept (never an earlier one), then
    /// deletes the events before that day. A week that straddles `day` is
    /// counted whole, with the days after it. Returns how many events went.
    /// An interruption leaves either nothing done or the aggregates written,
    /// and the next call deletes what is left.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn roll_up_statistics(&self, day: Date) -> Result<u64, RepositoryError>;
}
