//! `/api/v1/resources/*`: resources for their authors (create, read, edit,
//! share, submit, archive, delete) and their restoration by administrators.

use actix_web::{HttpResponse, ResponseError, delete, get, patch, post, web};
use rr_application::services::ResourceService;
use rr_application::services::resources::{NewResource, ResourceChanges, ResourceView};
use rr_domain::identity::Username;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, ExternalLink, Lifecycle, ResourceId, Summary, Title, Visibility};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Authenticated, MaybeAuthenticated};
use crate::problem::{ApiError, RequestProblem};
use crate::validation::{Fields, present};

/// An audience.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisibilityName {
    /// Everyone, once approved.
    Public,
    /// Logged-in citizens, once approved.
    Restricted,
    /// The author only.
    Private,
    /// The author and the citizens listed in `sharedWith`.
    Shared,
}

impl From<VisibilityName> for Visibility {
    fn from(v: VisibilityName) -> Self {
        match v {
            VisibilityName::Public => Self::Public,
            VisibilityName::Restricted => Self::Restricted,
            VisibilityName::Private => Self::Private,
            VisibilityName::Shared => Self::Shared,
        }
    }
}

/// A new resource (created as a draft).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
    "body": "# Écouter\n\nD'abord écouter, sans juger.", "categoryId": "01a22499-f800-7107-8000-000000000000",
    "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
    "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"], "visibility": "public"
}))]
pub struct NewResourceRequest {
    /// 3 to 150 characters on one line.
    #[schema(min_length = 3, max_length = 150)]
    pub title: String,
    /// 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub summary: String,
    /// Markdown, 1 to 50,000 characters.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// A category id (`GET /api/v1/categories`).
    pub category_id: uuid::Uuid,
    /// A resource type id (`GET /api/v1/resource-types`).
    pub resource_type_id: uuid::Uuid,
    /// One or more relation type ids (`GET /api/v1/relation-types`).
    #[schema(min_items = 1, max_items = 6)]
    pub relation_type_ids: Vec<uuid::Uuid>,
    /// Optional `http://` or `https://` link.
    #[schema(max_length = 2048)]
    pub external_link: Option<String>,
    /// Audience.
    pub visibility: VisibilityName,
    /// Usernames to share with (visibility `shared` only).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub shared_with: Vec<String>,
}

fn references(ids: &[uuid::Uuid]) -> Vec<ReferenceId> {
    ids.iter().copied().map(ReferenceId::from_uuid).collect()
}

fn usernames(fields: &mut Fields, names: &[String]) -> Option<Vec<Username>> {
    let parsed: Vec<Option<Username>> = names
        .iter()
        .map(|n| fields.parse("sharedWith", n, Username::parse))
        .collect();
    parsed.into_iter().collect()
}

impl NewResourceRequest {
    fn try_into_command(self) -> Result<NewResource, rr_application::AppError> {
        let mut fields = Fields::default();
        let title = fields.parse("title", &self.title, Title::parse);
        let summary = fields.parse("summary", &self.summary, Summary::parse);
        let body = fields.parse("body", &self.body, Body::parse);
        let link = fields.parse_opt(
            "externalLink",
            self.external_link.as_deref(),
            ExternalLink::parse,
        );
        let shared_with = usernames(&mut fields, &self.shared_with);
        fields.finish()?;
        Ok(NewResource {
            title: present(title)?,
            summary: present(summary)?,
            body: present(body)?,
            category: ReferenceId::from_uuid(self.category_id),
            resource_type: ReferenceId::from_uuid(self.resource_type_id),
            relation_types: references(&self.relation_type_ids),
            external_link: present(link)?,
            visibility: self.visibility.into(),
            shared_with: present(shared_with)?,
        })
    }
}

/// Changes to a resource; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourcePatch {
    /// New title.
    #[schema(min_length = 3, max_length = 150)]
    pub title: Option<String>,
    /// New summary.
    #[schema(min_length = 1, max_length = 500)]
    pub summary: Option<String>,
    /// New body.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: Option<String>,
    /// New category id.
    pub category_id: Option<uuid::Uuid>,
    /// New resource type id.
    pub resource_type_id: Option<uuid::Uuid>,
    /// New relation type ids.
    #[schema(min_items = 1, max_items = 6)]
    pub relation_type_ids: Option<Vec<uuid::Uuid>>,
    /// New link; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 2048)]
    pub external_link: Option<Option<String>>,
    /// New audience.
    pub visibility: Option<VisibilityName>,
    /// New sharing list (replaces the old one).
    #[schema(max_items = 100)]
    pub shared_with: Option<Vec<String>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl ResourcePatch {
    fn try_into_changes(self) -> Result<ResourceChanges, rr_application::AppError> {
        let mut fields = Fields::default();
        let title = fields.parse_opt("title", self.title.as_deref(), Title::parse);
        let summary = fields.parse_opt("summary", self.summary.as_deref(), Summary::parse);
        let body = fields.parse_opt("body", self.body.as_deref(), Body::parse);
        let link = match self.external_link {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(raw)) => fields
                .parse("externalLink", &raw, ExternalLink::parse)
                .map(|l| Some(Some(l))),
        };
        let shared_with = match &self.shared_with {
            None => Some(None),
            Some(names) => usernames(&mut fields, names).map(Some),
        };
        fields.finish()?;
        Ok(ResourceChanges {
            title: present(title)?,
            summary: present(summary)?,
            body: present(body)?,
            category: self.category_id.map(ReferenceId::from_uuid),
            resource_type: self.resource_type_id.map(ReferenceId::from_uuid),
            relation_types: self.relation_type_ids.as_deref().map(references),
            external_link: present(link)?,
            visibility: self.visibility.map(Into::into),
            shared_with: present(shared_with)?,
        })
    }
}

/// A resource.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The author's username.
    pub author: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body (not rendered: clients render it without raw HTML).
    pub body: String,
    /// Category id.
    pub category_id: uuid::Uuid,
    /// Resource type id.
    pub resource_type_id: uuid::Uuid,
    /// Relation type ids.
    pub relation_type_ids: Vec<uuid::Uuid>,
    /// External link.
    pub external_link: Option<String>,
    /// Audience.
    pub visibility: VisibilityName,
    /// `draft`, `pending_review`, `published`, `rejected`, `suspended`, `archived` or `deleted`.
    #[schema(example = "published")]
    pub state: &'static str,
    /// Why it was rejected or suspended (shown to its author only).
    pub state_reason: Option<String>,
    /// Usernames it is shared with (shown to its author only).
    pub shared_with: Vec<String>,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// First publication.
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
}

impl From<ResourceView> for ResourceResponse {
    fn from(view: ResourceView) -> Self {
        let r = view.record;
        let reason = match &r.state {
            Lifecycle::Rejected { reason } | Lifecycle::Suspended { reason } if view.is_author => {
                Some(reason.clone())
            }
            _ => None,
        };
        Self {
            id: r.id.as_uuid(),
            author: view.author.to_string(),
            title: r.title.as_str().to_owned(),
            summary: r.summary.as_str().to_owned(),
            body: r.body.as_str().to_owned(),
            category_id: r.category.as_uuid(),
            resource_type_id: r.resource_type.as_uuid(),
            relation_type_ids: r.relation_types.iter().map(ReferenceId::as_uuid).collect(),
            external_link: r.external_link.map(|l| l.to_string()),
            visibility: match r.visibility {
                Visibility::Public => VisibilityName::Public,
                Visibility::Restricted => VisibilityName::Restricted,
                Visibility::Private => VisibilityName::Private,
                Visibility::Shared => VisibilityName::Shared,
            },
            state: r.state.name(),
            state_reason: reason,
            shared_with: view.shared_with.iter().map(ToString::to_string).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            published_at: r.published_at,
        }
    }
}

fn ok(view: ResourceView) -> HttpResponse {
    HttpResponse::Ok().json(ResourceResponse::from(view))
}

/// Create a resource
///
/// Creates a draft of the caller's; submit it to publish.
#[utoipa::path(
    operation_id = "create_resource",
    tag = "Resources",
    security(("bearerAuth" = [])),
    request_body = NewResourceRequest,
    responses(
        (status = 201, description = "The draft.", body = ResourceResponse),
        (status = 429, description = crate::problem::WRITE_RATE_LIMITED, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/resources")]
pub async fn create(
    service: web::Data<ResourceService>,
    actor: Authenticated,
    body: web::Json<NewResourceRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = service
        .create(&actor.0, body.into_inner().try_into_command()?)
        .await?;
    Ok(HttpResponse::Created().json(ResourceResponse::from(view)))
}

const NOT_FOUND: &str = "No such resource, or you may not see it (`not_found`).";

/// Read a resource
///
/// A resource the caller may see; visitors see published public ones.
#[utoipa::path(
    tag = "Resources",
    security((), ("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id.")),
    responses(
        (status = 200, description = "The resource.", body = ResourceResponse),
        (status = 401, description = "A token was sent and is not valid.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources/{id}")]
pub async fn read(
    service: web::Data<ResourceService>,
    actor: MaybeAuthenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(ok(service
        .get(&actor.0, ResourceId::from_uuid(id.into_inner()))
        .await?))
}

/// Edit a resource
///
/// Changes a resource of the caller's. A published public or restricted one
/// goes back to review.
#[utoipa::path(
    tag = "Resources",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id.")),
    request_body = ResourcePatch,
    responses(
        (status = 200, description = "The resource.", body = ResourceResponse),
        (status = 403, description = "Visible but not editable (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile (`edit_conflict`); read it again.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/resources/{id}")]
pub async fn update(
    service: web::Data<ResourceService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: web::Json<ResourcePatch>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().try_into_changes()?;
    Ok(ok(service
        .update(&actor.0, ResourceId::from_uuid(id.into_inner()), changes)
        .await?))
}

/// Delete a resource
///
/// Deletes a resource of the caller's (administrators may restore it for 30 days).
#[utoipa::path(
    tag = "Resources",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Resource id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Visible but not yours (`forbidden`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/resources/{id}")]
pub async fn remove(
    service: web::Data<ResourceService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    service
        .delete(&actor.0, ResourceId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

macro_rules! transition {
    ($name:ident, $path:literal, $method:ident, $summary:literal, $doc:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            tag = "Resources",
            security(("bearerAuth" = [])),
            params(("id" = uuid::Uuid, Path, description = "Resource id.")),
            responses(
                (status = 200, description = "The resource.", body = ResourceResponse),
                (status = 403, description = "Not allowed (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = "Not allowed from its state (`invalid_transition`), or changed meanwhile (`edit_conflict`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            service: web::Data<ResourceService>,
            actor: Authenticated,
            id: web::Path<uuid::Uuid>,
        ) -> Result<HttpResponse, ApiError> {
            Ok(ok(service.$method(&actor.0, ResourceId::from_uuid(id.into_inner())).await?))
        }
    };
}

transition!(
    submit,
    "/resources/{id}/submit",
    submit,
    "Submit a resource",
    "A draft or rejected resource goes to review, or is published at once when private or shared."
);
transition!(
    archive,
    "/resources/{id}/archive",
    archive,
    "Archive a resource",
    "The author withdraws a resource; nobody else sees it."
);
transition!(
    unarchive,
    "/resources/{id}/unarchive",
    unarchive,
    "Unarchive a resource",
    "The author takes an archived resource back as a draft."
);
transition!(
    restore,
    "/resources/{id}/restore",
    restore,
    "Restore a deleted resource",
    "Administrators restore a public or restricted resource deleted less than 30 days ago, as a draft."
);

/// A page of one's resources.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<uuid::Uuid>,
}

/// A page of resources.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePage {
    /// Newest first.
    pub items: Vec<ResourceResponse>,
    /// Pass it as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<uuid::Uuid>,
}

/// My resources
///
/// The caller's resources, deleted ones excluded, newest first.
#[utoipa::path(
    tag = "Resources",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page.", body = ResourcePage),
        (status = 400, description = "Bad query string (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources")]
pub async fn mine(
    service: web::Data<ResourceService>,
    actor: Authenticated,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Ok(
            RequestProblem::InvalidQuery("limit is between 1 and 100.".into()).error_response(),
        );
    }
    let views = service
        .mine(&actor.0, query.cursor.map(ResourceId::from_uuid), limit)
        .await?;
    let full = u64::try_from(views.len()).unwrap_or(u64::MAX) == limit;
    let next_cursor = full
        .then(|| views.last().map(|v| v.record.id.as_uuid()))
        .flatten();
    Ok(HttpResponse::Ok().json(ResourcePage {
        items: views.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
