//! `GET /api/v1/admin/accounts` and `GET /api/v1/admin/accounts/{id}`:
//! administrators find accounts and read one with its personal data. Every
//! read of personal data is journaled with the `reason` given; the person
//! sees it at `GET /api/v1/me/access-log` (ADR 0019).

use actix_web::{HttpResponse, ResponseError, get, web};
use rr_application::ports::{AccountSummary, Standing, StandingFilter};
use rr_application::services::AccountAdminService;
use rr_application::services::accounts::{
    AccountDetail, AccountLookup, AccountPage, AccountSearch,
};
use rr_domain::identity::{AccessReason, Email, Role, UserId, Username, UsernamePrefix};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};

/// Default page size.
const DEFAULT_LIMIT: u64 = 20;

fn invalid(parameter: &str, why: &str) -> RequestProblem {
    RequestProblem::InvalidQuery(format!("`{parameter}`: {why}"))
}

fn limit(raw: Option<&str>) -> Result<u64, RequestProblem> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_LIMIT);
    };
    match raw.parse::<u64>() {
        Ok(limit) if (1..=100).contains(&limit) => Ok(limit),
        _ => Err(invalid("limit", "a number from 1 to 100.")),
    }
}

/// The reason a read of personal data requires.
fn reason(raw: Option<&str>) -> Result<AccessReason, RequestProblem> {
    let raw = raw.ok_or_else(|| {
        invalid(
            "reason",
            "required: say why you read this person's data (1 to 200 characters); they will see it.",
        )
    })?;
    AccessReason::parse(raw).map_err(|_| {
        invalid(
            "reason",
            "1 to 200 characters on one line; the person will see it.",
        )
    })
}

fn role_name(role: Role) -> &'static str {
    role.as_str()
}

/// `active` or `suspended`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusName {
    /// May act (never suspended, reactivated, or past the end of a suspension).
    Active,
    /// Suspended now.
    Suspended,
}

fn status_name(standing: Standing) -> (&'static str, Option<OffsetDateTime>) {
    match standing {
        Standing::Active => ("active", None),
        Standing::Suspended { until } => ("suspended", until),
    }
}

/// What to look for. `username` and `email` exclude each other.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountListQuery {
    /// Usernames beginning with this, without case (1 to 30 characters of
    /// letters, digits, `_`, `.`, `-`).
    #[param(example = "lea")]
    pub username: Option<String>,
    /// The one account with exactly this email (normalised: case and
    /// surrounding spaces do not matter). Reading which account an address
    /// belongs to is journaled: give `reason` with it.
    #[param(example = "lea.martin@exemple.fr")]
    pub email: Option<String>,
    /// With `email`, required: why you look it up (1 to 200 characters). The
    /// person will read it in their access log; never write personal data here.
    #[param(example = "Demande d'assistance n° 2026-1142")]
    pub reason: Option<String>,
    /// Only accounts of this role.
    #[param(value_type = Option<crate::routes::admin::RoleName>, inline)]
    pub role: Option<String>,
    /// Only accounts of this status now.
    #[param(value_type = Option<StatusName>, inline)]
    pub status: Option<String>,
    /// At most this many (1 to 100, default 20).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page, with the same filters.
    pub cursor: Option<String>,
}

impl AccountListQuery {
    fn try_into_search(self) -> Result<AccountSearch, RequestProblem> {
        let role = self
            .role
            .as_deref()
            .map(|raw| {
                Role::parse(raw).ok_or_else(|| {
                    invalid(
                        "role",
                        "one of citizen, moderator, administrator, super_administrator.",
                    )
                })
            })
            .transpose()?;
        let standing = match self.status.as_deref() {
            None => None,
            Some("active") => Some(StandingFilter::Active),
            Some("suspended") => Some(StandingFilter::Suspended),
            Some(_) => return Err(invalid("status", "active or suspended.")),
        };
        let limit = limit(self.limit.as_deref())?;
        let lookup = match (self.username, self.email) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "email",
                    "`username` and `email` exclude each other: search by one.",
                ));
            }
            (_, Some(email)) => {
                if self.cursor.is_some() {
                    return Err(invalid(
                        "cursor",
                        "an email finds one account; there is no next page.",
                    ));
                }
                AccountLookup::ByEmail {
                    email: Email::parse(&email)
                        .map_err(|_| invalid("email", "an email address."))?,
                    reason: reason(self.reason.as_deref())?,
                }
            }
            (username, None) => {
                if self.reason.is_some() {
                    return Err(invalid(
                        "reason",
                        "a list reads no personal data; `reason` goes with `email`.",
                    ));
                }
                AccountLookup::Directory {
                    username_prefix: username
                        .as_deref()
                        .map(UsernamePrefix::parse)
                        .transpose()
                        .map_err(|_| {
                            invalid(
                                "username",
                                "1 to 30 characters of letters, digits, `_`, `.` and `-`.",
                            )
                        })?,
                    after: self
                        .cursor
                        .as_deref()
                        .map(Username::parse)
                        .transpose()
                        .map_err(|_| {
                            invalid("cursor", "not one this API gave (pass nextCursor as is).")
                        })?,
                }
            }
        };
        Ok(AccountSearch {
            lookup,
            role,
            standing,
            limit,
        })
    }
}

/// An account in a list: no personal data.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountListItem {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Public handle.
    pub username: String,
    /// `citizen`, `moderator`, `administrator` or `super_administrator`.
    #[schema(example = "citizen")]
    pub role: &'static str,
    /// `active` or `suspended` (now: a suspension past its end is `active`).
    #[schema(example = "suspended")]
    pub status: &'static str,
    /// When the suspension ends by itself; absent while active or until lifted.
    #[serde(with = "time::serde::rfc3339::option")]
    pub suspended_until: Option<OffsetDateTime>,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<AccountSummary> for AccountListItem {
    fn from(summary: AccountSummary) -> Self {
        let (status, suspended_until) = status_name(summary.standing);
        Self {
            id: summary.id.as_uuid(),
            username: summary.username.to_string(),
            role: role_name(summary.role),
            status,
            suspended_until,
            created_at: summary.created_at,
        }
    }
}

/// A page of accounts, by username without case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountListResponse {
    /// The accounts.
    pub items: Vec<AccountListItem>,
    /// Pass it as `cursor` (with the same filters) for the next page; absent
    /// on the last one. Opaque.
    #[schema(example = "lea_m")]
    pub next_cursor: Option<String>,
}

impl From<AccountPage> for AccountListResponse {
    fn from(page: AccountPage) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next.map(|name| name.canonical()),
        }
    }
}

const PROBLEM: &str = "application/problem+json";

/// Find accounts
///
/// Administrators (with two-factor authentication) list accounts by
/// username prefix, role and status, in username order, or find the one
/// account with an exact email address (through the blind index: addresses
/// are never stored in clear). Lists show no personal data. An email lookup
/// that finds an account is journaled with `reason`: the person sees it.
#[utoipa::path(
    operation_id = "admin_list_accounts",
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(AccountListQuery),
    responses(
        (status = 200, description = "A page of accounts.", body = AccountListResponse),
        (status = 400, description = "Bad query string (`invalid_query`), naming the parameter: both `username` and `email`, `email` without `reason`, a bad cursor…", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 403, description = "Not an administrator with two-factor authentication (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/accounts")]
pub async fn list_accounts(
    service: web::Data<AccountAdminService>,
    actor: Authenticated,
    query: web::Query<AccountListQuery>,
) -> Result<HttpResponse, ApiError> {
    let search = match query.into_inner().try_into_search() {
        Ok(search) => search,
        Err(problem) => return Ok(problem.error_response()),
    };
    let page = service.search(&actor.0, search).await?;
    Ok(HttpResponse::Ok().json(AccountListResponse::from(page)))
}

/// Why the personal data is read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountReadQuery {
    /// Required: why you read this person's data (1 to 200 characters, one
    /// line). The person will read it in their access log; never write
    /// personal data here.
    #[param(example = "Demande d'assistance n° 2026-1142")]
    pub reason: Option<String>,
}

/// An account with its personal data, as an administrator reads it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetailResponse {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Public handle.
    pub username: String,
    /// `citizen`, `moderator`, `administrator` or `super_administrator`.
    #[schema(example = "citizen")]
    pub role: &'static str,
    /// `active` or `suspended` (now).
    #[schema(example = "active")]
    pub status: &'static str,
    /// When the suspension ends by itself; absent while active or until lifted.
    #[serde(with = "time::serde::rfc3339::option")]
    pub suspended_until: Option<OffsetDateTime>,
    /// Why it is suspended, as told to the person; absent while active.
    pub suspension_reason: Option<String>,
    /// Email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Phone, international form, if given.
    pub phone: Option<String>,
    /// Whether the address is confirmed.
    pub email_verified: bool,
    /// Whether two-factor authentication is on.
    pub two_factor_enabled: bool,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The fields this read journaled (`email`, `first_name`, `last_name`,
    /// `country`, and `phone` when there is one).
    #[schema(example = json!(["email", "first_name", "last_name", "country"]))]
    pub fields_read: Vec<&'static str>,
}

impl From<AccountDetail> for AccountDetailResponse {
    fn from(detail: AccountDetail) -> Self {
        let (status, suspended_until) = status_name(detail.standing);
        Self {
            id: detail.id.as_uuid(),
            username: detail.username.to_string(),
            role: role_name(detail.role),
            status,
            suspended_until,
            suspension_reason: detail.suspension_reason,
            email: detail.profile.email.as_str().to_owned(),
            first_name: detail.profile.first_name.as_str().to_owned(),
            last_name: detail.profile.last_name.as_str().to_owned(),
            country: detail.profile.country.as_str().to_owned(),
            phone: detail.profile.phone.map(|p| p.as_str().to_owned()),
            email_verified: detail.email_verified,
            two_factor_enabled: detail.two_factor_enabled,
            created_at: detail.created_at,
            updated_at: detail.updated_at,
            fields_read: detail.fields_read.iter().map(|f| f.as_str()).collect(),
        }
    }
}

/// Read an account's personal data
///
/// Administrators (with two-factor authentication) read the accounts below
/// their role; super-administrators any account but their own. Each read is
/// written to the staff access journal — who, when, `reason`, which fields —
/// before the data is sent; the person sees it at `GET /api/v1/me/access-log`.
#[utoipa::path(
    operation_id = "admin_read_account",
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(("id" = uuid::Uuid, Path, description = "Account id."), AccountReadQuery),
    responses(
        (status = 200, description = "The account, personal data included.", body = AccountDetailResponse),
        (status = 400, description = "`reason` missing or not 1 to 200 characters on one line (`invalid_query`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 403, description = "Not an administrator with two-factor authentication, or the account is not below your role (`forbidden`, `two_factor_required`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
        (status = 404, description = "No such account (`not_found`).", body = crate::problem::ProblemDetails, content_type = PROBLEM),
    )
)]
#[get("/accounts/{id}")]
pub async fn read_account(
    service: web::Data<AccountAdminService>,
    actor: Authenticated,
    id: web::Path<uuid::Uuid>,
    query: web::Query<AccountReadQuery>,
) -> Result<HttpResponse, ApiError> {
    let reason = match reason(query.reason.as_deref()) {
        Ok(reason) => reason,
        Err(problem) => return Ok(problem.error_response()),
    };
    let detail = service
        .detail(&actor.0, UserId::from_uuid(id.into_inner()), reason)
        .await?;
    Ok(HttpResponse::Ok().json(AccountDetailResponse::from(detail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> AccountListQuery {
        let encoded = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        web::Query::<AccountListQuery>::from_query(&encoded)
            .expect("a query")
            .into_inner()
    }

    fn problem(pairs: &[(&str, &str)]) -> String {
        query(pairs)
            .try_into_search()
            .expect_err("refused")
            .problem()
            .detail
            .unwrap_or_default()
    }

    #[test]
    fn username_and_email_exclude_each_other_and_email_needs_a_reason() {
        assert!(problem(&[("username", "lea"), ("email", "lea@exemple.fr")]).contains("exclude"));
        assert!(problem(&[("email", "lea@exemple.fr")]).starts_with("`reason`"));
        assert!(
            problem(&[
                ("email", "lea@exemple.fr"),
                ("reason", "x"),
                ("cursor", "lea")
            ])
            .starts_with("`cursor`")
        );
        assert!(problem(&[("username", "lea"), ("reason", "x")]).starts_with("`reason`"));
        assert!(problem(&[("email", "pas-une-adresse"), ("reason", "x")]).starts_with("`email`"));
    }

    #[test]
    fn every_other_parameter_is_checked() {
        for (pairs, parameter) in [
            (vec![("username", "lé")], "username"),
            (vec![("role", "admin")], "role"),
            (vec![("status", "banned")], "status"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "101")], "limit"),
            (vec![("cursor", "a b")], "cursor"),
        ] {
            assert!(
                problem(&pairs).starts_with(&format!("`{parameter}`")),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn a_good_query_becomes_a_search() {
        let search = query(&[
            ("username", "LE"),
            ("role", "moderator"),
            ("status", "suspended"),
            ("limit", "5"),
            ("cursor", "lea_m"),
        ])
        .try_into_search()
        .unwrap();
        assert_eq!(search.role, Some(Role::Moderator));
        assert_eq!(search.standing, Some(StandingFilter::Suspended));
        assert_eq!(search.limit, 5);
        let AccountLookup::Directory {
            username_prefix,
            after,
        } = search.lookup
        else {
            panic!("a directory search");
        };
        assert_eq!(username_prefix.unwrap().as_str(), "le");
        assert_eq!(after.unwrap().as_str(), "lea_m");
    }
}
