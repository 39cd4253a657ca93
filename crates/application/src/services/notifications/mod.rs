//! Notifications (issue 5): what the platform tells an account about its
//! content — a moderator's decision on its resource, a reply to its comment,
//! its content hidden or restored.
//!
//! [`NotificationService`] is the [`crate::ports::Notifier`] the other use
//! cases call once their change is committed (`notify.rs`): it keeps the
//! notification in the recipient's inbox, then, when the recipient consented
//! to communications and confirmed their address, sends a short mail through
//! [`Mailer`] (texts in `mail.rs`) that names what happened and links to the
//! inbox, and quotes nothing: no comment, no title, no reason. The recipient
//! reads and marks their inbox with the use cases of `inbox.rs`; nobody
//! reaches another account's notifications. Notifications older than
//! [`NotificationPolicy::retention`] are purged.

mod inbox;
mod mail;
mod notify;

pub use inbox::InboxPage;

use std::sync::Arc;
use std::time::Duration;

use crate::ports::{Clock, FieldCipher, Mailer, NotificationRepository, UserRepository};

/// Longest page of an inbox.
pub const MAX_PAGE: u64 = 100;

/// How long notifications are kept and where mail links to.
#[derive(Debug, Clone)]
pub struct NotificationPolicy {
    /// Base address of the web client; mail links to its inbox page.
    pub frontend_url: String,
    /// How long a notification is kept, read or not, before it is purged.
    pub retention: Duration,
}

impl Default for NotificationPolicy {
    fn default() -> Self {
        Self {
            frontend_url: "http://127.0.0.1:8080".into(),
            retention: Duration::from_secs(365 * 24 * 3600),
        }
    }
}

/// The ports the notification use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct NotificationPorts {
    /// The inboxes.
    pub notifications: Arc<dyn NotificationRepository>,
    /// Accounts: consent, verified address, status and sealed email.
    pub users: Arc<dyn UserRepository>,
    /// Outgoing mail.
    pub mailer: Arc<dyn Mailer>,
    /// Opens the sealed email of a recipient.
    pub cipher: Arc<dyn FieldCipher>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// The inbox of each account, and the [`crate::ports::Notifier`] that fills it.
#[derive(Clone)]
pub struct NotificationService {
    ports: NotificationPorts,
    policy: NotificationPolicy,
}

impl std::fmt::Debug for NotificationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl NotificationService {
    /// Builds the service.
    #[must_use]
    pub fn new(ports: NotificationPorts, policy: NotificationPolicy) -> Self {
        Self { ports, policy }
    }
}
