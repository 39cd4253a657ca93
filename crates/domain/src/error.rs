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
}

impl DomainError {
    /// Stable machine code of the error, part of the public API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidSlug { .. } => "invalid_slug",
            Self::InvalidLabel { .. } => "invalid_label",
        }
    }
}
