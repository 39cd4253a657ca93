//! The privacy policy: versions and their texts.

use std::fmt;

use time::OffsetDateTime;

use crate::DomainError;

/// The identifier of a version of the privacy policy, such as `2026-11`: 1 to
/// 32 ASCII letters, digits, `.`, `_` and `-`, starting with a letter or a
/// digit. Versions are ordered by their publication, not by their names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyVersion(String);

impl PolicyVersion {
    /// Longest version, in characters (the width of `users.policy_version`).
    pub const MAX_CHARS: usize = 32;

    /// Parses a version, exactly as given (no trimming: it is an identifier).
    ///
    /// # Errors
    /// [`DomainError::InvalidPolicyVersion`] unless it follows the rules above.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = (1..=Self::MAX_CHARS).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_alphanumeric())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidPolicyVersion)
        }
    }

    /// The version.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of a version of the policy, in Markdown (French): 1 to
/// [`PolicyText::MAX_CHARS`] characters once trimmed, no control character
/// but line breaks and tabs. `\r\n` is stored as `\n`.
#[derive(Clone, PartialEq, Eq)]
pub struct PolicyText(String);

impl PolicyText {
    /// Longest text, in characters.
    pub const MAX_CHARS: usize = 100_000;

    /// Parses a text.
    ///
    /// # Errors
    /// [`DomainError::InvalidPolicyText`] when blank, too long or holding
    /// control characters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let normalised = raw.replace("\r\n", "\n");
        let trimmed = normalised.trim();
        let length = trimmed.chars().count();
        if (1..=Self::MAX_CHARS).contains(&length)
            && trimmed
                .chars()
                .all(|c| matches!(c, '\n' | '\t') || !c.is_control())
        {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(DomainError::InvalidPolicyText {
                max: Self::MAX_CHARS,
            })
        }
    }

    /// The Markdown text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PolicyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyText({} chars)", self.0.chars().count())
    }
}

/// A published version of the policy. Once published, a version never
/// changes; the current one is the last published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Its identifier.
    pub version: PolicyVersion,
    /// When it was published, and so came into force.
    pub published_at: OffsetDateTime,
    /// Its text.
    pub text: PolicyText,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn versions_are_short_identifiers() {
        for ok in ["2026-11", "v2", "2027.01_b", &"9".repeat(32)] {
            assert_eq!(PolicyVersion::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "-2026",
            ".x",
            "2026 11",
            "2026/11",
            "é",
            &"9".repeat(33),
        ] {
            assert!(PolicyVersion::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn texts_are_trimmed_markdown_without_control_characters() {
        let text = PolicyText::parse("  # Titre\r\n\n\tTexte  ").unwrap();
        assert_eq!(text.as_str(), "# Titre\n\n\tTexte");
        assert!(PolicyText::parse(" \n ").is_err());
        assert!(PolicyText::parse("a\u{7}b").is_err());
        assert!(PolicyText::parse(&"é".repeat(PolicyText::MAX_CHARS + 1)).is_err());
        assert!(!format!("{text:?}").contains("Titre"));
    }

    proptest! {
        #[test]
        fn a_parsed_version_parses_again_to_itself(raw in "\\PC{0,40}") {
            if let Ok(version) = PolicyVersion::parse(&raw) {
                prop_assert_eq!(PolicyVersion::parse(version.as_str()), Ok(version.clone()));
                prop_assert!(version.as_str().len() <= PolicyVersion::MAX_CHARS);
            }
        }
    }
}
