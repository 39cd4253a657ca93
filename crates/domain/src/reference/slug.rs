use std::fmt;

use crate::DomainError;

/// A stable, URL-safe machine name: `a-z`, `0-9` and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Longest slug accepted.
    pub const MAX_LEN: usize = 64;

    /// Parses a slug.
    ///
    /// # Errors
    /// [`DomainError::InvalidSlug`] if `raw` is empty, longer than [`Self::MAX_LEN`],
    /// holds a character outside `a-z0-9-`, or starts, ends or doubles a hyphen.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && valid_chars
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidSlug { max: Self::MAX_LEN })
        }
    }

    /// The slug as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_reference_slugs() {
        for raw in [
            "communication",
            "sante-psychique",
            "activite-jeu",
            "a",
            "x1",
        ] {
            assert_eq!(Slug::parse(raw).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn refuses_malformed_slugs() {
        let too_long = "a".repeat(Slug::MAX_LEN + 1);
        for raw in [
            "",
            "-a",
            "a-",
            "a--b",
            "Santé",
            "a b",
            "A",
            "a_b",
            too_long.as_str(),
        ] {
            assert!(Slug::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn every_accepted_slug_is_url_safe(raw in "\\PC{0,80}") {
            if let Ok(slug) = Slug::parse(&raw) {
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
                prop_assert!(slug.as_str().len() <= Slug::MAX_LEN);
            }
        }

        #[test]
        fn words_joined_by_single_hyphens_are_accepted(words in prop::collection::vec("[a-z0-9]{1,8}", 1..6)) {
            let raw = words.join("-");
            prop_assume!(raw.len() <= Slug::MAX_LEN);
            let slug = Slug::parse(&raw).unwrap();
            prop_assert_eq!(slug.as_str(), raw.as_str());
        }
    }
}
