/// What a strength estimator thinks of a password.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrengthEstimate {
    /// Estimated entropy in bits (log2 of the guesses an attacker needs).
    pub entropy_bits: f64,
    /// Common, breached, or built from dictionary words, sequences or the hints.
    pub guessable: bool,
}

/// Estimates how hard a password is to guess, with dictionaries of common and
/// breached passwords.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait PasswordStrength: Send + Sync {
    /// Assesses `password`, treating `hints` (the account's own data) as known to an attacker.
    fn assess(&self, password: &str, hints: &[String]) -> StrengthEstimate;
}
