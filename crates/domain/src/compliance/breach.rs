//! The register of personal data breaches (GDPR Art. 33(5)): every breach is
//! documented — its facts, effects and the measures taken — whether or not it
//! was notified to the supervisory authority (the CNIL, within 72 hours of
//! becoming aware of it, Art. 33(1)) or to the people affected (Art. 34).

use std::collections::BTreeSet;
use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::DomainError;
use crate::identity::UserId;

/// How long after the controller became aware of a breach it must be
/// notified to the supervisory authority (Art. 33(1)).
pub const NOTIFICATION_DELAY: time::Duration = time::Duration::hours(72);

/// Identifier of a breach of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BreachId(Uuid);

impl BreachId {
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

/// A text of the register (what happened, its likely consequences, the
/// measures taken, why a notification came late): 1 to 4,000 characters,
/// trimmed, line breaks allowed, no other control character.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BreachText(String);

impl BreachText {
    /// Longest text, in characters.
    pub const MAX_CHARS: usize = 4_000;

    /// Parses a text, trimming it.
    ///
    /// # Errors
    /// [`DomainError::InvalidBreachText`] when it is blank, too long or holds
    /// a control character other than a line break or a tab.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let text = raw.trim();
        let allowed = |c: char| !c.is_control() || matches!(c, '\n' | '\r' | '\t');
        if text.is_empty() || text.chars().count() > Self::MAX_CHARS || !text.chars().all(allowed) {
            return Err(DomainError::InvalidBreachText {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The reference the supervisory authority gave the notification (the
/// CNIL's file number): 1 to 100 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuthorityReference(String);

impl AuthorityReference {
    /// Longest reference, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Parses a reference, trimming it.
    ///
    /// # Errors
    /// [`DomainError::InvalidAuthorityReference`] when it is blank, too long
    /// or holds a control character.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let reference = raw.trim();
        if reference.is_empty()
            || reference.chars().count() > Self::MAX_CHARS
            || reference.chars().any(char::is_control)
        {
            return Err(DomainError::InvalidAuthorityReference {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(reference.to_owned()))
    }

    /// The reference.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AuthorityReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A category of personal data a breach concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataCategory {
    /// Names and usernames.
    Identity,
    /// Email addresses and phone numbers.
    Contact,
    /// Password hashes, tokens, second-factor secrets and recovery codes.
    Credentials,
    /// Country and region.
    Location,
    /// Resources, comments and reports written by the people.
    Content,
    /// What people did: consultations, searches, favourites, progress,
    /// sessions, notifications.
    Activity,
    /// Data of Art. 9 (health above all) the content may reveal.
    SpecialCategories,
}

impl DataCategory {
    /// Every category, in display order.
    pub const ALL: [Self; 7] = [
        Self::Identity,
        Self::Contact,
        Self::Credentials,
        Self::Location,
        Self::Content,
        Self::Activity,
        Self::SpecialCategories,
    ];

    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Contact => "contact",
            Self::Credentials => "credentials",
            Self::Location => "location",
            Self::Content => "content",
            Self::Activity => "activity",
            Self::SpecialCategories => "special_categories",
        }
    }

    /// The category named `raw` exactly.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// A category of people a breach concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectCategory {
    /// Citizens with an account.
    Citizens,
    /// Moderators and administrators.
    Staff,
    /// Visitors without an account.
    Visitors,
}

impl SubjectCategory {
    /// Every category, in display order.
    pub const ALL: [Self; 3] = [Self::Citizens, Self::Staff, Self::Visitors];

    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Citizens => "citizens",
            Self::Staff => "staff",
            Self::Visitors => "visitors",
        }
    }

    /// The category named `raw` exactly.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// What is known of a breach and was done about it: recorded at first, and
/// completed as the investigation goes (Art. 33(4)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachAssessment {
    /// What happened.
    pub description: BreachText,
    /// When it happened, if known.
    pub occurred_at: Option<OffsetDateTime>,
    /// The categories of personal data concerned (at least one).
    pub data_categories: BTreeSet<DataCategory>,
    /// The categories of people concerned (at least one).
    pub subject_categories: BTreeSet<SubjectCategory>,
    /// How many people are concerned, as estimated (accounts or not).
    pub people_count: u64,
    /// The likely consequences for them.
    pub likely_consequences: BreachText,
    /// The measures taken or proposed to address it and mitigate its effects.
    pub measures_taken: BreachText,
}

/// The notification to the supervisory authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityNotification {
    /// When it was sent.
    pub at: OffsetDateTime,
    /// The authority's reference.
    pub reference: AuthorityReference,
    /// Why it came after the 72 hours (required then, Art. 33(1)).
    pub delay_reason: Option<BreachText>,
}

/// The communication to the people affected (Art. 34).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleNotification {
    /// When it was sent.
    pub at: OffsetDateTime,
    /// How (mail to the accounts, notice on the site…) and what it said.
    pub means: BreachText,
}

/// Why a change to a breach is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BreachRuleError {
    /// An instant is later than now.
    #[error("an instant of the register cannot be in the future")]
    InFuture,
    /// The breach would have happened after it became known.
    #[error("a breach cannot happen after it became known")]
    OccurredAfterKnown,
    /// A notification would have been sent before the breach was known.
    #[error("a notification cannot come before the breach was known")]
    NotifiedBeforeKnown,
    /// No category of data or of people given.
    #[error("a breach concerns at least one category of data and one of people")]
    NoCategory,
    /// The authority was already notified.
    #[error("the authority was already notified of this breach")]
    AuthorityAlreadyNotified,
    /// The people were already notified.
    #[error("the people were already notified of this breach")]
    PeopleAlreadyNotified,
    /// A notification after the deadline needs the reasons for the delay.
    #[error("a notification after 72 hours must give the reasons for the delay")]
    DelayReasonRequired,
}

impl BreachRuleError {
    /// Stable machine code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::InFuture => "instant_in_future",
            Self::OccurredAfterKnown => "occurred_after_known",
            Self::NotifiedBeforeKnown => "notified_before_known",
            Self::NoCategory => "category_required",
            Self::AuthorityAlreadyNotified => "authority_already_notified",
            Self::PeopleAlreadyNotified => "people_already_notified",
            Self::DelayReasonRequired => "delay_reason_required",
        }
    }
}

/// A breach of the register. Never deleted: notified or not, it stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// Identifier.
    pub id: BreachId,
    /// When the Ministry became aware of it: the 72 hours run from here.
    pub known_at: OffsetDateTime,
    /// What is known and was done.
    pub assessment: BreachAssessment,
    /// The administrator who recorded it; `None` once that account is gone
    /// (the audit log keeps who it was).
    pub recorded_by: Option<UserId>,
    /// When it was recorded.
    pub recorded_at: OffsetDateTime,
    /// When the breach last changed (its assessment or a notification).
    pub updated_at: OffsetDateTime,
    /// The notification to the CNIL, once sent.
    pub authority_notification: Option<AuthorityNotification>,
    /// The communication to the people, once sent.
    pub people_notification: Option<PeopleNotification>,
}

impl Breach {
    /// A breach known at `known_at`, recorded by `recorded_by` at `now`.
    ///
    /// # Errors
    /// [`BreachRuleError`] when `known_at` or the instant it occurred is
    /// later than `now`, it occurred after it became known, or a category
    /// list is empty.
    pub fn record(
        known_at: OffsetDateTime,
        assessment: BreachAssessment,
        recorded_by: UserId,
        now: OffsetDateTime,
    ) -> Result<Self, BreachRuleError> {
        if known_at > now {
            return Err(BreachRuleError::InFuture);
        }
        check(&assessment, known_at, now)?;
        Ok(Self {
            id: BreachId::generate(),
            known_at,
            assessment,
            recorded_by: Some(recorded_by),
            recorded_at: now,
            updated_at: now,
            authority_notification: None,
            people_notification: None,
        })
    }

    /// When the authority must have been notified: 72 hours after the
    /// breach became known.
    #[must_use]
    pub fn notification_deadline(&self) -> OffsetDateTime {
        self.known_at + NOTIFICATION_DELAY
    }

    /// Whether the deadline passed at `now` without the authority notified.
    #[must_use]
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.authority_notification.is_none() && now > self.notification_deadline()
    }

    /// Replaces the assessment as the investigation goes.
    ///
    /// # Errors
    /// As [`Breach::record`].
    pub fn reassess(
        &mut self,
        assessment: BreachAssessment,
        now: OffsetDateTime,
    ) -> Result<(), BreachRuleError> {
        check(&assessment, self.known_at, now)?;
        self.assessment = assessment;
        self.updated_at = now;
        Ok(())
    }

    /// Records the notification to the authority.
    ///
    /// # Errors
    /// [`BreachRuleError::AuthorityAlreadyNotified`]; `InFuture` or
    /// `NotifiedBeforeKnown` for its instant; `DelayReasonRequired` when it
    /// came after the deadline without the reasons.
    pub fn notify_authority(
        &mut self,
        notification: AuthorityNotification,
        now: OffsetDateTime,
    ) -> Result<(), BreachRuleError> {
        if self.authority_notification.is_some() {
            return Err(BreachRuleError::AuthorityAlreadyNotified);
        }
        self.check_notified_at(notification.at, now)?;
        if notification.at > self.notification_deadline() && notification.delay_reason.is_none() {
            return Err(BreachRuleError::DelayReasonRequired);
        }
        self.authority_notification = Some(notification);
        self.updated_at = now;
        Ok(())
    }

    /// Records the communication to the people affected.
    ///
    /// # Errors
    /// [`BreachRuleError::PeopleAlreadyNotified`]; `InFuture` or
    /// `NotifiedBeforeKnown` for its instant.
    pub fn notify_people(
        &mut self,
        notification: PeopleNotification,
        now: OffsetDateTime,
    ) -> Result<(), BreachRuleError> {
        if self.people_notification.is_some() {
            return Err(BreachRuleError::PeopleAlreadyNotified);
        }
        self.check_notified_at(notification.at, now)?;
        self.people_notification = Some(notification);
        self.updated_at = now;
        Ok(())
    }

    fn check_notified_at(
        &self,
        at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), BreachRuleError> {
        if at > now {
            Err(BreachRuleError::InFuture)
        } else if at < self.known_at {
            Err(BreachRuleError::NotifiedBeforeKnown)
        } else {
            Ok(())
        }
    }
}

fn check(
    assessment: &BreachAssessment,
    known_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), BreachRuleError> {
    if let Some(occurred_at) = assessment.occurred_at {
        if occurred_at > now {
            return Err(BreachRuleError::InFuture);
        }
        if occurred_at > known_at {
            return Err(BreachRuleError::OccurredAfterKnown);
        }
    }
    if assessment.data_categories.is_empty() || assessment.subject_categories.is_empty() {
        return Err(BreachRuleError::NoCategory);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn text(raw: &str) -> BreachText {
        BreachText::parse(raw).unwrap()
    }

    fn assessment() -> BreachAssessment {
        BreachAssessment {
            description: text("Export de sauvegarde exposé sur un partage réseau."),
            occurred_at: Some(datetime!(2026-11-27 22:00 UTC)),
            data_categories: BTreeSet::from([DataCategory::Contact]),
            subject_categories: BTreeSet::from([SubjectCategory::Citizens]),
            people_count: 120,
            likely_consequences: text("Hameçonnage ciblé."),
            measures_taken: text("Partage fermé, clés changées."),
        }
    }

    const KNOWN: OffsetDateTime = datetime!(2026-11-28 09:00 UTC);
    const NOW: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

    fn breach() -> Breach {
        Breach::record(KNOWN, assessment(), UserId::generate(), NOW).unwrap()
    }

    #[test]
    fn texts_are_trimmed_keep_line_breaks_and_refuse_other_controls() {
        assert_eq!(text("  a\nb  ").as_str(), "a\nb");
        for raw in ["", "   ", "a\u{0}b", &"x".repeat(4_001)] {
            assert_eq!(
                BreachText::parse(raw),
                Err(DomainError::InvalidBreachText { max: 4_000 }),
                "{raw:?}"
            );
        }
        assert!(AuthorityReference::parse("DN-2026-01234").is_ok());
        assert!(AuthorityReference::parse("a\nb").is_err());
        assert!(AuthorityReference::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn categories_round_trip_by_name() {
        for category in DataCategory::ALL {
            assert_eq!(DataCategory::parse(category.as_str()), Some(category));
        }
        for category in SubjectCategory::ALL {
            assert_eq!(SubjectCategory::parse(category.as_str()), Some(category));
        }
        assert_eq!(DataCategory::parse("Contact"), None);
    }

    #[test]
    fn the_deadline_is_seventy_two_hours_after_it_became_known() {
        let breach = breach();
        assert_eq!(
            breach.notification_deadline(),
            datetime!(2026-12-01 09:00 UTC)
        );
        assert!(!breach.is_overdue(datetime!(2026-12-01 09:00 UTC)));
        assert!(breach.is_overdue(datetime!(2026-12-01 09:00:01 UTC)));
    }

    #[test]
    fn a_notified_breach_is_never_overdue() {
        let mut breach = breach();
        breach
            .notify_authority(
                AuthorityNotification {
                    at: NOW,
                    reference: AuthorityReference::parse("DN-1").unwrap(),
                    delay_reason: None,
                },
                NOW,
            )
            .unwrap();
        assert!(!breach.is_overdue(datetime!(2027-01-01 00:00 UTC)));
    }

    #[test]
    fn recording_refuses_the_future_a_breach_after_it_was_known_and_no_category() {
        let at = |known, occurred| {
            Breach::record(
                known,
                BreachAssessment {
                    occurred_at: occurred,
                    ..assessment()
                },
                UserId::generate(),
                NOW,
            )
        };
        assert_eq!(
            at(datetime!(2026-11-30 00:00 UTC), None).unwrap_err(),
            BreachRuleError::InFuture
        );
        assert_eq!(
            at(KNOWN, Some(datetime!(2026-11-28 10:00 UTC))).unwrap_err(),
            BreachRuleError::OccurredAfterKnown
        );
        assert!(at(KNOWN, None).is_ok());
        let none = Breach::record(
            KNOWN,
            BreachAssessment {
                data_categories: BTreeSet::new(),
                ..assessment()
            },
            UserId::generate(),
            NOW,
        );
        assert_eq!(none.unwrap_err(), BreachRuleError::NoCategory);
    }

    #[test]
    fn each_notification_is_recorded_once_between_known_and_now() {
        let mut breach = breach();
        let authority = |at| AuthorityNotification {
            at,
            reference: AuthorityReference::parse("DN-1").unwrap(),
            delay_reason: None,
        };
        assert_eq!(
            breach.notify_authority(authority(datetime!(2026-11-28 08:00 UTC)), NOW),
            Err(BreachRuleError::NotifiedBeforeKnown)
        );
        assert_eq!(
            breach.notify_authority(authority(datetime!(2026-11-29 11:00 UTC)), NOW),
            Err(BreachRuleError::InFuture)
        );
        breach.notify_authority(authority(NOW), NOW).unwrap();
        assert_eq!(
            breach.notify_authority(authority(NOW), NOW),
            Err(BreachRuleError::AuthorityAlreadyNotified)
        );
        let people = PeopleNotification {
            at: NOW,
            means: text("Courriel à chaque compte concerné."),
        };
        breach.notify_people(people.clone(), NOW).unwrap();
        assert_eq!(
            breach.notify_people(people, NOW),
            Err(BreachRuleError::PeopleAlreadyNotified)
        );
    }

    #[test]
    fn a_late_notification_must_say_why() {
        let mut breach = breach();
        let late = datetime!(2026-12-02 10:00 UTC);
        let notification = AuthorityNotification {
            at: late,
            reference: AuthorityReference::parse("DN-2").unwrap(),
            delay_reason: None,
        };
        assert_eq!(
            breach.notify_authority(notification.clone(), late),
            Err(BreachRuleError::DelayReasonRequired)
        );
        breach
            .notify_authority(
                AuthorityNotification {
                    delay_reason: Some(text("Ampleur connue le 2 décembre seulement.")),
                    ..notification
                },
                late,
            )
            .unwrap();
        assert!(breach.authority_notification.is_some());
    }

    #[test]
    fn a_reassessment_keeps_the_rules() {
        let mut breach = breach();
        let later = datetime!(2026-11-30 10:00 UTC);
        breach
            .reassess(
                BreachAssessment {
                    people_count: 300,
                    ..assessment()
                },
                later,
            )
            .unwrap();
        assert_eq!(breach.assessment.people_count, 300);
        assert_eq!(breach.updated_at, later);
        assert_eq!(
            breach.reassess(
                BreachAssessment {
                    occurred_at: Some(datetime!(2026-11-28 09:30 UTC)),
                    ..assessment()
                },
                later
            ),
            Err(BreachRuleError::OccurredAfterKnown)
        );
    }
}
