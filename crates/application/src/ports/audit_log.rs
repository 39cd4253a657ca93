use async_trait::async_trait;
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// A security event (DESIGN.md §4). Never holds an email, a full IP address or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Stable name, e.g. `login_failed`, `role_changed`.
    pub action: &'static str,
    /// Who did it, when known.
    pub actor: Option<UserId>,
    /// Whom it concerns, when an account.
    pub subject: Option<UserId>,
    /// Non-personal details (`role=moderator`, `reason=…`).
    pub detail: String,
}

/// An event as recorded: numbered and chained to the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub sequence: u64,
    /// When it was recorded.
    pub at: OffsetDateTime,
    /// The event.
    pub event: AuditEvent,
    /// Hash of the previous entry (zeros for the first).
    pub previous_hash: Vec<u8>,
    /// SHA-256 over the previous hash and this entry's content.
    pub hash: Vec<u8>,
}

/// Result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerification {
    /// Every entry's hash is right and links to its predecessor.
    Intact {
        /// Entries checked.
        entries: u64,
    },
    /// The first entry whose hash or link is wrong.
    BrokenAt {
        /// Its sequence number.
        sequence: u64,
    },
}

/// The append-only, hash-chained audit log.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event at `at`, chained to the last entry. Concurrent appends
    /// are serialised so that the chain never forks.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn append(&self, event: AuditEvent, at: OffsetDateTime) -> Result<(), RepositoryError>;

    /// Recomputes every hash in order.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn verify(&self) -> Result<ChainVerification, RepositoryError>;

    /// The entries about `subject`, oldest first.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn entries_about(&self, subject: UserId) -> Result<Vec<AuditEntry>, RepositoryError>;
}
