//! The resource routes over real actix services and in-memory fakes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_domain::Uuid;
use serde_json::{Value, json};
use support::{CATEGORY, KIND, RELATION, Reference, World, call, problem_fields, token};

/// The fakes, with the standard reference data.
fn world() -> World {
    World {
        reference: Reference::standard().store(),
        ..World::new()
    }
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
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let tom = token(&app, &world.fx, "tom").await;

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
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
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
    assert_eq!(problem_fields(&problem), ["title", "externalLink"]);

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
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let tom = token(&app, &world.fx, "tom").await;
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
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
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
