use async_trait::async_trait;
use rr_domain::community::NotificationKind;
use rr_domain::identity::UserId;

/// Tells an account something about its content (an in-app inbox, and mail
/// for those who consented to communications).
///
/// Called by the use cases after their own change is committed: telling
/// never undoes or fails the decision that caused it. Implementations keep
/// the notification durably and log, rather than return, a delivery failure.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Tells `recipient` about `kind`.
    async fn notify(&self, recipient: UserId, kind: NotificationKind);
}
