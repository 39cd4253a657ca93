//! A request a person made outside the application (a letter, an email to
//! the data protection officer) to exercise a right over their data, as
//! staff record it, its legal deadline and its life:
//!
//! ```text
//! open ──extend(reason), once, by the first deadline──▶ open (3 months)
//! open ──close(outcome)──▶ closed
//! ```
//!
//! GDPR Art. 12(3): the controller answers "without undue delay and in any
//! event within one month of receipt", a period that "may be extended by two
//! further months where necessary", the person being told of the extension
//! and its reasons within the first month. Art. 12(4): a refusal states its
//! reasons.

use std::fmt;

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::identity::UserId;

/// Months from receipt to the answer's deadline.
pub const FIRST_MONTHS: u8 = 1;
/// Months from receipt to the deadline once extended (one month and two further).
pub const EXTENDED_MONTHS: u8 = 3;

/// Identifier of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectRequestId(Uuid);

impl SubjectRequestId {
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

/// The right the person exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Access to their data (Art. 15).
    Access,
    /// Correction of their data (Art. 16).
    Rectification,
    /// Erasure of their data (Art. 17).
    Erasure,
    /// Restriction of processing (Art. 18).
    Restriction,
    /// Objection to processing (Art. 21).
    Objection,
    /// Their data in a machine-readable form (Art. 20).
    Portability,
}

impl RequestKind {
    /// Every kind.
    pub const ALL: [Self; 6] = [
        Self::Access,
        Self::Rectification,
        Self::Erasure,
        Self::Restriction,
        Self::Objection,
        Self::Portability,
    ];

    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Rectification => "rectification",
            Self::Erasure => "erasure",
            Self::Restriction => "restriction",
            Self::Objection => "objection",
            Self::Portability => "portability",
        }
    }

    /// The kind named `raw`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// How the request reached the Ministry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestChannel {
    /// A letter.
    Letter,
    /// An email (to the data protection officer, to support).
    Email,
    /// A telephone call.
    Phone,
    /// In person, at a counter.
    InPerson,
    /// Anything else (a form of another service, a referral by the CNIL).
    Other,
}

impl RequestChannel {
    /// Every channel.
    pub const ALL: [Self; 5] = [
        Self::Letter,
        Self::Email,
        Self::Phone,
        Self::InPerson,
        Self::Other,
    ];

    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Letter => "letter",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::InPerson => "in_person",
            Self::Other => "other",
        }
    }

    /// The channel named `raw`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|channel| channel.as_str() == raw)
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestOutcome {
    /// The right was given effect.
    Completed,
    /// The request was refused, with reasons (Art. 12(4)).
    Refused,
    /// The person withdrew it.
    Withdrawn,
}

impl RequestOutcome {
    /// Every outcome.
    pub const ALL: [Self; 3] = [Self::Completed, Self::Refused, Self::Withdrawn];

    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The outcome named `raw`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == raw)
    }
}

/// A text staff write about a request (notes, the reason of an extension or
/// of a refusal): 1 to [`RequestText::MAX_CHARS`] characters once trimmed,
/// line breaks allowed, no other control character.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestText(String);

impl RequestText {
    /// Longest text, in characters.
    pub const MAX_CHARS: usize = 2_000;

    /// Parses a text; `None` when blank, too long or holding a control
    /// character other than a line break.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
        let trimmed = normalised.trim();
        let length = trimmed.chars().count();
        ((1..=Self::MAX_CHARS).contains(&length)
            && trimmed.chars().all(|c| c == '\n' || !c.is_control()))
        .then(|| Self(trimmed.to_owned()))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never prints the text: notes may name the person.
impl fmt::Debug for RequestText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestText({} chars)", self.0.chars().count())
    }
}

/// The date `months` months after `date`: the same day of the month, or the
/// last day of the month when it has no such day (31 January and one month
/// give 28 or 29 February), as periods in months are counted in EU law
/// (Regulation 1182/71, Art. 3(2)(c)).
#[must_use]
pub fn months_after(date: Date, months: u8) -> Date {
    let month0 = u32::from(u8::from(date.month())) - 1 + u32::from(months);
    let year = date.year() + i32::try_from(month0 / 12).unwrap_or(0);
    let month = date.month().nth_next(months);
    let day = date.day().min(time::util::days_in_month(month, year));
    // Valid by construction: the day is clamped to the month's length.
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// Whether a request is still being handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStatus {
    /// Being handled.
    Open,
    /// Answered.
    Closed {
        /// How it ended.
        outcome: RequestOutcome,
        /// What was answered, or the reasons of a refusal.
        note: Option<RequestText>,
        /// When it was closed.
        at: OffsetDateTime,
        /// Who closed it (`None` once their account is erased).
        by: Option<UserId>,
    },
}

/// Why a change of a request is refused, with a stable machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestRuleError {
    /// The request is closed.
    #[error("the request is closed")]
    Closed,
    /// The deadline was extended already: once only.
    #[error("the deadline was extended already")]
    AlreadyExtended,
    /// The first deadline has passed: the person had to be told of an
    /// extension within the first month.
    #[error("the first deadline has passed")]
    ExtensionTooLate,
    /// A refusal states its reasons.
    #[error("a refusal states its reasons")]
    RefusalReasonRequired,
    /// The action fits another kind of request.
    #[error("this action does not fit the kind of request")]
    WrongKind,
    /// The person's account no longer exists (erased).
    #[error("the person's account no longer exists")]
    NoSubject,
    /// A request cannot have been received in the future.
    #[error("a request cannot be received in the future")]
    ReceivedInFuture,
}

impl RequestRuleError {
    /// Stable machine code, part of the API contract.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Closed => "request_closed",
            Self::AlreadyExtended => "already_extended",
            Self::ExtensionTooLate => "extension_too_late",
            Self::RefusalReasonRequired => "refusal_reason_required",
            Self::WrongKind => "wrong_request_kind",
            Self::NoSubject => "subject_erased",
            Self::ReceivedInFuture => "received_in_future",
        }
    }
}

/// A request, as recorded by staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRequest {
    /// Identifier.
    pub id: SubjectRequestId,
    /// The person's account; `None` once it is erased.
    pub subject: Option<UserId>,
    /// The right exercised.
    pub kind: RequestKind,
    /// How it arrived.
    pub channel: RequestChannel,
    /// When it was received (the deadline runs from this day).
    pub received_on: Date,
    /// The last day to answer: one month after receipt, three once extended.
    pub due_on: Date,
    /// Why the deadline was extended, if it was.
    pub extension: Option<RequestText>,
    /// Staff's notes; erased with the person's account.
    pub notes: Option<RequestText>,
    /// Open or closed.
    pub status: RequestStatus,
    /// When it was recorded.
    pub recorded_at: OffsetDateTime,
    /// Who recorded it (`None` once their account is erased).
    pub recorded_by: Option<UserId>,
    /// Successful changes so far (optimistic concurrency).
    pub version: u64,
}

impl SubjectRequest {
    /// A request received on `received_on`, recorded at `now` by `by`.
    ///
    /// # Errors
    /// [`RequestRuleError::ReceivedInFuture`] when `received_on` is after
    /// the day of `now`.
    pub fn receive(
        subject: UserId,
        kind: RequestKind,
        channel: RequestChannel,
        received_on: Date,
        notes: Option<RequestText>,
        now: OffsetDateTime,
        by: UserId,
    ) -> Result<Self, RequestRuleError> {
        if received_on > now.date() {
            return Err(RequestRuleError::ReceivedInFuture);
        }
        Ok(Self {
            id: SubjectRequestId::generate(),
            subject: Some(subject),
            kind,
            channel,
            received_on,
            due_on: months_after(received_on, FIRST_MONTHS),
            extension: None,
            notes,
            status: RequestStatus::Open,
            recorded_at: now,
            recorded_by: Some(by),
            version: 0,
        })
    }

    /// Whether the request is still being handled.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.status == RequestStatus::Open
    }

    /// Whether it is open past its deadline on `today`.
    #[must_use]
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_open() && self.due_on < today
    }

    /// Extends the deadline to three months after receipt, for `reason`.
    ///
    /// # Errors
    /// [`RequestRuleError::Closed`], [`RequestRuleError::AlreadyExtended`],
    /// or [`RequestRuleError::ExtensionTooLate`] after the first deadline.
    pub fn extend(&mut self, reason: RequestText, today: Date) -> Result<(), RequestRuleError> {
        if !self.is_open() {
            return Err(RequestRuleError::Closed);
        }
        if self.extension.is_some() {
            return Err(RequestRuleError::AlreadyExtended);
        }
        if today > self.due_on {
            return Err(RequestRuleError::ExtensionTooLate);
        }
        self.extension = Some(reason);
        self.due_on = months_after(self.received_on, EXTENDED_MONTHS);
        Ok(())
    }

    /// Closes the request with its outcome.
    ///
    /// # Errors
    /// [`RequestRuleError::Closed`]; [`RequestRuleError::RefusalReasonRequired`]
    /// for a refusal without a note.
    pub fn close(
        &mut self,
        outcome: RequestOutcome,
        note: Option<RequestText>,
        at: OffsetDateTime,
        by: UserId,
    ) -> Result<(), RequestRuleError> {
        if !self.is_open() {
            return Err(RequestRuleError::Closed);
        }
        if outcome == RequestOutcome::Refused && note.is_none() {
            return Err(RequestRuleError::RefusalReasonRequired);
        }
        self.status = RequestStatus::Closed {
            outcome,
            note,
            at,
            by: Some(by),
        };
        Ok(())
    }

    /// The account an open request of one of `kinds` is about: the one a
    /// measure answering those kinds acts on.
    ///
    /// # Errors
    /// [`RequestRuleError::Closed`], [`RequestRuleError::WrongKind`] unless
    /// the request is of one of `kinds`, [`RequestRuleError::NoSubject`] once
    /// erased.
    pub fn subject_for(&self, kinds: &[RequestKind]) -> Result<UserId, RequestRuleError> {
        if !self.is_open() {
            return Err(RequestRuleError::Closed);
        }
        if !kinds.contains(&self.kind) {
            return Err(RequestRuleError::WrongKind);
        }
        self.subject.ok_or(RequestRuleError::NoSubject)
    }

    /// The account to erase, if the request may be acted on by an erasure.
    ///
    /// # Errors
    /// As [`Self::subject_for`], for erasure requests.
    pub fn erasure_subject(&self) -> Result<UserId, RequestRuleError> {
        self.subject_for(&[RequestKind::Erasure])
    }

    /// The account to export, if the request may be acted on by an export
    /// of the person's data (an access or a portability request).
    ///
    /// # Errors
    /// As [`Self::subject_for`], for access and portability requests.
    pub fn export_subject(&self) -> Result<UserId, RequestRuleError> {
        self.subject_for(&[RequestKind::Access, RequestKind::Portability])
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn request(received_on: Date) -> SubjectRequest {
        SubjectRequest::receive(
            UserId::generate(),
            RequestKind::Erasure,
            RequestChannel::Letter,
            received_on,
            None,
            datetime!(2026-12-01 09:00 UTC),
            UserId::generate(),
        )
        .unwrap()
    }

    fn text(raw: &str) -> RequestText {
        RequestText::parse(raw).unwrap()
    }

    #[test]
    fn a_month_ends_on_the_same_day_or_the_last_of_a_shorter_month() {
        assert_eq!(
            months_after(date!(2026 - 11 - 15), 1),
            date!(2026 - 12 - 15)
        );
        assert_eq!(
            months_after(date!(2026 - 12 - 20), 1),
            date!(2027 - 01 - 20)
        );
        assert_eq!(
            months_after(date!(2027 - 01 - 31), 1),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            months_after(date!(2028 - 01 - 31), 1),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            months_after(date!(2026 - 11 - 30), 3),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            months_after(date!(2026 - 10 - 31), 3),
            date!(2027 - 01 - 31)
        );
    }

    #[test]
    fn the_deadline_is_one_month_after_receipt() {
        let request = request(date!(2026 - 11 - 20));
        assert_eq!(request.due_on, date!(2026 - 12 - 20));
        assert!(!request.is_overdue(date!(2026 - 12 - 20)));
        assert!(request.is_overdue(date!(2026 - 12 - 21)));
    }

    #[test]
    fn a_request_cannot_come_from_the_future() {
        let refused = SubjectRequest::receive(
            UserId::generate(),
            RequestKind::Access,
            RequestChannel::Email,
            date!(2026 - 12 - 02),
            None,
            datetime!(2026-12-01 23:00 UTC),
            UserId::generate(),
        );
        assert_eq!(refused, Err(RequestRuleError::ReceivedInFuture));
    }

    #[test]
    fn an_extension_gives_three_months_once_and_only_in_time() {
        let mut request = request(date!(2026 - 11 - 20));
        assert_eq!(
            request.clone().extend(text("x"), date!(2026 - 12 - 21)),
            Err(RequestRuleError::ExtensionTooLate)
        );
        request
            .extend(text("Demande complexe"), date!(2026 - 12 - 20))
            .unwrap();
        assert_eq!(request.due_on, date!(2027 - 02 - 20));
        assert_eq!(
            request.extend(text("encore"), date!(2026 - 12 - 20)),
            Err(RequestRuleError::AlreadyExtended)
        );
    }

    #[test]
    fn a_refusal_needs_its_reasons_and_a_closed_request_stays_closed() {
        let mut request = request(date!(2026 - 11 - 20));
        let at = datetime!(2026-12-01 10:00 UTC);
        let by = UserId::generate();
        assert_eq!(
            request.close(RequestOutcome::Refused, None, at, by),
            Err(RequestRuleError::RefusalReasonRequired)
        );
        request
            .close(
                RequestOutcome::Refused,
                Some(text("Demande abusive")),
                at,
                by,
            )
            .unwrap();
        assert!(!request.is_overdue(date!(2027 - 06 - 01)));
        assert_eq!(
            request.close(RequestOutcome::Completed, None, at, by),
            Err(RequestRuleError::Closed)
        );
        assert_eq!(
            request.extend(text("x"), date!(2026 - 12 - 01)),
            Err(RequestRuleError::Closed)
        );
        assert_eq!(request.erasure_subject(), Err(RequestRuleError::Closed));
    }

    #[test]
    fn only_an_open_erasure_request_with_its_account_erases() {
        let mut request = request(date!(2026 - 11 - 20));
        assert_eq!(request.erasure_subject(), Ok(request.subject.unwrap()));
        request.kind = RequestKind::Access;
        assert_eq!(request.erasure_subject(), Err(RequestRuleError::WrongKind));
        request.kind = RequestKind::Erasure;
        request.subject = None;
        assert_eq!(request.erasure_subject(), Err(RequestRuleError::NoSubject));
    }

    #[test]
    fn only_an_open_access_or_portability_request_with_its_account_exports() {
        let mut request = request(date!(2026 - 11 - 20));
        assert_eq!(request.export_subject(), Err(RequestRuleError::WrongKind));
        for kind in [RequestKind::Access, RequestKind::Portability] {
            request.kind = kind;
            assert_eq!(request.export_subject(), Ok(request.subject.unwrap()));
        }
        request.subject = None;
        assert_eq!(request.export_subject(), Err(RequestRuleError::NoSubject));
    }

    #[test]
    fn a_measure_acts_only_on_the_kinds_it_answers() {
        let mut request = request(date!(2026 - 11 - 20));
        let person = request.subject.unwrap();
        for kind in RequestKind::ALL {
            request.kind = kind;
            let answered = [RequestKind::Restriction, RequestKind::Objection];
            let expected = if answered.contains(&kind) {
                Ok(person)
            } else {
                Err(RequestRuleError::WrongKind)
            };
            assert_eq!(request.subject_for(&answered), expected, "{kind:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(kind));
        }
        for channel in RequestChannel::ALL {
            assert_eq!(RequestChannel::parse(channel.as_str()), Some(channel));
        }
        for outcome in RequestOutcome::ALL {
            assert_eq!(RequestOutcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(RequestKind::parse("Access"), None);
    }

    #[test]
    fn texts_are_trimmed_bounded_and_never_printed() {
        assert_eq!(text("  Lettre\r\nsignée ").as_str(), "Lettre\nsignée");
        assert!(RequestText::parse("   ").is_none());
        assert!(RequestText::parse("a\tb").is_none());
        assert!(RequestText::parse(&"é".repeat(2_001)).is_none());
        assert!(!format!("{:?}", text("Jean Dupont")).contains("Dupont"));
    }
}
