use time::OffsetDateTime;

/// Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps).
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait Totp: Send + Sync {
    /// A new random shared secret (160 bits).
    fn new_secret(&self) -> Vec<u8>;

    /// The `otpauth://` URI an authenticator app scans, and the secret in base32.
    fn provisioning(&self, secret: &[u8], account: &str) -> (String, String);

    /// The time step `code` is valid for at `now` (one step of drift allowed either
    /// way), or `None`. Callers refuse a step not after the last one accepted.
    fn verify(&self, secret: &[u8], code: &str, now: OffsetDateTime) -> Option<i64>;
}
