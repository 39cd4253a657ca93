//! Acting on a request: extending its deadline, erasing the account it is
//! about, closing it.

use rr_domain::identity::{AuthenticatedActor, DataExport};
use rr_domain::subject_rights::{
    ContentChoice, ErasureAuthority, RequestOutcome, RequestText, SubjectRequest, SubjectRequestId,
};

use super::{SubjectRequestService, require_administrator, rule_error};
use crate::AppError;
use crate::ports::RequestAction;
use crate::services::erasure::Erased;

impl SubjectRequestService {
    /// Extends the deadline to three months after receipt, for `reason`
    /// (to tell the person): once, and no later than the first deadline.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`];
    /// [`AppError::ConflictWith`] `request_closed`, `already_extended`,
    /// `extension_too_late` or `edit_conflict`.
    pub async fn extend(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        reason: RequestText,
    ) -> Result<SubjectRequest, AppError> {
        require_administrator(actor)?;
        let mut request = self.request(id).await?;
        let today = self.ports.clock.now().date();
        request.extend(reason, today).map_err(rule_error)?;
        let detail = format!("due_on={}", request.due_on);
        self.store(actor, &mut request, RequestAction::Extended, detail.clone())
            .await?;
        self.audit(actor, "subject_request_extended", &request, &detail)
            .await?;
        Ok(request)
    }

    /// Erases the account an open erasure request is about, through the
    /// same use case as the application's, its content as `content` says
    /// (what the person asked for). The request stays open until closed.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] (and `staff_account` for a staff member's
    /// account); [`AppError::NotFound`]; [`AppError::ConflictWith`]
    /// `request_closed`, `wrong_request_kind` or `subject_erased`.
    pub async fn erase(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        content: ContentChoice,
    ) -> Result<Erased, AppError> {
        require_administrator(actor)?;
        let request = self.request(id).await?;
        let subject = request.erasure_subject().map_err(rule_error)?;
        let authority = ErasureAuthority::Staff {
            actor: actor.user_id,
            request: id,
        };
        let erased = match self.erasure.erase(subject, authority, content).await {
            Err(AppError::NotFound) => return Err(AppError::ConflictWith("subject_erased")),
            other => other?,
        };
        self.ports
            .requests
            .append(
                id,
                &self.event(
                    actor.user_id,
                    RequestAction::ErasureExecuted,
                    erased.describe(),
                ),
            )
            .await?;
        Ok(erased)
    }

    /// Asks, on an open access or portability request, for an export of
    /// the person's data through the export use case: produced like the
    /// person's own, downloadable once by the administrator who asked.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`];
    /// [`AppError::ConflictWith`] `request_closed`, `wrong_request_kind`,
    /// `subject_erased` or `export_pending` (one already under way).
    pub async fn export(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
    ) -> Result<DataExport, AppError> {
        require_administrator(actor)?;
        let request = self.request(id).await?;
        let subject = request.export_subject().map_err(rule_error)?;
        let export = match self.exports.request_for(actor, subject).await {
            Err(AppError::NotFound) => return Err(AppError::ConflictWith("subject_erased")),
            other => other?,
        };
        self.ports
            .requests
            .append(
                id,
                &self.event(
                    actor.user_id,
                    RequestAction::ExportRequested,
                    format!("export={}", export.id),
                ),
            )
            .await?;
        Ok(export)
    }

    /// Closes an open request with its outcome and what was answered (the
    /// reasons, for a refusal).
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`];
    /// [`AppError::ConflictWith`] `request_closed` or `edit_conflict`;
    /// [`AppError::Invalid`] `refusal_reason_required`.
    pub async fn close(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
        outcome: RequestOutcome,
        note: Option<RequestText>,
    ) -> Result<SubjectRequest, AppError> {
        require_administrator(actor)?;
        let mut request = self.request(id).await?;
        let now = self.ports.clock.now();
        request
            .close(outcome, note, now, actor.user_id)
            .map_err(rule_error)?;
        let detail = format!("outcome={}", outcome.as_str());
        self.store(actor, &mut request, RequestAction::Closed, detail.clone())
            .await?;
        self.audit(actor, "subject_request_closed", &request, &detail)
            .await?;
        Ok(request)
    }

    /// Stores a changed request with its history entry, if nobody changed it
    /// meanwhile.
    async fn store(
        &self,
        actor: &AuthenticatedActor,
        request: &mut SubjectRequest,
        action: RequestAction,
        detail: String,
    ) -> Result<(), AppError> {
        let event = self.event(actor.user_id, action, detail);
        if !self.ports.requests.update(request, &event).await? {
            return Err(AppError::ConflictWith("edit_conflict"));
        }
        request.version += 1;
        Ok(())
    }
}
