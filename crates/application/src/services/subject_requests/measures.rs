//! Acting on rectification, restriction and objection requests, through
//! the use cases a person uses in the application: the rectification of
//! one's profile, the restriction of one's processing, one's privacy
//! choices. The person's account changes as if they had done it; the
//! administrator is the actor in the audit log, and the request's history
//! says what was done (field names and choices, never values).

use rr_domain::identity::{
    AuthenticatedActor, CountryCode, Email, PersonName, PhoneNumber, Region, Username,
};
use rr_domain::subject_rights::{RequestKind, SubjectRequestId};

use super::{RequestDetail, SubjectRequestService, require_administrator, rule_error};
use crate::AppError;
use crate::ports::RequestAction;
use crate::services::identity::ProfileChanges;
use crate::services::privacy::ConsentChanges;

/// The corrections a rectification request asks for; `None` leaves a field
/// as it is. Privacy choices are not corrected here: objections have their
/// own measure, and consent is the person's alone to give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rectification {
    /// New email: a verification link goes to it, and the account counts as
    /// unverified until it is used.
    pub email: Option<Email>,
    /// New username.
    pub username: Option<Username>,
    /// New first name.
    pub first_name: Option<PersonName>,
    /// New last name.
    pub last_name: Option<PersonName>,
    /// New country.
    pub country: Option<CountryCode>,
    /// New phone: `Some(None)` removes it.
    pub phone: Option<Option<PhoneNumber>>,
    /// New region: `Some(None)` removes it.
    pub region: Option<Option<Region>>,
}

impl Rectification {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The processings an objection request objects to (GDPR Art. 21).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Objection {
    /// Being counted in the statistics.
    pub statistics: bool,
    /// Receiving communications beyond security mail.
    pub communications: bool,
}

impl SubjectRequestService {
    /// Corrects, on an open rectification request, the profile of the
    /// person it is about, through [`IdentityService::rectify`]: a new
    /// username or email must be free, a new email is verified again. The
    /// history records the names of the fields changed (none, when the
    /// profile already said so). The request stays open until closed.
    ///
    /// [`IdentityService::rectify`]: crate::services::IdentityService::rectify
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`];
    /// [`AppError::Invalid`] `rectification_required` when nothing is asked;
    /// [`AppError::ConflictWith`] `request_closed`, `wrong_request_kind`,
    /// `subject_erased`, `username_taken` or `email_taken`.
    pub async fn rectify(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        rectification: Rectification,
    ) -> Result<RequestDetail, AppError> {
        require_administrator(actor)?;
        if rectification.is_empty() {
            return Err(AppError::invalid(
                "",
                "rectification_required",
                "Indiquez au moins une donnée à rectifier.",
            ));
        }
        let request = self.request(id).await?;
        let subject = request
            .subject_for(&[RequestKind::Rectification])
            .map_err(rule_error)?;
        let changes = ProfileChanges {
            email: rectification.email,
            username: rectification.username,
            first_name: rectification.first_name,
            last_name: rectification.last_name,
            country: rectification.country,
            phone: rectification.phone,
            region: rectification.region,
            statistics_objection: None,
            communications_consent: None,
        };
        let changed = match self.identity.rectify(subject, actor.user_id, changes).await {
            Err(AppError::NotFound) => return Err(AppError::ConflictWith("subject_erased")),
            other => other?,
        };
        let detail = format!("fields={}", changed.join(","));
        self.act(actor, id, RequestAction::Rectified, detail).await
    }

    /// Restricts (`restricted`) the processing of the account an open
    /// restriction request is about, or lifts its restriction (GDPR
    /// Art. 18(3): once the reason for it is settled, the person told),
    /// through the same use case as the person's own. The history records
    /// whether it changed anything.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`];
    /// [`AppError::ConflictWith`] `request_closed`, `wrong_request_kind` or
    /// `subject_erased`.
    pub async fn restrict(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        restricted: bool,
    ) -> Result<RequestDetail, AppError> {
        require_administrator(actor)?;
        let request = self.request(id).await?;
        let subject = request
            .subject_for(&[RequestKind::Restriction])
            .map_err(rule_error)?;
        let (changed, _) = match self
            .privacy
            .set_restriction(subject, actor.user_id, restricted)
            .await
        {
            Err(AppError::NotFound) => return Err(AppError::ConflictWith("subject_erased")),
            other => other?,
        };
        let action = if restricted {
            RequestAction::RestrictionApplied
        } else {
            RequestAction::RestrictionLifted
        };
        let detail = format!("changed={changed}");
        self.act(actor, id, action, detail).await
    }

    /// Records, on an open objection request, the person's objection to
    /// statistics, to communications or to both, as their own choices would
    /// be (in their consent history, with the policy version in force and
    /// the time). The history records the choices that changed (`objected=none` when
    /// they were recorded already).
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`];
    /// [`AppError::Invalid`] `objection_required` when it objects to
    /// nothing; [`AppError::ConflictWith`] `request_closed`,
    /// `wrong_request_kind` or `subject_erased`.
    pub async fn record_objection(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        objection: Objection,
    ) -> Result<RequestDetail, AppError> {
        require_administrator(actor)?;
        if objection == Objection::default() {
            return Err(AppError::invalid(
                "",
                "objection_required",
                "Indiquez à quoi la personne s'oppose : statistics, communications ou les deux.",
            ));
        }
        let request = self.request(id).await?;
        let subject = request
            .subject_for(&[RequestKind::Objection])
            .map_err(rule_error)?;
        let changes = ConsentChanges {
            accept_policy: None,
            communications: objection.communications.then_some(false),
            statistics: objection.statistics.then_some(false),
        };
        let (recorded, _) = match self
            .privacy
            .change_consents(subject, actor.user_id, changes)
            .await
        {
            Err(AppError::NotFound) => return Err(AppError::ConflictWith("subject_erased")),
            other => other?,
        };
        let objected: Vec<&str> = recorded
            .iter()
            .map(|choice| choice.purpose.as_str())
            .collect();
        let detail = if objected.is_empty() {
            "objected=none".to_owned()
        } else {
            format!("objected={}", objected.join(","))
        };
        self.act(actor, id, RequestAction::ObjectionRecorded, detail)
            .await
    }

    /// Appends what `actor` did on request `id` to its history; the request
    /// as it now stands.
    async fn act(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        action: RequestAction,
        detail: String,
    ) -> Result<RequestDetail, AppError> {
        self.ports
            .requests
            .append(id, &self.event(actor.user_id, action, detail))
            .await?;
        self.detail(actor, id).await
    }
}
