use std::fmt;

use crate::DomainError;

/// Trims, then checks a length in characters and the absence of control
/// characters (line breaks allowed where `multiline`).
fn text(raw: &str, min: usize, max: usize, multiline: bool) -> Option<String> {
    let trimmed = raw.trim();
    let length = trimmed.chars().count();
    let clean = trimmed
        .chars()
        .all(|c| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t')));
    ((min..=max).contains(&length) && clean).then(|| trimmed.to_owned())
}

/// A resource's title: 3 to 150 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// Longest title, in characters.
    pub const MAX_CHARS: usize = 150;

    /// Parses a title (trimmed).
    ///
    /// # Errors
    /// [`DomainError::InvalidTitle`] when shorter than 3 or longer than
    /// [`Self::MAX_CHARS`] characters, or holding a control character.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        text(raw, 3, Self::MAX_CHARS, false)
            .map(Self)
            .ok_or(DomainError::InvalidTitle)
    }

    /// The title.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resource's summary: 1 to 500 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary(String);

impl Summary {
    /// Longest summary, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Parses a summary (trimmed).
    ///
    /// # Errors
    /// [`DomainError::InvalidSummary`] when blank, too long, or holding a
    /// control character other than a line break or a tab.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        text(raw, 1, Self::MAX_CHARS, true)
            .map(Self)
            .ok_or(DomainError::InvalidSummary)
    }

    /// The summary.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resource's body, in Markdown: 1 to 50,000 characters. Kept as written;
/// rendering to HTML, if any, happens elsewhere and is sanitised there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body(String);

impl Body {
    /// Longest body, in characters.
    pub const MAX_CHARS: usize = 50_000;

    /// Parses a body (trimmed).
    ///
    /// # Errors
    /// [`DomainError::InvalidBody`] when blank, too long, or holding a control
    /// character other than a line break or a tab.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        text(raw, 1, Self::MAX_CHARS, true)
            .map(Self)
            .ok_or(DomainError::InvalidBody)
    }

    /// The Markdown source.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A link to an external page: `http` or `https` only, a host name, at most
/// 2,048 characters, no white space or control character. Other schemes
/// (`javascript:`, `data:`, `file:` …) are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink(String);

impl ExternalLink {
    /// Longest link.
    pub const MAX_LEN: usize = 2_048;

    /// Parses a link.
    ///
    /// # Errors
    /// [`DomainError::InvalidLink`] unless `http://` or `https://` (any case)
    /// followed by a host of letters, digits, dots and hyphens (an optional
    /// port), then an optional path, query or fragment.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let link = raw.trim();
        let lower = link.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or(DomainError::InvalidLink)?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        let chars_ok = !link.chars().any(|c| c.is_whitespace() || c.is_control());
        if link.len() <= Self::MAX_LEN && host_ok && port_ok && chars_ok {
            Ok(Self(link.to_owned()))
        } else {
            Err(DomainError::InvalidLink)
        }
    }

    /// The link as given (trimmed).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn titles_are_one_trimmed_line_of_3_to_150_characters() {
        assert_eq!(
            Title::parse("  Parler à son ado  ").unwrap().as_str(),
            "Parler à son ado"
        );
        for raw in ["ab", "   ", "deux\nlignes", &"é".repeat(151)] {
            assert!(Title::parse(raw).is_err(), "{raw:?}");
        }
        assert!(Title::parse(&"é".repeat(150)).is_ok());
    }

    #[test]
    fn summaries_and_bodies_allow_line_breaks_but_no_other_control() {
        assert!(Summary::parse("Une ligne.\nUne autre.").is_ok());
        assert!(Body::parse("# Titre\n\n- point\t1").is_ok());
        assert!(Summary::parse("bip\u{7}").is_err());
        assert!(Body::parse("   \n ").is_err());
        assert!(Summary::parse(&"a".repeat(501)).is_err());
        assert!(Body::parse(&"a".repeat(50_001)).is_err());
    }

    #[test]
    fn links_are_http_or_https_to_a_host() {
        for ok in [
            "https://www.service-public.fr/particuliers",
            "http://exemple.fr",
            "HTTPS://Exemple.FR:8443/a?b=c#d",
        ] {
            assert_eq!(ExternalLink::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "file:///etc/passwd",
            "ftp://exemple.fr",
            "https://",
            "https://exemple .fr",
            "https://-exemple.fr",
            "https://exemple..fr",
            "https://user@exemple.fr",
            "https://exemple.fr:99999999",
            "//exemple.fr",
        ] {
            assert!(ExternalLink::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn an_accepted_link_never_has_another_scheme_or_white_space(raw in "\\PC{0,60}") {
            if let Ok(link) = ExternalLink::parse(&raw) {
                let lower = link.as_str().to_ascii_lowercase();
                prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"));
                prop_assert!(!link.as_str().chars().any(char::is_whitespace));
            }
        }

        #[test]
        fn an_accepted_title_is_within_bounds(raw in "\\PC{0,200}") {
            if let Ok(title) = Title::parse(&raw) {
                let n = title.as_str().chars().count();
                prop_assert!((3..=Title::MAX_CHARS).contains(&n));
            }
        }
    }
}
