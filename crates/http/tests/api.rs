//! HTTP behaviour of the application over real actix services and in-memory
//! fakes: status codes, problem bodies, headers, metrics, fallbacks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{self, TestRequest};
use actix_web::{HttpResponse, web};
use rr_application::ports::{DatabaseHealth, ReferenceDataRepository};
use rr_application::services::{HealthService, ReferenceDataService};
use rr_application::test_util::{SwitchableHealth, UnavailableStore};
use rr_domain::reference::Category;
use rr_http::middleware::ClientRateLimit;
use rr_http::{Contract, HttpSettings, Services, VersionInfo};
use serde_json::Value;
use support::{Reference, TestApp, World, app_with, category, relation_type, resource_type};

/// Tight limits, for the body and timeout tests.
fn settings() -> HttpSettings {
    HttpSettings {
        body_limit_bytes: 256,
        request_timeout_ms: 200,
        auth_requests_per_minute: 600,
        auth_burst: 100,
        ..support::settings()
    }
}

/// Two active categories out of order and an inactive one, one relation
/// type, one resource type.
fn reference_data() -> Arc<dyn ReferenceDataRepository> {
    Reference {
        categories: vec![
            Category {
                position: 2,
                ..category(1, "parentalite", "Parentalité")
            },
            category(2, "communication", "Communication"),
            Category {
                position: 3,
                active: false,
                ..category(3, "ancienne", "Ancienne catégorie")
            },
        ],
        relation_types: vec![relation_type(1, "soi", "Soi")],
        resource_types: vec![resource_type(1, "video", "Vidéo")],
    }
    .store()
}

/// The services, the reference data and database health as given, version
/// 9.9.9.
fn services(
    repository: Arc<dyn ReferenceDataRepository>,
    health: Arc<dyn DatabaseHealth>,
) -> Services {
    let base = World {
        reference: reference_data(),
        ..World::new()
    }
    .services();
    Services {
        reference_data: ReferenceDataService::new(repository),
        health: HealthService::new(health),
        auth_rate_limit: ClientRateLimit::new(600, 100, false),
        version: VersionInfo {
            version: "9.9.9".into(),
            ..base.version
        },
        ..base
    }
}

fn healthy() -> Services {
    services(reference_data(), Arc::new(SwitchableHealth::new(true)))
}

async fn app(services: Services) -> impl TestApp {
    app_with(services, settings()).await
}

async fn json_of<B: MessageBody>(response: ServiceResponse<B>) -> Value {
    serde_json::from_slice(&test::read_body(response).await).unwrap()
}

fn assert_problem<B>(response: &ServiceResponse<B>, status: StatusCode) {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
}

#[actix_web::test]
async fn categories_lists_the_active_ones_in_order_with_a_short_public_cache() {
    let app = app(healthy()).await;

    let response = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/categories").to_request(),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=60"
    );
    let body = json_of(response).await;
    let slugs: Vec<_> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].clone())
        .collect();
    assert_eq!(slugs, ["communication", "parentalite"]);
    assert_eq!(body["items"][1]["label"], "Parentalité");
}

#[actix_web::test]
async fn relation_and_resource_types_are_listed() {
    let app = app(healthy()).await;

    for (uri, slug) in [
        ("/api/v1/relation-types", "soi"),
        ("/api/v1/resource-types", "video"),
    ] {
        let response = test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(json_of(response).await["items"][0]["slug"], slug);
    }
}

#[actix_web::test]
async fn a_database_outage_is_a_503_problem_that_reveals_nothing() {
    let app = app(services(
        Arc::new(UnavailableStore),
        Arc::new(SwitchableHealth::new(false)),
    ))
    .await;

    for uri in [
        "/api/v1/categories",
        "/api/v1/relation-types",
        "/api/v1/resource-types",
    ] {
        let response = test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        assert_problem(&response, StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key(header::RETRY_AFTER));
        let body = json_of(response).await;
        assert_eq!(body["code"], "service_unavailable");
        assert!(
            !body.to_string().contains("fake store"),
            "internal detail leaked: {body}"
        );
    }
}

#[actix_web::test]
async fn readiness_follows_the_database_without_restart() {
    let health = Arc::new(SwitchableHealth::new(true));
    let app = app(services(reference_data(), health.clone())).await;
    let ready = || TestRequest::get().uri("/health/ready").to_request();

    assert_eq!(
        test::call_service(&app, ready()).await.status(),
        StatusCode::OK
    );
    health.set_up(false);
    let down = test::call_service(&app, ready()).await;
    assert_problem(&down, StatusCode::SERVICE_UNAVAILABLE);
    health.set_up(true);
    assert_eq!(
        test::call_service(&app, ready()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn liveness_does_not_depend_on_the_database() {
    let app = app(services(
        Arc::new(UnavailableStore),
        Arc::new(SwitchableHealth::new(false)),
    ))
    .await;

    let response =
        test::call_service(&app, TestRequest::get().uri("/health/live").to_request()).await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn version_tells_what_runs() {
    let app = app(healthy()).await;

    let body = json_of(
        test::call_service(&app, TestRequest::get().uri("/api/v1/version").to_request()).await,
    )
    .await;

    assert_eq!(
        body,
        serde_json::json!({"name": "rr-server", "version": "9.9.9", "apiVersion": "v1", "privacyPolicyVersion": "2026-11"})
    );
}

#[actix_web::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = app(healthy()).await;

    let response = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/nothing-here").to_request(),
    )
    .await;

    assert_problem(&response, StatusCode::NOT_FOUND);
    assert_eq!(json_of(response).await["code"], "not_found");
}

#[actix_web::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = app(healthy()).await;

    for method in [
        actix_web::http::Method::POST,
        actix_web::http::Method::DELETE,
    ] {
        let response = test::call_service(
            &app,
            TestRequest::default()
                .method(method)
                .uri("/api/v1/categories")
                .to_request(),
        )
        .await;
        assert_problem(&response, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers().get(header::ALLOW).unwrap(), "GET");
        assert_eq!(json_of(response).await["code"], "method_not_allowed");
    }
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_the_security_headers() {
    let app = app(healthy()).await;

    for uri in ["/api/v1/categories", "/nowhere", "/health/live"] {
        let response = test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        let headers = response.headers();
        assert!(headers.contains_key("x-request-id"), "{uri}");
        assert_eq!(
            headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff"
        );
        assert_eq!(headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
        assert!(headers.get(header::CONTENT_SECURITY_POLICY).is_some());
        assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_some());
    }
}

#[actix_web::test]
async fn a_sane_request_id_is_echoed() {
    let app = app(healthy()).await;

    let response = test::call_service(
        &app,
        TestRequest::get()
            .uri("/health/live")
            .insert_header(("X-Request-Id", "trace-42"))
            .to_request(),
    )
    .await;

    assert_eq!(response.headers().get("x-request-id").unwrap(), "trace-42");
}

#[actix_web::test]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let app = app(healthy()).await;
    for uri in ["/api/v1/categories", "/api/v1/categories", "/no/such/page"] {
        test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
    }

    let response = test::call_service(&app, TestRequest::get().uri("/metrics").to_request()).await;

    assert!(
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(
        text.contains(
            r#"rr_http_requests_total{method="GET",route="/api/v1/categories",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",status="404"} 1"#),
        "{text}"
    );
    assert!(
        !text.contains("/no/such/page"),
        "raw paths must not become labels"
    );
    assert!(
        text.contains(r#"rr_db_pool_connections{state="max"} 4"#),
        "{text}"
    );
}

#[actix_web::test]
async fn the_documentation_is_served_by_the_binary_itself() {
    let app = app(healthy()).await;

    let redirect = test::call_service(&app, TestRequest::get().uri("/docs").to_request()).await;
    assert_eq!(redirect.headers().get(header::LOCATION).unwrap(), "/docs/");

    let page = test::call_service(&app, TestRequest::get().uri("/docs/").to_request()).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = String::from_utf8(test::read_body(page).await.to_vec()).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );

    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        let response = test::call_service(
            &app,
            TestRequest::get()
                .uri(&format!("/docs/{asset}"))
                .to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
    }
    let initializer = test::call_service(
        &app,
        TestRequest::get()
            .uri("/docs/swagger-initializer.js")
            .to_request(),
    )
    .await;
    let script = String::from_utf8(test::read_body(initializer).await.to_vec()).unwrap();
    assert!(script.contains("/api-docs/openapi.json"));
    assert!(
        script.contains(r#""validatorUrl": "none""#),
        "no call to an online validator: {script}"
    );
}

#[actix_web::test]
async fn the_openapi_document_is_3_1_and_documents_every_error() {
    let app = app(healthy()).await;

    let response = test::call_service(
        &app,
        TestRequest::get()
            .uri("/api-docs/openapi.json")
            .to_request(),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let doc = json_of(response).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/categories",
        "/api/v1/relation-types",
        "/api/v1/resource-types",
        "/api/v1/version",
        "/health/live",
        "/health/ready",
        "/metrics",
        "/api-docs/openapi.json",
    ] {
        let operation = &doc["paths"][path]["get"];
        assert!(operation.is_object(), "{path} is missing");
        for status in ["500", "503"] {
            let content = &operation["responses"][status]["content"]["application/problem+json"];
            assert!(content.is_object(), "{path} does not document {status}");
        }
        assert!(
            operation["responses"]["200"]["headers"]["X-Request-Id"].is_object(),
            "{path}"
        );
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct Echo {
    display_name: String,
    age: u8,
}

async fn echo(body: web::Json<Echo>) -> HttpResponse {
    HttpResponse::Ok().body(body.display_name.clone())
}

async fn slow() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(5)).await;
    HttpResponse::Ok().finish()
}

/// The application plus two routes that exist only here, to exercise the JSON
/// body and timeout machinery every future write endpoint will share.
macro_rules! app_with_test_routes {
    () => {
        test::init_service(
            rr_http::build(&healthy(), &settings(), &Contract::new().unwrap())
                .service(web::resource("/test/echo").route(web::post().to(echo)))
                .service(web::resource("/test/slow").route(web::get().to(slow))),
        )
        .await
    };
}

fn post_json(body: &'static str) -> actix_web::test::TestRequest {
    TestRequest::post()
        .uri("/test/echo")
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ))
        .set_payload(body)
}

#[actix_web::test]
async fn a_valid_body_passes() {
    let app = app_with_test_routes!();
    let response = test::call_service(
        &app,
        post_json(r#"{"displayName":"Léa","age":30}"#).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_unknown_field_is_a_422_naming_it() {
    let app = app_with_test_routes!();

    let response = test::call_service(
        &app,
        post_json(r#"{"displayName":"Léa","age":30,"role":"admin"}"#).to_request(),
    )
    .await;

    assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
    let body = json_of(response).await;
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["errors"][0]["field"], "role");
    assert_eq!(body["errors"][0]["code"], "unknown_field");
}

#[actix_web::test]
async fn a_missing_or_mistyped_field_is_a_422() {
    let app = app_with_test_routes!();

    let missing =
        test::call_service(&app, post_json(r#"{"displayName":"Léa"}"#).to_request()).await;
    assert_problem(&missing, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(missing).await["errors"][0]["field"], "age");

    let mistyped = test::call_service(
        &app,
        post_json(r#"{"displayName":"Léa","age":"old"}"#).to_request(),
    )
    .await;
    assert_problem(&mistyped, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(mistyped).await["errors"][0]["code"],
        "invalid_value"
    );
}

#[actix_web::test]
async fn malformed_json_is_a_400() {
    let app = app_with_test_routes!();

    let response = test::call_service(&app, post_json(r#"{"displayName": "#).to_request()).await;

    assert_problem(&response, StatusCode::BAD_REQUEST);
    assert_eq!(json_of(response).await["code"], "malformed_json");
}

#[actix_web::test]
async fn an_oversized_body_is_a_413() {
    let app = app_with_test_routes!();
    let big: &'static str =
        Box::leak(format!(r#"{{"displayName":"{}","age":1}}"#, "x".repeat(1_000)).into_boxed_str());

    let response = test::call_service(&app, post_json(big).to_request()).await;

    assert_problem(&response, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_of(response).await["code"], "payload_too_large");
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = app_with_test_routes!();

    let response = test::call_service(
        &app,
        TestRequest::post()
            .uri("/test/echo")
            .insert_header((header::CONTENT_TYPE, "text/plain"))
            .set_payload("hello")
            .to_request(),
    )
    .await;

    assert_problem(&response, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[actix_web::test]
async fn a_request_slower_than_the_limit_is_a_503_with_its_request_id() {
    let app = app_with_test_routes!();

    // The timeout fires in a middleware, so the error travels as an actix error
    // that the server renders into this response.
    let err = test::try_call_service(&app, TestRequest::get().uri("/test/slow").to_request())
        .await
        .err()
        .expect("a timeout");
    let response = err.error_response();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    assert!(response.headers().contains_key("x-request-id"));
    let body = actix_web::body::to_bytes(response.into_body())
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["code"],
        "request_timeout"
    );
}
