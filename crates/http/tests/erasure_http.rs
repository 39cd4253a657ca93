//! `DELETE /api/v1/me` over HTTP, on in-memory fakes: the confirmation it
//! needs, its problems, and what the erased account's token and password
//! are worth afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_application::test_util::FakeTotp;
use rr_domain::identity::Role;
use serde_json::{Value, json};
use support::{PASSWORD, World, account, call, fetch, post, problem_fields, token};

fn erase(body: Value) -> TestRequest {
    TestRequest::delete().uri("/api/v1/me").set_json(body)
}

fn me() -> TestRequest {
    TestRequest::get().uri("/api/v1/me")
}

#[actix_web::test]
async fn an_erasure_needs_a_token_and_the_password() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let body = json!({"password": PASSWORD, "content": "anonymise"});

    assert!(
        fetch(&app, erase(body.clone()), None)
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    assert!(
        fetch(
            &app,
            erase(json!({"password": "pas le bon", "content": "anonymise"})),
            Some(&lea)
        )
        .await
        .is_problem(StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    assert_eq!(fetch(&app, me(), Some(&lea)).await.status, StatusCode::OK);
    assert!(world.erasure.store.plans().is_empty());
}

#[actix_web::test]
async fn a_malformed_confirmation_is_422_and_names_the_field() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;

    for (body, field, code) in [
        (json!({"password": PASSWORD}), "content", "missing_field"),
        (json!({"content": "delete"}), "password", "missing_field"),
        (
            json!({"password": PASSWORD, "content": "delete", "role": "admin"}),
            "role",
            "unknown_field",
        ),
        (
            json!({"password": PASSWORD, "content": "everything"}),
            "",
            "invalid_value",
        ),
    ] {
        let (status, problem) = call(&app, erase(body.clone()), Some(&lea)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(problem_fields(&problem), [field], "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    assert!(world.erasure.store.plans().is_empty());
}

#[actix_web::test]
async fn with_two_factor_on_the_code_is_required_and_checked() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = account(&world.fx, "lea", Role::Citizen, true).await;

    assert!(
        fetch(
            &app,
            erase(json!({"password": PASSWORD, "content": "delete"})),
            Some(&lea)
        )
        .await
        .is_problem(StatusCode::FORBIDDEN, "second_factor_required")
    );
    assert!(
        fetch(
            &app,
            erase(json!({"password": PASSWORD, "code": "000000", "content": "delete"})),
            Some(&lea)
        )
        .await
        .is_problem(StatusCode::UNAUTHORIZED, "invalid_second_factor")
    );
    world.fx.clock.advance(time::Duration::seconds(30));
    let code = FakeTotp::code_at(world.fx.clock.now_for_tests());
    let answer = fetch(
        &app,
        erase(json!({"password": PASSWORD, "code": code, "content": "delete"})),
        Some(&lea),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn once_erased_the_token_is_refused_and_the_password_opens_nothing() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;

    let answer = fetch(
        &app,
        erase(json!({"password": PASSWORD, "content": "anonymise"})),
        Some(&lea),
    )
    .await;

    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(
        fetch(&app, me(), Some(&lea))
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "session_revoked")
    );
    assert!(
        fetch(
            &app,
            post(
                "/api/v1/auth/login",
                json!({"email": "lea@exemple.fr", "password": PASSWORD})
            ),
            None
        )
        .await
        .is_problem(StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    let plans = world.erasure.store.plans();
    assert_eq!(plans.len(), 1);
    assert_eq!(
        plans[0].content,
        rr_domain::subject_rights::ContentChoice::Anonymise
    );
}

#[actix_web::test]
async fn a_staff_account_is_not_erased_from_the_application() {
    let world = World::new();
    let app = world.app().await;
    let (_, moderator) = account(&world.fx, "modo", Role::Moderator, true).await;
    world.fx.clock.advance(time::Duration::seconds(30));
    let code = FakeTotp::code_at(world.fx.clock.now_for_tests());

    assert!(
        fetch(
            &app,
            erase(json!({"password": PASSWORD, "code": code, "content": "delete"})),
            Some(&moderator)
        )
        .await
        .is_problem(StatusCode::FORBIDDEN, "staff_account")
    );
    assert_eq!(
        fetch(&app, me(), Some(&moderator)).await.status,
        StatusCode::OK
    );
}
