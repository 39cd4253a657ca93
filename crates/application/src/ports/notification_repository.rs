use async_trait::async_trait;
use rr_domain::community::{Notification, NotificationId};
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// Which notifications of an inbox a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxFilter {
    /// Read or not.
    #[default]
    All,
    /// Unread only.
    Unread,
}

/// Keeps each account's notifications.
///
/// An inbox is ordered by notification id, newest first (ids are
/// time-ordered). Every read and change names the recipient, so no call
/// reaches another account's notifications.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait NotificationRepository: Send + Sync {
    /// Stores a notification.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when its recipient or the
    /// resource it is about does not exist, or its id is taken.
    async fn insert(&self, notification: &Notification) -> Result<(), RepositoryError>;

    /// `recipient`'s notifications passing `filter`, newest first, `limit`
    /// at most, strictly older than `after` (keyset pagination: `after` need
    /// not be one of theirs, nor exist).
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn page(
        &self,
        recipient: UserId,
        filter: InboxFilter,
        after: Option<NotificationId>,
        limit: u64,
    ) -> Result<Vec<Notification>, RepositoryError>;

    /// How many of `recipient`'s notifications are unread.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn unread_count(&self, recipient: UserId) -> Result<u64, RepositoryError>;

    /// Marks `recipient`'s notification `id` read `at`, unless it already
    /// was (the first reading is kept). Returns `false` when `recipient` has
    /// no notification `id`, whether or not another account has.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn mark_read(
        &self,
        recipient: UserId,
        id: NotificationId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Marks every unread notification of `recipient` read `at`; returns how
    /// many were unread.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn mark_all_read(
        &self,
        recipient: UserId,
        at: OffsetDateTime,
    ) -> Result<u64, RepositoryError>;

    /// Deletes up to `limit` notifications, of any account, sent before
    /// `before`, oldest first; returns how many went (fewer than `limit`
    /// once none is left).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn purge_sent_before(
        &self,
        before: OffsetDateTime,
        limit: u64,
    ) -> Result<u64, RepositoryError>;
}
