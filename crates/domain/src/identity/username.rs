use std::fmt;

use crate::DomainError;

/// A public handle, shown beside what a citizen shares. 3 to 30 characters of
/// `a-z A-Z 0-9 _ . -`, starting with a letter or digit. Unique regardless of case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Shortest handle.
    pub const MIN_LEN: usize = 3;
    /// Longest handle.
    pub const MAX_LEN: usize = 30;

    /// Parses a handle, keeping its case for display.
    ///
    /// # Errors
    /// [`DomainError::InvalidUsername`] when the rules above are not met.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = (Self::MIN_LEN..=Self::MAX_LEN).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && raw
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidUsername)
        }
    }

    /// What is shown as the author of content whose account was erased
    /// (ADR 0023). Not a valid handle (a space, an accent): nobody can
    /// register it, and [`Username::parse`] refuses it.
    pub const ERASED: &'static str = "Utilisateur supprimé";

    /// The handle of the account that keeps the content of erased accounts.
    #[must_use]
    pub fn erased() -> Self {
        Self(Self::ERASED.to_owned())
    }

    /// Whether this is [`Username::erased`].
    #[must_use]
    pub fn is_erased(&self) -> bool {
        self.0 == Self::ERASED
    }

    /// A handle read back from storage: a valid handle, or [`Username::ERASED`].
    ///
    /// # Errors
    /// [`DomainError::InvalidUsername`] for anything else.
    pub fn from_stored(raw: &str) -> Result<Self, DomainError> {
        if raw == Self::ERASED {
            Ok(Self::erased())
        } else {
            Self::parse(raw)
        }
    }

    /// The handle as chosen.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is checked on: lower case.
    #[must_use]
    pub fn canonical(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_handles_and_compares_case_insensitively() {
        let a = Username::parse("Lea_M.75").unwrap();
        assert_eq!(
            a.canonical(),
            Username::parse("lea_m.75").unwrap().canonical()
        );
        assert_eq!(a.as_str(), "Lea_M.75");
    }

    #[test]
    fn the_erased_author_is_read_back_but_never_parsed() {
        assert!(Username::parse(Username::ERASED).is_err());
        let stored = Username::from_stored(Username::ERASED).unwrap();
        assert!(stored.is_erased());
        assert_eq!(stored, Username::erased());
        assert!(!Username::from_stored("lea_m").unwrap().is_erased());
        assert!(Username::from_stored("_lea").is_err());
    }

    #[test]
    fn refuses_bad_handles() {
        for raw in ["ab", "_lea", "léa", "lea martin", "lea@x", &"a".repeat(31)] {
            assert!(Username::parse(raw).is_err(), "{raw:?}");
        }
    }
}
