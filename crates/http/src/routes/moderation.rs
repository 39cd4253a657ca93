//! `/api/v1/moderation/*`: the moderators' queue and decisions (on
//! resources, comments and reports), and `GET /api/v1/admin/moderation-log`
//! for administrators. Who may do what is the use cases' decision
//! (`ModerationService`): moderators and above with two-factor
//! authentication, administrators for the log.

use actix_web::{HttpResponse, ResponseError, get, post, web};
use rr_application::ports::{CommentRecord, LoggedModeration, QueueCursor, QueuedReport};
use rr_application::services::ModerationService;
use rr_application::services::moderation::{
    LogPage, LogRequest, QueueItem, QueuePage, QueueRequest, QueuedContent,
};
use rr_application::services::resources::Decision;
use rr_domain::community::{CommentId, ModerationAction, ReportId};
use rr_domain::identity::Username;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{ResourceId, Visibility};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};
use crate::routes::reports::{ContentKindName, ContentTarget, ReportReasonName, ReportResponse};
use crate::routes::resources::ResourceResponse;

/// Items of a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;

fn limit(raw: Option<u64>) -> Result<u64, RequestProblem> {
    let limit = raw.unwrap_or(DEFAULT_LIMIT);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(RequestProblem::InvalidQuery(
            "limit is between 1 and 100.".into(),
        ))
    }
}

fn bad_cursor() -> HttpResponse {
    RequestProblem::InvalidQuery("cursor is not one this API gave (pass nextCursor as is).".into())
        .error_response()
}

// ───────────────────────────── the queue ─────────────────────────────

/// Which part of the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQueryParams {
    /// Only resources, or only comments.
    pub kind: Option<ContentKindName>,
    /// Only content of resources of this category.
    pub category: Option<uuid::Uuid>,
    /// Only items with an open report for this reason.
    pub reason: Option<ReportReasonName>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// The cursor as sent: `since` in microseconds since the Unix epoch, a dot,
/// the content's id without hyphens.
fn encode(cursor: QueueCursor) -> String {
    let micros = cursor.since.unix_timestamp_nanos() / 1_000;
    format!("{micros}.{}", cursor.id.simple())
}

fn decode(raw: &str) -> Option<QueueCursor> {
    let (micros, id) = raw.split_once('.')?;
    let micros: i128 = micros.parse().ok()?;
    let since = OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1_000)?).ok()?;
    let id = uuid::Uuid::try_parse(id).ok()?;
    Some(QueueCursor { since, id })
}

/// An open report, without its reporter.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueuedReportResponse {
    /// The report (to dismiss it).
    pub id: uuid::Uuid,
    /// Why.
    pub reason: ReportReasonName,
    /// The reporter's words.
    pub text: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<QueuedReport> for QueuedReportResponse {
    fn from(report: QueuedReport) -> Self {
        Self {
            id: report.id.as_uuid(),
            reason: report.grounds.reason().into(),
            text: report.grounds.text().map(|t| t.as_str().to_owned()),
            created_at: report.created_at,
        }
    }
}

/// The resource of an item: the item itself, or the resource a comment is on.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueuedResource {
    /// Resource id.
    pub id: uuid::Uuid,
    /// Its author's username.
    pub author: Option<String>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body (present when the resource is the item).
    pub body: Option<String>,
    /// Category id.
    pub category_id: uuid::Uuid,
    /// `public` or `restricted`.
    #[schema(example = "public")]
    pub visibility: &'static str,
    /// Its state (`pending_review` when submitted or held by reports).
    #[schema(example = "pending_review")]
    pub state: &'static str,
}

/// A comment of the queue, whatever its state.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueuedComment {
    /// Comment id.
    pub id: uuid::Uuid,
    /// Its author's username.
    pub author: String,
    /// Its text; absent once its author deleted it.
    pub body: Option<String>,
    /// `visible`, `held`, `hidden` or `deleted`.
    #[schema(example = "held")]
    pub state: &'static str,
    /// When it was posted.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Content waiting for a moderator.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueItemResponse {
    /// What to decide on.
    pub target: ContentTarget,
    /// Since when it waits: for a resource pending review, its last change
    /// (submission, edit or hold); for reported content, its oldest open report.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
    /// The resource (the item, or the resource of the comment).
    pub resource: QueuedResource,
    /// The comment, when the item is one.
    pub comment: Option<QueuedComment>,
    /// Its open reports, oldest first (none for a resource submitted and never reported).
    pub reports: Vec<QueuedReportResponse>,
}

fn visibility(visibility: Visibility) -> &'static str {
    visibility.as_str()
}

impl From<QueueItem> for QueueItemResponse {
    fn from(item: QueueItem) -> Self {
        let target = item.target().into();
        let reports = item.reports.into_iter().map(Into::into).collect();
        let (resource, comment) = match item.content {
            QueuedContent::Resource { record, author } => (
                QueuedResource {
                    id: record.id.as_uuid(),
                    author: Some(author.to_string()),
                    title: record.title.as_str().to_owned(),
                    summary: record.summary.as_str().to_owned(),
                    body: Some(record.body.as_str().to_owned()),
                    category_id: record.category.as_uuid(),
                    visibility: visibility(record.visibility),
                    state: record.state.name(),
                },
                None,
            ),
            QueuedContent::Comment {
                record,
                author,
                resource,
            } => (
                QueuedResource {
                    id: resource.id.as_uuid(),
                    author: None,
                    title: resource.title.as_str().to_owned(),
                    summary: resource.summary.as_str().to_owned(),
                    body: None,
                    category_id: resource.category.as_uuid(),
                    visibility: visibility(resource.visibility),
                    state: resource.state.name(),
                },
                Some(QueuedComment {
                    id: record.id.as_uuid(),
                    author: author.to_string(),
                    body: record.body.map(|b| b.as_str().to_owned()),
                    state: record.state.name(),
                    created_at: record.created_at,
                }),
            ),
        };
        Self {
            target,
            since: item.since,
            resource,
            comment,
            reports,
        }
    }
}

/// A page of the queue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueuePageResponse {
    /// Oldest first.
    pub items: Vec<QueueItemResponse>,
    /// Pass it as `cursor` for the next page; absent on the last one. Opaque.
    #[schema(example = "1764411330123456.0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
}

impl From<QueuePage> for QueuePageResponse {
    fn from(page: QueuePage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(encode),
        }
    }
}

const STAFF_ONLY: &str = "Moderators and above only (`forbidden`), with two-factor authentication (`two_factor_required`).";

/// The moderation queue
///
/// Resources pending review (submitted, or held because enough citizens
/// reported them) and content with open reports, oldest first, with their
/// open reports (never who made them). Moderators and above with two-factor
/// authentication; their own content is left out.
#[utoipa::path(
    tag = "Moderation",
    security(("bearerAuth" = [])),
    params(QueueQueryParams),
    responses(
        (status = 200, description = "A page.", body = QueuePageResponse),
        (status = 400, description = "Bad query string or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = STAFF_ONLY, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/queue")]
pub async fn moderation_queue(
    service: web::Data<ModerationService>,
    actor: Authenticated,
    query: web::Query<QueueQueryParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = match limit(query.limit) {
        Ok(limit) => limit,
        Err(problem) => return Ok(problem.error_response()),
    };
    let after = match query.cursor.as_deref().map(decode) {
        None => None,
        Some(Some(cursor)) => Some(cursor),
        Some(None) => return Ok(bad_cursor()),
    };
    let page = service
        .queue(
            &actor.0,
            QueueRequest {
                kind: query.kind.map(Into::into),
                category: query.category.map(ReferenceId::from_uuid),
                reason: query.reason.map(Into::into),
                after,
                limit,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(QueuePageResponse::from(page)))
}

// ───────────────────────────── decisions ─────────────────────────────

/// A decision's reason, told to the author.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"reason": "Le lien mène à une publicité."}))]
pub struct ReasonRequest {
    /// 1 to 1,000 characters, without surrounding spaces.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// A dismissal's note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"note": "Critique argumentée, pas du harcèlement."}))]
pub struct DismissRequest {
    /// Kept in the moderation log, shown to nobody else: 1 to 1,000
    /// characters, without surrounding spaces. Send `{}` for none.
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

const RESOURCE_NOT_FOUND: &str = "No such resource, or you may not see it (`not_found`).";
const DECISION_FORBIDDEN: &str = "Not a moderator (`forbidden`), no two-factor authentication (`two_factor_required`), or one's own content or content moderators do not moderate (`forbidden`).";
const DECISION_CONFLICT: &str = "Not allowed from its state (`invalid_transition`), or another moderator decided first (`edit_conflict`).";

macro_rules! resource_decision {
    ($name:ident, $path:literal, $summary:literal, $doc:literal, |$body:ident| $decision:expr) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            tag = "Moderation",
            security(("bearerAuth" = [])),
            params(("id" = uuid::Uuid, Path, description = "Resource id.")),
            request_body = ReasonRequest,
            responses(
                (status = 200, description = "The resource.", body = ResourceResponse),
                (status = 403, description = DECISION_FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = RESOURCE_NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = DECISION_CONFLICT, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 422, description = "Bad reason (`invalid_reason`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            service: web::Data<ModerationService>,
            actor: Authenticated,
            id: web::Path<uuid::Uuid>,
            $body: web::Json<ReasonRequest>,
        ) -> Result<HttpResponse, ApiError> {
            let view = service
                .decide_resource(&actor.0, ResourceId::from_uuid(id.into_inner()), $decision)
                .await?;
            Ok(HttpResponse::Ok().json(ResourceResponse::from(view)))
        }
    };
    ($name:ident, $path:literal, $summary:literal, $doc:literal, $decision:expr) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            tag = "Moderation",
            security(("bearerAuth" = [])),
            params(("id" = uuid::Uuid, Path, description = "Resource id.")),
            responses(
                (status = 200, description = "The resource.", body = ResourceResponse),
                (status = 403, description = DECISION_FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = RESOURCE_NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = DECISION_CONFLICT, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            service: web::Data<ModerationService>,
            actor: Authenticated,
            id: web::Path<uuid::Uuid>,
        ) -> Result<HttpResponse, ApiError> {
            let view = service
                .decide_resource(&actor.0, ResourceId::from_uuid(id.into_inner()), $decision)
                .await?;
            Ok(HttpResponse::Ok().json(ResourceResponse::from(view)))
        }
    };
}

resource_decision!(
    approve_resource,
    "/resources/{id}/approve",
    "Approve a resource",
    "Publishes a resource pending review; its open reports are resolved and its author is told.",
    Decision::Approve
);
resource_decision!(
    reject_resource,
    "/resources/{id}/reject",
    "Reject a resource",
    "Sends a resource pending review back to its author with the reason, who may revise and submit it again; its open reports are resolved.",
    |body| Decision::Reject {
        reason: body.into_inner().reason
    }
);
resource_decision!(
    suspend_resource,
    "/resources/{id}/suspend",
    "Suspend a resource",
    "Takes a published resource down with the reason told to its author; its open reports are resolved.",
    |body| Decision::Suspend {
        reason: body.into_inner().reason
    }
);
resource_decision!(
    reinstate_resource,
    "/resources/{id}/reinstate",
    "Reinstate a resource",
    "Puts a suspended resource back; its author is told.",
    Decision::Reinstate
);

/// A comment after a moderator's decision.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModeratedCommentResponse {
    /// Comment id.
    pub id: uuid::Uuid,
    /// The resource it is on.
    pub resource_id: uuid::Uuid,
    /// `visible` or `hidden`.
    #[schema(example = "hidden")]
    pub state: &'static str,
    /// The reason told to its author, when hidden.
    pub state_reason: Option<String>,
    /// When its state changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<CommentRecord> for ModeratedCommentResponse {
    fn from(comment: CommentRecord) -> Self {
        Self {
            id: comment.id.as_uuid(),
            resource_id: comment.resource.as_uuid(),
            state: comment.state.name(),
            state_reason: comment.state.reason().map(str::to_owned),
            updated_at: comment.updated_at,
        }
    }
}

const COMMENT_NOT_FOUND: &str = "No such comment, or you may not see its resource (`not_found`).";

/// Hide a comment
///
/// Hides a visible or held comment with the reason told to its author; its
/// open reports are resolved. Readers see a placeholder.
#[utoipa::path(
    tag = "Moderation",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Comment id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The comment.", body = ModeratedCommentResponse),
        (status = 403, description = DECISION_FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = COMMENT_NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = DECISION_CONFLICT, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Bad reason (`invalid_reason`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/comments/{id}/hide")]
pub async fn hide_comment(
    service: web::Data<ModerationService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let comment = service
        .hide_comment(
            &actor.0,
            CommentId::from_uuid(id.into_inner()),
            body.into_inner().reason,
        )
        .await?;
    Ok(HttpResponse::Ok().json(ModeratedCommentResponse::from(comment)))
}

/// Restore a comment
///
/// Makes a held or hidden comment visible again; its open reports are
/// resolved and its author is told.
#[utoipa::path(
    tag = "Moderation",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Comment id.")),
    responses(
        (status = 200, description = "The comment.", body = ModeratedCommentResponse),
        (status = 403, description = DECISION_FORBIDDEN, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = COMMENT_NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = DECISION_CONFLICT, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/comments/{id}/restore")]
pub async fn unhide_comment(
    service: web::Data<ModerationService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let comment = service
        .restore_comment(&actor.0, CommentId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(ModeratedCommentResponse::from(comment)))
}

/// Dismiss a report
///
/// Judges an open report unfounded, with an optional note for the log. The
/// content stays as it is, except a held comment whose last open report this
/// was: it is visible again. A held resource stays pending review until a
/// moderator approves or rejects it.
#[utoipa::path(
    tag = "Moderation",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Report id.")),
    request_body = DismissRequest,
    responses(
        (status = 200, description = "The report, dismissed.", body = ReportResponse),
        (status = 403, description = "Not a moderator (`forbidden`), no two-factor authentication (`two_factor_required`), or a report on one's own content (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or its content left your sight (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "No longer open (`report_closed`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Bad note (`invalid_reason`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/dismiss")]
pub async fn dismiss_report(
    service: web::Data<ModerationService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<DismissRequest>,
) -> Result<HttpResponse, ApiError> {
    let report = service
        .dismiss(
            &actor.0,
            ReportId::from_uuid(id.into_inner()),
            body.into_inner().note,
        )
        .await?;
    Ok(HttpResponse::Ok().json(ReportResponse::from(report)))
}

// ───────────────────────────── the log ─────────────────────────────

/// An action of the moderation log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModerationActionName {
    /// Reports reached the threshold: a published resource waits for review.
    ResourceHeld,
    /// A resource was published.
    ResourceApproved,
    /// A resource was sent back to its author.
    ResourceRejected,
    /// A published resource was taken down.
    ResourceSuspended,
    /// A suspended resource was put back.
    ResourceReinstated,
    /// Reports reached the threshold: a comment is withheld.
    CommentHeld,
    /// A comment was hidden.
    CommentHidden,
    /// A comment was made visible again.
    CommentRestored,
    /// A report was dismissed.
    ReportDismissed,
}

impl From<ModerationActionName> for ModerationAction {
    fn from(action: ModerationActionName) -> Self {
        match action {
            ModerationActionName::ResourceHeld => Self::ResourceHeld,
            ModerationActionName::ResourceApproved => Self::ResourceApproved,
            ModerationActionName::ResourceRejected => Self::ResourceRejected,
            ModerationActionName::ResourceSuspended => Self::ResourceSuspended,
            ModerationActionName::ResourceReinstated => Self::ResourceReinstated,
            ModerationActionName::CommentHeld => Self::CommentHeld,
            ModerationActionName::CommentHidden => Self::CommentHidden,
            ModerationActionName::CommentRestored => Self::CommentRestored,
            ModerationActionName::ReportDismissed => Self::ReportDismissed,
        }
    }
}

/// Which entries of the log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct LogQueryParams {
    /// Only this action.
    pub action: Option<ModerationActionName>,
    /// Only this moderator's (their username).
    pub actor: Option<String>,
    /// Only about this kind of content.
    pub target_kind: Option<ContentKindName>,
    /// Only at or after this instant (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<OffsetDateTime>,
    /// Only before this instant (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<OffsetDateTime>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// An entry of the moderation log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogEntryResponse {
    /// Position in the log.
    pub id: u64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What was done.
    pub action: ModerationActionName,
    /// The moderator's account id; absent for an automatic hold.
    pub actor_id: Option<uuid::Uuid>,
    /// The moderator's username, while the account exists.
    pub actor: Option<String>,
    /// The content.
    pub target: ContentTarget,
    /// The resource of the content (itself for a resource).
    pub resource_id: uuid::Uuid,
    /// The dismissed report, for `report_dismissed`.
    pub report_id: Option<uuid::Uuid>,
    /// The reason told to the author, or a dismissal's note.
    pub reason: Option<String>,
}

fn action_name(action: ModerationAction) -> ModerationActionName {
    match action {
        ModerationAction::ResourceHeld => ModerationActionName::ResourceHeld,
        ModerationAction::ResourceApproved => ModerationActionName::ResourceApproved,
        ModerationAction::ResourceRejected => ModerationActionName::ResourceRejected,
        ModerationAction::ResourceSuspended => ModerationActionName::ResourceSuspended,
        ModerationAction::ResourceReinstated => ModerationActionName::ResourceReinstated,
        ModerationAction::CommentHeld => ModerationActionName::CommentHeld,
        ModerationAction::CommentHidden => ModerationActionName::CommentHidden,
        ModerationAction::CommentRestored => ModerationActionName::CommentRestored,
        ModerationAction::ReportDismissed => ModerationActionName::ReportDismissed,
    }
}

impl From<LoggedModeration> for LogEntryResponse {
    fn from(logged: LoggedModeration) -> Self {
        let entry = logged.entry;
        Self {
            id: logged.id,
            at: entry.at,
            action: action_name(entry.action),
            actor_id: entry.actor.map(|a| a.as_uuid()),
            actor: logged.actor_name.map(|n| n.to_string()),
            target: entry.target.into(),
            resource_id: entry.target.resource().as_uuid(),
            report_id: entry.report.map(|r| r.as_uuid()),
            reason: entry.reason,
        }
    }
}

/// A page of the log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogPageResponse {
    /// Newest first.
    pub items: Vec<LogEntryResponse>,
    /// Pass it as `cursor` for the next page; absent on the last one. Opaque.
    #[schema(example = "1042")]
    pub next_cursor: Option<String>,
}

impl From<LogPage> for LogPageResponse {
    fn from(page: LogPage) -> Self {
        Self {
            items: page.entries.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(|id| id.to_string()),
        }
    }
}

/// The moderation log
///
/// Every moderator's decision, automatic hold and dismissal, with its
/// actor, time, content and reason, newest first. Administrators and above
/// with two-factor authentication.
#[utoipa::path(
    tag = "Moderation",
    security(("bearerAuth" = [])),
    params(LogQueryParams),
    responses(
        (status = 200, description = "A page.", body = LogPageResponse),
        (status = 400, description = "Bad query string or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator (`forbidden`), or no two-factor authentication (`two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`from` is not before `to` (`invalid_period`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/moderation-log")]
pub async fn moderation_log(
    service: web::Data<ModerationService>,
    actor: Authenticated,
    query: web::Query<LogQueryParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = match limit(query.limit) {
        Ok(limit) => limit,
        Err(problem) => return Ok(problem.error_response()),
    };
    let after = match query.cursor.as_deref().map(str::parse::<u64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Ok(bad_cursor()),
    };
    let moderator = match query.actor.as_deref().map(Username::parse) {
        None => None,
        Some(Ok(name)) => Some(name),
        Some(Err(_)) => {
            return Ok(RequestProblem::InvalidQuery("actor is a username.".into()).error_response());
        }
    };
    let page = service
        .moderation_log(
            &actor.0,
            LogRequest {
                action: query.action.map(Into::into),
                actor: moderator,
                kind: query.target_kind.map(Into::into),
                from: query.from,
                to: query.to,
                after,
                limit,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(LogPageResponse::from(page)))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_queue_cursor_survives_its_round_trip_to_the_microsecond() {
        let cursor = QueueCursor {
            since: datetime!(2026-11-29 10:15:30.123456 UTC),
            id: uuid::Uuid::now_v7(),
        };
        assert_eq!(decode(&encode(cursor)), Some(cursor));
    }

    #[test]
    fn a_queue_cursor_this_api_did_not_give_is_refused() {
        for raw in [
            "",
            "abc",
            "12.",
            ".0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
            "12.xyz",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
    }

    #[test]
    fn every_action_has_its_name() {
        for action in ModerationAction::ALL {
            let name = action_name(action);
            assert_eq!(ModerationAction::from(name), action);
            assert_eq!(
                serde_json::to_value(name).unwrap(),
                serde_json::json!(action.as_str())
            );
        }
    }
}
