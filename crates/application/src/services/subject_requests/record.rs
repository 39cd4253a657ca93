//! Recording a request as it arrived.

use rr_domain::identity::{
    AccessId, AccessReason, AuthenticatedActor, Email, PersonalField, UserId,
};
use rr_domain::subject_rights::{
    ERASED_AUTHOR, RequestChannel, RequestKind, RequestText, SubjectRequest, SubjectRequestId,
};
use time::Date;

use super::{SubjectRequestService, require_administrator, rule_error};
use crate::AppError;
use crate::ports::{AuditEvent, RequestAction, StaffAccess};

/// How staff name the person a request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectLookup {
    /// By their account's id.
    Id(UserId),
    /// By the exact email of their account, through the blind index. Finding
    /// whose an address is reads personal data: journaled (ADR 0019).
    Email(Email),
}

/// A request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Whose.
    pub subject: SubjectLookup,
    /// The right exercised.
    pub kind: RequestKind,
    /// How it arrived.
    pub channel: RequestChannel,
    /// When it arrived: the deadline runs from this day.
    pub received_on: Date,
    /// Staff's notes.
    pub notes: Option<RequestText>,
}

impl SubjectRequestService {
    /// Records a request about an existing account, due one month after
    /// receipt (GDPR Art. 12(3)). Administrators with two-factor
    /// authentication only.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_required` or `forbidden`;
    /// [`AppError::Invalid`] `subject_not_found` when no account matches,
    /// `received_in_future`.
    pub async fn record(
        &self,
        actor: &AuthenticatedActor,
        new: NewRequest,
    ) -> Result<SubjectRequest, AppError> {
        require_administrator(actor)?;
        let now = self.ports.clock.now();
        let id = SubjectRequestId::generate();
        let (subject, field) = match &new.subject {
            SubjectLookup::Id(id) => (
                self.ports.users.find(*id).await?.map(|user| user.id),
                "subjectId",
            ),
            SubjectLookup::Email(email) => {
                let index = self.ports.blind_index.email_index(email.as_str());
                (
                    self.ports
                        .users
                        .find_by_email_index(&index)
                        .await?
                        .map(|user| user.id),
                    "subjectEmail",
                )
            }
        };
        let subject = subject
            .filter(|subject| *subject != ERASED_AUTHOR)
            .ok_or_else(|| {
                AppError::invalid(
                    field,
                    "subject_not_found",
                    "Aucun compte ne correspond : vérifiez l'identifiant ou l'adresse exacte.",
                )
            })?;
        let request = SubjectRequest {
            id,
            ..SubjectRequest::receive(
                subject,
                new.kind,
                new.channel,
                new.received_on,
                new.notes,
                now,
                actor.user_id,
            )
            .map_err(rule_error)?
        };
        if matches!(new.subject, SubjectLookup::Email(_)) {
            self.journal_lookup(actor, subject, id).await?;
        }
        let detail = format!(
            "kind={} channel={} due_on={}",
            request.kind.as_str(),
            request.channel.as_str(),
            request.due_on
        );
        self.ports
            .requests
            .insert(
                &request,
                &self.event(actor.user_id, RequestAction::Recorded, detail.clone()),
            )
            .await?;
        self.audit(actor, "subject_request_recorded", &request, &detail)
            .await?;
        Ok(request)
    }

    /// Journals that `actor` learnt whose account an address is, for request `id`.
    async fn journal_lookup(
        &self,
        actor: &AuthenticatedActor,
        subject: UserId,
        id: SubjectRequestId,
    ) -> Result<(), AppError> {
        let reason = AccessReason::parse(&format!(
            "Demande d'exercice de droits RGPD {}",
            id.as_uuid()
        ))
        .map_err(AppError::internal)?;
        let at = self.ports.clock.now();
        self.ports
            .journal
            .record(&StaffAccess {
                id: AccessId::generate(),
                at,
                staff: actor.user_id,
                staff_role: actor.role,
                subject,
                reason,
                fields: vec![PersonalField::Email],
            })
            .await?;
        self.ports
            .audit
            .append(
                AuditEvent {
                    action: "personal_data_read",
                    actor: Some(actor.user_id),
                    subject: Some(subject),
                    detail: "fields=email".to_owned(),
                },
                at,
            )
            .await?;
        Ok(())
    }
}
