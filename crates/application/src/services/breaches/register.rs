//! Breaches: record, read, list, reassess, and the two notifications.

use rr_domain::compliance::{
    AuthorityNotification, Breach, BreachAssessment, BreachId, PeopleNotification,
};
use rr_domain::identity::AuthenticatedActor;
use time::OffsetDateTime;

use super::{BreachService, MAX_PAGE, refused, require_administrator};
use crate::AppError;
use crate::ports::RegisteredBreach;

/// A breach to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBreach {
    /// When the Ministry became aware of it.
    pub known_at: OffsetDateTime,
    /// What is known so far.
    pub assessment: BreachAssessment,
}

/// A breach as administrators read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachView {
    /// The breach.
    pub breach: Breach,
    /// Accounts attached to it.
    pub affected_accounts: u64,
    /// Whether its 72 hours passed without the CNIL notified, now.
    pub overdue: bool,
}

/// A page of the register, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachPage {
    /// The breaches.
    pub items: Vec<BreachView>,
    /// Where the next page starts; `None` on the last.
    pub next: Option<BreachId>,
}

/// The input of `assessment` a broken rule about it names: an
/// empty list of categories, or else the instant it occurred.
fn field_of(assessment: &BreachAssessment) -> &'static str {
    if assessment.data_categories.is_empty() {
        "dataCategories"
    } else if assessment.subject_categories.is_empty() {
        "subjectCategories"
    } else {
        "occurredAt"
    }
}

impl BreachService {
    /// Records a breach (audited as `breach_recorded`).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `forbidden` or `two_factor_required` below an
    /// administrator with two-factor authentication; [`AppError::Invalid`]
    /// `instant_in_future` (`knownAt`, `occurredAt`), `occurred_after_known`,
    /// `category_required`.
    pub async fn record(
        &self,
        actor: &AuthenticatedActor,
        new: NewBreach,
    ) -> Result<BreachView, AppError> {
        require_administrator(actor)?;
        let now = self.ports.clock.now();
        let field = if new.known_at > now {
            "knownAt"
        } else {
            field_of(&new.assessment)
        };
        let breach = Breach::record(new.known_at, new.assessment, actor.user_id, now)
            .map_err(|e| refused(e, field))?;
        self.ports.breaches.insert(&breach).await?;
        self.audit(actor, "breach_recorded", breach.id, &people(&breach))
            .await?;
        Ok(self.view(RegisteredBreach {
            breach,
            affected_accounts: 0,
        }))
    }

    /// The breach `id`.
    ///
    /// # Errors
    /// As [`Self::record`] for the actor; [`AppError::NotFound`].
    pub async fn read(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
    ) -> Result<BreachView, AppError> {
        Ok(self.view(self.load(actor, id).await?))
    }

    /// A page of `limit` breaches (1 to [`MAX_PAGE`]), newest first, after
    /// `after`.
    ///
    /// # Errors
    /// As [`Self::record`] for the actor.
    pub async fn list(
        &self,
        actor: &AuthenticatedActor,
        after: Option<BreachId>,
        limit: u64,
    ) -> Result<BreachPage, AppError> {
        require_administrator(actor)?;
        let limit = limit.clamp(1, MAX_PAGE);
        let items: Vec<BreachView> = self
            .ports
            .breaches
            .list(after, limit)
            .await?
            .into_iter()
            .map(|registered| self.view(registered))
            .collect();
        let next = if items.len() as u64 == limit {
            items.last().map(|b| b.breach.id)
        } else {
            None
        };
        Ok(BreachPage { items, next })
    }

    /// Replaces the assessment of breach `id` as the investigation goes
    /// (Art. 33(4); audited as `breach_reassessed`).
    ///
    /// # Errors
    /// As [`Self::record`]; [`AppError::NotFound`];
    /// [`AppError::ConflictWith`] `breach_changed` when it changed meanwhile.
    pub async fn reassess(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
        assessment: BreachAssessment,
    ) -> Result<BreachView, AppError> {
        let field = field_of(&assessment);
        self.change(actor, id, "breach_reassessed", |breach, now| {
            breach
                .reassess(assessment, now)
                .map_err(|e| refused(e, field))
        })
        .await
    }

    /// Records the notification of breach `id` to the CNIL (audited as
    /// `breach_authority_notified`). After the 72 hours it needs the reasons
    /// for the delay.
    ///
    /// # Errors
    /// As [`Self::reassess`]; [`AppError::ConflictWith`]
    /// `authority_already_notified`; [`AppError::Invalid`]
    /// `instant_in_future`, `notified_before_known` (`notifiedAt`),
    /// `delay_reason_required`.
    pub async fn notify_authority(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
        notification: AuthorityNotification,
    ) -> Result<BreachView, AppError> {
        self.change(actor, id, "breach_authority_notified", |breach, now| {
            breach
                .notify_authority(notification, now)
                .map_err(|e| refused(e, "notifiedAt"))
        })
        .await
    }

    /// Records the communication of breach `id` to the people concerned
    /// (Art. 34; audited as `breach_people_notified`).
    ///
    /// # Errors
    /// As [`Self::reassess`]; [`AppError::ConflictWith`]
    /// `people_already_notified`; [`AppError::Invalid`] `instant_in_future`,
    /// `notified_before_known` (`notifiedAt`).
    pub async fn notify_people(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
        notification: PeopleNotification,
    ) -> Result<BreachView, AppError> {
        self.change(actor, id, "breach_people_notified", |breach, now| {
            breach
                .notify_people(notification, now)
                .map_err(|e| refused(e, "notifiedAt"))
        })
        .await
    }

    /// Loads breach `id`, applies `rule`, stores it if nobody changed it
    /// meanwhile, and audits `action`.
    async fn change(
        &self,
        actor: &AuthenticatedActor,
        id: BreachId,
        action: &'static str,
        rule: impl FnOnce(&mut Breach, OffsetDateTime) -> Result<(), AppError>,
    ) -> Result<BreachView, AppError> {
        let mut registered = self.load(actor, id).await?;
        let previous = registered.breach.updated_at;
        let now = self.ports.clock.now();
        rule(&mut registered.breach, now)?;
        if !self
            .ports
            .breaches
            .update(&registered.breach, previous)
            .await?
        {
            return Err(AppError::ConflictWith("breach_changed"));
        }
        self.audit(actor, action, id, &people(&registered.breach))
            .await?;
        Ok(self.view(registered))
    }

    /// `registered` with whether it is overdue now.
    pub(super) fn view(&self, registered: RegisteredBreach) -> BreachView {
        let overdue = registered.breach.is_overdue(self.ports.clock.now());
        BreachView {
            breach: registered.breach,
            affected_accounts: registered.affected_accounts,
            overdue,
        }
    }
}

/// `people=<count>`, for the audit log: no free text there (it may name
/// people), only the figure.
fn people(breach: &Breach) -> String {
    format!("people={}", breach.assessment.people_count)
}
