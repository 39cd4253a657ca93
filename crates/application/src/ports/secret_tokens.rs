/// A random secret handed to a client (refresh token, link token, recovery
/// code) and the digest that alone is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken {
    /// What the client receives.
    pub value: String,
    /// What the server keeps.
    pub digest: Vec<u8>,
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

/// Generates unguessable secrets and digests them for storage.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait SecretTokens: Send + Sync {
    /// 256 random bits, base64url.
    fn generate(&self) -> SecretToken;

    /// A recovery code people can type: 80 random bits in groups, e.g. `7KQ2-M9XD-4TNF-WB3H`.
    fn recovery_code(&self) -> SecretToken;

    /// The digest of a value received from a client; recovery codes are
    /// compared without case or dashes.
    fn digest(&self, value: &str) -> Vec<u8>;
}
