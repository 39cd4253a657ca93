use async_trait::async_trait;
use rr_domain::identity::{KeyId, UserId, UserRecord, Username, WrappedKey};

use crate::RepositoryError;

/// Stores accounts. Personal data arrives sealed; the repository never sees it in clear.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Stores a new account, and records its first privacy choices as the
    /// start of its consent history ([`crate::ports::ConsentRepository`]),
    /// in the same transaction: the terms and policy accepted in
    /// `policy_version`, the consent to communications and the absence of
    /// objection to statistics as `user` holds them, at `created_at`.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the email index or the
    /// username (compared without case) is taken.
    async fn insert(&self, user: &UserRecord) -> Result<(), RepositoryError>;

    /// The account with this id.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(&self, id: UserId) -> Result<Option<UserRecord>, RepositoryError>;

    /// The account whose email has this blind index.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find_by_email_index(
        &self,
        index: &[u8],
    ) -> Result<Option<UserRecord>, RepositoryError>;

    /// The account with this username, compared without case.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, RepositoryError>;

    /// Replaces every mutable column of an existing account (all but `id`,
    /// `created_at` and the privacy choices: `policy_version`,
    /// `communications_consent`, `statistics_objection` and
    /// `restricted_since` keep their stored values, which only
    /// [`crate::ports::ConsentRepository`] changes, with their history).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the new email index or
    /// username belongs to another account.
    async fn update(&self, user: &UserRecord) -> Result<(), RepositoryError>;

    /// Up to `limit` accounts whose data key is wrapped under another master key than `current`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn data_keys_not_under(
        &self,
        current: &KeyId,
        limit: u64,
    ) -> Result<Vec<(UserId, WrappedKey)>, RepositoryError>;

    /// Replaces `old` by `new` as the data key of `id`, only if `old` is still
    /// the stored one (so concurrent rotations cannot lose a key). Returns
    /// whether it did.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn replace_data_key(
        &self,
        id: UserId,
        old: &WrappedKey,
        new: &WrappedKey,
    ) -> Result<bool, RepositoryError>;

    /// Replaces the account's recovery codes by these digests.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn replace_recovery_codes(
        &self,
        id: UserId,
        digests: &[Vec<u8>],
    ) -> Result<(), RepositoryError>;

    /// Deletes the recovery code with this digest if the account has it; returns whether it did.
    /// Two concurrent uses of one code: exactly one succeeds.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn consume_recovery_code(
        &self,
        id: UserId,
        digest: &[u8],
    ) -> Result<bool, RepositoryError>;

    /// How many recovery codes the account has left.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn recovery_codes_left(&self, id: UserId) -> Result<u64, RepositoryError>;
}
