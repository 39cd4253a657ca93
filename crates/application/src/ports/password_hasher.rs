use async_trait::async_trait;
use rr_domain::credentials::{Password, PasswordHash};

use crate::error::Cause;

/// Outcome of checking a password against its stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password is wrong.
    Mismatch,
    /// The password is right.
    Match {
        /// The hash was made with other parameters than today's: the caller
        /// should store a fresh hash of the password it now holds.
        needs_rehash: bool,
    },
}

/// Why hashing could not be done.
#[derive(Debug, thiserror::Error)]
pub enum HashingError {
    /// Too many hashes are queued: answering "busy" beats exhausting memory.
    #[error("password hashing is saturated")]
    Saturated,
    /// The stored hash is not a PHC string this hasher understands.
    #[error("the stored password hash is malformed")]
    MalformedHash(#[source] Cause),
    /// Anything else (a bug).
    #[error("password hashing failed")]
    Internal(#[source] Cause),
}

/// Turns passwords into slow, salted hashes and checks them.
///
/// Implementations are memory-hard on purpose: they MUST bound how many hashes
/// run at once and MUST NOT run them on the async executor's threads.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A fresh hash of `password`, with a random salt and today's parameters.
    ///
    /// # Errors
    /// [`HashingError::Saturated`] when the wait for a hashing slot is too long.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashingError>;

    /// Whether `password` matches `hash`, in time independent of where they differ.
    ///
    /// # Errors
    /// [`HashingError::MalformedHash`] when `hash` cannot be parsed;
    /// [`HashingError::Saturated`] as for [`PasswordHasher::hash`].
    async fn verify(
        &self,
        password: &Password,
        hash: &PasswordHash,
    ) -> Result<Verification, HashingError>;
}
