use async_trait::async_trait;
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// What a single-use link or challenge token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Confirms an email address.
    EmailVerification,
    /// Lets a person choose a new password.
    PasswordReset,
    /// Carries a login from the password step to the second factor.
    SecondFactor,
}

impl TokenPurpose {
    /// Stable name, as stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailVerification => "email_verification",
            Self::PasswordReset => "password_reset",
            Self::SecondFactor => "second_factor",
        }
    }
}

/// A single-use, expiring token, stored by digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    /// Digest of the token.
    pub digest: Vec<u8>,
    /// Purpose; a token never serves another.
    pub purpose: TokenPurpose,
    /// Whom it is for.
    pub user_id: UserId,
    /// After this, it is refused.
    pub expires_at: OffsetDateTime,
}

/// Stores single-use tokens.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait OneTimeTokenRepository: Send + Sync {
    /// Stores a token.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn insert(&self, token: &OneTimeToken) -> Result<(), RepositoryError>;

    /// Uses up the token with this digest and purpose if it exists, is unused
    /// and not expired at `now`; returns whose it was. Of two concurrent uses,
    /// exactly one gets the user.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn consume(
        &self,
        digest: &[u8],
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, RepositoryError>;

    /// Uses up every pending token of `user` for `purpose` (a newer one replaces them).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn revoke_all(&self, user: UserId, purpose: TokenPurpose) -> Result<(), RepositoryError>;
}
