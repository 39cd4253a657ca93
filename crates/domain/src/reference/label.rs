use std::fmt;

use crate::DomainError;

/// A human-readable name in French, shown as is to citizens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label(String);

impl Label {
    /// Longest label accepted, in characters.
    pub const MAX_CHARS: usize = 80;

    /// Parses a label.
    ///
    /// # Errors
    /// [`DomainError::InvalidLabel`] if `raw` is blank, has leading or trailing
    /// white space, holds a control character, or is longer than [`Self::MAX_CHARS`].
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = !raw.trim().is_empty()
            && raw.trim() == raw
            && raw.chars().count() <= Self::MAX_CHARS
            && !raw.chars().any(char::is_control);
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidLabel {
                max: Self::MAX_CHARS,
            })
        }
    }

    /// The label as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_french_names() {
        for raw in [
            "Santé psychique",
            "Famille (enfants / parents / fratrie)",
            "Vie affective",
        ] {
            assert_eq!(Label::parse(raw).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn refuses_blank_padded_long_or_control_labels() {
        let long = "é".repeat(Label::MAX_CHARS + 1);
        for raw in [
            "",
            "   ",
            " Loisirs",
            "Loisirs ",
            "Loi\nsirs",
            "Loi\u{0}sirs",
            long.as_str(),
        ] {
            assert!(Label::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        assert!(Label::parse(&"é".repeat(Label::MAX_CHARS)).is_ok());
    }

    proptest! {
        #[test]
        fn an_accepted_label_round_trips(raw in "\\PC{0,100}") {
            if let Ok(label) = Label::parse(&raw) {
                prop_assert_eq!(label.as_str(), raw.as_str());
                prop_assert!(!label.as_str().chars().any(char::is_control));
            }
        }
    }
}
