//! `GET /api/v1/resources`: the catalogue of published resources, filtered,
//! sorted, searched, in keyset pages.

use actix_web::{HttpResponse, ResponseError, get, web};
use rr_application::ports::{CatalogueCursor, CatalogueEntry, CatalogueSort};
use rr_application::services::ResourceService;
use rr_application::services::resources::CatalogueRequest;
use rr_domain::identity::Username;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{ResourceId, SearchText, Visibility};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use crate::extract::MaybeAuthenticated;
use crate::problem::{ApiError, RequestProblem};
use crate::routes::resources::VisibilityName;

/// An order of the catalogue.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortName {
    /// Newest first.
    Newest,
    /// Most consulted first.
    MostViewed,
    /// Most often kept in favourites first.
    MostFavourited,
}

impl From<SortName> for CatalogueSort {
    fn from(sort: SortName) -> Self {
        match sort {
            SortName::Newest => Self::Newest,
            SortName::MostViewed => Self::MostViewed,
            SortName::MostFavourited => Self::MostFavourited,
        }
    }
}

/// What to list. Every filter narrows the list.
///
/// Typed parameters arrive as text and are parsed in [`Self::into_request`]:
/// serde's own errors would not name the parameter at fault.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CatalogueParams {
    /// Words to find in the title, summary or body (case and accents
    /// ignored; every word of three letters or more that is not a common
    /// one must appear). At most 200 characters; empty means no search.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// A category id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub category: Option<String>,
    /// A resource type id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub resource_type: Option<String>,
    /// Relation type ids, comma-separated: resources with at least one of them.
    #[param(example = "01a22499-f800-7201-8000-000000000000,01a22499-f800-7203-8000-000000000000")]
    pub relation_types: Option<String>,
    /// An author's username.
    pub author: Option<String>,
    /// Created at or after this instant (RFC 3339).
    #[param(example = "2026-01-01T00:00:00Z")]
    pub created_from: Option<String>,
    /// Created before this instant (RFC 3339).
    #[param(example = "2027-01-01T00:00:00Z")]
    pub created_before: Option<String>,
    /// Order (default `newest`).
    #[param(value_type = Option<SortName>, inline)]
    pub sort: Option<String>,
    /// At most this many (1 to 100, default 20).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page, with the same filters and order.
    pub cursor: Option<String>,
}

/// Most relation types in one filter (there are six).
const MAX_RELATION_TYPES: usize = 10;

fn invalid(parameter: &str, why: &str) -> RequestProblem {
    RequestProblem::InvalidQuery(format!("`{parameter}`: {why}"))
}

fn reference(parameter: &str, raw: Option<&str>) -> Result<Option<ReferenceId>, RequestProblem> {
    raw.map(|raw| {
        uuid::Uuid::try_parse(raw)
            .map(ReferenceId::from_uuid)
            .map_err(|_| invalid(parameter, "an id (UUID)."))
    })
    .transpose()
}

fn sort(raw: Option<&str>) -> Result<CatalogueSort, RequestProblem> {
    Ok(match raw {
        None | Some("newest") => SortName::Newest,
        Some("most_viewed") => SortName::MostViewed,
        Some("most_favourited") => SortName::MostFavourited,
        Some(_) => {
            return Err(invalid(
                "sort",
                "one of newest, most_viewed, most_favourited.",
            ));
        }
    }
    .into())
}

fn instant(parameter: &str, raw: Option<&str>) -> Result<Option<OffsetDateTime>, RequestProblem> {
    raw.map(|raw| {
        OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| {
            invalid(
                parameter,
                "an RFC 3339 instant such as 2026-01-01T00:00:00Z.",
            )
        })
    })
    .transpose()
}

/// The cursor is `<sort>.<count>.<id>`: opaque to clients, checked here.
fn sort_tag(sort: CatalogueSort) -> &'static str {
    match sort {
        CatalogueSort::Newest => "n",
        CatalogueSort::MostViewed => "v",
        CatalogueSort::MostFavourited => "f",
    }
}

fn encode_cursor(sort: CatalogueSort, cursor: CatalogueCursor) -> String {
    format!(
        "{}.{}.{}",
        sort_tag(sort),
        cursor.count,
        cursor.id.as_uuid().simple()
    )
}

fn decode_cursor(sort: CatalogueSort, raw: &str) -> Result<CatalogueCursor, RequestProblem> {
    let bad = || {
        invalid(
            "cursor",
            "not a cursor of this order; pass `nextCursor` as given.",
        )
    };
    let mut parts = raw.splitn(3, '.');
    let (Some(tag), Some(count), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if tag != sort_tag(sort) {
        return Err(bad());
    }
    Ok(CatalogueCursor {
        count: count.parse().map_err(|_| bad())?,
        id: ResourceId::from_uuid(uuid::Uuid::try_parse(id).map_err(|_| bad())?),
    })
}

impl CatalogueParams {
    fn into_request(self) -> Result<CatalogueRequest, RequestProblem> {
        let limit = match self.limit.as_deref() {
            None => 20,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|limit| (1..=100).contains(limit))
                .ok_or_else(|| invalid("limit", "between 1 and 100."))?,
        };
        let sort = sort(self.sort.as_deref())?;
        let text = self
            .q
            .as_deref()
            // An empty search box searches for nothing: the whole list.
            .filter(|q| !q.trim().is_empty())
            .map(|q| SearchText::parse(q).map_err(|e| invalid("q", &format!("{e}."))))
            .transpose()?;
        let relation_types = match self.relation_types.as_deref() {
            None => Vec::new(),
            Some(raw) => {
                let ids = raw
                    .split(',')
                    .map(|id| uuid::Uuid::try_parse(id.trim()).map(ReferenceId::from_uuid))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| {
                        invalid("relationTypes", "relation type ids separated by commas.")
                    })?;
                if ids.len() > MAX_RELATION_TYPES {
                    return Err(invalid("relationTypes", "at most 10 ids."));
                }
                ids
            }
        };
        let author = self
            .author
            .as_deref()
            .map(|name| Username::parse(name).map_err(|e| invalid("author", &format!("{e}."))))
            .transpose()?;
        let created_from = instant("createdFrom", self.created_from.as_deref())?;
        let created_before = instant("createdBefore", self.created_before.as_deref())?;
        let after = self
            .cursor
            .as_deref()
            .map(|raw| decode_cursor(sort, raw))
            .transpose()?;
        Ok(CatalogueRequest {
            category: reference("category", self.category.as_deref())?,
            resource_type: reference("resourceType", self.resource_type.as_deref())?,
            relation_types,
            author,
            created_from,
            created_before,
            text,
            sort,
            after,
            limit,
        })
    }
}

/// A resource as the catalogue lists it (read the whole of it by its id).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueItem {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The author's username.
    pub author: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Category id.
    pub category_id: uuid::Uuid,
    /// Resource type id.
    pub resource_type_id: uuid::Uuid,
    /// Relation type ids.
    pub relation_type_ids: Vec<uuid::Uuid>,
    /// Audience.
    pub visibility: VisibilityName,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// First publication.
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    /// Counted consultations.
    pub view_count: u64,
    /// Citizens who keep it in their favourites.
    pub favourite_count: u64,
}

impl From<CatalogueEntry> for CatalogueItem {
    fn from(e: CatalogueEntry) -> Self {
        Self {
            id: e.id.as_uuid(),
            author: e.author.to_string(),
            title: e.title.as_str().to_owned(),
            summary: e.summary.as_str().to_owned(),
            category_id: e.category.as_uuid(),
            resource_type_id: e.resource_type.as_uuid(),
            relation_type_ids: e.relation_types.iter().map(ReferenceId::as_uuid).collect(),
            visibility: match e.visibility {
                Visibility::Public => VisibilityName::Public,
                Visibility::Restricted => VisibilityName::Restricted,
                Visibility::Private => VisibilityName::Private,
                Visibility::Shared => VisibilityName::Shared,
            },
            created_at: e.created_at,
            published_at: e.published_at,
            view_count: e.view_count,
            favourite_count: e.favourite_count,
        }
    }
}

/// A page of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CataloguePage {
    /// In the order asked.
    pub items: Vec<CatalogueItem>,
    /// Pass it as `cursor` (with the same filters and order) for the next
    /// page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// The catalogue
///
/// Published resources the caller may see: public ones for visitors; public,
/// restricted, and those shared with them for logged-in accounts. Filters,
/// order and French full-text search; keyset pages (a page never repeats or
/// skips a resource because others were published meanwhile). The first page
/// of a search is counted for statistics, without its words.
#[utoipa::path(
    operation_id = "list_resources",
    tag = "Resources",
    security((), ("bearerAuth" = [])),
    params(CatalogueParams),
    responses(
        (status = 200, description = "A page.", body = CataloguePage),
        (status = 400, description = "Bad query string (`invalid_query`), naming the parameter.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources")]
pub async fn list(
    service: web::Data<ResourceService>,
    actor: MaybeAuthenticated,
    params: web::Query<CatalogueParams>,
) -> Result<HttpResponse, ApiError> {
    let request = match params.into_inner().into_request() {
        Ok(request) => request,
        Err(problem) => return Ok(problem.error_response()),
    };
    let (sort, limit) = (request.sort, request.limit);
    let entries = service.catalogue(&actor.0, request).await?;
    let full = u64::try_from(entries.len()).unwrap_or(u64::MAX) == limit;
    let next_cursor = full
        .then(|| entries.last().map(|e| encode_cursor(sort, e.cursor(sort))))
        .flatten();
    Ok(HttpResponse::Ok().json(CataloguePage {
        items: entries.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_comes_back_as_it_went_and_only_for_its_order() {
        let cursor = CatalogueCursor {
            count: 42,
            id: ResourceId::generate(),
        };
        let raw = encode_cursor(CatalogueSort::MostViewed, cursor);
        assert_eq!(
            decode_cursor(CatalogueSort::MostViewed, &raw).unwrap(),
            cursor
        );
        assert!(decode_cursor(CatalogueSort::Newest, &raw).is_err());
        for bad in ["", "v", "v.1", "v.x.0190", "v.-1.0190", "v.1.zz"] {
            assert!(
                decode_cursor(CatalogueSort::MostViewed, bad).is_err(),
                "{bad}"
            );
        }
    }
}
