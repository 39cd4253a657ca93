//! Reports: a logged-in citizen tells moderators that a resource or a comment
//! breaks the rules, giving a reason from a fixed list (and words of their own,
//! required for "other").

use uuid::Uuid;

use crate::DomainError;

/// Identifier of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(Uuid);

impl ReportId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// Why a citizen reports content: the fixed list moderators triage by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportReason {
    /// Unsolicited advertising, repeated messages.
    Spam,
    /// Attacks on a person.
    Harassment,
    /// Content unfit for the platform (violence, sexual content, …).
    InappropriateContent,
    /// Hatred of people for who they are.
    HateSpeech,
    /// Fraud, phishing, deceit for money.
    Scam,
    /// Misleading information, notably on health.
    FalseInformation,
    /// Anything else, explained in the report's text.
    Other,
}

impl ReportReason {
    /// Every reason, in the order they are offered.
    pub const ALL: [Self; 7] = [
        Self::Spam,
        Self::Harassment,
        Self::InappropriateContent,
        Self::HateSpeech,
        Self::Scam,
        Self::FalseInformation,
        Self::Other,
    ];

    /// Stable machine name, part of the API contract.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Harassment => "harassment",
            Self::InappropriateContent => "inappropriate_content",
            Self::HateSpeech => "hate_speech",
            Self::Scam => "scam",
            Self::FalseInformation => "false_information",
            Self::Other => "other",
        }
    }

    /// The reason with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == raw)
    }
}

/// What a citizen writes with a report: 1 to [`ReportText::MAX_CHARS`]
/// characters, line breaks allowed, no other control character, no
/// surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportText(String);

impl ReportText {
    /// Longest text, in characters.
    pub const MAX_CHARS: usize = 1_000;

    /// Parses a report's text.
    ///
    /// # Errors
    /// [`DomainError::InvalidReportText`] when blank, too long, padded with
    /// spaces or holding control characters other than line breaks.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let chars = raw.chars().count();
        let valid = (1..=Self::MAX_CHARS).contains(&chars)
            && raw.trim() == raw
            && !raw.chars().any(|c| c.is_control() && c != '\n');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidReportText {
                max: Self::MAX_CHARS,
            })
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The grounds of a report: a reason, and the reporter's words, which
/// "other" requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportGrounds {
    reason: ReportReason,
    text: Option<ReportText>,
}

impl ReportGrounds {
    /// Grounds from a reason and optional words.
    ///
    /// # Errors
    /// [`DomainError::ReportTextRequired`] for [`ReportReason::Other`] without text.
    pub fn new(reason: ReportReason, text: Option<ReportText>) -> Result<Self, DomainError> {
        if reason == ReportReason::Other && text.is_none() {
            return Err(DomainError::ReportTextRequired);
        }
        Ok(Self { reason, text })
    }

    /// The reason.
    #[must_use]
    pub fn reason(&self) -> ReportReason {
        self.reason
    }

    /// The reporter's words, if any.
    #[must_use]
    pub fn text(&self) -> Option<&ReportText> {
        self.text.as_ref()
    }
}

/// Where a report is: open until a moderator dismisses it or decides on its
/// content (which resolves every open report on that content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    /// Waiting for a moderator; counts towards the threshold.
    Open,
    /// A moderator judged it unfounded.
    Dismissed,
    /// A moderator decided on its content.
    Resolved,
}

/// A report that is no longer open cannot be closed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the report is {from} already")]
pub struct ReportClosed {
    /// The report's current status.
    pub from: &'static str,
}

impl ReportClosed {
    /// Stable machine code, part of the API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "report_closed"
    }
}

impl ReportStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Open, Self::Dismissed, Self::Resolved];

    /// Stable machine name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Dismissed => "dismissed",
            Self::Resolved => "resolved",
        }
    }

    /// The status with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// A moderator dismisses an open report.
    ///
    /// # Errors
    /// Unless open.
    pub fn dismiss(self) -> Result<Self, ReportClosed> {
        self.close(Self::Dismissed)
    }

    /// A moderator decided on the report's content.
    ///
    /// # Errors
    /// Unless open.
    pub fn resolve(self) -> Result<Self, ReportClosed> {
        self.close(Self::Resolved)
    }

    fn close(self, to: Self) -> Result<Self, ReportClosed> {
        match self {
            Self::Open => Ok(to),
            closed => Err(ReportClosed {
                from: closed.as_str(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_names() {
        for reason in ReportReason::ALL {
            assert_eq!(ReportReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(ReportReason::parse("Spam"), None);
        assert_eq!(ReportReason::parse(""), None);
    }

    #[test]
    fn other_requires_words_and_the_rest_accept_them() {
        let text = ReportText::parse("Publicité déguisée pour une clinique.").unwrap();
        assert_eq!(
            ReportGrounds::new(ReportReason::Other, None),
            Err(DomainError::ReportTextRequired)
        );
        let other = ReportGrounds::new(ReportReason::Other, Some(text.clone())).unwrap();
        assert_eq!(other.reason(), ReportReason::Other);
        assert_eq!(other.text(), Some(&text));
        for reason in ReportReason::ALL {
            if reason != ReportReason::Other {
                assert!(ReportGrounds::new(reason, None).is_ok(), "{reason:?}");
                assert!(ReportGrounds::new(reason, Some(text.clone())).is_ok());
            }
        }
    }

    #[test]
    fn a_text_is_bounded_and_clean() {
        assert!(ReportText::parse("Insulte.\nDeuxième ligne.").is_ok());
        assert!(ReportText::parse(&"é".repeat(ReportText::MAX_CHARS)).is_ok());
        for bad in [
            String::new(),
            " Insulte".into(),
            "Insulte ".into(),
            "In\u{0}sulte".into(),
            "Tab\there".into(),
            "é".repeat(ReportText::MAX_CHARS + 1),
        ] {
            let err = ReportText::parse(&bad).unwrap_err();
            assert_eq!(err.code(), "invalid_report_text", "{bad:?}");
        }
    }

    #[test]
    fn only_an_open_report_closes_and_only_once() {
        assert_eq!(ReportStatus::Open.dismiss(), Ok(ReportStatus::Dismissed));
        assert_eq!(ReportStatus::Open.resolve(), Ok(ReportStatus::Resolved));
        for closed in [ReportStatus::Dismissed, ReportStatus::Resolved] {
            let err = closed.dismiss().unwrap_err();
            assert_eq!(err.code(), "report_closed");
            assert!(closed.resolve().is_err());
        }
        for status in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(status.as_str()), Some(status));
        }
    }
}
