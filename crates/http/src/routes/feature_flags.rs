//! Feature flags for canary delivery (ADR 0028): `GET /api/v1/features`,
//! the caller's flags, answered from the process's snapshot without a
//! database round trip; and `/api/v1/admin/feature-flags`, where
//! administrators with two-factor authentication define flags and raise
//! their rollout.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use rr_application::AppError;
use rr_application::services::FeatureFlagService;
use rr_application::services::feature_flags::{FlagChange, NewFlag};
use rr_domain::features::{FeatureFlag, FlagDescription, FlagKey, Rollout};
use rr_domain::identity::{Region, Role};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::extract::{Authenticated, FlagAudience};
use crate::problem::ApiError;
use crate::routes::admin::RoleName;
use crate::validation::{Fields, present};

const PROBLEM: &str = "application/problem+json";

const FORBIDDEN: &str = "Not an administrator (`forbidden`), or one without two-factor \
     authentication (`two_factor_required`).";

const NOT_FOUND: &str = "No flag has this key (`not_found`).";

const INVALID: &str = "A key or group that is not a slug (`invalid_flag_key`), a blank or \
     too long description (`invalid_flag_description`), a rollout that is not a percentage \
     with at most two decimals (`invalid_rollout`), an unknown region code (`invalid_region`).";

/// The caller's flags.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeaturesResponse {
    /// Every flag by key, on (`true`) or off for the caller. A flag missing
    /// here is off: unknown, deleted, or not yet seen by this server.
    #[schema(example = json!({"nouvel-editeur": true, "recherche-v2": false}))]
    pub flags: BTreeMap<String, bool>,
}

/// A flag to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "key": "nouvel-editeur", "description": "Le nouvel éditeur de ressources.",
    "enabled": true, "rolloutPercent": 15, "regions": ["53"], "roles": ["citizen"]
}))]
pub struct NewFeatureFlagRequest {
    /// Its key, for good: 1 to 64 of `a-z`, `0-9` and single inner hyphens.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 64)]
    pub key: String,
    /// What it switches (1 to 500 characters, one line).
    pub description: String,
    /// On at all; `false` by default: define first, switch on after.
    #[serde(default)]
    pub enabled: bool,
    /// The share of accounts it is on for, 0 to 100, at most two decimals.
    #[schema(minimum = 0, maximum = 100)]
    pub rollout_percent: f64,
    /// The stickiness group: flags of one group put an account in the
    /// same place, so their rollouts are nested. Its own key by default.
    #[serde(default)]
    pub group: Option<String>,
    /// Only accounts of these regions (INSEE codes, `99` outside France);
    /// empty or absent: every account, with a region or not.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Only accounts of these roles; empty or absent: every role.
    #[serde(default)]
    pub roles: Vec<RoleName>,
}

/// What to change on a flag; an absent member keeps its value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"version": 3, "rolloutPercent": 30}))]
pub struct FeatureFlagChangeRequest {
    /// The version read: the change is refused (409 `flag_changed`) if the
    /// flag changed since.
    pub version: u64,
    /// A new description.
    pub description: Option<String>,
    /// On or off.
    pub enabled: Option<bool>,
    /// A new rollout; raising it keeps every account that had the feature.
    #[schema(minimum = 0, maximum = 100)]
    pub rollout_percent: Option<f64>,
    /// A new group: it draws the accounts anew.
    pub group: Option<String>,
    /// New regions (empty: all).
    pub regions: Option<Vec<String>>,
    /// New roles (empty: all).
    pub roles: Option<Vec<RoleName>>,
}

/// A flag, as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureFlagResponse {
    /// Its key.
    #[schema(example = "nouvel-editeur")]
    pub key: String,
    /// What it switches.
    pub description: String,
    /// On at all.
    pub enabled: bool,
    /// The share of accounts it is on for.
    #[schema(example = 15.0)]
    pub rollout_percent: f64,
    /// Its stickiness group.
    pub group: String,
    /// The regions it is restricted to (none: all).
    #[schema(example = json!(["53"]))]
    pub regions: Vec<&'static str>,
    /// The roles it is restricted to (none: all).
    #[schema(example = json!(["citizen"]))]
    pub roles: Vec<&'static str>,
    /// Changes since creation; send it back to change the flag.
    pub version: u64,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<FeatureFlag> for FeatureFlagResponse {
    fn from(flag: FeatureFlag) -> Self {
        let s = flag.settings;
        Self {
            key: flag.key.to_string(),
            description: s.description.as_str().to_owned(),
            enabled: s.enabled,
            rollout_percent: s.rollout.percent(),
            group: s.group.to_string(),
            regions: s.regions.iter().map(|r| r.code()).collect(),
            roles: s.roles.iter().map(|r| r.as_str()).collect(),
            version: flag.version,
            created_at: flag.created_at,
            updated_at: flag.updated_at,
        }
    }
}

/// Every flag.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureFlagListResponse {
    /// The flags, by key (200 at most).
    pub items: Vec<FeatureFlagResponse>,
}

fn rollout(fields: &mut Fields, percent: f64) -> Option<Rollout> {
    match Rollout::from_percent(percent) {
        Ok(rollout) => Some(rollout),
        Err(err) => {
            fields.violation("rolloutPercent", err.code(), err.to_string());
            None
        }
    }
}

fn regions(fields: &mut Fields, raw: &[String]) -> Option<BTreeSet<Region>> {
    let mut regions = BTreeSet::new();
    for code in raw {
        regions.insert(fields.parse("regions", code, Region::parse)?);
    }
    Some(regions)
}

fn roles(raw: Vec<RoleName>) -> BTreeSet<Role> {
    raw.into_iter().map(Role::from).collect()
}

impl NewFeatureFlagRequest {
    fn try_into_new(self) -> Result<NewFlag, AppError> {
        let mut fields = Fields::default();
        let key = fields.parse("key", &self.key, FlagKey::parse);
        let description = fields.parse("description", &self.description, FlagDescription::parse);
        let rollout = rollout(&mut fields, self.rollout_percent);
        let group = fields.parse_opt("group", self.group.as_deref(), FlagKey::parse);
        let regions = regions(&mut fields, &self.regions);
        fields.finish()?;
        Ok(NewFlag {
            key: present(key)?,
            description: present(description)?,
            enabled: self.enabled,
            rollout: present(rollout)?,
            group: present(group)?,
            regions: present(regions)?,
            roles: roles(self.roles),
        })
    }
}

impl FeatureFlagChangeRequest {
    fn try_into_change(self) -> Result<(u64, FlagChange), AppError> {
        let mut fields = Fields::default();
        let description = fields.parse_opt(
            "description",
            self.description.as_deref(),
            FlagDescription::parse,
        );
        let rollout = match self.rollout_percent {
            None => Some(None),
            Some(percent) => rollout(&mut fields, percent).map(Some),
        };
        let group = fields.parse_opt("group", self.group.as_deref(), FlagKey::parse);
        let regions = match &self.regions {
            None => Some(None),
            Some(raw) => regions(&mut fields, raw).map(Some),
        };
        fields.finish()?;
        Ok((
            self.version,
            FlagChange {
                description: present(description)?,
                enabled: self.enabled,
                rollout: present(rollout)?,
                group: present(group)?,
                regions: present(regions)?,
                roles: self.roles.map(roles),
            },
        ))
    }
}

/// The key of a path: one that is not a key names no flag.
fn path_key(raw: &str) -> Result<FlagKey, ApiError> {
    FlagKey::parse(raw).map_err(|_| ApiError(AppError::NotFound))
}

/// The caller's feature flags
///
/// Every feature flag, on or off for the caller: a logged-in account by
/// its id (the same answer at every request while the flag does not
/// change), role and region; a visitor only has the flags on for
/// everybody. Answered from the server's memory, refreshed every few
/// seconds: a change reaches every server within `features.refresh_secs`.
#[utoipa::path(
    operation_id = "my_features",
    tag = "Feature flags",
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The caller's flags.", body = FeaturesResponse),
    )
)]
#[get("/features")]
pub async fn features(
    service: web::Data<FeatureFlagService>,
    audience: FlagAudience,
) -> HttpResponse {
    let flags = service
        .states_for(&audience.0)
        .into_iter()
        .map(|(key, on)| (key.to_string(), on))
        .collect();
    HttpResponse::Ok().json(FeaturesResponse { flags })
}

/// Every feature flag
///
/// Every flag with its settings, by key, as stored.
#[utoipa::path(
    operation_id = "list_feature_flags",
    tag = "Feature flags",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The flags.", body = FeatureFlagListResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/feature-flags")]
pub async fn list(
    service: web::Data<FeatureFlagService>,
    actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let items = service.list(&actor.0).await?;
    Ok(HttpResponse::Ok().json(FeatureFlagListResponse {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Create a feature flag
///
/// A new flag at version 0, off unless `enabled`. Audited.
#[utoipa::path(
    operation_id = "create_feature_flag",
    tag = "Feature flags",
    security(("bearerAuth" = [])),
    request_body = NewFeatureFlagRequest,
    responses(
        (status = 201, description = "Created; `Location` names it.", body = FeatureFlagResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 409, description = "The key is taken (`flag_exists`), or there are 200 flags already (`too_many_flags`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = INVALID, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[post("/feature-flags")]
pub async fn create(
    service: web::Data<FeatureFlagService>,
    actor: Authenticated,
    body: web::Json<NewFeatureFlagRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().try_into_new()?;
    let flag = service.create(&actor.0, new).await?;
    let location = format!("/api/v1/admin/feature-flags/{}", flag.key);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(FeatureFlagResponse::from(flag)))
}

/// A feature flag
#[utoipa::path(
    operation_id = "read_feature_flag",
    tag = "Feature flags",
    security(("bearerAuth" = [])),
    params(("key" = String, Path, description = "The flag's key.")),
    responses(
        (status = 200, description = "The flag.", body = FeatureFlagResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/feature-flags/{key}")]
pub async fn read(
    service: web::Data<FeatureFlagService>,
    actor: Authenticated,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let flag = service.read(&actor.0, &path_key(&key)?).await?;
    Ok(HttpResponse::Ok().json(FeatureFlagResponse::from(flag)))
}

/// Change a feature flag
///
/// Raise or lower its rollout, switch it on or off, change its
/// constraints or description, from the `version` read. Raising the rollout
/// keeps every account that had the feature; changing the group draws them
/// anew. Applied at once by the server that answers, by the others within
/// `features.refresh_secs`. Audited.
#[utoipa::path(
    operation_id = "change_feature_flag",
    tag = "Feature flags",
    security(("bearerAuth" = [])),
    params(("key" = String, Path, description = "The flag's key.")),
    request_body = FeatureFlagChangeRequest,
    responses(
        (status = 200, description = "The flag, at its next version.", body = FeatureFlagResponse),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 409, description = "Changed since `version` (`flag_changed`): read it again.", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 422, description = INVALID, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[patch("/feature-flags/{key}")]
pub async fn change(
    service: web::Data<FeatureFlagService>,
    actor: Authenticated,
    key: web::Path<String>,
    body: web::Json<FeatureFlagChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = path_key(&key)?;
    let (version, change) = body.into_inner().try_into_change()?;
    let flag = service.change(&actor.0, &key, version, change).await?;
    Ok(HttpResponse::Ok().json(FeatureFlagResponse::from(flag)))
}

/// Delete a feature flag
///
/// The flag is off for everybody: at once on the server that answers, on
/// the others within `features.refresh_secs`. Remove the code that reads it
/// first. Audited.
#[utoipa::path(
    operation_id = "delete_feature_flag",
    tag = "Feature flags",
    security(("bearerAuth" = [])),
    params(("key" = String, Path, description = "The flag's key.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = FORBIDDEN, body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = NOT_FOUND, body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[delete("/feature-flags/{key}")]
pub async fn remove(
    service: web::Data<FeatureFlagService>,
    actor: Authenticated,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    service.delete(&actor.0, &path_key(&key)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
