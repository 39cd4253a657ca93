use std::fmt;

use crate::DomainError;

/// A first or last name: 1 to 100 characters, no control character, trimmed.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// Longest name, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Parses a name.
    ///
    /// # Errors
    /// [`DomainError::InvalidName`] when blank, too long or holding control characters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty()
            || trimmed.chars().count() > Self::MAX_CHARS
            || trimmed.chars().any(char::is_control)
        {
            return Err(DomainError::InvalidName);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName(<personal data>)")
    }
}

/// A country as an ISO 3166-1 alpha-2 code (`FR`, `BE`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a code, in either case.
    ///
    /// # Errors
    /// [`DomainError::InvalidCountry`] unless two ASCII letters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(DomainError::InvalidCountry),
        }
    }

    /// The code in upper case.
    #[must_use]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// A phone number in international form: `+` then 8 to 15 digits (E.164).
/// Spaces, dots and dashes are dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number.
    ///
    /// # Errors
    /// [`DomainError::InvalidPhone`] unless `+` followed by 8 to 15 digits.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        let digits = compact.strip_prefix('+').ok_or(DomainError::InvalidPhone)?;
        if (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
        {
            Ok(Self(compact))
        } else {
            Err(DomainError::InvalidPhone)
        }
    }

    /// The number, `+` and digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<personal data>)")
    }
}

/// The personal data of an account, in clear: what is sealed at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Contact and login address.
    pub email: crate::identity::Email,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Country of residence.
    pub country: CountryCode,
    /// Optional phone number.
    pub phone: Option<PhoneNumber>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Léa ").unwrap().as_str(), "Léa");
        assert!(PersonName::parse("  ").is_err());
        assert!(PersonName::parse("a\tb").is_err());
        assert!(PersonName::parse(&"é".repeat(101)).is_err());
    }

    #[test]
    fn countries_are_two_letters_upper_cased() {
        assert_eq!(CountryCode::parse("fr").unwrap().as_str(), "FR");
        for raw in ["", "F", "FRA", "F1", "é"] {
            assert!(CountryCode::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn phones_are_international() {
        assert_eq!(
            PhoneNumber::parse("+33 6 12 34 56 78").unwrap().as_str(),
            "+33612345678"
        );
        for raw in [
            "0612345678",
            "+33",
            "+33 6 12 ab 56 78",
            "+0612345678",
            &format!("+{}", "1".repeat(16)),
        ] {
            assert!(PhoneNumber::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn debug_never_shows_personal_data() {
        assert!(!format!("{:?}", PersonName::parse("Martin").unwrap()).contains("Martin"));
        assert!(!format!("{:?}", PhoneNumber::parse("+33612345678").unwrap()).contains("612"));
    }
}
