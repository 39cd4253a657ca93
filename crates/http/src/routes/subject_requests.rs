//! `/api/v1/admin/subject-requests`: requests people make outside the
//! application to exercise their rights (a letter, an email to the data
//! protection officer), their legal deadline, the actions taken on them and
//! their outcome (ADR 0024). Administrators with two-factor authentication.

use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError, get, post, web};
use rr_application::ports::{RequestCursor, RequestEvent, RequestStatusFilter};
use rr_application::services::SubjectRequestService;
use rr_application::services::subject_requests::{
    NewRequest, Objection, Rectification, RequestDetail, RequestFilters, RequestPage,
    RequestSummary, SubjectLookup,
};
use rr_domain::identity::{Email, UserId};
use rr_domain::subject_rights::{
    RequestChannel, RequestKind, RequestOutcome, RequestStatus, RequestText, SubjectRequest,
    SubjectRequestId,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};
use crate::routes::data_exports::ExportResponse;
use crate::routes::erasure::ContentChoiceName;
use crate::routes::me::{ProfilePatch, double_option};
use crate::validation::Fields;

/// Items of a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;

const FORBIDDEN: &str = "Not an administrator (`forbidden`), or one without two-factor \
     authentication (`two_factor_required`).";

const NOT_FOUND: &str = "No such request (`not_found`).";

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn parse_date(raw: &str) -> Option<Date> {
    Date::parse(raw, DATE).ok()
}

/// A request as staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70", "subjectId": "0193a1ef-0000-7000-8000-000000000001",
    "kind": "erasure", "channel": "letter", "receivedOn": "2026-11-20", "dueOn": "2026-12-20",
    "overdue": false, "extensionReason": null, "notes": "Lettre signée, pièce d'identité jointe.",
    "status": "open", "outcome": null, "outcomeNote": null, "closedAt": null, "closedBy": null,
    "recordedAt": "2026-11-29T10:15:30.123456Z", "recordedBy": "0193a1ef-0000-7000-8000-000000000002"
}))]
pub struct SubjectRequestResponse {
    /// Request id.
    pub id: uuid::Uuid,
    /// The person's account; `null` once it is erased.
    pub subject_id: Option<uuid::Uuid>,
    /// `access`, `rectification`, `erasure`, `restriction`, `objection` or `portability`.
    #[schema(example = "erasure")]
    pub kind: &'static str,
    /// `letter`, `email`, `phone`, `in_person` or `other`.
    #[schema(example = "letter")]
    pub channel: &'static str,
    /// The day it was received (`YYYY-MM-DD`).
    #[schema(example = "2026-11-20")]
    pub received_on: String,
    /// The last day to answer: one month after receipt, three once extended.
    #[schema(example = "2026-12-20")]
    pub due_on: String,
    /// Open past its deadline today (UTC).
    pub overdue: bool,
    /// Why the deadline was extended, once it was.
    pub extension_reason: Option<String>,
    /// Staff's notes (erased with the person's account).
    pub notes: Option<String>,
    /// `open` or `closed`.
    #[schema(example = "open")]
    pub status: &'static str,
    /// Once closed: `completed`, `refused` or `withdrawn`.
    pub outcome: Option<&'static str>,
    /// Once closed: what was answered; the reasons of a refusal.
    pub outcome_note: Option<String>,
    /// When it was closed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// Who closed it.
    pub closed_by: Option<uuid::Uuid>,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// Who recorded it.
    pub recorded_by: Option<uuid::Uuid>,
}

impl SubjectRequestResponse {
    fn of(request: SubjectRequest, overdue: bool) -> Self {
        let text = |t: Option<RequestText>| t.map(|t| t.as_str().to_owned());
        let (status, outcome, outcome_note, closed_at, closed_by) = match request.status {
            RequestStatus::Open => ("open", None, None, None, None),
            RequestStatus::Closed {
                outcome,
                note,
                at,
                by,
            } => (
                "closed",
                Some(outcome.as_str()),
                text(note),
                Some(at),
                by.map(|by| by.as_uuid()),
            ),
        };
        Self {
            id: request.id.as_uuid(),
            subject_id: request.subject.map(|s| s.as_uuid()),
            kind: request.kind.as_str(),
            channel: request.channel.as_str(),
            received_on: request.received_on.to_string(),
            due_on: request.due_on.to_string(),
            overdue,
            extension_reason: text(request.extension),
            notes: text(request.notes),
            status,
            outcome,
            outcome_note,
            closed_at,
            closed_by,
            recorded_at: request.recorded_at,
            recorded_by: request.recorded_by.map(|by| by.as_uuid()),
        }
    }
}

impl From<RequestSummary> for SubjectRequestResponse {
    fn from(summary: RequestSummary) -> Self {
        Self::of(summary.request, summary.overdue)
    }
}

/// Something done to a request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestEventResponse {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who (`null` once their account is erased).
    pub actor_id: Option<uuid::Uuid>,
    /// `recorded`, `extended`, `erasure_executed`, `export_requested` or `closed`.
    #[schema(example = "recorded")]
    pub action: &'static str,
    /// Particulars, as `key=value` words.
    #[schema(example = "kind=erasure channel=letter due_on=2026-12-20")]
    pub detail: String,
}

impl From<RequestEvent> for RequestEventResponse {
    fn from(event: RequestEvent) -> Self {
        Self {
            at: event.at,
            actor_id: event.actor.map(|a| a.as_uuid()),
            action: event.action.as_str(),
            detail: event.detail,
        }
    }
}

/// A request with everything done to it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRequestDetailResponse {
    /// The request.
    pub request: SubjectRequestResponse,
    /// Who did what, oldest first.
    pub history: Vec<RequestEventResponse>,
}

impl From<RequestDetail> for SubjectRequestDetailResponse {
    fn from(detail: RequestDetail) -> Self {
        Self {
            request: SubjectRequestResponse::of(detail.request, detail.overdue),
            history: detail.history.into_iter().map(Into::into).collect(),
        }
    }
}

/// A page of requests.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRequestPageResponse {
    /// By deadline, the most urgent first.
    pub items: Vec<SubjectRequestResponse>,
    /// Pass it as `cursor` for the next page; absent on the last one. Opaque.
    #[schema(example = "2026-12-20.0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
}

/// The cursor as sent: the deadline, a dot, the id without hyphens.
fn encode(cursor: RequestCursor) -> String {
    format!("{}.{}", cursor.due_on, cursor.id.as_uuid().simple())
}

fn decode(raw: &str) -> Option<RequestCursor> {
    let (day, id) = raw.split_once('.')?;
    Some(RequestCursor {
        due_on: parse_date(day)?,
        id: SubjectRequestId::from_uuid(uuid::Uuid::try_parse(id).ok()?),
    })
}

impl From<RequestPage> for SubjectRequestPageResponse {
    fn from(page: RequestPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(encode),
        }
    }
}

/// The right exercised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKindName {
    /// Access to one's data (Art. 15).
    Access,
    /// Correction (Art. 16).
    Rectification,
    /// Erasure (Art. 17).
    Erasure,
    /// Restriction of processing (Art. 18).
    Restriction,
    /// Objection (Art. 21).
    Objection,
    /// One's data in a machine-readable form (Art. 20).
    Portability,
}

impl From<RequestKindName> for RequestKind {
    fn from(kind: RequestKindName) -> Self {
        match kind {
            RequestKindName::Access => Self::Access,
            RequestKindName::Rectification => Self::Rectification,
            RequestKindName::Erasure => Self::Erasure,
            RequestKindName::Restriction => Self::Restriction,
            RequestKindName::Objection => Self::Objection,
            RequestKindName::Portability => Self::Portability,
        }
    }
}

/// How a request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestChannelName {
    /// A letter.
    Letter,
    /// An email.
    Email,
    /// A telephone call.
    Phone,
    /// In person.
    InPerson,
    /// Anything else.
    Other,
}

impl From<RequestChannelName> for RequestChannel {
    fn from(channel: RequestChannelName) -> Self {
        match channel {
            RequestChannelName::Letter => Self::Letter,
            RequestChannelName::Email => Self::Email,
            RequestChannelName::Phone => Self::Phone,
            RequestChannelName::InPerson => Self::InPerson,
            RequestChannelName::Other => Self::Other,
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcomeName {
    /// The right was given effect.
    Completed,
    /// Refused, with reasons (`note` required).
    Refused,
    /// The person withdrew it.
    Withdrawn,
}

impl From<RequestOutcomeName> for RequestOutcome {
    fn from(outcome: RequestOutcomeName) -> Self {
        match outcome {
            RequestOutcomeName::Completed => Self::Completed,
            RequestOutcomeName::Refused => Self::Refused,
            RequestOutcomeName::Withdrawn => Self::Withdrawn,
        }
    }
}

/// A request as it arrived. The person is named by exactly one of
/// `subjectId` and `subjectEmail`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "subjectEmail": "lea.martin@exemple.fr", "kind": "erasure", "channel": "letter",
    "receivedOn": "2026-11-20", "notes": "Lettre signée, pièce d'identité jointe."
}))]
pub struct NewSubjectRequest {
    /// The person's account id.
    pub subject_id: Option<uuid::Uuid>,
    /// The exact email of the person's account. Looking it up is a read of
    /// their personal data: journaled in their access log.
    #[schema(max_length = 254, format = Email)]
    pub subject_email: Option<String>,
    /// The right exercised.
    pub kind: RequestKindName,
    /// How it arrived.
    pub channel: RequestChannelName,
    /// The day it was received (`YYYY-MM-DD`, not in the future): the
    /// deadline runs from it.
    #[schema(example = "2026-11-20")]
    pub received_on: String,
    /// Notes (1 to 2,000 characters). Erased with the person's account:
    /// write what the handling needs, not the person's details.
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// A text of 1 to 2,000 characters for `field`, remembering a refusal.
fn request_text(fields: &mut Fields, field: &'static str, raw: &str) -> Option<RequestText> {
    let text = RequestText::parse(raw);
    if text.is_none() {
        fields.violation(
            field,
            "invalid_text",
            "De 1 à 2 000 caractères, sans caractère de contrôle autre qu'un saut de ligne.",
        );
    }
    text
}

impl NewSubjectRequest {
    fn try_into_new(self) -> Result<NewRequest, rr_application::AppError> {
        let mut fields = Fields::default();
        let subject = match (self.subject_id, self.subject_email.as_deref()) {
            (Some(id), None) => Some(SubjectLookup::Id(UserId::from_uuid(id))),
            (None, Some(raw)) => fields
                .parse("subjectEmail", raw, Email::parse)
                .map(SubjectLookup::Email),
            _ => {
                fields.violation(
                    "subjectId",
                    "one_subject_required",
                    "Désignez la personne par subjectId ou par subjectEmail, pas les deux.",
                );
                None
            }
        };
        let received_on = parse_date(&self.received_on);
        if received_on.is_none() {
            fields.violation("receivedOn", "invalid_date", "Une date AAAA-MM-JJ.");
        }
        let notes = match self.notes.as_deref() {
            None => Some(None),
            Some(raw) => request_text(&mut fields, "notes", raw).map(Some),
        };
        fields.finish()?;
        let missing = || rr_application::AppError::internal("validated field missing");
        Ok(NewRequest {
            subject: subject.ok_or_else(missing)?,
            kind: self.kind.into(),
            channel: self.channel.into(),
            received_on: received_on.ok_or_else(missing)?,
            notes: notes.ok_or_else(missing)?,
        })
    }
}

/// Record a data-subject request
///
/// Records a request a person made outside the application, about their
/// account, due one month after receipt (GDPR Art. 12(3)).
#[utoipa::path(
    operation_id = "record_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    request_body = NewSubjectRequest,
    responses(
        (status = 201, description = "Recorded.", body = SubjectRequestResponse,
            headers(("Location" = String, description = "`/api/v1/admin/subject-requests/{id}`"))),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rule, no account matches (`subject_not_found`), or the date is in the future (`received_in_future`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests")]
pub async fn record(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    body: web::Json<NewSubjectRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().try_into_new()?;
    let request = service.record(&actor.0, new).await?;
    let location = format!("/api/v1/admin/subject-requests/{}", request.id.as_uuid());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(SubjectRequestResponse::of(request, false)))
}

/// Open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatusName {
    /// Being handled.
    Open,
    /// Answered.
    Closed,
}

/// Which requests to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SubjectRequestQuery {
    /// `open` or `closed`.
    pub status: Option<RequestStatusName>,
    /// Only requests of this kind.
    pub kind: Option<RequestKindName>,
    /// `true`: only those open past their deadline today (UTC).
    pub overdue: Option<bool>,
    /// Only those about this account.
    pub subject_id: Option<uuid::Uuid>,
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Data-subject requests
///
/// The requests, the most urgent first (by deadline), filtered by status,
/// kind, account, and `overdue=true` for those open past their deadline.
#[utoipa::path(
    operation_id = "list_subject_requests",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(SubjectRequestQuery),
    responses(
        (status = 200, description = "A page.", body = SubjectRequestPageResponse),
        (status = 400, description = "Bad query string, limit or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/subject-requests")]
pub async fn list(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    query: web::Query<SubjectRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=100).contains(&limit) {
        return Ok(
            RequestProblem::InvalidQuery("`limit`: a number from 1 to 100.".into())
                .error_response(),
        );
    }
    let after = match query.cursor.as_deref().map(decode) {
        None => None,
        Some(Some(cursor)) => Some(cursor),
        Some(None) => {
            return Ok(RequestProblem::InvalidQuery(
                "`cursor`: not one this API gave (pass nextCursor as is).".into(),
            )
            .error_response());
        }
    };
    let filters = RequestFilters {
        status: query.status.map(|status| match status {
            RequestStatusName::Open => RequestStatusFilter::Open,
            RequestStatusName::Closed => RequestStatusFilter::Closed,
        }),
        kind: query.kind.map(Into::into),
        overdue: query.overdue.unwrap_or(false),
        subject: query.subject_id.map(UserId::from_uuid),
    };
    let page = service.list(&actor.0, filters, after, limit).await?;
    Ok(HttpResponse::Ok().json(SubjectRequestPageResponse::from(page)))
}

/// A data-subject request
///
/// One request and its history: who did what, when.
#[utoipa::path(
    operation_id = "read_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    responses(
        (status = 200, description = "The request and its history.", body = SubjectRequestDetailResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/subject-requests/{id}")]
pub async fn read(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let detail = service
        .detail(&actor.0, SubjectRequestId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(SubjectRequestDetailResponse::from(detail)))
}

/// The reason of an extension.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Volume de données important ; la personne en est informée."}))]
pub struct Extension {
    /// Why (1 to 2,000 characters), as told to the person.
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// Extend a request's deadline
///
/// Extends the deadline to three months after receipt (GDPR Art. 12(3)):
/// once, with a reason, no later than the first deadline.
#[utoipa::path(
    operation_id = "extend_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    request_body = Extension,
    responses(
        (status = 200, description = "Extended.", body = SubjectRequestResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`request_closed`), extended already (`already_extended`), past the first deadline (`extension_too_late`), or changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/extension")]
pub async fn extend(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<Extension>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let reason = request_text(&mut fields, "reason", &body.reason);
    fields.finish()?;
    let reason = reason.ok_or_else(|| rr_application::AppError::internal("validated"))?;
    let request = service
        .extend(
            &actor.0,
            SubjectRequestId::from_uuid(id.into_inner()),
            reason,
        )
        .await?;
    Ok(HttpResponse::Ok().json(SubjectRequestResponse::of(request, false)))
}

/// What the person asked to become of their content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "delete"}))]
pub struct StaffErasure {
    /// As the person chose (see `DELETE /api/v1/me`).
    pub content: ContentChoiceName,
}

/// What an erasure did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErasureResponse {
    /// Resources deleted.
    pub resources_deleted: u64,
    /// Resources kept under "Utilisateur supprimé".
    pub resources_kept: u64,
    /// Comments kept, text included, under "Utilisateur supprimé".
    pub comments_anonymised: u64,
    /// Comments turned into tombstones (or that were).
    pub comments_emptied: u64,
    /// Open reports kept for the moderators.
    pub reports_kept: u64,
}

/// Erase the account of an erasure request
///
/// Erases the account an open erasure request is about, exactly as `DELETE
/// /api/v1/me` does (ADR 0023), without its password. The request stays
/// open until closed; its notes go with the account.
#[utoipa::path(
    operation_id = "erase_for_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    request_body = StaffErasure,
    responses(
        (status = 200, description = "Erased.", body = ErasureResponse),
        (status = 403, description = "As for every route here; or the account is a staff member's (`staff_account`): a super-administrator demotes it first.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`request_closed`), not an erasure request (`wrong_request_kind`), or the account is already erased (`subject_erased`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/erasure")]
pub async fn erase(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<StaffErasure>,
) -> Result<HttpResponse, ApiError> {
    let erased = service
        .erase(
            &actor.0,
            SubjectRequestId::from_uuid(id.into_inner()),
            body.content.into(),
        )
        .await?;
    let o = erased.outcome;
    Ok(HttpResponse::Ok().json(ErasureResponse {
        resources_deleted: o.resources_deleted,
        resources_kept: o.resources_kept,
        comments_anonymised: o.comments_anonymised,
        comments_emptied: o.comments_emptied,
        reports_kept: o.reports_kept,
    }))
}

/// Export the data of an access or portability request
///
/// Asks, on an open access or portability request, for an export of the
/// person's data as `POST /api/v1/me/export` produces it; the administrator
/// who asked downloads it at `downloadPath` once ready.
#[utoipa::path(
    operation_id = "export_for_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    responses(
        (status = 202, description = "Recorded; ready already for a small account.", body = ExportResponse,
            headers(("Location" = String, description = "`/api/v1/me/exports/{id}`"))),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`request_closed`), neither access nor portability (`wrong_request_kind`), the account is erased (`subject_erased`), or an export is under way (`export_pending`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/export")]
pub async fn export(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let export = service
        .export(&actor.0, SubjectRequestId::from_uuid(id.into_inner()))
        .await?;
    let location = format!("/api/v1/me/exports/{}", export.id);
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, location))
        .json(ExportResponse::of(export, actor.0.user_id)))
}

/// The corrections a rectification request asks for; absent fields stay as
/// they are. Privacy choices are not rectified: an objection has its own
/// route, and consent is the person's alone to give.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"lastName": "Martin-Roux", "phone": null}))]
pub struct StaffRectification {
    /// New email: a verification link is sent to it, and the account is
    /// unverified until it is used.
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// New username.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{2,29}$")]
    pub username: Option<String>,
    /// New first name.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub first_name: Option<String>,
    /// New last name.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub last_name: Option<String>,
    /// New country code.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// New phone (`+` and 8 to 15 digits); `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "^\\+[1-9][0-9]{7,14}$")]
    pub phone: Option<Option<String>>,
    /// New region: INSEE code of a French region or `99` outside France;
    /// `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{2}$", example = "11")]
    pub region: Option<Option<String>>,
}

impl StaffRectification {
    /// The corrections, each field checked as `PATCH /api/v1/me` checks it.
    fn into_rectification(self) -> Result<Rectification, rr_application::AppError> {
        let changes = ProfilePatch {
            email: self.email,
            username: self.username,
            first_name: self.first_name,
            last_name: self.last_name,
            country: self.country,
            phone: self.phone,
            statistics_objection: None,
            region: self.region,
            communications_consent: None,
        }
        .try_into_changes()?;
        Ok(Rectification {
            email: changes.email,
            username: changes.username,
            first_name: changes.first_name,
            last_name: changes.last_name,
            country: changes.country,
            phone: changes.phone,
            region: changes.region,
        })
    }
}

/// Rectify the account of a rectification request
///
/// Corrects, on an open rectification request, the profile of the person
/// it is about, exactly as `PATCH /api/v1/me` would (a new email is
/// verified again). The history records the names of the fields changed,
/// never their values; the audit log names the administrator. The request
/// stays open until closed.
#[utoipa::path(
    operation_id = "rectify_for_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    request_body = StaffRectification,
    responses(
        (status = 200, description = "Rectified: the request and its history.", body = SubjectRequestDetailResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`request_closed`), not a rectification request (`wrong_request_kind`), the account is erased (`subject_erased`), or the username or email is another account's (`username_taken`, `email_taken`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Nothing to rectify (`rectification_required`), or a field breaking its rule.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/rectification")]
pub async fn rectify(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<StaffRectification>,
) -> Result<HttpResponse, ApiError> {
    let rectification = body.into_inner().into_rectification()?;
    let detail = service
        .rectify(
            &actor.0,
            SubjectRequestId::from_uuid(id.into_inner()),
            rectification,
        )
        .await?;
    Ok(HttpResponse::Ok().json(SubjectRequestDetailResponse::from(detail)))
}

/// Whether the person's processing is restricted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"restricted": true}))]
pub struct StaffRestriction {
    /// `true` restricts (GDPR Art. 18(1)); `false` lifts the restriction
    /// (Art. 18(3), once the person is told).
    pub restricted: bool,
}

/// Restrict the account of a restriction request
///
/// Restricts, on an open restriction request, the processing of the
/// account it is about, or lifts the restriction, exactly as `POST` and
/// `DELETE /api/v1/me/restriction` would (ADR 0021). The history records
/// whether it changed anything.
#[utoipa::path(
    operation_id = "restrict_for_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    request_body = StaffRestriction,
    responses(
        (status = 200, description = "Done: the request and its history.", body = SubjectRequestDetailResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`request_closed`), not a restriction request (`wrong_request_kind`), or the account is erased (`subject_erased`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/restriction")]
pub async fn restrict(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<StaffRestriction>,
) -> Result<HttpResponse, ApiError> {
    let detail = service
        .restrict(
            &actor.0,
            SubjectRequestId::from_uuid(id.into_inner()),
            body.restricted,
        )
        .await?;
    Ok(HttpResponse::Ok().json(SubjectRequestDetailResponse::from(detail)))
}

/// What the person objects to (GDPR Art. 21).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"statistics": true, "communications": false}))]
pub struct StaffObjection {
    /// Being counted in the statistics.
    #[serde(default)]
    pub statistics: bool,
    /// Receiving communications beyond security mail.
    #[serde(default)]
    pub communications: bool,
}

/// Record the objection of an objection request
///
/// Records, on an open objection request, the person's objection to
/// statistics, to communications or both, as `PUT /api/v1/me/consents`
/// would: in their consent history, with the policy version in force. An
/// objection already recorded changes nothing. The history records the
/// choices that changed.
#[utoipa::path(
    operation_id = "object_for_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    request_body = StaffObjection,
    responses(
        (status = 200, description = "Recorded: the request and its history.", body = SubjectRequestDetailResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`request_closed`), not an objection request (`wrong_request_kind`), or the account is erased (`subject_erased`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "It objects to nothing (`objection_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/objection")]
pub async fn record_objection(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<StaffObjection>,
) -> Result<HttpResponse, ApiError> {
    let objection = Objection {
        statistics: body.statistics,
        communications: body.communications,
    };
    let detail = service
        .record_objection(
            &actor.0,
            SubjectRequestId::from_uuid(id.into_inner()),
            objection,
        )
        .await?;
    Ok(HttpResponse::Ok().json(SubjectRequestDetailResponse::from(detail)))
}

/// How a request ended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "completed", "note": "Compte effacé ; réponse envoyée par courrier le 2 décembre."}))]
pub struct Closure {
    /// The outcome.
    pub outcome: RequestOutcomeName,
    /// What was answered (1 to 2,000 characters); required for a refusal,
    /// whose reasons it gives.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Close a data-subject request
///
/// Closes an open request with its outcome.
#[utoipa::path(
    operation_id = "close_subject_request",
    tag = "Data protection",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Request id.")),
    request_body = Closure,
    responses(
        (status = 200, description = "Closed.", body = SubjectRequestResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Closed already (`request_closed`) or changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A refusal without its reasons (`refusal_reason_required`), or a note breaking its rule.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/subject-requests/{id}/closure")]
pub async fn close(
    service: web::Data<SubjectRequestService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<Closure>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut fields = Fields::default();
    let note = match body.note.as_deref() {
        None => Some(None),
        Some(raw) => request_text(&mut fields, "note", raw).map(Some),
    };
    fields.finish()?;
    let note = note.ok_or_else(|| rr_application::AppError::internal("validated"))?;
    let request = service
        .close(
            &actor.0,
            SubjectRequestId::from_uuid(id.into_inner()),
            body.outcome.into(),
            note,
        )
        .await?;
    Ok(HttpResponse::Ok().json(SubjectRequestResponse::of(request, false)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip() {
        let cursor = RequestCursor {
            due_on: time::macros::date!(2026 - 12 - 20),
            id: SubjectRequestId::generate(),
        };
        assert_eq!(decode(&encode(cursor)), Some(cursor));
    }

    #[test]
    fn a_cursor_this_api_did_not_give_is_refused() {
        for raw in [
            "",
            "2026-12-20",
            "2026-13-01.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
            "2026-12-20.not-a-uuid",
            "20261220.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
    }
}
