//! Per-account write limits over HTTP: a refused write is a 429 problem
//! `write_rate_limited` with `Retry-After`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_application::services::{Rate, WriteLimitPolicy, WriteLimiter};
use rr_domain::Uuid;
use serde_json::{Value, json};
use support::{CATEGORY, KIND, RELATION, Reference, World, fetch, token};

fn resource() -> Value {
    json!({
        "title": "Parler à son ado", "summary": "Quelques pistes.", "body": "# Écouter\n\nD'abord écouter.",
        "categoryId": Uuid::from_u128(CATEGORY), "resourceTypeId": Uuid::from_u128(KIND),
        "relationTypeIds": [Uuid::from_u128(RELATION)], "visibility": "private"
    })
}

fn create() -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/resources")
        .set_json(resource())
}

#[actix_web::test]
async fn creating_resources_beyond_the_budget_is_429_with_retry_after() {
    let base = World::new();
    let write_limits = Arc::new(WriteLimiter::new(
        &WriteLimitPolicy {
            resources: vec![Rate::per_minute(3)],
            ..WriteLimitPolicy::default()
        },
        base.fx.clock.clone(),
    ));
    let world = World {
        reference: Reference::standard().store(),
        write_limits,
        ..base
    };
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let tom = token(&app, &world.fx, "tom").await;
    for _ in 0..3 {
        let created = fetch(&app, create(), Some(&lea)).await;
        assert_eq!(created.status, StatusCode::CREATED);
    }

    let refused = fetch(&app, create(), Some(&lea)).await;
    assert!(
        refused.is_problem(StatusCode::TOO_MANY_REQUESTS, "write_rate_limited"),
        "{} {}",
        refused.status,
        refused.json()
    );
    assert_eq!(refused.header(header::RETRY_AFTER), "20");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("20 seconds")
    );
    assert_eq!(
        fetch(&app, create(), Some(&tom)).await.status,
        StatusCode::CREATED,
        "the budget is per account"
    );

    world.fx.clock.advance(time::Duration::seconds(20));
    assert_eq!(
        fetch(&app, create(), Some(&lea)).await.status,
        StatusCode::CREATED,
        "a creation came back after 20 seconds"
    );
}

#[actix_web::test]
async fn the_default_budget_lets_a_citizen_create_ten_resources_at_once() {
    let world = World {
        reference: Reference::standard().store(),
        ..World::new()
    };
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    for _ in 0..10 {
        assert_eq!(
            fetch(&app, create(), Some(&lea)).await.status,
            StatusCode::CREATED
        );
    }
    let refused = fetch(&app, create(), Some(&lea)).await;
    assert!(refused.is_problem(StatusCode::TOO_MANY_REQUESTS, "write_rate_limited"));
    assert_eq!(refused.header(header::RETRY_AFTER), "360");
}
