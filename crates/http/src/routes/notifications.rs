//! The caller's inbox: `GET /api/v1/me/notifications` (a page, newest
//! first, with the unread count), `POST /api/v1/me/notifications/{id}/read`
//! and `POST /api/v1/me/notifications/read-all` (204).

use actix_web::{HttpResponse, ResponseError, get, post, web};
use rr_application::ports::InboxFilter;
use rr_application::services::NotificationService;
use rr_application::services::notifications::InboxPage;
use rr_domain::community::{Notification, NotificationId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};

/// Items of a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;

/// One notification.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationResponse {
    /// Notification id.
    pub id: uuid::Uuid,
    /// What happened: `resource_approved`, `resource_rejected`,
    /// `resource_suspended`, `resource_reinstated`, `comment_reply`,
    /// `content_hidden` or `content_restored`. Clients should ignore kinds
    /// they do not know: more may come.
    #[schema(example = "resource_rejected")]
    pub kind: &'static str,
    /// The resource concerned, or the resource the comment concerned
    /// belongs to.
    pub resource_id: uuid::Uuid,
    /// The caller's comment replied to (`comment_reply`), or the comment
    /// hidden or restored (`content_hidden`, `content_restored`); `null`
    /// when the notification concerns the resource itself.
    pub comment_id: Option<uuid::Uuid>,
    /// The reply (`comment_reply` only); `null` otherwise.
    pub reply_id: Option<uuid::Uuid>,
    /// The moderator's reason: always for `resource_rejected` and
    /// `resource_suspended`, for `content_hidden` when a moderator (not
    /// pending reports) hid the content; `null` otherwise. Never the text
    /// of a comment.
    #[schema(example = "Le lien ne fonctionne plus.")]
    pub reason: Option<String>,
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the caller first marked it read; `null` while unread.
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

impl From<Notification> for NotificationResponse {
    fn from(notification: Notification) -> Self {
        let kind = &notification.kind;
        Self {
            id: notification.id.as_uuid(),
            kind: kind.code(),
            resource_id: kind.resource().as_uuid(),
            comment_id: kind.comment().map(|c| c.as_uuid()),
            reply_id: kind.reply().map(|c| c.as_uuid()),
            reason: kind.reason().map(str::to_owned),
            created_at: notification.created_at,
            read_at: notification.read_at,
        }
    }
}

/// A page of the inbox.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationPageResponse {
    /// Newest first.
    pub items: Vec<NotificationResponse>,
    /// Pass it as `cursor` for the next page; `null` on the last one. Opaque.
    #[schema(example = "0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
    /// How many of the caller's notifications are unread, in all (not only
    /// on this page): the badge of the inbox.
    pub unread_count: u64,
}

impl From<InboxPage> for NotificationPageResponse {
    fn from(page: InboxPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(encode),
            unread_count: page.unread,
        }
    }
}

/// The cursor as sent: the last notification's id without hyphens.
fn encode(after: NotificationId) -> String {
    after.as_uuid().simple().to_string()
}

fn decode(raw: &str) -> Option<NotificationId> {
    if raw.len() != 32 {
        return None;
    }
    uuid::Uuid::try_parse(raw)
        .ok()
        .map(NotificationId::from_uuid)
}

/// Which page of the inbox.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationPageQuery {
    /// `true`: unread notifications only. Default `false`: all.
    pub unread: Option<bool>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

impl NotificationPageQuery {
    /// The filter, the position and the page size, or the problem with them.
    fn parse(&self) -> Result<(InboxFilter, Option<NotificationId>, u64), RequestProblem> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=100).contains(&limit) {
            return Err(RequestProblem::InvalidQuery(
                "limit is between 1 and 100.".into(),
            ));
        }
        let after = match self.cursor.as_deref() {
            None => None,
            Some(raw) => Some(decode(raw).ok_or_else(|| {
                RequestProblem::InvalidQuery(
                    "cursor is not one this API gave (pass nextCursor as is).".into(),
                )
            })?),
        };
        let filter = if self.unread == Some(true) {
            InboxFilter::Unread
        } else {
            InboxFilter::All
        };
        Ok((filter, after, limit))
    }
}

/// My notifications
///
/// A page of the caller's inbox, newest first, with the number of unread
/// notifications in all. Only the caller's own notifications, ever.
#[utoipa::path(
    operation_id = "list_my_notifications",
    tag = "Notifications",
    security(("bearerAuth" = [])),
    params(NotificationPageQuery),
    responses(
        (status = 200, description = "A page.", body = NotificationPageResponse),
        (status = 400, description = "Bad query string, limit or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/notifications")]
pub async fn list(
    service: web::Data<NotificationService>,
    actor: Authenticated,
    query: web::Query<NotificationPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, after, limit) = match query.parse() {
        Ok(parsed) => parsed,
        Err(problem) => return Ok(problem.error_response()),
    };
    let page = service.inbox(&actor.0, filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(NotificationPageResponse::from(page)))
}

/// Mark a notification read
///
/// Marks one of the caller's notifications read. Marking it again keeps the
/// first reading.
#[utoipa::path(
    operation_id = "mark_notification_read",
    tag = "Notifications",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Notification id.")),
    responses(
        (status = 204, description = "Read, or already so."),
        (status = 404, description = "The caller has no such notification (`not_found`), whether or not another account has.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    service: web::Data<NotificationService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    service
        .mark_read(&actor.0, NotificationId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark all my notifications read
///
/// Marks every unread notification of the caller read.
#[utoipa::path(
    operation_id = "mark_all_notifications_read",
    tag = "Notifications",
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Every notification is read."),
    )
)]
#[post("/notifications/read-all")]
pub async fn mark_all_read(
    service: web::Data<NotificationService>,
    actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    service.mark_all_read(&actor.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip() {
        let id = NotificationId::generate();
        assert_eq!(decode(&encode(id)), Some(id));
    }

    #[test]
    fn a_cursor_this_api_did_not_give_is_refused() {
        for raw in [
            "",
            "abc",
            "0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70",
            "0193a1f0c2b87e4f9d1a2b3c4d5e6f7",
            "0193a1f0c2b87e4f9d1a2b3c4d5e6fxx",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
    }
}
