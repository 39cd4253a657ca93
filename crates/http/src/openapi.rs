//! The OpenAPI 3.1 document: the contract with the front-end teams.
//!
//! Paths come from the handlers' `#[utoipa::path]` attributes, collected by
//! `utoipa-actix-web` as routes are registered; [`CommonResponses`] then adds what
//! every operation shares (the `X-Request-Id` header, the 500 and 503 problems).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder, Type,
};
use utoipa::{Modify, OpenApi};

use crate::problem::{FieldError, PROBLEM_JSON, ProblemDetails};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ressources Relationnelles API",
        description = "API of Ressources Relationnelles, the platform of the Ministère des Solidarités et de la Santé \
                       where citizens share resources that help them build and keep relationships.\n\n\
                       Bodies are JSON in camelCase; timestamps are RFC 3339 in UTC; ids are UUIDs. \
                       Every error is an RFC 9457 `application/problem+json` document with a stable `code`. \
                       Every response carries an `X-Request-Id` header (the caller's, when it sent a sane one).",
    ),
    tags(
        (name = "Authentication", description = "Registration, login, tokens and password reset."),
        (name = "My account", description = "The caller's own account, sessions and second factor."),
        (name = "Administration", description = "Staff administration of accounts."),
        (name = "Privacy", description = "The privacy policy and its versions, the caller's consents and restriction, and the register of processing activities (GDPR Art. 30)."),
        (name = "Data protection", description = "Requests people make outside the application to exercise their data protection rights: deadlines, actions, outcomes; the register of personal data breaches and its 72-hour deadline."),
        (name = "Resources", description = "What citizens share: creation, reading, editing, sharing, lifecycle."),
        (name = "Comments", description = "Threads of comments and replies on resources, their edits and tombstones."),
        (name = "Moderation", description = "Reports, the moderators' queue and decisions, and the moderation log."),
        (name = "Progress", description = "A citizen's favourites, exploited and set-aside resources, and their dashboard."),
        (name = "Notifications", description = "The caller's inbox: moderators' decisions on their content, replies to their comments."),
        (name = "Feature flags", description = "The caller's feature flags, and their administration: gradual rollouts sticky per account, targeted by region and role, for canary delivery."),
        (name = "Reference data", description = "Categories, relation types and resource types."),
        (name = "Operations", description = "Probes, metrics, version and this document."),
    ),
    components(schemas(ProblemDetails, FieldError))
)]
pub(crate) struct ApiDoc;

/// Adds to every operation the responses and headers every operation has.
#[derive(Debug)]
pub(crate) struct CommonResponses;

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ProblemDetails")))
                .build(),
        )
        .build()
}

/// What the privacy gate answers a write (ADR 0021), added to the 403 of
/// every write that passes it (or as its 403).
const GATE: &str = "The account must first accept the privacy policy in force \
     (`consent_required`: `PUT /api/v1/me/consents`), or has restricted its processing \
     (`account_restricted`).";

fn gated(responses: &mut std::collections::BTreeMap<String, RefOr<Response>>) {
    match responses.get_mut("403") {
        Some(RefOr::T(response)) => {
            response.description = format!("{} {GATE}", response.description);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert("403".into(), RefOr::T(problem_response(GATE)));
        }
    }
}

impl Modify for CommonResponses {
    fn modify(&self, api: &mut Document) {
        api.info.version = env!("CARGO_PKG_VERSION").to_owned();
        // utoipa fills the licence from Cargo metadata; the workspace declares none.
        api.info.license = None;
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from `POST /api/v1/auth/login` or `/refresh` (EdDSA JWT, 15 minutes).",
                    ))
                    .build(),
            ),
        );
        let request_id = HeaderBuilder::new()
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new().schema_type(Type::String),
            ))
            .description(Some(
                "Id of the request, to quote when reporting a problem.",
            ))
            .build();
        for (path, item) in &mut api.paths.paths {
            let rate_limited = path.starts_with("/api/v1/auth/");
            let operations = [
                ("GET", &mut item.get),
                ("PUT", &mut item.put),
                ("POST", &mut item.post),
                ("DELETE", &mut item.delete),
                ("PATCH", &mut item.patch),
            ];
            for (method, operation) in operations
                .into_iter()
                .filter_map(|(method, operation)| operation.as_mut().map(|o| (method, o)))
            {
                let has_body = operation.request_body.is_some();
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.into())
                        .or_insert_with(|| RefOr::T(problem_response(description)));
                };
                if has_body {
                    add(
                        "400",
                        "The body is not well-formed JSON (`malformed_json`).",
                    );
                    add("413", "The body is too large (`payload_too_large`).");
                    add(
                        "415",
                        "The body is not `application/json` (`unsupported_media_type`).",
                    );
                    add(
                        "422",
                        "The body breaks the schema or a rule (`validation_failed`); `errors` names each field.",
                    );
                }
                if rate_limited {
                    add(
                        "429",
                        "Too many requests from this address (`too_many_requests`) or too many failed \
                         attempts (`too_many_attempts`); retry after `Retry-After` seconds.",
                    );
                }
                if secured {
                    add(
                        "401",
                        "No valid access token (`unauthenticated`, `invalid_token`, `session_revoked`).",
                    );
                }
                if secured
                    && method != "GET"
                    && !crate::extract::UNGATED_WRITES.contains(&(method, path.as_str()))
                {
                    gated(responses);
                }
                let responses = &mut operation.responses.responses;
                responses.entry("500".into()).or_insert_with(|| {
                    RefOr::T(problem_response("Unexpected error (`internal_error`)."))
                });
                responses.entry("503".into()).or_insert_with(|| {
                    RefOr::T(problem_response(
                        "The database is unavailable (`service_unavailable`) or the request took too long \
                         (`request_timeout`); retry after `Retry-After` seconds.",
                    ))
                });
                for response in responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response
                            .headers
                            .insert("X-Request-Id".into(), RefOr::T(request_id.clone()));
                    }
                }
            }
        }
    }
}
