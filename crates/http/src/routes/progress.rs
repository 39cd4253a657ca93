//! Favourites and progress: `PUT`/`DELETE /api/v1/resources/{id}/favourite`,
//! `/exploited` and `/set-aside` (idempotent, 204), and the caller's
//! dashboard, `GET /api/v1/me/progress` and `GET /api/v1/me/progress/{list}`.

use actix_web::{HttpResponse, ResponseError, delete, get, put, web};
use rr_application::ports::{ProgressCursor, ProgressItem, ProgressList, ProgressMark};
use rr_application::services::EngagementService;
use rr_application::services::engagement::{Counts, Dashboard, ProgressPage, ReferenceCounts};
use rr_domain::identity::AuthenticatedActor;
use rr_domain::resource::ResourceId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};

const NOT_FOUND: &str = "No such resource, or you may not see it (`not_found`).";

/// Items of a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;

/// One of the caller's lists.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProgressListName {
    /// Favourites, by when they were added.
    Favourites,
    /// Resources marked exploited, by when they were marked.
    Exploited,
    /// Resources set aside, by when they were set aside.
    SetAside,
}

impl From<ProgressListName> for ProgressList {
    fn from(name: ProgressListName) -> Self {
        match name {
            ProgressListName::Favourites => Self::Favourites,
            ProgressListName::Exploited => Self::Exploited,
            ProgressListName::SetAside => Self::SetAside,
        }
    }
}

/// A resource in one of the caller's lists.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressItemResponse {
    /// Resource id.
    pub id: uuid::Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Category id.
    pub category_id: uuid::Uuid,
    /// Resource type id.
    pub resource_type_id: uuid::Uuid,
    /// The author's username.
    pub author: String,
    /// How many citizens keep it in their favourites.
    pub favourite_count: u64,
    /// When the caller put it in this list.
    #[serde(with = "time::serde::rfc3339")]
    pub marked_at: OffsetDateTime,
}

impl From<ProgressItem> for ProgressItemResponse {
    fn from(item: ProgressItem) -> Self {
        Self {
            id: item.resource.as_uuid(),
            title: item.title.as_str().to_owned(),
            summary: item.summary.as_str().to_owned(),
            category_id: item.category.as_uuid(),
            resource_type_id: item.resource_type.as_uuid(),
            author: item.author.to_string(),
            favourite_count: item.favourite_count,
            marked_at: item.marked_at,
        }
    }
}

/// A page of one list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressPageResponse {
    /// Most recently marked first.
    pub items: Vec<ProgressItemResponse>,
    /// Pass it as `cursor` to `GET /api/v1/me/progress/{list}` for the next
    /// page; absent on the last one. Opaque.
    #[schema(example = "1764411330123456.0193a1f0c2b87e4f9d1a2b3c4d5e6f70")]
    pub next_cursor: Option<String>,
}

/// The cursor as sent: the mark's instant in microseconds since the Unix
/// epoch, a dot, the resource id without hyphens.
fn encode(cursor: ProgressCursor) -> String {
    let micros = cursor.marked_at.unix_timestamp_nanos() / 1_000;
    format!("{micros}.{}", cursor.resource.as_uuid().simple())
}

fn decode(raw: &str) -> Option<ProgressCursor> {
    let (micros, id) = raw.split_once('.')?;
    let micros: i128 = micros.parse().ok()?;
    let marked_at = OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1_000)?).ok()?;
    let id = uuid::Uuid::try_parse(id).ok()?;
    Some(ProgressCursor {
        marked_at,
        resource: ResourceId::from_uuid(id),
    })
}

impl From<ProgressPage> for ProgressPageResponse {
    fn from(page: ProgressPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(encode),
        }
    }
}

/// How many resources the caller may see are in each list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressCounts {
    /// In favourites.
    pub favourites: u64,
    /// Marked exploited.
    pub exploited: u64,
    /// Set aside.
    pub set_aside: u64,
}

impl From<Counts> for ProgressCounts {
    fn from(counts: Counts) -> Self {
        Self {
            favourites: counts.favourites,
            exploited: counts.exploited,
            set_aside: counts.set_aside,
        }
    }
}

/// The counts of one category.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryCounts {
    /// Category id.
    pub category_id: uuid::Uuid,
    /// In favourites.
    pub favourites: u64,
    /// Marked exploited.
    pub exploited: u64,
    /// Set aside.
    pub set_aside: u64,
}

impl From<ReferenceCounts> for CategoryCounts {
    fn from(c: ReferenceCounts) -> Self {
        Self {
            category_id: c.id.as_uuid(),
            favourites: c.counts.favourites,
            exploited: c.counts.exploited,
            set_aside: c.counts.set_aside,
        }
    }
}

/// The counts of one resource type.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTypeCounts {
    /// Resource type id.
    pub resource_type_id: uuid::Uuid,
    /// In favourites.
    pub favourites: u64,
    /// Marked exploited.
    pub exploited: u64,
    /// Set aside.
    pub set_aside: u64,
}

impl From<ReferenceCounts> for ResourceTypeCounts {
    fn from(c: ReferenceCounts) -> Self {
        Self {
            resource_type_id: c.id.as_uuid(),
            favourites: c.counts.favourites,
            exploited: c.counts.exploited,
            set_aside: c.counts.set_aside,
        }
    }
}

/// The dashboard's counts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardCounts {
    /// Each category with at least one resource in a list, by id.
    pub by_category: Vec<CategoryCounts>,
    /// Each resource type with at least one resource in a list, by id.
    pub by_resource_type: Vec<ResourceTypeCounts>,
    /// Every resource.
    pub totals: ProgressCounts,
}

/// The caller's dashboard: counts, and the first page of each list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardResponse {
    /// How many resources are in each list.
    pub counts: DashboardCounts,
    /// Favourites.
    pub favourites: ProgressPageResponse,
    /// Resources marked exploited.
    pub exploited: ProgressPageResponse,
    /// Resources set aside.
    pub set_aside: ProgressPageResponse,
}

impl From<Dashboard> for DashboardResponse {
    fn from(d: Dashboard) -> Self {
        Self {
            counts: DashboardCounts {
                by_category: d.by_category.into_iter().map(Into::into).collect(),
                by_resource_type: d.by_resource_type.into_iter().map(Into::into).collect(),
                totals: d.totals.into(),
            },
            favourites: d.favourites.into(),
            exploited: d.exploited.into(),
            set_aside: d.set_aside.into(),
        }
    }
}

/// What a `PUT` or a `DELETE` asks.
#[derive(Debug, Clone, Copy)]
enum Change {
    Favourite(bool),
    Mark(ProgressMark, bool),
}

async fn apply(
    service: &EngagementService,
    actor: &AuthenticatedActor,
    id: uuid::Uuid,
    change: Change,
) -> Result<HttpResponse, ApiError> {
    let id = ResourceId::from_uuid(id);
    match change {
        Change::Favourite(true) => service.add_favourite(actor, id).await?,
        Change::Favourite(false) => service.remove_favourite(actor, id).await?,
        Change::Mark(mark, on) => service.set_mark(actor, id, mark, on).await?,
    };
    Ok(HttpResponse::NoContent().finish())
}

macro_rules! change {
    ($name:ident, $verb:ident, $path:literal, $change:expr, $summary:literal, $doc:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            tag = "Progress",
            security(("bearerAuth" = [])),
            params(("id" = uuid::Uuid, Path, description = "Resource id.")),
            responses(
                (status = 204, description = "Done, or already so."),
                (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[$verb($path)]
        pub async fn $name(
            service: web::Data<EngagementService>,
            actor: Authenticated,
            id: web::Path<uuid::Uuid>,
        ) -> Result<HttpResponse, ApiError> {
            apply(&service, &actor.0, id.into_inner(), $change).await
        }
    };
}

change!(
    add_favourite,
    put,
    "/resources/{id}/favourite",
    Change::Favourite(true),
    "Add to my favourites",
    "Puts a resource the caller may see in their favourites; it counts once however often it is added."
);
change!(
    remove_favourite,
    delete,
    "/resources/{id}/favourite",
    Change::Favourite(false),
    "Remove from my favourites",
    "Takes a resource the caller may see out of their favourites, if it was there."
);
change!(
    mark_exploited,
    put,
    "/resources/{id}/exploited",
    Change::Mark(ProgressMark::Exploited, true),
    "Mark as exploited",
    "Marks a resource the caller may see as exploited; marking it again keeps the first date."
);
change!(
    unmark_exploited,
    delete,
    "/resources/{id}/exploited",
    Change::Mark(ProgressMark::Exploited, false),
    "Mark as not exploited",
    "Takes the exploited mark off a resource the caller may see, if it was there."
);
change!(
    set_aside,
    put,
    "/resources/{id}/set-aside",
    Change::Mark(ProgressMark::SetAside, true),
    "Set aside",
    "Sets a resource the caller may see aside for later; setting it aside again keeps the first date."
);
change!(
    take_back,
    delete,
    "/resources/{id}/set-aside",
    Change::Mark(ProgressMark::SetAside, false),
    "Take back from the set-aside list",
    "Takes a resource the caller may see out of the set-aside list, if it was there."
);

/// The page size, or the problem with it.
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

/// The dashboard's page size.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Items of each list's first page (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// My progress
///
/// The caller's dashboard: how many resources are in their favourites,
/// marked exploited and set aside, by category, by resource type and in
/// all, and the first page of each list. Only resources the caller may still
/// see are counted and listed.
#[utoipa::path(
    tag = "Progress",
    security(("bearerAuth" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The dashboard.", body = DashboardResponse),
        (status = 400, description = "Bad query string (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/progress")]
pub async fn progress(
    service: web::Data<EngagementService>,
    actor: Authenticated,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = match limit(query.limit) {
        Ok(limit) => limit,
        Err(problem) => return Ok(problem.error_response()),
    };
    let dashboard = service.dashboard(&actor.0, limit).await?;
    Ok(HttpResponse::Ok().json(DashboardResponse::from(dashboard)))
}

/// A page of one list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressPageQuery {
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// One of my lists
///
/// A page of the caller's favourites, exploited or set-aside resources,
/// most recently marked first. Only resources the caller may still see.
#[utoipa::path(
    tag = "Progress",
    security(("bearerAuth" = [])),
    params(
        ("list" = inline(ProgressListName), Path, description = "`favourites`, `exploited` or `set-aside`; any other is 404 `not_found`."),
        ProgressPageQuery,
    ),
    responses(
        (status = 200, description = "A page.", body = ProgressPageResponse),
        (status = 400, description = "Bad query string or cursor (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such list (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/progress/{list}")]
pub async fn progress_list(
    service: web::Data<EngagementService>,
    actor: Authenticated,
    list: web::Path<ProgressListName>,
    query: web::Query<ProgressPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = match limit(query.limit) {
        Ok(limit) => limit,
        Err(problem) => return Ok(problem.error_response()),
    };
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
        .list(&actor.0, list.into_inner().into(), after, limit)
        .await?;
    Ok(HttpResponse::Ok().json(ProgressPageResponse::from(page)))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip_to_the_microsecond() {
        let cursor = ProgressCursor {
            marked_at: datetime!(2026-11-29 10:15:30.123456 UTC),
            resource: ResourceId::generate(),
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
            "x.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
            "12.not-a-uuid",
            "999999999999999999999999999999999.0193a1f0c2b87e4f9d1a2b3c4d5e6f70",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
    }
}
