//! Telling an account: keep the notification in its inbox, then mail it
//! when it asked for communications. Nothing here fails its caller: a
//! notification that cannot be kept, or a mail that cannot be sent, is
//! logged — without the address — and the caller's decision stands.

use async_trait::async_trait;
use rr_domain::community::{Notification, NotificationKind};
use rr_domain::identity::{Email, UserId, UserRecord};
use time::OffsetDateTime;

use super::{NotificationService, mail};
use crate::ports::{Notifier, fields};

/// Whether `user` gets mail about their notifications at `now`: they
/// consented to communications, confirmed their address, and their account
/// may act (a suspended account is not mailed about content it cannot reach).
fn wants_mail(user: &UserRecord, now: OffsetDateTime) -> bool {
    user.communications_consent && user.email_verified_at.is_some() && user.status.is_active_at(now)
}

impl NotificationService {
    /// The clear address of `user`, opened with their data key. Only the
    /// email field is opened.
    fn email_of(&self, user: &UserRecord) -> Option<Email> {
        let bytes = self
            .ports
            .cipher
            .open(&user.data_key, user.id, fields::EMAIL, &user.email)
            .map_err(|err| tracing::warn!(error = %err, "notification mail not sent: the address cannot be opened"))
            .ok()?;
        let clear = String::from_utf8(bytes).ok();
        let email = clear.as_deref().and_then(|clear| Email::parse(clear).ok());
        if email.is_none() {
            tracing::warn!("notification mail not sent: the stored address is invalid");
        }
        email
    }

    /// Mails `notification` to its recipient if they want it.
    async fn mail(&self, notification: &Notification, now: OffsetDateTime) {
        let kind = notification.kind.code();
        let user = match self.ports.users.find(notification.recipient).await {
            Ok(Some(user)) => user,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(kind, error = %err, "notification mail not sent: the account cannot be read");
                return;
            }
        };
        if !wants_mail(&user, now) {
            return;
        }
        let Some(email) = self.email_of(&user) else {
            return;
        };
        let message = mail::notification(email, &notification.kind, &self.policy.frontend_url);
        if let Err(err) = self.ports.mailer.send(message).await {
            tracing::warn!(kind, error = %err, "notification mail not sent");
        }
    }
}

#[async_trait]
impl Notifier for NotificationService {
    async fn notify(&self, recipient: UserId, kind: NotificationKind) {
        let now = self.ports.clock.now();
        let notification = Notification::new(recipient, kind, now);
        if let Err(err) = self.ports.notifications.insert(&notification).await {
            tracing::error!(
                kind = notification.kind.code(),
                error = %err,
                "notification lost: it could not be stored"
            );
            return;
        }
        self.mail(&notification, now).await;
    }
}
