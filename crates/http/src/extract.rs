//! Authentication as an extractor: a handler that takes [`Authenticated`] only
//! runs for a valid access token of a live session. What the actor may do is
//! the use case's decision.
//!
//! On a write (`POST`, `PUT`, `PATCH`, `DELETE`), [`Authenticated`] also
//! passes the privacy gate (ADR 0021): an account that has not accepted the
//! privacy policy in force is answered 403 `consent_required`, one that
//! restricted its processing 403 `account_restricted`. The few writes that
//! must stay open whatever the account's choices take [`AuthenticatedUngated`]
//! instead; the ADR lists them.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use rr_application::AppError;
use rr_application::services::IdentityService;
use rr_domain::features::Audience;
use rr_domain::identity::AuthenticatedActor;

use crate::problem::ApiError;

/// The caller, authenticated by `Authorization: Bearer <access token>`.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated(pub AuthenticatedActor);

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Whether the request writes, and so passes the privacy gate.
fn is_write(req: &HttpRequest) -> bool {
    matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

fn authenticate(
    req: &HttpRequest,
    gated: bool,
) -> Pin<Box<dyn Future<Output = Result<AuthenticatedActor, ApiError>>>> {
    let token = bearer(req);
    let identity = req.app_data::<web::Data<IdentityService>>().cloned();
    Box::pin(async move {
        let token = token.ok_or(ApiError(AppError::Unauthenticated("unauthenticated")))?;
        let identity = identity
            .ok_or_else(|| ApiError(AppError::internal("identity service not configured")))?;
        if gated {
            identity.authenticate_write(&token).await.map_err(ApiError)
        } else {
            identity.authenticate(&token).await.map_err(ApiError)
        }
    })
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authenticated = authenticate(req, is_write(req));
        Box::pin(async move { authenticated.await.map(Authenticated) })
    }
}

/// The writes whose handlers take [`AuthenticatedUngated`], as
/// `(method, OpenAPI path)`: the OpenAPI document does not announce the
/// privacy gate's 403 on them, and a test checks each is open to an account
/// that has not accepted the policy in force (ADR 0021).
pub const UNGATED_WRITES: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/logout-everywhere"),
    ("PATCH", "/api/v1/me"),
    ("PUT", "/api/v1/me/password"),
    ("DELETE", "/api/v1/me/sessions/{id}"),
    ("POST", "/api/v1/me/two-factor/totp"),
    ("POST", "/api/v1/me/two-factor/totp/confirm"),
    ("POST", "/api/v1/me/two-factor/disable"),
    ("PUT", "/api/v1/me/consents"),
    ("POST", "/api/v1/me/restriction"),
    ("DELETE", "/api/v1/me/restriction"),
    ("POST", "/api/v1/me/export"),
    ("DELETE", "/api/v1/me"),
];

/// The caller, authenticated like [`Authenticated`] but never held by the
/// privacy gate: for the writes an account may make whatever its choices —
/// accepting the policy and managing its consents, restricting or lifting
/// the restriction, exercising its rights (rectification, export, erasure),
/// securing the account (password, second factor, sessions) and logging out.
#[derive(Debug, Clone, Copy)]
pub struct AuthenticatedUngated(pub AuthenticatedActor);

impl FromRequest for AuthenticatedUngated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authenticated = authenticate(req, false);
        Box::pin(async move { authenticated.await.map(AuthenticatedUngated) })
    }
}

/// The caller, authenticated if a bearer token was sent (and then it must be
/// valid), a visitor otherwise.
#[derive(Debug, Clone, Copy)]
pub struct MaybeAuthenticated(pub rr_domain::identity::Actor);

impl FromRequest for MaybeAuthenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let authenticated = Authenticated::from_request(req, payload);
            Box::pin(async move {
                Ok(Self(rr_domain::identity::Actor::User(
                    authenticated.await?.0,
                )))
            })
        } else {
            Box::pin(async { Ok(Self(rr_domain::identity::Actor::Visitor)) })
        }
    }
}

/// Whom the feature flags are evaluated for: the account of the bearer
/// token if one was sent (and then it must be valid), with its role and
/// region; a visitor ([`Audience::Anonymous`]) otherwise.
#[derive(Debug, Clone, Copy)]
pub struct FlagAudience(pub Audience);

impl FromRequest for FlagAudience {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return Box::pin(async { Ok(Self(Audience::Anonymous)) });
        }
        let token = bearer(req);
        let identity = req.app_data::<web::Data<IdentityService>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(ApiError(AppError::Unauthenticated("unauthenticated")))?;
            let identity = identity
                .ok_or_else(|| ApiError(AppError::internal("identity service not configured")))?;
            identity.audience(&token).await.map(Self).map_err(ApiError)
        })
    }
}

/// The `User-Agent`, to recognise one's sessions (truncated by the use case).
#[must_use]
pub fn client_description(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(ToOwned::to_owned)
}
