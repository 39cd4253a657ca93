//! The caller's inbox: a page of it, how many are unread, marking one or
//! all read; and the purge of notifications past their retention.

use rr_domain::community::{Notification, NotificationId};
use rr_domain::identity::AuthenticatedActor;

use super::{MAX_PAGE, NotificationService};
use crate::AppError;
use crate::ports::InboxFilter;

/// Notifications deleted by one statement of a purge.
const PURGE_BATCH: u64 = 1_000;

/// A page of an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxPage {
    /// Newest first.
    pub items: Vec<Notification>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<NotificationId>,
    /// How many of the caller's notifications are unread, in all.
    pub unread: u64,
}

impl NotificationService {
    /// A page of the caller's inbox: `limit` notifications (1 to
    /// [`MAX_PAGE`]) passing `filter`, older than `after`, and the unread
    /// count.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn inbox(
        &self,
        actor: &AuthenticatedActor,
        filter: InboxFilter,
        after: Option<NotificationId>,
        limit: u64,
    ) -> Result<InboxPage, AppError> {
        let limit = limit.clamp(1, MAX_PAGE);
        // One more than asked tells whether there is a next page.
        let mut items = self
            .ports
            .notifications
            .page(actor.user_id, filter, after, limit + 1)
            .await?;
        let more = u64::try_from(items.len()).unwrap_or(u64::MAX) > limit;
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = more.then(|| items.last().map(|n| n.id)).flatten();
        let unread = self.ports.notifications.unread_count(actor.user_id).await?;
        Ok(InboxPage {
            items,
            next,
            unread,
        })
    }

    /// How many of the caller's notifications are unread.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn unread_count(&self, actor: &AuthenticatedActor) -> Result<u64, AppError> {
        Ok(self.ports.notifications.unread_count(actor.user_id).await?)
    }

    /// Marks one of the caller's notifications read; reading it again keeps
    /// the first reading.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the caller has no notification `id`,
    /// whether or not another account has one.
    pub async fn mark_read(
        &self,
        actor: &AuthenticatedActor,
        id: NotificationId,
    ) -> Result<(), AppError> {
        let found = self
            .ports
            .notifications
            .mark_read(actor.user_id, id, self.ports.clock.now())
            .await?;
        if found {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Marks every unread notification of the caller read; returns how many
    /// were unread.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn mark_all_read(&self, actor: &AuthenticatedActor) -> Result<u64, AppError> {
        Ok(self
            .ports
            .notifications
            .mark_all_read(actor.user_id, self.ports.clock.now())
            .await?)
    }

    /// Deletes every notification sent longer ago than the retention period,
    /// in batches so that no statement holds locks for long; returns how
    /// many went. Safe to run on several nodes at once.
    ///
    /// # Errors
    /// Only infrastructure failures; what was deleted before one stays deleted.
    pub async fn purge_expired(&self) -> Result<u64, AppError> {
        let retention =
            time::Duration::try_from(self.policy.retention).unwrap_or(time::Duration::MAX);
        let Some(before) = self.ports.clock.now().checked_sub(retention) else {
            return Ok(0);
        };
        self.purge_sent_before(before).await
    }

    /// Deletes every notification sent before `before`, in batches; returns
    /// how many went. The nightly retention purge calls it with the same
    /// period as [`Self::purge_expired`].
    ///
    /// # Errors
    /// Only infrastructure failures; what was deleted before one stays deleted.
    pub async fn purge_sent_before(&self, before: time::OffsetDateTime) -> Result<u64, AppError> {
        let mut purged = 0_u64;
        loop {
            let deleted = self
                .ports
                .notifications
                .purge_sent_before(before, PURGE_BATCH)
                .await?;
            purged = purged.saturating_add(deleted);
            if deleted < PURGE_BATCH {
                return Ok(purged);
            }
        }
    }
}
