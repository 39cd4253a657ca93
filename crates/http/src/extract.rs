//! Authentication as an extractor: a handler that takes [`Authenticated`] only
//! runs for a valid access token of a live session. What the actor may do is
//! the use case's decision.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use rr_application::AppError;
use rr_application::services::IdentityService;
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

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let identity = req.app_data::<web::Data<IdentityService>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(ApiError(AppError::Unauthenticated("unauthenticated")))?;
            let identity = identity
                .ok_or_else(|| ApiError(AppError::internal("identity service not configured")))?;
            identity
                .authenticate(&token)
                .await
                .map(Authenticated)
                .map_err(ApiError)
        })
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

/// The `User-Agent`, to recognise one's sessions (truncated by the use case).
#[must_use]
pub fn client_description(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(ToOwned::to_owned)
}
