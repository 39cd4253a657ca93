//! The resource routes over real actix services and in-memory fakes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use rr_application::services::{
    HealthService, ReferenceDataService, ResourcePorts, ResourceService,
};
use rr_application::test_util::{
    FakeResources, IdentityFixture, InMemoryReferenceData, SwitchableHealth, identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::reference::{Category, Label, ReferenceId, RelationType, ResourceType, Slug};
use rr_http::middleware::ClientRateLimit;
use rr_http::{Contract, HttpSettings, Metrics, Services, VersionInfo};
use serde_json::{Value, json};

const PASSWORD: &str = "Tournesol-Bleu-2026!";
const CATEGORY: u128 = 1;
const KIND: u128 = 4;
const RELATION: u128 = 3;

fn reference() -> Arc<InMemoryReferenceData> {
    let id = |n| ReferenceId::from_uuid(Uuid::from_u128(n));
    Arc::new(InMemoryReferenceData::new(
        vec![Category {
            id: id(CATEGORY),
            slug: Slug::parse("parentalite").unwrap(),
            label: Label::parse("Parentalité").unwrap(),
            position: 1,
            active: true,
        }],
        vec![RelationType {
            id: id(RELATION),
            slug: Slug::parse("famille").unwrap(),
            label: Label::parse("Famille").unwrap(),
            position: 1,
        }],
        vec![ResourceType {
            id: id(KIND),
            slug: Slug::parse("article").unwrap(),
            label: Label::parse("Article").unwrap(),
            position: 1,
        }],
    ))
}

fn services(fx: &IdentityFixture) -> Services {
    Services {
        reference_data: ReferenceDataService::new(reference()),
        health: HealthService::new(Arc::new(SwitchableHealth::new(true))),
        identity: fx.service.clone(),
        resources: ResourceService::new(ResourcePorts {
            resources: Arc::new(FakeResources::default()),
            users: fx.users.clone(),
            reference_data: reference(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        }),
        auth_rate_limit: ClientRateLimit::new(6_000, 1_000, false),
        metrics: Metrics::new().unwrap(),
        version: VersionInfo {
            name: "rr-server".into(),
            version: "0".into(),
            api_version: "v1".into(),
            privacy_policy_version: "2026-11".into(),
        },
    }
}

fn settings() -> HttpSettings {
    HttpSettings {
        host: "127.0.0.1".into(),
        port: 0,
        workers: 1,
        body_limit_bytes: 65_536,
        request_timeout_ms: 5_000,
        shutdown_timeout_secs: 1,
        auth_requests_per_minute: 6_000,
        auth_burst: 1_000,
        trust_forwarded_for: false,
    }
}

/// The application on the fixture's services.
macro_rules! app {
    ($fx:expr) => {
        test::init_service(rr_http::build(
            &services(&$fx),
            &settings(),
            &Contract::new().unwrap(),
        ))
        .await
    };
}

async fn call<S, B>(app: &S, req: TestRequest, token: Option<&str>) -> (StatusCode, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let req = match token {
        Some(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
        None => req,
    };
    let response = test::call_service(
        app,
        req.peer_addr("10.0.0.1:1".parse().unwrap()).to_request(),
    )
    .await;
    let status = response.status();
    let bytes = test::read_body(response).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn token<S, B>(app: &S, fx: &IdentityFixture, name: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let email = format!("{name}@exemple.fr");
    let body = json!({"email": email, "username": name, "firstName": "Léa", "lastName": "Martin", "country": "FR",
                      "password": PASSWORD, "acceptedPolicyVersion": "2026-11", "ageDeclaration": true});
    call(
        app,
        TestRequest::post()
            .uri("/api/v1/auth/register")
            .set_json(body),
        None,
    )
    .await;
    let verification = fx.outbox.last_token_for(&email).unwrap();
    call(
        app,
        TestRequest::post()
            .uri("/api/v1/auth/verify-email")
            .set_json(json!({"token": verification})),
        None,
    )
    .await;
    let (_, tokens) = call(
        app,
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"email": email, "password": PASSWORD})),
        None,
    )
    .await;
    tokens["accessToken"].as_str().unwrap().to_owned()
}

fn resource(visibility: &str) -> Value {
    json!({
        "title": "Parler à son ado", "summary": "Quelques pistes.", "body": "# Écouter\n\nD'abord écouter.",
        "categoryId": Uuid::from_u128(CATEGORY), "resourceTypeId": Uuid::from_u128(KIND),
        "relationTypeIds": [Uuid::from_u128(RELATION)], "visibility": visibility,
        "externalLink": "https://www.service-public.fr/"
    })
}

#[actix_web::test]
async fn a_draft_is_created_read_by_its_author_and_hidden_from_others() {
    let fx = identity_fixture();
    let app = app!(fx);
    let lea = token(&app, &fx, "lea").await;
    let tom = token(&app, &fx, "tom").await;

    let (status, created) = call(
        &app,
        TestRequest::post()
            .uri("/api/v1/resources")
            .set_json(resource("public")),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["state"], "draft");
    assert_eq!(created["author"], "lea");
    let path = format!("/api/v1/resources/{}", created["id"].as_str().unwrap());

    assert_eq!(
        call(&app, TestRequest::get().uri(&path), Some(&lea))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, TestRequest::get().uri(&path), Some(&tom))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, TestRequest::get().uri(&path), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, TestRequest::get().uri(&path), Some("garbage"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(
            &app,
            TestRequest::patch()
                .uri(&path)
                .set_json(json!({"title": "Autre titre"})),
            Some(&tom)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, TestRequest::delete().uri(&path), Some(&tom))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn bad_input_is_named_and_nothing_is_stored() {
    let fx = identity_fixture();
    let app = app!(fx);
    let lea = token(&app, &fx, "lea").await;
    let mut bad = resource("public");
    bad["title"] = json!("ab");
    bad["externalLink"] = json!("javascript:alert(1)");
    bad["relationTypeIds"] = json!([Uuid::from_u128(99)]);

    let (status, problem) = call(
        &app,
        TestRequest::post().uri("/api/v1/resources").set_json(bad),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "externalLink"]);

    let mut unknown = resource("public");
    unknown["author"] = json!("someone-else");
    assert_eq!(
        call(
            &app,
            TestRequest::post()
                .uri("/api/v1/resources")
                .set_json(unknown),
            Some(&lea)
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (status, problem) = call(
        &app,
        TestRequest::post().uri("/api/v1/resources").set_json({
            let mut r = resource("public");
            r["relationTypeIds"] = json!([Uuid::from_u128(99)]);
            r
        }),
        Some(&lea),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("unknown_relation_type")
        )
    );

    let (_, page) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/resources"),
        Some(&lea),
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    assert!(
        call(
            &app,
            TestRequest::post()
                .uri("/api/v1/resources")
                .set_json(resource("public")),
            None
        )
        .await
        .0 == StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn submitting_editing_and_the_lifecycle_over_http() {
    let fx = identity_fixture();
    let app = app!(fx);
    let lea = token(&app, &fx, "lea").await;
    let tom = token(&app, &fx, "tom").await;
    let mut shared = resource("shared");
    shared["sharedWith"] = json!(["tom"]);
    let (_, created) = call(
        &app,
        TestRequest::post()
            .uri("/api/v1/resources")
            .set_json(shared),
        Some(&lea),
    )
    .await;
    let path = format!("/api/v1/resources/{}", created["id"].as_str().unwrap());

    let (status, submitted) = call(
        &app,
        TestRequest::post().uri(&format!("{path}/submit")),
        Some(&lea),
    )
    .await;
    assert_eq!(
        (status, submitted["state"].as_str()),
        (StatusCode::OK, Some("published"))
    );
    let (status, seen) = call(&app, TestRequest::get().uri(&path), Some(&tom)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        seen["sharedWith"],
        json!([]),
        "only the author sees the list"
    );
    assert_eq!(
        call(
            &app,
            TestRequest::post().uri(&format!("{path}/submit")),
            Some(&tom)
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (status, problem) = call(
        &app,
        TestRequest::post().uri(&format!("{path}/submit")),
        Some(&lea),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );

    let (status, public) = call(
        &app,
        TestRequest::patch()
            .uri(&path)
            .set_json(json!({"visibility": "public", "sharedWith": []})),
        Some(&lea),
    )
    .await;
    assert_eq!(
        (status, public["state"].as_str()),
        (StatusCode::OK, Some("pending_review")),
        "going public means review"
    );
    assert_eq!(
        call(&app, TestRequest::get().uri(&path), Some(&tom))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        call(&app, TestRequest::delete().uri(&path), Some(&lea))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, TestRequest::get().uri(&path), Some(&lea))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(
            &app,
            TestRequest::post().uri(&format!("{path}/restore")),
            Some(&lea)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn ones_resources_page_with_a_cursor() {
    let fx = identity_fixture();
    let app = app!(fx);
    let lea = token(&app, &fx, "lea").await;
    for _ in 0..3 {
        call(
            &app,
            TestRequest::post()
                .uri("/api/v1/resources")
                .set_json(resource("private")),
            Some(&lea),
        )
        .await;
    }

    let (_, first) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/resources?limit=2"),
        Some(&lea),
    )
    .await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        TestRequest::get().uri(&format!("/api/v1/me/resources?limit=2&cursor={cursor}")),
        Some(&lea),
    )
    .await;

    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["nextCursor"].is_null());
    let (status, _) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/resources?limit=abc"),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
