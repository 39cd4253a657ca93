//! Errors raised when a value or a rule of the domain is violated.

/// A violated invariant of the domain, with a stable machine code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A slug is empty, too long, or holds something else than `a-z`, `0-9` and single inner hyphens.
    #[error("a slug is 1 to {max} lower-case ASCII letters, digits and single inner hyphens")]
    InvalidSlug {
        /// Longest slug accepted.
        max: usize,
    },
    /// A label is blank, too long, or holds control characters.
    #[error("a label is 1 to {max} printable characters, without surrounding spaces")]
    InvalidLabel {
        /// Longest label accepted, in characters.
        max: usize,
    },
    /// Not an email address.
    #[error("not a valid email address")]
    InvalidEmail,
    /// A username breaks the handle rules.
    #[error(
        "a username is 3 to 30 characters of letters, digits, '_', '.' and '-', starting with a letter or digit"
    )]
    InvalidUsername,
    /// A first or last name is blank, too long or holds control characters.
    #[error("a name is 1 to 100 printable characters")]
    InvalidName,
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("a country is an ISO 3166-1 alpha-2 code such as FR")]
    InvalidCountry,
    /// Not an international phone number.
    #[error("a phone number is written +<country code><number>, 8 to 15 digits")]
    InvalidPhone,
    /// A resource title breaks its rules.
    #[error("a title is 3 to 150 characters on one line")]
    InvalidTitle,
    /// A resource summary breaks its rules.
    #[error("a summary is 1 to 500 characters")]
    InvalidSummary,
    /// A resource body breaks its rules.
    #[error("a body is 1 to 50,000 characters of Markdown")]
    InvalidBody,
    /// An attachment's file name is empty, too long, or could be read as a path.
    #[error(
        "a file name is 1 to 255 bytes, without control characters, '/', '\\' or a leading dot"
    )]
    InvalidFileName,
    /// Not an http or https link to a host.
    #[error("a link is an http:// or https:// address of at most 2,048 characters")]
    InvalidLink,
    /// A catalogue search text is too long or holds no word to search for.
    #[error(
        "a search is at most 200 characters and holds a word of three letters or more that is not a common word"
    )]
    InvalidSearch,
}

impl DomainError {
    /// Stable machine code of the error, part of the public API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidSlug { .. } => "invalid_slug",
            Self::InvalidLabel { .. } => "invalid_label",
            Self::InvalidEmail => "invalid_email",
            Self::InvalidUsername => "invalid_username",
            Self::InvalidName => "invalid_name",
            Self::InvalidCountry => "invalid_country",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidTitle => "invalid_title",
            Self::InvalidSummary => "invalid_summary",
            Self::InvalidBody => "invalid_body",
            Self::InvalidFileName => "invalid_file_name",
            Self::InvalidLink => "invalid_link",
            Self::InvalidSearch => "invalid_search",
        }
    }
}
