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
    fn refuses_bad_handles() {
        for raw in ["ab", "_lea", "léa", "lea martin", "lea@x", &"a".repeat(31)] {
            assert!(Username::parse(raw).is_err(), "{raw:?}");
        }
    }
}
