//! `GET /api/v1/categories`, `/relation-types`, `/resource-types`: the reference
//! data that classifies resources. Public.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, get, web};
use rr_application::services::ReferenceDataService;
use rr_domain::reference::{Category, RelationType, ResourceType};
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::ApiError;

/// One item of reference data.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a22499-f800-710b-8000-000000000000",
    "slug": "sante-psychique",
    "label": "Santé psychique"
}))]
pub struct ReferenceItem {
    /// Identifier (UUID), to use in filters and when creating a resource.
    pub id: uuid::Uuid,
    /// Stable machine name: never changes, safe to use in URLs and code.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 64)]
    pub slug: String,
    /// French name to show to citizens.
    #[schema(max_length = 80)]
    pub label: String,
}

/// A complete, bounded list of reference data, in display order. Not paginated:
/// these lists hold a few dozen items at most.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceList {
    /// Every item, in display order.
    pub items: Vec<ReferenceItem>,
}

impl From<Category> for ReferenceItem {
    fn from(c: Category) -> Self {
        Self {
            id: c.id.as_uuid(),
            slug: c.slug.to_string(),
            label: c.label.to_string(),
        }
    }
}

impl From<RelationType> for ReferenceItem {
    fn from(r: RelationType) -> Self {
        Self {
            id: r.id.as_uuid(),
            slug: r.slug.to_string(),
            label: r.label.to_string(),
        }
    }
}

impl From<ResourceType> for ReferenceItem {
    fn from(r: ResourceType) -> Self {
        Self {
            id: r.id.as_uuid(),
            slug: r.slug.to_string(),
            label: r.label.to_string(),
        }
    }
}

/// Reference data changes rarely: clients and proxies may keep it a minute.
fn cached_list<T: Into<ReferenceItem>>(items: Vec<T>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(60),
        ]))
        .json(ReferenceList {
            items: items.into_iter().map(Into::into).collect(),
        })
}

/// List the categories
///
/// The active categories a resource can be filed under, in display order.
#[utoipa::path(
    tag = "Reference data",
    responses((status = 200, description = "The active categories.", body = ReferenceList))
)]
#[get("/categories")]
pub async fn list_categories(
    service: web::Data<ReferenceDataService>,
) -> Result<HttpResponse, ApiError> {
    Ok(cached_list(service.public_categories().await?))
}

/// List the relation types
///
/// The kinds of relationship a resource helps with ("Soi", "Famille", …), in display order.
#[utoipa::path(
    tag = "Reference data",
    responses((status = 200, description = "Every relation type.", body = ReferenceList))
)]
#[get("/relation-types")]
pub async fn list_relation_types(
    service: web::Data<ReferenceDataService>,
) -> Result<HttpResponse, ApiError> {
    Ok(cached_list(service.relation_types().await?))
}

/// List the resource types
///
/// The forms a resource takes ("Article", "Vidéo", …), in display order.
#[utoipa::path(
    tag = "Reference data",
    responses((status = 200, description = "Every resource type.", body = ReferenceList))
)]
#[get("/resource-types")]
pub async fn list_resource_types(
    service: web::Data<ReferenceDataService>,
) -> Result<HttpResponse, ApiError> {
    Ok(cached_list(service.resource_types().await?))
}
