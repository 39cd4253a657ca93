//! The identity routes over real actix services and in-memory fakes: status
//! codes, mass assignment, enumeration, authentication and the staff role matrix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use rr_domain::identity::Role;
use rr_http::middleware::ClientRateLimit;
use rr_http::{HttpSettings, Services};
use serde_json::json;
use support::{
    PASSWORD, PEER, TestApp, World, account, app_with, call, post, problem_fields, registration,
    token, with_token,
};

/// The usual settings, JSON bodies limited to 16 KiB.
fn settings() -> HttpSettings {
    HttpSettings {
        body_limit_bytes: 16_384,
        ..support::settings()
    }
}

/// The application on `world`.
async fn app(world: &World) -> impl TestApp {
    app_with(world.services(), settings()).await
}

#[actix_web::test]
async fn registration_refuses_fields_it_does_not_know_such_as_role() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    let mut body = registration("lea@exemple.fr", "lea");
    body["role"] = json!("super_administrator");

    let (status, problem) = call(&app, post("/api/v1/auth/register", body), None).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "role");
    assert!(fx.users.all().is_empty());
}

#[actix_web::test]
async fn patch_me_cannot_set_role_status_or_id() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    let token = token(&app, fx, "lea").await;

    for field in ["role", "status", "id", "emailVerified", "twoFactorEnabled"] {
        let (status, problem) = call(
            &app,
            TestRequest::patch()
                .uri("/api/v1/me")
                .set_json(json!({ field: "x" })),
            Some(&token),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(problem["errors"][0]["code"], "unknown_field");
    }
    let (_, me) = call(&app, TestRequest::get().uri("/api/v1/me"), Some(&token)).await;
    assert_eq!(me["role"], "citizen");
}

#[actix_web::test]
async fn every_faulty_registration_field_is_named() {
    let world = World::new();
    let app = app(&world).await;
    let mut body = registration("not-an-email", "x");
    body["country"] = json!("France");
    body["phone"] = json!("06");

    let (status, problem) = call(&app, post("/api/v1/auth/register", body), None).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem_fields(&problem),
        ["email", "username", "country", "phone"]
    );
}

#[actix_web::test]
async fn known_and_unknown_emails_get_the_same_answers() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    token(&app, fx, "lea").await;

    let known = call(
        &app,
        post(
            "/api/v1/auth/register",
            registration("lea@exemple.fr", "lea2"),
        ),
        None,
    )
    .await;
    let unknown = call(
        &app,
        post(
            "/api/v1/auth/register",
            registration("new@exemple.fr", "newcomer"),
        ),
        None,
    )
    .await;
    assert_eq!(known, unknown);

    let wrong = json!({"email": "lea@exemple.fr", "password": "Wrong-Password-9?"});
    let nobody = json!({"email": "nobody@exemple.fr", "password": "Wrong-Password-9?"});
    assert_eq!(
        call(&app, post("/api/v1/auth/login", wrong), None).await,
        call(&app, post("/api/v1/auth/login", nobody), None).await
    );

    let reset_known = call(
        &app,
        post(
            "/api/v1/auth/password-reset/request",
            json!({"email": "lea@exemple.fr"}),
        ),
        None,
    )
    .await;
    let reset_unknown = call(
        &app,
        post(
            "/api/v1/auth/password-reset/request",
            json!({"email": "zz@exemple.fr"}),
        ),
        None,
    )
    .await;
    assert_eq!(reset_known, reset_unknown);
    assert_eq!(reset_known.0, StatusCode::ACCEPTED);
}

#[actix_web::test]
async fn protected_routes_need_a_valid_token() {
    let world = World::new();
    let app = app(&world).await;

    for token in [None, Some("garbage"), Some("fake.a.b.c.d.e")] {
        let mut req = TestRequest::get().uri("/api/v1/me");
        if let Some(token) = token {
            req = with_token(req, token);
        }
        let response = test::call_service(&app, req.to_request()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(
            response.headers().get("www-authenticate").unwrap(),
            "Bearer"
        );
    }
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_ends_the_session() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    token(&app, fx, "lea").await;
    let (_, first) = call(
        &app,
        post(
            "/api/v1/auth/login",
            json!({"email": "lea@exemple.fr", "password": PASSWORD}),
        ),
        None,
    )
    .await;

    let (status, second) = call(
        &app,
        post(
            "/api/v1/auth/refresh",
            json!({"refreshToken": first["refreshToken"]}),
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = call(
        &app,
        post(
            "/api/v1/auth/refresh",
            json!({"refreshToken": first["refreshToken"]}),
        ),
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token"))
    );
    let (status, _) = call(
        &app,
        TestRequest::get().uri("/api/v1/me"),
        Some(second["accessToken"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the whole family is revoked"
    );
}

#[actix_web::test]
async fn the_authentication_routes_are_rate_limited_per_client_address() {
    let world = World::new();
    let services = Services {
        auth_rate_limit: ClientRateLimit::new(60, 3, false),
        ..world.services()
    };
    let app = app_with(services, settings()).await;
    // A different email each time, so the per-email throttle stays out of the way.
    let attempt = |i: u32| {
        post(
            "/api/v1/auth/login",
            json!({"email": format!("a{i}@exemple.fr"), "password": "x"}),
        )
    };

    for i in 0..3 {
        assert_eq!(
            call(&app, attempt(i), None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let response = test::call_service(
        &app,
        attempt(3).peer_addr(PEER.parse().unwrap()).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let other_client = test::call_service(
        &app,
        attempt(4)
            .peer_addr("10.9.9.9:5000".parse().unwrap())
            .to_request(),
    )
    .await;
    assert_eq!(other_client.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn jwks_lists_the_signing_keys() {
    let world = World::new();
    let app = app(&world).await;

    let (status, jwks) = call(&app, TestRequest::get().uri("/.well-known/jwks.json"), None).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
}

#[actix_web::test]
async fn staff_routes_follow_the_role_matrix() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    let target_token = token(&app, fx, "cible").await;
    let (_, target) = call(
        &app,
        TestRequest::get().uri("/api/v1/me"),
        Some(&target_token),
    )
    .await;
    let target = target["id"].as_str().unwrap().to_owned();

    // (role, 2FA, create account, change role, suspend, reactivate)
    let matrix: [(Role, bool, [u16; 4]); 7] = [
        (Role::Citizen, false, [403, 403, 403, 403]),
        (Role::Moderator, false, [403, 403, 403, 403]),
        (Role::Moderator, true, [403, 403, 403, 403]),
        (Role::Administrator, false, [403, 403, 403, 403]),
        (Role::Administrator, true, [403, 403, 204, 204]),
        (Role::SuperAdministrator, false, [403, 403, 403, 403]),
        (Role::SuperAdministrator, true, [201, 204, 204, 204]),
    ];
    for (i, (role, two_factor, expected)) in matrix.into_iter().enumerate() {
        let (_, token) = account(fx, &format!("staff{i}"), role, two_factor).await;
        let requests = [
            post(
                "/api/v1/admin/accounts",
                json!({"email": format!("new{i}@exemple.fr"), "username": format!("new{i}"), "firstName": "A",
                       "lastName": "B", "country": "FR", "role": "moderator"}),
            ),
            TestRequest::put()
                .uri(&format!("/api/v1/admin/accounts/{target}/role"))
                .set_json(json!({"role": "citizen"})),
            post(
                &format!("/api/v1/admin/accounts/{target}/suspension"),
                json!({"reason": "Test de la matrice"}),
            ),
            TestRequest::delete().uri(&format!("/api/v1/admin/accounts/{target}/suspension")),
        ];
        // The role that each route needs: only a lack of 2FA is explained as such.
        let needs = [
            Role::SuperAdministrator,
            Role::SuperAdministrator,
            Role::Administrator,
            Role::Administrator,
        ];
        for ((request, expected), needed) in requests.into_iter().zip(expected).zip(needs) {
            let (status, body) = call(&app, request, Some(&token)).await;
            assert_eq!(
                status.as_u16(),
                expected,
                "{role:?} 2FA={two_factor}: {body}"
            );
            if expected == 403 {
                let why = if role >= needed && role.is_staff() && !two_factor {
                    "two_factor_required"
                } else {
                    "forbidden"
                };
                assert_eq!(body["code"], why, "{role:?} 2FA={two_factor}");
            }
        }
    }
}

#[actix_web::test]
async fn a_revoked_session_token_is_refused_at_once_on_this_node() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    let token = token(&app, fx, "lea").await;

    assert_eq!(
        call(&app, post("/api/v1/auth/logout", json!({})), Some(&token))
            .await
            .0,
        StatusCode::NO_CONTENT
    );

    let (status, problem) = call(&app, TestRequest::get().uri("/api/v1/me"), Some(&token)).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_revoked"))
    );
}

#[actix_web::test]
async fn administrators_manage_categories_and_citizens_may_not() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    let (_, admin) = account(fx, "admin1", Role::Administrator, true).await;
    let citizen = token(&app, fx, "lea").await;

    let (status, problem) = call(
        &app,
        post(
            "/api/v1/admin/categories",
            json!({"slug": "Pas Un Slug", "label": "x"}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_slug"))
    );
    let (status, created) = call(
        &app,
        post(
            "/api/v1/admin/categories",
            json!({"slug": "solidarite", "label": "Solidarité"}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, public) = call(&app, TestRequest::get().uri("/api/v1/categories"), None).await;
    assert_eq!(public["items"][0]["slug"], "solidarite");

    let path = format!(
        "/api/v1/admin/categories/{}",
        created["id"].as_str().unwrap()
    );
    let (status, changed) = call(
        &app,
        TestRequest::patch()
            .uri(&path)
            .set_json(json!({"active": false})),
        Some(&admin),
    )
    .await;
    assert_eq!(
        (status, changed["active"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let (_, public) = call(&app, TestRequest::get().uri("/api/v1/categories"), None).await;
    assert_eq!(
        public["items"].as_array().unwrap().len(),
        0,
        "a deactivated category leaves the public list"
    );

    let (status, _) = call(
        &app,
        post(
            "/api/v1/admin/categories",
            json!({"slug": "autre", "label": "Autre"}),
        ),
        Some(&citizen),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        TestRequest::get().uri("/api/v1/admin/categories"),
        Some(&citizen),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let missing = format!("/api/v1/admin/categories/{}", rr_domain::Uuid::now_v7());
    let (status, _) = call(
        &app,
        TestRequest::patch()
            .uri(&missing)
            .set_json(json!({"label": "X"})),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_citizen_sets_a_region_and_consent_to_communications_on_the_profile() {
    let world = World::new();
    let fx = &world.fx;
    let app = app(&world).await;
    let token = token(&app, fx, "lea").await;
    let (_, me) = call(&app, TestRequest::get().uri("/api/v1/me"), Some(&token)).await;
    assert_eq!(me["region"], json!(null));
    assert_eq!(me["communicationsConsent"], json!(false), "off by default");

    let patch = |body: serde_json::Value| TestRequest::patch().uri("/api/v1/me").set_json(body);
    let (status, me) = call(
        &app,
        patch(json!({"region": "53", "communicationsConsent": true})),
        Some(&token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["region"], "53");
    assert_eq!(me["communicationsConsent"], true);

    for wrong in [json!("FR-BRE"), json!("05"), json!("")] {
        let (status, problem) = call(&app, patch(json!({ "region": wrong })), Some(&token)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
        assert_eq!(problem["errors"][0]["field"], "region", "{wrong}");
    }
    let (_, me) = call(&app, patch(json!({"region": null})), Some(&token)).await;
    assert_eq!(me["region"], json!(null), "null removes it");
    assert_eq!(me["communicationsConsent"], true, "absent leaves it");
}

#[actix_web::test]
async fn registration_takes_an_optional_region_and_refuses_an_unknown_one() {
    let world = World::new();
    let app = app(&world).await;
    let mut body = registration("lea@exemple.fr", "lea");
    body["region"] = json!("99");
    let (status, _) = call(&app, post("/api/v1/auth/register", body), None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let stored = world.fx.users.all();
    assert_eq!(
        stored[0].region,
        Some(rr_domain::identity::Region::OutsideFrance)
    );

    let mut body = registration("tom@exemple.fr", "tom");
    body["region"] = json!("Bretagne");
    let (status, problem) = call(&app, post("/api/v1/auth/register", body), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["region"]);
    assert_eq!(problem["errors"][0]["code"], "invalid_region");
}
