//! `GET /api/v1/me/access-log`: which staff members read the caller's
//! personal data, when, why and which fields (ADR 0019).

use actix_web::{HttpResponse, ResponseError, get, web};
use rr_application::ports::{JournalCursor, JournalEntry};
use rr_application::services::AccountAdminService;
use rr_application::services::accounts::JournalPage;
use rr_domain::identity::AccessId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};

/// Default page size.
const DEFAULT_LIMIT: u64 = 20;

/// One reading of the caller's personal data by a staff member.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogEntry {
    /// Identifier of the entry.
    pub id: uuid::Uuid,
    /// When the data was read.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The staff member's username (their public handle, not their name).
    #[schema(example = "camille.d")]
    pub staff_username: String,
    /// Their role when they read it: `moderator`, `administrator` or
    /// `super_administrator`.
    #[schema(example = "administrator")]
    pub staff_role: &'static str,
    /// Why, as they gave it.
    #[schema(example = "Demande d'assistance n° 2026-1142")]
    pub reason: String,
    /// The fields read: `email`, `first_name`, `last_name`, `country`, `phone`.
    #[schema(example = json!(["email", "first_name", "last_name", "country"]))]
    pub fields: Vec<&'static str>,
}

impl From<JournalEntry> for AccessLogEntry {
    fn from(entry: JournalEntry) -> Self {
        Self {
            id: entry.access.id.as_uuid(),
            at: entry.access.at,
            staff_username: entry.staff_username.to_string(),
            staff_role: entry.access.staff_role.as_str(),
            reason: entry.access.reason.to_string(),
            fields: entry.access.fields.iter().map(|f| f.as_str()).collect(),
        }
    }
}

/// A page of the caller's access log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogPage {
    /// Newest first.
    pub items: Vec<AccessLogEntry>,
    /// Pass it as `cursor` for the next page; absent on the last one. Opaque.
    #[schema(example = "1764411330123456.0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
}

/// The cursor as sent: the entry's instant in microseconds since the Unix
/// epoch, a dot, its id without hyphens.
fn encode(cursor: JournalCursor) -> String {
    let micros = cursor.at.unix_timestamp_nanos() / 1_000;
    format!("{micros}.{}", cursor.id.as_uuid().simple())
}

fn decode(raw: &str) -> Option<JournalCursor> {
    let (micros, id) = raw.split_once('.')?;
    let micros: i128 = micros.parse().ok()?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1_000)?).ok()?;
    let id = uuid::Uuid::try_parse(id).ok()?;
    Some(JournalCursor {
        at,
        id: AccessId::from_uuid(id),
    })
}

impl From<JournalPage> for AccessLogPage {
    fn from(page: JournalPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(encode),
        }
    }
}

/// A page of the access log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessLogQuery {
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Who read my personal data
///
/// Every reading of the caller's personal data by a staff member (an
/// administrator opening their account, or finding it by its email address):
/// who (username and role), when, why, and which fields; newest first.
#[utoipa::path(
    operation_id = "my_access_log",
    tag = "My account",
    security(("bearerAuth" = [])),
    params(AccessLogQuery),
    responses(
        (status = 200, description = "A page of the journal.", body = AccessLogPage),
        (status = 400, description = "Bad query string or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/access-log")]
pub async fn access_log(
    service: web::Data<AccountAdminService>,
    actor: Authenticated,
    query: web::Query<AccessLogQuery>,
) -> Result<HttpResponse, ApiError> {
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
    let page = service.access_log(&actor.0, after, limit).await?;
    Ok(HttpResponse::Ok().json(AccessLogPage::from(page)))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip_to_the_microsecond() {
        let cursor = JournalCursor {
            at: datetime!(2026-11-29 10:15:30.123456 UTC),
            id: AccessId::generate(),
        };
        assert_eq!(decode(&encode(cursor)), Some(cursor));
    }

    #[test]
    fn a_cursor_this_api_did_not_give_is_refused() {
        for raw in [
            "",
            "abc",
            "12.",
            "x.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
            "12.not-a-uuid",
            "999999999999999999999999999999999.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
    }
}
