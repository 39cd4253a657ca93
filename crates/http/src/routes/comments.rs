//! Comments on resources: `GET` and `POST /api/v1/resources/{id}/comments`
//! (a page of the thread, a new comment or reply), `PATCH` and `DELETE
//! /api/v1/comments/{id}` (its author's edit and tombstone).

use actix_web::{HttpResponse, ResponseError, delete, get, patch, post, web};
use rr_application::ports::ThreadCursor;
use rr_application::services::CommentService;
use rr_application::services::comments::{CommentContent, CommentPage, CommentView, NewComment};
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::resource::ResourceId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Authenticated, MaybeAuthenticated};
use crate::problem::{ApiError, RequestProblem};
use crate::validation::{Fields, present};

const NOT_FOUND: &str = "No such resource, or you may not see it (`not_found`).";
const COMMENT_NOT_FOUND: &str = "No such comment, or you may not see its resource (`not_found`).";

/// A new comment, or a reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "body": "Merci, la deuxième piste a marché chez nous.",
    "parentId": "0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70"
}))]
pub struct NewCommentRequest {
    /// Plain text, 1 to 5,000 characters once trimmed; line breaks allowed,
    /// no other control character.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
    /// The comment this one replies to, on the same resource; absent for a
    /// top-level comment.
    pub parent_id: Option<uuid::Uuid>,
    /// Speak as a moderator (moderators and above with two-factor
    /// authentication only); shown with a mark.
    #[serde(default)]
    pub as_moderator: bool,
}

impl NewCommentRequest {
    fn try_into_command(self) -> Result<NewComment, rr_application::AppError> {
        let mut fields = Fields::default();
        let body = fields.parse("body", &self.body, CommentBody::parse);
        fields.finish()?;
        Ok(NewComment {
            body: present(body)?,
            parent: self.parent_id.map(CommentId::from_uuid),
            as_moderator: self.as_moderator,
        })
    }
}

/// A comment's new text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"body": "Merci, la deuxième piste a bien marché chez nous."}))]
pub struct CommentPatch {
    /// Plain text, 1 to 5,000 characters once trimmed.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// A comment as the caller may see it.
///
/// A comment deleted by its author (`deleted`) or withheld from the caller
/// (`hidden`: held for review or hidden by a moderator) keeps its place in
/// the thread with `body`, `author` and `editedAt` null. Its author and
/// moderators see a withheld comment whole, with its true state (`held` or
/// `hidden`) and the moderator's `hiddenReason`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The resource it is on.
    pub resource_id: uuid::Uuid,
    /// The comment it replies to; null at the top of the thread.
    pub parent_id: Option<uuid::Uuid>,
    /// 0 for a top-level comment, the parent's depth plus one for a reply.
    pub depth: u32,
    /// `visible`, `held` (withheld pending review), `hidden` (by a
    /// moderator) or `deleted` (by its author).
    #[schema(example = "visible")]
    pub state: &'static str,
    /// Its text; null when deleted or withheld from the caller.
    pub body: Option<String>,
    /// Its author's username; null when deleted or withheld from the caller.
    pub author: Option<String>,
    /// Written by a moderator speaking as such.
    pub as_moderator: bool,
    /// Whether the caller wrote it (and may edit or delete it).
    pub mine: bool,
    /// Why a moderator hid it (for its author and moderators).
    pub hidden_reason: Option<String>,
    /// When it was posted.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its author last changed its text (the "edited" mark).
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
}

impl From<CommentView> for CommentResponse {
    fn from(view: CommentView) -> Self {
        let mut response = Self {
            id: view.id.as_uuid(),
            resource_id: view.resource.as_uuid(),
            parent_id: view.parent.map(|p| p.as_uuid()),
            depth: view.depth,
            state: CommentState::Deleted.name(),
            body: None,
            author: None,
            as_moderator: false,
            mine: false,
            hidden_reason: None,
            created_at: view.created_at,
            edited_at: None,
        };
        match view.content {
            CommentContent::Full {
                body,
                author,
                is_author,
                as_moderator,
                state,
                edited_at,
            } => {
                response.state = state.name();
                response.body = Some(body.as_str().to_owned());
                response.author = Some(author.to_string());
                response.as_moderator = as_moderator;
                response.mine = is_author;
                response.hidden_reason = state.reason().map(str::to_owned);
                response.edited_at = edited_at;
            }
            // Held and hidden look alike to those who may not read them.
            CommentContent::Withheld => {
                response.state = "hidden";
            }
            CommentContent::Deleted => {}
        }
        response
    }
}

/// A page of a resource's thread.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentPageResponse {
    /// Top-level comments oldest first, each followed by all its replies in
    /// thread order (a reply right after its parent, or after its older
    /// siblings and their replies).
    pub items: Vec<CommentResponse>,
    /// Pass it as `cursor` for the next page of top-level comments; absent
    /// on the last one. Opaque.
    #[schema(example = "1764411330123456.0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
}

/// The cursor as sent: the last top-level comment's instant in microseconds
/// since the Unix epoch, a dot, its id without hyphens.
fn encode(cursor: ThreadCursor) -> String {
    let micros = cursor.created_at.unix_timestamp_nanos() / 1_000;
    format!("{micros}.{}", cursor.id.as_uuid().simple())
}

fn decode(raw: &str) -> Option<ThreadCursor> {
    let (micros, id) = raw.split_once('.')?;
    let micros: i128 = micros.parse().ok()?;
    let created_at = OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1_000)?).ok()?;
    let id = uuid::Uuid::try_parse(id).ok()?;
    Some(ThreadCursor {
        created_at,
        id: CommentId::from_uuid(id),
    })
}

impl From<CommentPage> for CommentPageResponse {
    fn from(page: CommentPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(encode),
        }
    }
}

/// A page of a thread.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// Top-level comments of the page, from 1 to `comments.max_page_size`
    /// (50 by default); `comments.page_size` (20) when absent.
    #[param(minimum = 1)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Read the comments of a resource
///
/// A page of the thread of a resource the caller may see (visitors read
/// those of published public resources): top-level comments oldest first,
/// each with all its replies in thread order. Comments deleted by their
/// authors or withheld from the caller keep their place, without text.
#[utoipa::path(
    operation_id = "read_comments",
    tag = "Comments",
    security((), ("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id."), ThreadQuery),
    responses(
        (status = 200, description = "A page of the thread.", body = CommentPageResponse),
        (status = 400, description = "Bad query string, limit or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources/{id}/comments")]
pub async fn thread(
    service: web::Data<CommentService>,
    actor: MaybeAuthenticated,
    id: web::Path<uuid::Uuid>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, ApiError> {
    let max = service.policy().max_page_size;
    if query.limit.is_some_and(|limit| !(1..=max).contains(&limit)) {
        return Ok(
            RequestProblem::InvalidQuery(format!("limit is between 1 and {max}.")).error_response(),
        );
    }
    let after = match query.cursor.as_deref().map(decode) {
        None => None,
        Some(Some(cursor)) => Some(cursor),
        Some(None) => {
            return Ok(RequestProblem::InvalidQuery(
                "cursor is not one this API gave (pass nextCursor as is).".into(),
            )
            .error_response());
        }
    };
    let page = service
        .thread(
            &actor.0,
            ResourceId::from_uuid(id.into_inner()),
            after,
            query.limit,
        )
        .await?;
    Ok(HttpResponse::Ok().json(CommentPageResponse::from(page)))
}

/// Comment on a resource
///
/// Posts a comment on a published resource the caller may see, at the top
/// of its thread or in reply to one of its visible comments. The parent's
/// author is notified.
#[utoipa::path(
    operation_id = "create_comment",
    tag = "Comments",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id.")),
    request_body = NewCommentRequest,
    responses(
        (status = 201, description = "The comment.", body = CommentResponse),
        (status = 403, description = "Speaking as a moderator needs the role (`forbidden`) and two-factor authentication (`two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The resource takes no comments (not published: `comments_closed`), or the parent is deleted, held or hidden (`parent_unavailable`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A bad text (`invalid_comment`), a parent that is not a comment of this resource (`unknown_parent`) or a reply too deep (`thread_too_deep`), named in `errors`.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = crate::problem::WRITE_RATE_LIMITED, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/resources/{id}/comments")]
pub async fn create(
    service: web::Data<CommentService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<NewCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.into_inner().try_into_command()?;
    let view = service
        .post(&actor.0, ResourceId::from_uuid(id.into_inner()), command)
        .await?;
    Ok(HttpResponse::Created().json(CommentResponse::from(view)))
}

/// Edit a comment
///
/// Its author changes the text of a visible comment, which is then marked
/// edited (`editedAt`).
#[utoipa::path(
    operation_id = "update_comment",
    tag = "Comments",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Comment id.")),
    request_body = CommentPatch,
    responses(
        (status = 200, description = "The comment.", body = CommentResponse),
        (status = 403, description = "Not the caller's (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = COMMENT_NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Held, hidden or deleted comments keep their text (`invalid_transition`); changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/comments/{id}")]
pub async fn update(
    service: web::Data<CommentService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<CommentPatch>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let text = fields.parse("body", &body.body, CommentBody::parse);
    fields.finish()?;
    let view = service
        .edit(
            &actor.0,
            CommentId::from_uuid(id.into_inner()),
            present(text)?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(CommentResponse::from(view)))
}

/// Delete a comment
///
/// Its author deletes a comment: it stays in the thread as a tombstone
/// (state `deleted`, no text, no author), so replies stay readable, and
/// nothing of its text is kept.
#[utoipa::path(
    operation_id = "delete_comment",
    tag = "Comments",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Comment id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Not the caller's (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = COMMENT_NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Already deleted (`invalid_transition`); changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/comments/{id}")]
pub async fn remove(
    service: web::Data<CommentService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    service
        .delete(&actor.0, CommentId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use rr_domain::community::CommentId;
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip_to_the_microsecond() {
        let cursor = ThreadCursor {
            created_at: datetime!(2026-11-29 10:15:30.123456 UTC),
            id: CommentId::generate(),
        };
        assert_eq!(decode(&encode(cursor)), Some(cursor));
    }

    #[test]
    fn a_cursor_this_api_did_not_give_is_refused() {
        for raw in [
            "",
            "abc",
            "12.",
            ".0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
            "12.not-a-uuid",
            "999999999999999999999999999999999.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
    }
}
