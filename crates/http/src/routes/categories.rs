//! `/api/v1/admin/categories`: administrators create, rename and deactivate
//! categories. Resource types and relation types are fixed reference data.

use actix_web::{HttpResponse, get, patch, post, web};
use rr_application::services::ReferenceDataService;
use rr_domain::reference::{Category, Label, ReferenceId, Slug};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::Authenticated;
use crate::problem::ApiError;
use crate::validation::{Fields, present};

/// A category as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminCategory {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Stable machine name.
    pub slug: String,
    /// French name.
    pub label: String,
    /// Display order.
    pub position: u16,
    /// Whether it takes new resources and shows in the public list.
    pub active: bool,
}

impl From<Category> for AdminCategory {
    fn from(c: Category) -> Self {
        Self {
            id: c.id.as_uuid(),
            slug: c.slug.to_string(),
            label: c.label.to_string(),
            position: c.position,
            active: c.active,
        }
    }
}

/// Every category, inactive ones included.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminCategoryList {
    /// In display order.
    pub items: Vec<AdminCategory>,
}

/// A new category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "solidarite", "label": "Solidarité"}))]
pub struct NewCategory {
    /// Stable machine name: lower-case letters, digits, single inner hyphens.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 64)]
    pub slug: String,
    /// French name, 1 to 80 characters.
    #[schema(min_length = 1, max_length = 80)]
    pub label: String,
}

/// Changes to a category; its slug never changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    /// New French name.
    #[schema(min_length = 1, max_length = 80)]
    pub label: Option<String>,
    /// `false` to deactivate (it keeps its resources, takes no new ones).
    pub active: Option<bool>,
}

/// All categories
///
/// Every category, inactive ones included. Administrators only.
#[utoipa::path(
    operation_id = "admin_list_categories",
    tag = "Administration",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The categories.", body = AdminCategoryList),
        (status = 403, description = "Not an administrator with two-factor authentication (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/categories")]
pub async fn list(
    service: web::Data<ReferenceDataService>,
    actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let items = service
        .all_categories(&actor.0)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(AdminCategoryList { items }))
}

/// Create a category
///
/// Adds an active category, last in display order. Administrators only.
#[utoipa::path(
    operation_id = "admin_create_category",
    tag = "Administration",
    security(("bearerAuth" = [])),
    request_body = NewCategory,
    responses(
        (status = 201, description = "Created.", body = AdminCategory),
        (status = 403, description = "Not an administrator with two-factor authentication.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken (`slug_taken`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/categories")]
pub async fn create(
    service: web::Data<ReferenceDataService>,
    actor: Authenticated,
    body: web::Json<NewCategory>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let slug = fields.parse("slug", &body.slug, Slug::parse);
    let label = fields.parse("label", &body.label, Label::parse);
    fields.finish()?;
    let category = service
        .create_category(&actor.0, present(slug)?, present(label)?)
        .await?;
    Ok(HttpResponse::Created().json(AdminCategory::from(category)))
}

/// Rename or deactivate a category
///
/// Administrators only. A deactivated category keeps its resources, takes no
/// new ones and leaves the public list.
#[utoipa::path(
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Category id.")),
    request_body = CategoryPatch,
    responses(
        (status = 200, description = "The category.", body = AdminCategory),
        (status = 403, description = "Not an administrator with two-factor authentication.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such category (`not_found`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/categories/{id}")]
pub async fn change(
    service: web::Data<ReferenceDataService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<CategoryPatch>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut fields = Fields::default();
    let label = fields.parse_opt("label", body.label.as_deref(), Label::parse);
    fields.finish()?;
    let category = service
        .change_category(
            &actor.0,
            ReferenceId::from_uuid(id.into_inner()),
            present(label)?,
            body.active,
        )
        .await?;
    Ok(HttpResponse::Ok().json(AdminCategory::from(category)))
}
