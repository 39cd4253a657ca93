use async_trait::async_trait;
use rr_domain::identity::{SessionId, UserId};
use time::OffsetDateTime;

use crate::RepositoryError;

/// A login session: one family of refresh tokens, rotated on every use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Identifier, the `sid` of its access tokens.
    pub id: SessionId,
    /// Owner.
    pub user_id: UserId,
    /// Digest of the current refresh token.
    pub refresh_digest: Vec<u8>,
    /// Start of the session.
    pub created_at: OffsetDateTime,
    /// Last refresh.
    pub last_used_at: OffsetDateTime,
    /// End of the current refresh token's validity.
    pub expires_at: OffsetDateTime,
    /// When it was revoked (logout, reuse detected, password change, suspension).
    pub revoked_at: Option<OffsetDateTime>,
    /// Client description (user agent, truncated), to recognise one's sessions.
    pub client: Option<String>,
}

impl SessionRecord {
    /// Neither revoked nor expired at `now`.
    #[must_use]
    pub fn is_live_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// Stores sessions and remembers spent refresh tokens, to detect their reuse.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a new session, and records its start as its owner's last
    /// activity (kept to the day; the retention of inactive accounts reads
    /// it, ADR 0025).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn create(&self, session: &SessionRecord) -> Result<(), RepositoryError>;

    /// The session with this id.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(&self, id: SessionId) -> Result<Option<SessionRecord>, RepositoryError>;

    /// The session whose *current* refresh token has this digest.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find_by_refresh(
        &self,
        digest: &[u8],
    ) -> Result<Option<SessionRecord>, RepositoryError>;

    /// The session a *spent* refresh token with this digest belonged to.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find_spent(&self, digest: &[u8]) -> Result<Option<SessionId>, RepositoryError>;

    /// Replaces the current refresh token `old` by `new` and records `old` as
    /// spent, only if `old` is still current and the session live; then
    /// `now` is the owner's last activity, as for [`Self::create`]. Returns
    /// whether it did: of two concurrent rotations with one token, one wins.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn rotate(
        &self,
        id: SessionId,
        old: &[u8],
        new: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Revokes one session (no effect if already revoked).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn revoke(&self, id: SessionId, now: OffsetDateTime) -> Result<(), RepositoryError>;

    /// Revokes every live session of `user`, except `keep` if given; returns how many.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn revoke_all(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        now: OffsetDateTime,
    ) -> Result<u64, RepositoryError>;

    /// The live sessions of `user`, newest first.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_live(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<SessionRecord>, RepositoryError>;
}
