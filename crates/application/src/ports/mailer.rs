use async_trait::async_trait;
use rr_domain::identity::Email;

use crate::error::Cause;

/// A plain-text message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// Recipient.
    pub to: Email,
    /// Subject line.
    pub subject: String,
    /// Body, plain text.
    pub body: String,
}

/// Mail could not be handed over.
#[derive(Debug, thiserror::Error)]
#[error("the message could not be sent")]
pub struct MailError(#[source] pub Cause);

/// Sends mail: verification links, reset links, security alerts.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands the message to the mail system.
    ///
    /// # Errors
    /// [`MailError`] when the relay refuses it or cannot be reached.
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError>;
}
