use std::time::Duration;

use rr_domain::identity::{Role, SessionId, UserId};
use time::OffsetDateTime;

use crate::error::Cause;

/// What an access token asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// `sub`.
    pub user_id: UserId,
    /// `sid`.
    pub session_id: SessionId,
    /// `role`.
    pub role: Role,
    /// `iat`.
    pub issued_at: OffsetDateTime,
    /// `exp`.
    pub expires_at: OffsetDateTime,
}

/// A public signing key, for the JWKS document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicSigningKey {
    /// `kid`.
    pub key_id: String,
    /// The Ed25519 public key, base64url without padding (`x`).
    pub x: String,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Expired, not yet valid, badly signed, wrong algorithm, issuer or audience, unknown key…
    #[error("invalid access token: {0}")]
    Invalid(&'static str),
    /// Signing failed (a bug or a bad key).
    #[error("cannot sign the access token")]
    Internal(#[source] Cause),
}

/// Signed, short-lived access tokens (JWT, EdDSA).
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait AccessTokens: Send + Sync {
    /// Signs `claims` with the current key (`kid` in the header).
    ///
    /// # Errors
    /// [`TokenError::Internal`] if signing fails.
    fn issue(&self, claims: &AccessClaims) -> Result<String, TokenError>;

    /// Verifies signature (algorithm pinned), `iss`, `aud`, `exp` and `nbf`/`iat`,
    /// and returns the claims.
    ///
    /// # Errors
    /// [`TokenError::Invalid`] for any token that is not one of ours, intact and current.
    fn verify(&self, token: &str) -> Result<AccessClaims, TokenError>;

    /// Every public key a valid token may be signed with.
    fn public_keys(&self) -> Vec<PublicSigningKey>;

    /// How long an access token lives.
    fn lifetime(&self) -> Duration;
}
