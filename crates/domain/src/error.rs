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
    /// A username prefix (to find accounts) is empty, too long or holds a
    /// character no username has.
    #[error("a username prefix is 1 to 30 characters of letters, digits, '_', '.' and '-'")]
    InvalidUsernamePrefix,
    /// The reason given for reading someone's personal data is blank, too
    /// long or holds control characters.
    #[error("a reason is 1 to {max} characters on one line")]
    InvalidAccessReason {
        /// Longest reason accepted, in characters.
        max: usize,
    },
    /// A first or last name is blank, too long or holds control characters.
    #[error("a name is 1 to 100 printable characters")]
    InvalidName,
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("a country is an ISO 3166-1 alpha-2 code such as FR")]
    InvalidCountry,
    /// Not an international phone number.
    #[error("a phone number is written +<country code><number>, 8 to 15 digits")]
    InvalidPhone,
    /// Not a region code (INSEE code of one of the 18 French regions, or `99`).
    #[error("a region is the INSEE code of a French region (such as 11) or 99 outside France")]
    InvalidRegion,
    /// A statistics period does not end after it starts.
    #[error("a period ends after it starts")]
    PeriodReversed,
    /// A statistics period is longer than allowed.
    #[error("a period lasts at most {max_years} years")]
    PeriodTooLong {
        /// Longest period accepted, in years.
        max_years: u8,
    },
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
    /// A comment is blank, too long, or holds control characters.
    #[error("a comment is 1 to {max} characters, line breaks allowed, no other control character")]
    InvalidComment {
        /// Longest comment accepted, in characters.
        max: usize,
    },
    /// A report's text is blank, too long, padded or holds control characters.
    #[error(
        "a report's text is 1 to {max} characters without surrounding spaces, line breaks allowed, no other control character"
    )]
    InvalidReportText {
        /// Longest text accepted, in characters.
        max: usize,
    },
    /// A report for the reason "other" says nothing.
    #[error("a report for the reason \"other\" needs a text saying what is wrong")]
    ReportTextRequired,
    /// A catalogue search text is too long or holds no word to search for.
    #[error(
        "a search is at most 200 characters and holds a word of three letters or more that is not a common word"
    )]
    InvalidSearch,
    /// The reason the platform gives for erasing an account is not a short
    /// machine name.
    #[error("an erasure reason is 1 to 64 characters of a-z, 0-9 and '_'")]
    InvalidErasureReason,
    /// A privacy policy version is empty, too long or holds other characters
    /// than letters, digits, `.`, `_` and `-`.
    #[error(
        "a policy version is 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit"
    )]
    InvalidPolicyVersion,
    /// A privacy policy text is blank, too long or holds control characters.
    #[error("a policy text is 1 to {max} characters of Markdown")]
    InvalidPolicyText {
        /// Longest text accepted, in characters.
        max: usize,
    },
    /// A text of the breach register is blank, too long or holds control
    /// characters other than line breaks.
    #[error("a text of the breach register is 1 to {max} characters")]
    InvalidBreachText {
        /// Longest text accepted, in characters.
        max: usize,
    },
    /// The supervisory authority's reference of a notification is blank,
    /// too long or not on one line.
    #[error("an authority's reference is 1 to {max} characters on one line")]
    InvalidAuthorityReference {
        /// Longest reference accepted, in characters.
        max: usize,
    },
    /// A feature flag's key (or group) is not a slug of at most `max` characters.
    #[error("a flag key is 1 to {max} lower-case ASCII letters, digits and single inner hyphens")]
    InvalidFlagKey {
        /// Longest key accepted.
        max: usize,
    },
    /// A feature flag's description is blank, too long or not on one line.
    #[error("a flag description is 1 to {max} characters on one line")]
    InvalidFlagDescription {
        /// Longest description accepted, in characters.
        max: usize,
    },
    /// A rollout is not a percentage from 0 to 100 with at most two decimals.
    #[error("a rollout is a percentage from 0 to 100 with at most two decimals")]
    InvalidRollout,
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
            Self::InvalidUsernamePrefix => "invalid_username_prefix",
            Self::InvalidAccessReason { .. } => "invalid_access_reason",
            Self::InvalidName => "invalid_name",
            Self::InvalidCountry => "invalid_country",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidRegion => "invalid_region",
            Self::PeriodReversed => "period_reversed",
            Self::PeriodTooLong { .. } => "period_too_long",
            Self::InvalidTitle => "invalid_title",
            Self::InvalidSummary => "invalid_summary",
            Self::InvalidBody => "invalid_body",
            Self::InvalidFileName => "invalid_file_name",
            Self::InvalidLink => "invalid_link",
            Self::InvalidSearch => "invalid_search",
            Self::InvalidReportText { .. } => "invalid_report_text",
            Self::ReportTextRequired => "report_text_required",
            Self::InvalidComment { .. } => "invalid_comment",
            Self::InvalidErasureReason => "invalid_erasure_reason",
            Self::InvalidPolicyVersion => "invalid_policy_version",
            Self::InvalidPolicyText { .. } => "invalid_policy_text",
            Self::InvalidBreachText { .. } => "invalid_breach_text",
            Self::InvalidAuthorityReference { .. } => "invalid_authority_reference",
            Self::InvalidFlagKey { .. } => "invalid_flag_key",
            Self::InvalidFlagDescription { .. } => "invalid_flag_description",
            Self::InvalidRollout => "invalid_rollout",
        }
    }
}
