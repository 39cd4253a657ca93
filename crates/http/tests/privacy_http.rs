//! The privacy routes over real actix services and in-memory fakes: the
//! policy in force and past versions (public, 404 for an unknown one), its
//! publication by administrators with two-factor authentication, the
//! consents and their history, the write gate (403 `consent_required`, the
//! exempted writes open), and the restriction (403 `account_restricted`,
//! content hidden from others, lifted).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_application::ports::ResourceRepository;
use rr_domain::identity::{Role, UserId};
use rr_domain::resource::{Lifecycle, Visibility};
use serde_json::{Value, json};
use support::{TestApp, World, account, call, fetch, record, token};

const CONSENTS: &str = "/api/v1/me/consents";
const RESTRICTION: &str = "/api/v1/me/restriction";
const PUBLISH: &str = "/api/v1/admin/privacy/policies";
/// A write every citizen may make when nothing holds it: marking one's
/// (empty) inbox read.
const A_WRITE: &str = "/api/v1/me/notifications/read-all";

async fn citizen(app: &impl TestApp, world: &World, name: &str) -> (UserId, String) {
    let token = token(app, &world.fx, name).await;
    let (status, me) = call(app, TestRequest::get().uri("/api/v1/me"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    (
        UserId::from_uuid(me["id"].as_str().unwrap().parse().unwrap()),
        token,
    )
}

async fn publish(app: &impl TestApp, token: &str, version: &str) -> (StatusCode, Value) {
    call(
        app,
        TestRequest::post().uri(PUBLISH).set_json(
            json!({"version": version, "text": format!("# Politique\n\nVersion {version}.")}),
        ),
        Some(token),
    )
    .await
}

async fn write(app: &impl TestApp, token: &str) -> support::Answer {
    fetch(app, TestRequest::post().uri(A_WRITE), Some(token)).await
}

#[actix_web::test]
async fn the_policy_in_force_and_past_versions_are_public() {
    let world = World::new();
    let app = world.app().await;

    let (status, policy) = call(&app, TestRequest::get().uri("/api/v1/privacy/policy"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(policy["version"], "2026-11");
    assert_eq!(policy["current"], true);
    assert!(policy["text"].as_str().unwrap().starts_with('#'));
    assert!(policy["publishedAt"].as_str().unwrap().ends_with('Z'));

    let (status, past) = call(
        &app,
        TestRequest::get().uri("/api/v1/privacy/policy/2026-11"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past, policy);
    for unknown in ["1999-01", "2026%2011", "..", "%2e%2e"] {
        let answer = fetch(
            &app,
            TestRequest::get().uri(&format!("/api/v1/privacy/policy/{unknown}")),
            None,
        )
        .await;
        assert!(
            answer.is_problem(StatusCode::NOT_FOUND, "not_found"),
            "{unknown}: {}",
            answer.status
        );
    }
    let (status, versions) = call(
        &app,
        TestRequest::get().uri("/api/v1/privacy/policies"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(versions[0]["version"], "2026-11");
    let (_, running) = call(&app, TestRequest::get().uri("/api/v1/version"), None).await;
    assert_eq!(running["privacyPolicyVersion"], "2026-11");
}

#[actix_web::test]
async fn administrators_with_two_factor_publish_a_version() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    let (_, half) = account(&world.fx, "camille", Role::Administrator, false).await;
    let (_, admin) = account(&world.fx, "dominique", Role::Administrator, true).await;

    let answer = fetch(
        &app,
        TestRequest::post()
            .uri(PUBLISH)
            .set_json(json!({"version": "2027-01", "text": "# Politique"})),
        Some(&lea),
    )
    .await;
    assert!(answer.is_problem(StatusCode::FORBIDDEN, "forbidden"));
    let (status, problem) = publish(&app, &half, "2027-01").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("two_factor_required"))
    );
    assert_eq!(
        fetch(
            &app,
            TestRequest::post()
                .uri(PUBLISH)
                .set_json(json!({"version": "2027-01", "text": "x"})),
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );

    for (body, code) in [
        (
            json!({"version": "2027 01", "text": "# Politique"}),
            "invalid_policy_version",
        ),
        (
            json!({"version": "2027-01", "text": "  "}),
            "invalid_policy_text",
        ),
        (
            json!({"version": "2027-01", "text": "# P", "current": true}),
            "unknown_field",
        ),
    ] {
        let (status, problem) = call(
            &app,
            TestRequest::post().uri(PUBLISH).set_json(body),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }

    let answer = fetch(
        &app,
        TestRequest::post()
            .uri(PUBLISH)
            .set_json(json!({"version": "2027-01", "text": "# Politique\n\nVersion 2027-01."})),
        Some(&admin),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(
        answer.header(header::LOCATION),
        "/api/v1/privacy/policy/2027-01"
    );
    assert_eq!(answer.json()["current"], true);
    // The administrator, like every account, accepts the new version before
    // writing again.
    let (status, problem) = publish(&app, &admin, "2027-02").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("consent_required"))
    );
    let (status, _) = call(
        &app,
        TestRequest::put()
            .uri(CONSENTS)
            .set_json(json!({"acceptPolicyVersion": "2027-01"})),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = publish(&app, &admin, "2027-01").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("policy_version_exists"))
    );

    let (_, policy) = call(&app, TestRequest::get().uri("/api/v1/privacy/policy"), None).await;
    assert_eq!(policy["version"], "2027-01");
    let (_, past) = call(
        &app,
        TestRequest::get().uri("/api/v1/privacy/policy/2026-11"),
        None,
    )
    .await;
    assert_eq!(past["current"], false);
    let (_, running) = call(&app, TestRequest::get().uri("/api/v1/version"), None).await;
    assert_eq!(running["privacyPolicyVersion"], "2027-01");
}

#[actix_web::test]
async fn consents_are_read_and_changed_with_their_history() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    assert_eq!(
        fetch(&app, TestRequest::get().uri(CONSENTS), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let (status, consents) = call(&app, TestRequest::get().uri(CONSENTS), Some(&lea)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(consents["currentPolicyVersion"], "2026-11");
    assert_eq!(consents["acceptedPolicyVersion"], "2026-11");
    assert_eq!(consents["acceptanceRequired"], false);
    assert_eq!(consents["restricted"], false);
    assert_eq!(consents["restrictedSince"], Value::Null);
    let purposes = consents["purposes"].as_array().unwrap();
    let summary: Vec<(&str, &str, bool, bool)> = purposes
        .iter()
        .map(|p| {
            (
                p["purpose"].as_str().unwrap(),
                p["legalBasis"].as_str().unwrap(),
                p["required"].as_bool().unwrap(),
                p["granted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("terms_and_policy", "public_task", true, true),
            ("communications", "consent", false, false),
            ("statistics", "public_task", false, true),
        ]
    );
    assert_eq!(consents["history"].as_array().unwrap().len(), 3);

    let (status, changed) = call(
        &app,
        TestRequest::put()
            .uri(CONSENTS)
            .set_json(json!({"communications": true, "statistics": false})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["purposes"][1]["granted"], true);
    assert_eq!(changed["purposes"][2]["granted"], false);
    assert_eq!(changed["history"].as_array().unwrap().len(), 5);
    assert_eq!(changed["history"][0]["purpose"], "statistics");
    assert_eq!(changed["history"][0]["policyVersion"], "2026-11");
    let (_, me) = call(&app, TestRequest::get().uri("/api/v1/me"), Some(&lea)).await;
    assert_eq!(me["communicationsConsent"], true);
    assert_eq!(me["statisticsObjection"], true);

    // The profile's fields are the same choices.
    let (status, _) = call(
        &app,
        TestRequest::patch()
            .uri("/api/v1/me")
            .set_json(json!({"statisticsObjection": false})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, consents) = call(&app, TestRequest::get().uri(CONSENTS), Some(&lea)).await;
    assert_eq!(consents["purposes"][2]["granted"], true);
    assert_eq!(consents["history"].as_array().unwrap().len(), 6);

    for (body, code) in [
        (json!({}), "consent_choice_required"),
        (
            json!({"acceptPolicyVersion": "1999-01"}),
            "policy_version_mismatch",
        ),
        (
            json!({"acceptPolicyVersion": "19 99"}),
            "invalid_policy_version",
        ),
        (json!({"marketing": true}), "unknown_field"),
        (json!({"communications": "yes"}), "invalid_value"),
    ] {
        let (status, problem) = call(
            &app,
            TestRequest::put().uri(CONSENTS).set_json(body.clone()),
            Some(&lea),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["errors"][0]["code"], code, "{body}: {problem}");
    }
}

#[actix_web::test]
async fn a_new_policy_holds_writes_until_accepted_and_exempts_what_it_must() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    let (_, admin) = account(&world.fx, "dominique", Role::Administrator, true).await;
    assert_eq!(write(&app, &lea).await.status, StatusCode::NO_CONTENT);

    let (status, _) = publish(&app, &admin, "2027-01").await;
    assert_eq!(status, StatusCode::CREATED);

    let held = write(&app, &lea).await;
    assert!(
        held.is_problem(StatusCode::FORBIDDEN, "consent_required"),
        "{}",
        held.json()
    );
    let (status, _) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/notifications"),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "reads stay open");
    let (_, consents) = call(&app, TestRequest::get().uri(CONSENTS), Some(&lea)).await;
    assert_eq!(consents["acceptanceRequired"], true);
    assert_eq!(consents["currentPolicyVersion"], "2027-01");

    // Every exempted write is open (whatever else it answers); logging out
    // on sessions of their own, the last one ending every session.
    let nil = uuid::Uuid::nil();
    let other_session = session(&world, "lea").await;
    for (method, path) in rr_http::extract::UNGATED_WRITES {
        let uri = path.replace("{id}", &nil.to_string());
        let req = match *method {
            "POST" => TestRequest::post(),
            "PUT" => TestRequest::put(),
            "PATCH" => TestRequest::patch(),
            "DELETE" => TestRequest::delete(),
            other => panic!("{other}"),
        };
        let token = match *path {
            "/api/v1/auth/logout" => other_session.as_str(),
            "/api/v1/auth/logout-everywhere" => continue,
            _ => lea.as_str(),
        };
        let answer = fetch(&app, req.uri(&uri).set_json(json!({})), Some(token)).await;
        assert!(
            !answer.is_problem(StatusCode::FORBIDDEN, "consent_required"),
            "{method} {path} must stay open"
        );
    }

    let answer = fetch(
        &app,
        TestRequest::post().uri("/api/v1/auth/logout-everywhere"),
        Some(&lea),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json());

    let lea = session(&world, "lea").await;
    let (status, accepted) = call(
        &app,
        TestRequest::put()
            .uri(CONSENTS)
            .set_json(json!({"acceptPolicyVersion": "2027-01"})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["acceptanceRequired"], false);
    assert_eq!(accepted["history"][0]["purpose"], "terms_and_policy");
    assert_eq!(accepted["history"][0]["policyVersion"], "2027-01");
    assert_eq!(write(&app, &lea).await.status, StatusCode::NO_CONTENT);
}

/// A new login of an existing citizen `name`: its access token.
async fn session(world: &World, name: &str) -> String {
    let email = rr_domain::identity::Email::parse(&format!("{name}@exemple.fr")).unwrap();
    let outcome = world
        .fx
        .service
        .login(
            &email,
            &rr_domain::credentials::Password::new(support::PASSWORD),
            None,
        )
        .await
        .unwrap();
    let rr_application::services::identity::LoginOutcome::Tokens(pair) = outcome else {
        panic!("no second factor for a citizen");
    };
    pair.access_token
}

#[actix_web::test]
async fn a_restricted_account_is_frozen_and_its_content_hidden_until_lifted() {
    let world = World::new();
    let app = world.app().await;
    let (lea_id, lea) = citizen(&app, &world, "lea").await;
    let (_, sam) = citizen(&app, &world, "sam").await;
    let stored = record(
        lea_id,
        Visibility::Public,
        Lifecycle::Published,
        Vec::new(),
        world.fx.clock.now_for_tests(),
    );
    world.resources.insert(&stored).await.unwrap();
    let uri = format!("/api/v1/resources/{}", stored.id.as_uuid());
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&uri), Some(&sam))
            .await
            .status,
        StatusCode::OK
    );

    let (status, restricted) = call(&app, TestRequest::post().uri(RESTRICTION), Some(&lea)).await;
    assert_eq!(status, StatusCode::OK, "{restricted}");
    assert_eq!(restricted["restricted"], true);
    assert!(restricted["restrictedSince"].as_str().is_some());

    for viewer in [Some(sam.as_str()), None] {
        let answer = fetch(&app, TestRequest::get().uri(&uri), viewer).await;
        assert!(answer.is_problem(StatusCode::NOT_FOUND, "not_found"));
    }
    let (_, listed) = call(&app, TestRequest::get().uri("/api/v1/resources"), None).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "{listed}");
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&uri), Some(&lea))
            .await
            .status,
        StatusCode::OK
    );
    let held = write(&app, &lea).await;
    assert!(
        held.is_problem(StatusCode::FORBIDDEN, "account_restricted"),
        "{}",
        held.json()
    );
    let (status, _) = call(
        &app,
        TestRequest::put()
            .uri(CONSENTS)
            .set_json(json!({"communications": false})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "choices stay open");

    let (status, lifted) = call(&app, TestRequest::delete().uri(RESTRICTION), Some(&lea)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lifted["restricted"], false);
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&uri), Some(&sam))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(write(&app, &lea).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        fetch(&app, TestRequest::post().uri(RESTRICTION), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
