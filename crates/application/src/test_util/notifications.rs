//! Notifications: a recorder of what use cases tell, an in-memory inbox
//! store, and a mail relay that always fails.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use rr_domain::community::{Notification, NotificationId, NotificationKind};
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use super::UnavailableStore;
use crate::RepositoryError;
use crate::ports::{
    InboxFilter, MailError, Mailer, NotificationRepository, Notifier, OutgoingEmail,
    ResourceRepository, UserRepository,
};

/// Keeps every notification, in order, for assertions.
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    sent: Mutex<Vec<(UserId, NotificationKind)>>,
}

impl RecordingNotifier {
    /// What was sent so far, in order.
    #[must_use]
    pub fn sent(&self) -> Vec<(UserId, NotificationKind)> {
        self.sent
            .lock()
            .map(|guard| guard.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// What `recipient` was sent so far, in order.
    #[must_use]
    pub fn sent_to(&self, recipient: UserId) -> Vec<NotificationKind> {
        self.sent()
            .into_iter()
            .filter(|(to, _)| *to == recipient)
            .map(|(_, kind)| kind)
            .collect()
    }
}

#[async_trait]
impl Notifier for RecordingNotifier {
    async fn notify(&self, recipient: UserId, kind: NotificationKind) {
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((recipient, kind));
    }
}

/// Inboxes in memory, keeping the port's contract: the recipient and the
/// resource must exist (read from the stores it is given), newest first by
/// id, the first reading kept, nothing of another account reached.
pub struct FakeNotifications {
    users: Arc<dyn UserRepository>,
    resources: Arc<dyn ResourceRepository>,
    stored: Mutex<BTreeMap<NotificationId, Notification>>,
}

impl std::fmt::Debug for FakeNotifications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeNotifications").finish_non_exhaustive()
    }
}

impl FakeNotifications {
    /// A store over these accounts and resources.
    #[must_use]
    pub fn new(users: Arc<dyn UserRepository>, resources: Arc<dyn ResourceRepository>) -> Self {
        Self {
            users,
            resources,
            stored: Mutex::new(BTreeMap::new()),
        }
    }

    /// Every stored notification, oldest first, for assertions.
    #[must_use]
    pub fn all(&self) -> Vec<Notification> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<NotificationId, Notification>> {
        self.stored
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl NotificationRepository for FakeNotifications {
    async fn insert(&self, notification: &Notification) -> Result<(), RepositoryError> {
        let missing = |what: &str| RepositoryError::Conflict(format!("no such {what}").into());
        if self.users.find(notification.recipient).await?.is_none() {
            return Err(missing("recipient"));
        }
        if self
            .resources
            .find(notification.kind.resource())
            .await?
            .is_none()
        {
            return Err(missing("resource"));
        }
        let mut stored = self.lock();
        if stored.contains_key(&notification.id) {
            return Err(RepositoryError::Conflict("notification id taken".into()));
        }
        stored.insert(notification.id, notification.clone());
        Ok(())
    }

    async fn page(
        &self,
        recipient: UserId,
        filter: InboxFilter,
        after: Option<NotificationId>,
        limit: u64,
    ) -> Result<Vec<Notification>, RepositoryError> {
        Ok(self
            .lock()
            .values()
            .rev()
            .filter(|n| n.recipient == recipient)
            .filter(|n| filter == InboxFilter::All || !n.is_read())
            .filter(|n| after.is_none_or(|after| n.id < after))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .cloned()
            .collect())
    }

    async fn unread_count(&self, recipient: UserId) -> Result<u64, RepositoryError> {
        let unread = self
            .lock()
            .values()
            .filter(|n| n.recipient == recipient && !n.is_read())
            .count();
        Ok(u64::try_from(unread).unwrap_or(u64::MAX))
    }

    async fn mark_read(
        &self,
        recipient: UserId,
        id: NotificationId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let mut stored = self.lock();
        match stored.remove(&id) {
            Some(found) if found.recipient == recipient => {
                stored.insert(id, found.read(at));
                Ok(true)
            }
            Some(another) => {
                stored.insert(id, another);
                Ok(false)
            }
            None => Ok(false),
        }
    }

    async fn mark_all_read(
        &self,
        recipient: UserId,
        at: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let mut marked = 0_u64;
        for notification in self.lock().values_mut() {
            if notification.recipient == recipient && !notification.is_read() {
                notification.read_at = Some(at);
                marked += 1;
            }
        }
        Ok(marked)
    }

    async fn purge_sent_before(
        &self,
        before: OffsetDateTime,
        limit: u64,
    ) -> Result<u64, RepositoryError> {
        let mut stored = self.lock();
        let mut expired: Vec<&Notification> =
            stored.values().filter(|n| n.created_at < before).collect();
        expired.sort_by_key(|n| (n.created_at, n.id));
        let gone: Vec<NotificationId> = expired
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|n| n.id)
            .collect();
        for id in &gone {
            stored.remove(id);
        }
        Ok(u64::try_from(gone.len()).unwrap_or(u64::MAX))
    }
}

fn down() -> RepositoryError {
    RepositoryError::Unavailable("the fake store is down".into())
}

#[async_trait]
impl NotificationRepository for UnavailableStore {
    async fn insert(&self, _: &Notification) -> Result<(), RepositoryError> {
        Err(down())
    }

    async fn page(
        &self,
        _: UserId,
        _: InboxFilter,
        _: Option<NotificationId>,
        _: u64,
    ) -> Result<Vec<Notification>, RepositoryError> {
        Err(down())
    }

    async fn unread_count(&self, _: UserId) -> Result<u64, RepositoryError> {
        Err(down())
    }

    async fn mark_read(
        &self,
        _: UserId,
        _: NotificationId,
        _: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        Err(down())
    }

    async fn mark_all_read(&self, _: UserId, _: OffsetDateTime) -> Result<u64, RepositoryError> {
        Err(down())
    }

    async fn purge_sent_before(&self, _: OffsetDateTime, _: u64) -> Result<u64, RepositoryError> {
        Err(down())
    }
}

/// A mail relay that refuses everything, counting what it was handed.
#[derive(Debug, Default)]
pub struct FailingMailer {
    attempts: Mutex<u64>,
}

impl FailingMailer {
    /// How many messages it was asked to send.
    #[must_use]
    pub fn attempts(&self) -> u64 {
        *self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl Mailer for FailingMailer {
    async fn send(&self, _: OutgoingEmail) -> Result<(), MailError> {
        *self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        Err(MailError("the fake relay refuses everything".into()))
    }
}
