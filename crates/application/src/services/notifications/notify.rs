//! Telling an account: keep the notification in its inbox, then mail it
//! when it asked for communications. An account whose processing is
//! restricted (GDPR Art. 18) is told nothing: no notification is kept nor
//! mailed while it lasts. Nothing here fails its caller: a
//! notification that cannot be kept, or a mail that cannot be sent, is
//! logged — without the address — and the caller's decision stands.

use async_trait::async_trait;
use rr_domain::community::{Notification, NotificationKind};
use rr_domain::identity::{Email, UserId, UserRecord};
use rr_domain::subject_rights::ERASED_AUTHOR;
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

    /// Mails `notification` to its recipient (read before) if they want it.
    async fn mail(&self, notification: &Notification, user: &UserRecord, now: OffsetDateTime) {
        let kind = notification.kind.code();
        if !wants_mail(user, now) {
            return;
        }
        let Some(email) = self.email_of(user) else {
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
        // Nobody reads the inbox of the account keeping erased accounts' content.
        if recipient == ERASED_AUTHOR {
            return;
        }
        let now = self.ports.clock.now();
        let notification = Notification::new(recipient, kind, now);
        let user = match self.ports.users.find(recipient).await {
            Ok(Some(user)) if user.restricted_since.is_some() => return,
            Ok(user) => user,
            Err(err) => {
                // Kept, not mailed: whether the account is restricted or
                // wants mail cannot be told.
                tracing::warn!(
                    kind = notification.kind.code(),
                    error = %err,
                    "notification mail not sent: the account cannot be read"
                );
                None
            }
        };
        if let Err(err) = self.ports.notifications.insert(&notification).await {
            tracing::error!(
                kind = notification.kind.code(),
                error = %err,
                "notification lost: it could not be stored"
            );
            return;
        }
        if let Some(user) = user {
            self.mail(&notification, &user, now).await;
        }
    }
}
