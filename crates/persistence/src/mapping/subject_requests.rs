//! Data-subject requests: `subject_requests` and `subject_request_events`
//! rows to domain values and back.

use rr_application::RepositoryError;
use rr_application::ports::{RequestAction, RequestEvent};
use rr_domain::identity::UserId;
use rr_domain::subject_rights::{
    RequestChannel, RequestKind, RequestOutcome, RequestStatus, RequestText, SubjectRequest,
    SubjectRequestId,
};
use sea_orm::ActiveValue::{NotSet, Set};

use super::{bounded, corrupt, from_column, to_column};
use crate::entities::{subject_request, subject_request_event};

const TABLE: &str = "subject_requests";
const EVENTS: &str = "subject_request_events";
const OPEN: &str = "open";
const CLOSED: &str = "closed";

/// Every column of `request`, set; `version` as stored.
///
/// # Errors
/// [`RepositoryError::Internal`] when an instant is out of range.
pub(crate) fn request_row(
    request: &SubjectRequest,
) -> Result<subject_request::ActiveModel, RepositoryError> {
    let text = |t: &Option<RequestText>| t.as_ref().map(|t| t.as_str().to_owned());
    let (status, outcome, outcome_note, closed_at, closed_by) = match &request.status {
        RequestStatus::Open => (OPEN, None, None, None, None),
        RequestStatus::Closed {
            outcome,
            note,
            at,
            by,
        } => (
            CLOSED,
            Some(outcome.as_str().to_owned()),
            text(note),
            Some(to_column(*at)?),
            by.map(|by| by.as_uuid()),
        ),
    };
    Ok(subject_request::ActiveModel {
        id: Set(request.id.as_uuid()),
        subject_id: Set(request.subject.map(|s| s.as_uuid())),
        kind: Set(request.kind.as_str().to_owned()),
        channel: Set(request.channel.as_str().to_owned()),
        received_on: Set(request.received_on),
        due_on: Set(request.due_on),
        extension_reason: Set(text(&request.extension)),
        notes: Set(text(&request.notes)),
        status: Set(status.to_owned()),
        outcome: Set(outcome),
        outcome_note: Set(outcome_note),
        closed_at: Set(closed_at),
        closed_by: Set(closed_by),
        recorded_at: Set(to_column(request.recorded_at)?),
        recorded_by: Set(request.recorded_by.map(|by| by.as_uuid())),
        version: Set(
            i64::try_from(request.version).map_err(|e| corrupt(TABLE, request.id.as_uuid(), e))?
        ),
    })
}

/// A stored request.
///
/// # Errors
/// [`RepositoryError::Internal`] for a value the domain refuses.
pub(crate) fn into_request(row: subject_request::Model) -> Result<SubjectRequest, RepositoryError> {
    let id = row.id;
    let text =
        |column: &str, raw: Option<String>| -> Result<Option<RequestText>, RepositoryError> {
            raw.map(|raw| {
                RequestText::parse(&raw)
                    .ok_or_else(|| corrupt(TABLE, id, format!("{column} is not a valid text")))
            })
            .transpose()
        };
    let kind = RequestKind::parse(&row.kind)
        .ok_or_else(|| corrupt(TABLE, id, format!("unknown kind {:?}", row.kind)))?;
    let channel = RequestChannel::parse(&row.channel)
        .ok_or_else(|| corrupt(TABLE, id, format!("unknown channel {:?}", row.channel)))?;
    let status = match (row.status.as_str(), row.outcome.as_deref(), row.closed_at) {
        (OPEN, None, None) => RequestStatus::Open,
        (CLOSED, Some(outcome), Some(at)) => RequestStatus::Closed {
            outcome: RequestOutcome::parse(outcome)
                .ok_or_else(|| corrupt(TABLE, id, format!("unknown outcome {outcome:?}")))?,
            note: text("outcome_note", row.outcome_note)?,
            at: from_column(at),
            by: row.closed_by.map(UserId::from_uuid),
        },
        (other, _, _) => {
            return Err(corrupt(
                TABLE,
                id,
                format!("status {other:?} with inconsistent closing columns"),
            ));
        }
    };
    Ok(SubjectRequest {
        id: SubjectRequestId::from_uuid(id),
        subject: row.subject_id.map(UserId::from_uuid),
        kind,
        channel,
        received_on: row.received_on,
        due_on: row.due_on,
        extension: text("extension_reason", row.extension_reason)?,
        notes: text("notes", row.notes)?,
        status,
        recorded_at: from_column(row.recorded_at),
        recorded_by: row.recorded_by.map(UserId::from_uuid),
        version: u64::try_from(row.version).map_err(|e| corrupt(TABLE, id, e))?,
    })
}

/// A new row of the history of request `id`.
///
/// # Errors
/// [`RepositoryError::Internal`] when the detail is too long or the instant
/// out of range.
pub(crate) fn event_row(
    id: SubjectRequestId,
    event: &RequestEvent,
) -> Result<subject_request_event::ActiveModel, RepositoryError> {
    Ok(subject_request_event::ActiveModel {
        id: NotSet,
        request_id: Set(id.as_uuid()),
        at: Set(to_column(event.at)?),
        actor_id: Set(event.actor.map(|a| a.as_uuid())),
        action: Set(event.action.as_str().to_owned()),
        detail: Set(bounded(EVENTS, "detail", &event.detail, 500)?),
    })
}

/// A stored entry of a request's history.
///
/// # Errors
/// [`RepositoryError::Internal`] for an unknown action.
pub(crate) fn into_event(
    row: subject_request_event::Model,
) -> Result<RequestEvent, RepositoryError> {
    Ok(RequestEvent {
        at: from_column(row.at),
        actor: row.actor_id.map(UserId::from_uuid),
        action: RequestAction::parse(&row.action)
            .ok_or_else(|| corrupt(EVENTS, row.id, format!("unknown action {:?}", row.action)))?,
        detail: row.detail,
    })
}
