//! The reference data, the operations endpoints and the contract, over real
//! HTTP against the real application on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use serde_json::Value;

async fn items(app: &TestApp, path: &str) -> Vec<(String, String)> {
    let response = app.get(path).await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let body: Value = response.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["slug"].as_str().unwrap().to_owned(),
                item["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_thirteen_categories_are_listed_in_french(app: TestApp) {
    let categories = items(&app, "/api/v1/categories").await;

    assert_eq!(categories.len(), 13);
    assert_eq!(
        categories[0],
        ("communication".into(), "Communication".into())
    );
    assert!(categories.contains(&("sante-psychique".into(), "Santé psychique".into())));
    assert_eq!(
        categories[12],
        ("vie-affective".into(), "Vie affective".into())
    );
}

async fn the_six_relation_types_and_eight_resource_types_are_listed(app: TestApp) {
    let relations = items(&app, "/api/v1/relation-types").await;
    let types = items(&app, "/api/v1/resource-types").await;

    assert_eq!(relations.len(), 6);
    assert_eq!(
        relations[2],
        (
            "famille".into(),
            "Famille (enfants / parents / fratrie)".into()
        )
    );
    assert_eq!(types.len(), 8);
    assert_eq!(
        types[0],
        ("activite-jeu".into(), "Activité / jeu à réaliser".into())
    );
}

async fn the_instance_is_ready_and_tells_its_version(app: TestApp) {
    assert_eq!(app.get("/health/live").await.unwrap().status(), 200);
    assert_eq!(app.get("/health/ready").await.unwrap().status(), 200);
    let version: Value = app
        .get("/api/v1/version")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(version["apiVersion"], "v1");
}

async fn the_contract_and_its_browser_are_served(app: TestApp) {
    let document: Value = app
        .get("/api-docs/openapi.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(document["paths"]["/api/v1/categories"]["get"].is_object());

    let page = app.get("/docs/").await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui-bundle.js"));
}

async fn errors_are_problems_with_a_request_id(app: TestApp) {
    let response = app.get("/api/v1/unknown").await.unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_found");

    let wrong_method = app
        .client
        .delete(format!("{}/api/v1/categories", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
}

async fn metrics_report_requests_and_the_pool(app: TestApp) {
    app.get("/api/v1/categories").await.unwrap();

    let text = app.get("/metrics").await.unwrap().text().await.unwrap();

    assert!(text.contains(
        r#"rr_http_requests_total{method="GET",route="/api/v1/categories",status="200"} 1"#
    ));
    assert!(
        text.contains(r#"rr_db_pool_connections{state="max"} 5"#),
        "{text}"
    );
}

async fn a_stopped_server_closes_its_listener(app: TestApp) {
    assert_eq!(app.get("/health/ready").await.unwrap().status(), 200);

    app.stop().await;

    assert!(
        app.get("/health/ready").await.is_err(),
        "nothing listens after the stop"
    );
}

on_every_engine!(
    the_thirteen_categories_are_listed_in_french,
    the_six_relation_types_and_eight_resource_types_are_listed,
    the_instance_is_ready_and_tells_its_version,
    the_contract_and_its_browser_are_served,
    errors_are_problems_with_a_request_id,
    metrics_report_requests_and_the_pool,
    a_stopped_server_closes_its_listener,
);
