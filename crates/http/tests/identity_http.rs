//! The identity routes over real actix services and in-memory fakes: status
//! codes, mass assignment, enumeration, authentication and the staff role matrix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use rr_application::services::identity::StaffAccount;
use rr_application::services::{HealthService, ReferenceDataService};
use rr_application::test_util::{
    FakeTotp, IdentityFixture, InMemoryReferenceData, SwitchableHealth, identity_fixture,
};
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, Username};
use rr_http::middleware::ClientRateLimit;
use rr_http::{Contract, HttpSettings, Metrics, Services, VersionInfo};
use serde_json::{Value, json};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

fn settings() -> HttpSettings {
    HttpSettings {
        host: "127.0.0.1".into(),
        port: 0,
        workers: 1,
        body_limit_bytes: 16_384,
        request_timeout_ms: 5_000,
        shutdown_timeout_secs: 1,
        auth_requests_per_minute: 6_000,
        auth_burst: 1_000,
        trust_forwarded_for: false,
    }
}

fn services(fx: &IdentityFixture, limit: ClientRateLimit) -> Services {
    Services {
        reference_data: ReferenceDataService::new(Arc::new(InMemoryReferenceData::default())),
        health: HealthService::new(Arc::new(SwitchableHealth::new(true))),
        identity: fx.service.clone(),
        resources: rr_application::services::ResourceService::new(
            rr_application::services::ResourcePorts {
                resources: Arc::new(rr_application::test_util::FakeResources::default()),
                users: fx.users.clone(),
                reference_data: Arc::new(InMemoryReferenceData::default()),
                audit: fx.audit.clone(),
                clock: fx.clock.clone(),
            },
        ),
        auth_rate_limit: limit,
        metrics: Metrics::new().unwrap(),
        version: VersionInfo {
            name: "rr-server".into(),
            version: "0".into(),
            api_version: "v1".into(),
            privacy_policy_version: "2026-11".into(),
        },
    }
}

macro_rules! app {
    ($fx:expr) => {
        app!($fx, ClientRateLimit::new(6_000, 1_000, false))
    };
    ($fx:expr, $limit:expr) => {
        test::init_service(rr_http::build(
            &services(&$fx, $limit),
            &settings(),
            &Contract::new().unwrap(),
        ))
        .await
    };
}

async fn call<S, B>(app: &S, req: TestRequest) -> (StatusCode, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(
        app,
        req.peer_addr("10.1.2.3:5000".parse().unwrap()).to_request(),
    )
    .await;
    let status = response.status();
    let bytes = test::read_body(response).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn post(uri: &str, body: Value) -> TestRequest {
    TestRequest::post().uri(uri).set_json(body)
}

fn with_token(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

fn registration(email: &str, username: &str) -> Value {
    json!({
        "email": email, "username": username, "firstName": "Léa", "lastName": "Martin", "country": "FR",
        "password": PASSWORD, "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
    })
}

async fn citizen_token<S, B>(app: &S, fx: &IdentityFixture, email: &str, username: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, _) = call(
        app,
        post("/api/v1/auth/register", registration(email, username)),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let token = fx.outbox.last_token_for(email).unwrap();
    let (status, _) = call(
        app,
        post("/api/v1/auth/verify-email", json!({ "token": token })),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    login(app, email).await
}

async fn login<S, B>(app: &S, email: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body) = call(
        app,
        post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["accessToken"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn registration_refuses_fields_it_does_not_know_such_as_role() {
    let fx = identity_fixture();
    let app = app!(fx);
    let mut body = registration("lea@exemple.fr", "lea");
    body["role"] = json!("super_administrator");

    let (status, problem) = call(&app, post("/api/v1/auth/register", body)).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "role");
    assert!(fx.users.all().is_empty());
}

#[actix_web::test]
async fn patch_me_cannot_set_role_status_or_id() {
    let fx = identity_fixture();
    let app = app!(fx);
    let token = citizen_token(&app, &fx, "lea@exemple.fr", "lea").await;

    for field in ["role", "status", "id", "emailVerified", "twoFactorEnabled"] {
        let (status, problem) = call(
            &app,
            with_token(
                TestRequest::patch()
                    .uri("/api/v1/me")
                    .set_json(json!({ field: "x" })),
                &token,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(problem["errors"][0]["code"], "unknown_field");
    }
    let (_, me) = call(
        &app,
        with_token(TestRequest::get().uri("/api/v1/me"), &token),
    )
    .await;
    assert_eq!(me["role"], "citizen");
}

#[actix_web::test]
async fn every_faulty_registration_field_is_named() {
    let fx = identity_fixture();
    let app = app!(fx);
    let mut body = registration("not-an-email", "x");
    body["country"] = json!("France");
    body["phone"] = json!("06");

    let (status, problem) = call(&app, post("/api/v1/auth/register", body)).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "username", "country", "phone"]);
}

#[actix_web::test]
async fn known_and_unknown_emails_get_the_same_answers() {
    let fx = identity_fixture();
    let app = app!(fx);
    citizen_token(&app, &fx, "lea@exemple.fr", "lea").await;

    let known = call(
        &app,
        post(
            "/api/v1/auth/register",
            registration("lea@exemple.fr", "lea2"),
        ),
    )
    .await;
    let unknown = call(
        &app,
        post(
            "/api/v1/auth/register",
            registration("new@exemple.fr", "newcomer"),
        ),
    )
    .await;
    assert_eq!(known, unknown);

    let wrong = json!({"email": "lea@exemple.fr", "password": "Wrong-Password-9?"});
    let nobody = json!({"email": "nobody@exemple.fr", "password": "Wrong-Password-9?"});
    assert_eq!(
        call(&app, post("/api/v1/auth/login", wrong)).await,
        call(&app, post("/api/v1/auth/login", nobody)).await
    );

    let reset_known = call(
        &app,
        post(
            "/api/v1/auth/password-reset/request",
            json!({"email": "lea@exemple.fr"}),
        ),
    )
    .await;
    let reset_unknown = call(
        &app,
        post(
            "/api/v1/auth/password-reset/request",
            json!({"email": "zz@exemple.fr"}),
        ),
    )
    .await;
    assert_eq!(reset_known, reset_unknown);
    assert_eq!(reset_known.0, StatusCode::ACCEPTED);
}

#[actix_web::test]
async fn protected_routes_need_a_valid_token() {
    let fx = identity_fixture();
    let app = app!(fx);

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
    let fx = identity_fixture();
    let app = app!(fx);
    citizen_token(&app, &fx, "lea@exemple.fr", "lea").await;
    let (_, first) = call(
        &app,
        post(
            "/api/v1/auth/login",
            json!({"email": "lea@exemple.fr", "password": PASSWORD}),
        ),
    )
    .await;

    let (status, second) = call(
        &app,
        post(
            "/api/v1/auth/refresh",
            json!({"refreshToken": first["refreshToken"]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = call(
        &app,
        post(
            "/api/v1/auth/refresh",
            json!({"refreshToken": first["refreshToken"]}),
        ),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_refresh_token"))
    );
    let (status, _) = call(
        &app,
        with_token(
            TestRequest::get().uri("/api/v1/me"),
            second["accessToken"].as_str().unwrap(),
        ),
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
    let fx = identity_fixture();
    let app = app!(fx, ClientRateLimit::new(60, 3, false));
    // A different email each time, so the per-email throttle stays out of the way.
    let attempt = |i: u32| {
        post(
            "/api/v1/auth/login",
            json!({"email": format!("a{i}@exemple.fr"), "password": "x"}),
        )
    };

    for i in 0..3 {
        assert_eq!(call(&app, attempt(i)).await.0, StatusCode::UNAUTHORIZED);
    }
    let response = test::call_service(
        &app,
        attempt(3)
            .peer_addr("10.1.2.3:5000".parse().unwrap())
            .to_request(),
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
    let fx = identity_fixture();
    let app = app!(fx);

    let (status, jwks) = call(&app, TestRequest::get().uri("/.well-known/jwks.json")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
}

/// An account of `role`, logged in, with or without two-factor authentication.
async fn staff_token(fx: &IdentityFixture, username: &str, role: Role, two_factor: bool) -> String {
    let email = format!("{username}@exemple.fr");
    fx.service
        .bootstrap_account(
            StaffAccount {
                email: Email::parse(&email).unwrap(),
                username: Username::parse(username).unwrap(),
                first_name: PersonName::parse("Camille").unwrap(),
                last_name: PersonName::parse("Durand").unwrap(),
                country: CountryCode::parse("FR").unwrap(),
                role,
            },
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    let login = |fx: IdentityFixture, email: String| async move {
        fx.service
            .login(
                &Email::parse(&email).unwrap(),
                &Password::new(PASSWORD),
                None,
            )
            .await
            .unwrap()
    };
    let rr_application::services::identity::LoginOutcome::Tokens(pair) =
        login(fx.clone(), email.clone()).await
    else {
        panic!("no second factor yet");
    };
    if !two_factor {
        return pair.access_token;
    }
    let actor = fx.service.authenticate(&pair.access_token).await.unwrap();
    fx.service.begin_totp(&actor).await.unwrap();
    fx.clock.advance(time::Duration::seconds(30));
    fx.service
        .confirm_totp(&actor, &FakeTotp::code_at(fx.clock.now_for_tests()))
        .await
        .unwrap();
    let rr_application::services::identity::LoginOutcome::SecondFactorRequired { challenge } =
        login(fx.clone(), email).await
    else {
        panic!("a second factor is required");
    };
    fx.clock.advance(time::Duration::seconds(30));
    let code = FakeTotp::code_at(fx.clock.now_for_tests());
    fx.service
        .login_second_factor(&challenge, &code, None)
        .await
        .unwrap()
        .access_token
}

#[actix_web::test]
async fn staff_routes_follow_the_role_matrix() {
    let fx = identity_fixture();
    let app = app!(fx);
    let target_token = citizen_token(&app, &fx, "cible@exemple.fr", "cible").await;
    let (_, target) = call(
        &app,
        with_token(TestRequest::get().uri("/api/v1/me"), &target_token),
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
        let token = staff_token(&fx, &format!("staff{i}"), role, two_factor).await;
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
            let (status, body) = call(&app, with_token(request, &token)).await;
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
    let fx = identity_fixture();
    let app = app!(fx);
    let token = citizen_token(&app, &fx, "lea@exemple.fr", "lea").await;

    assert_eq!(
        call(
            &app,
            with_token(post("/api/v1/auth/logout", json!({})), &token)
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );

    let (status, problem) = call(
        &app,
        with_token(TestRequest::get().uri("/api/v1/me"), &token),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_revoked"))
    );
}

#[actix_web::test]
async fn administrators_manage_categories_and_citizens_may_not() {
    let fx = identity_fixture();
    let app = app!(fx);
    let admin = staff_token(&fx, "admin1", Role::Administrator, true).await;
    let citizen = citizen_token(&app, &fx, "lea@exemple.fr", "lea").await;

    let (status, problem) = call(
        &app,
        with_token(
            post(
                "/api/v1/admin/categories",
                json!({"slug": "Pas Un Slug", "label": "x"}),
            ),
            &admin,
        ),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_slug"))
    );
    let (status, created) = call(
        &app,
        with_token(
            post(
                "/api/v1/admin/categories",
                json!({"slug": "solidarite", "label": "Solidarité"}),
            ),
            &admin,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, public) = call(&app, TestRequest::get().uri("/api/v1/categories")).await;
    assert_eq!(public["items"][0]["slug"], "solidarite");

    let path = format!(
        "/api/v1/admin/categories/{}",
        created["id"].as_str().unwrap()
    );
    let (status, changed) = call(
        &app,
        with_token(
            TestRequest::patch()
                .uri(&path)
                .set_json(json!({"active": false})),
            &admin,
        ),
    )
    .await;
    assert_eq!(
        (status, changed["active"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let (_, public) = call(&app, TestRequest::get().uri("/api/v1/categories")).await;
    assert_eq!(
        public["items"].as_array().unwrap().len(),
        0,
        "a deactivated category leaves the public list"
    );

    let (status, _) = call(
        &app,
        with_token(
            post(
                "/api/v1/admin/categories",
                json!({"slug": "autre", "label": "Autre"}),
            ),
            &citizen,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        with_token(TestRequest::get().uri("/api/v1/admin/categories"), &citizen),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let missing = format!("/api/v1/admin/categories/{}", rr_domain::Uuid::now_v7());
    let (status, _) = call(
        &app,
        with_token(
            TestRequest::patch()
                .uri(&missing)
                .set_json(json!({"label": "X"})),
            &admin,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
