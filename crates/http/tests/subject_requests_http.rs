//! `/api/v1/admin/subject-requests` over HTTP, on in-memory fakes: who may
//! handle requests, recording and its validation, the list and its
//! filters, one request and its history, extension, erasure, export,
//! rectification, restriction, objection and closure, with their problems.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_domain::identity::Role;
use serde_json::{Value, json};
use support::{TestApp, World, account, call, fetch, post, problem_fields, token};

const BASE: &str = "/api/v1/admin/subject-requests";

fn get(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

fn letter(email: &str, kind: &str) -> Value {
    json!({
        "subjectEmail": email, "kind": kind, "channel": "letter",
        "receivedOn": "2026-11-20", "notes": "Lettre signée, pièce d'identité jointe."
    })
}

/// Records `kind` about `lea@exemple.fr`; the request as answered.
async fn recorded(app: &impl TestApp, admin: &str, kind: &str) -> Value {
    let answer = fetch(app, post(BASE, letter("lea@exemple.fr", kind)), Some(admin)).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let body = answer.json();
    assert_eq!(
        answer.header(header::LOCATION),
        format!("{BASE}/{}", body["id"].as_str().unwrap())
    );
    body
}

fn action(id: &Value, what: &str) -> String {
    format!("{BASE}/{}/{what}", id.as_str().unwrap())
}

#[actix_web::test]
async fn only_administrators_with_two_factor_handle_requests() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, moderator) = account(&world.fx, "modo", Role::Moderator, true).await;
    let (_, without) = account(&world.fx, "admin1", Role::Administrator, false).await;

    assert!(
        fetch(&app, get(BASE), None)
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    for (who, code) in [
        (&lea, "forbidden"),
        (&moderator, "forbidden"),
        (&without, "two_factor_required"),
    ] {
        assert!(
            fetch(&app, get(BASE), Some(who))
                .await
                .is_problem(StatusCode::FORBIDDEN, code)
        );
        assert!(
            fetch(
                &app,
                post(BASE, letter("lea@exemple.fr", "access")),
                Some(who)
            )
            .await
            .is_problem(StatusCode::FORBIDDEN, code)
        );
        // Every action on a request, before looking for it.
        for (what, body) in [
            ("extension", json!({"reason": "Volume"})),
            ("erasure", json!({"content": "delete"})),
            ("export", json!({})),
            ("rectification", json!({"lastName": "Roux"})),
            ("restriction", json!({"restricted": true})),
            ("objection", json!({"statistics": true})),
            ("closure", json!({"outcome": "completed"})),
        ] {
            let uri = format!("{BASE}/{}/{what}", uuid::Uuid::nil());
            assert!(
                fetch(&app, post(&uri, body), Some(who))
                    .await
                    .is_problem(StatusCode::FORBIDDEN, code),
                "{what}"
            );
        }
    }
}

#[actix_web::test]
async fn a_request_is_recorded_with_its_deadline_and_journaled() {
    let world = World::new();
    let app = world.app().await;
    token(&app, &world.fx, "lea").await;
    let (admin_id, admin) = account(&world.fx, "admin", Role::Administrator, true).await;

    let request = recorded(&app, &admin, "erasure").await;

    assert_eq!(request["kind"], "erasure");
    assert_eq!(request["channel"], "letter");
    assert_eq!(request["receivedOn"], "2026-11-20");
    assert_eq!(request["dueOn"], "2026-12-20");
    assert_eq!(request["status"], "open");
    assert_eq!(request["overdue"], false);
    assert_eq!(
        request["recordedBy"].as_str().unwrap(),
        admin_id.as_uuid().to_string()
    );
    assert_eq!(world.erasure.journal.all().len(), 1, "the email lookup");
    let uri = format!("{BASE}/{}", request["id"].as_str().unwrap());
    let (status, detail) = call(&app, get(&uri), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["request"]["id"], request["id"]);
    assert_eq!(detail["history"][0]["action"], "recorded");
    assert_eq!(
        detail["history"][0]["actorId"].as_str().unwrap(),
        admin_id.as_uuid().to_string()
    );
}

#[actix_web::test]
async fn a_faulty_request_is_refused_with_its_fields() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, me) = call(&app, get("/api/v1/me"), Some(&lea)).await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;

    let both = json!({
        "subjectId": me["id"], "subjectEmail": "lea@exemple.fr", "kind": "access",
        "channel": "email", "receivedOn": "2026-11-20"
    });
    let neither = json!({"kind": "access", "channel": "email", "receivedOn": "2026-11-20"});
    let bad = json!({
        "subjectEmail": "pas une adresse", "kind": "access", "channel": "email",
        "receivedOn": "20/11/2026", "notes": "   "
    });
    for (body, fields) in [
        (both, vec!["subjectId"]),
        (neither, vec!["subjectId"]),
        (bad, vec!["subjectEmail", "receivedOn", "notes"]),
    ] {
        let (status, problem) = call(&app, post(BASE, body.clone()), Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(problem_fields(&problem), fields, "{body}");
    }
    let (status, problem) = call(
        &app,
        post(BASE, letter("personne@exemple.fr", "access")),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "subject_not_found");
    let mut future = letter("lea@exemple.fr", "access");
    future["receivedOn"] = json!("2027-01-01");
    let (status, problem) = call(&app, post(BASE, future), Some(&admin)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "received_in_future");
    let mut unknown_kind = letter("lea@exemple.fr", "access");
    unknown_kind["kind"] = json!("deletion");
    let (status, _) = call(&app, post(BASE, unknown_kind), Some(&admin)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn the_list_filters_pages_and_shows_the_overdue() {
    let world = World::new();
    let app = world.app().await;
    token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let access = recorded(&app, &admin, "access").await;
    let erasure = recorded(&app, &admin, "erasure").await;
    let (status, _) = call(
        &app,
        post(
            &action(&erasure["id"], "extension"),
            json!({"reason": "Analyse du dossier"}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    world.fx.clock.advance(time::Duration::days(25)); // 2026-12-24
    // Access tokens last minutes: another administrator logs in today.
    let (_, admin) = account(&world.fx, "admin2", Role::Administrator, true).await;
    let (status, overdue) = call(&app, get(&format!("{BASE}?overdue=true")), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let items = overdue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], access["id"]);
    assert_eq!(items[0]["overdue"], true);

    let (_, first) = call(&app, get(&format!("{BASE}?limit=1")), Some(&admin)).await;
    assert_eq!(first["items"][0]["id"], access["id"]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        get(&format!("{BASE}?limit=1&cursor={cursor}")),
        Some(&admin),
    )
    .await;
    assert_eq!(second["items"][0]["id"], erasure["id"]);
    let (_, erasures) = call(&app, get(&format!("{BASE}?kind=erasure")), Some(&admin)).await;
    assert_eq!(erasures["items"].as_array().unwrap().len(), 1);

    for query in [
        "limit=0",
        "limit=101",
        "cursor=abc",
        "overdue=maybe",
        "colour=red",
    ] {
        assert!(
            fetch(&app, get(&format!("{BASE}?{query}")), Some(&admin))
                .await
                .is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
    }
}

#[actix_web::test]
async fn an_erasure_request_erases_and_the_request_outlives_the_account() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let access = recorded(&app, &admin, "access").await;
    let erasure = recorded(&app, &admin, "erasure").await;

    assert!(
        fetch(
            &app,
            post(
                &action(&access["id"], "erasure"),
                json!({"content": "delete"})
            ),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "wrong_request_kind")
    );
    let (status, erased) = call(
        &app,
        post(
            &action(&erasure["id"], "erasure"),
            json!({"content": "delete"}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_eq!(erased["resourcesDeleted"], 0);
    assert!(
        fetch(&app, get("/api/v1/me"), Some(&lea))
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "session_revoked")
    );
    let uri = format!("{BASE}/{}", erasure["id"].as_str().unwrap());
    let (_, detail) = call(&app, get(&uri), Some(&admin)).await;
    assert_eq!(detail["request"]["subjectId"], Value::Null);
    assert_eq!(detail["request"]["notes"], Value::Null);
    assert_eq!(detail["history"][1]["action"], "erasure_executed");
    assert!(
        fetch(
            &app,
            post(
                &action(&erasure["id"], "erasure"),
                json!({"content": "delete"})
            ),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "subject_erased")
    );
}

#[actix_web::test]
async fn an_access_request_asks_for_an_export() {
    let world = World::new();
    let app = world.app().await;
    token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let access = recorded(&app, &admin, "access").await;

    let answer = fetch(
        &app,
        post(&action(&access["id"], "export"), json!({})),
        Some(&admin),
    )
    .await;

    assert_eq!(answer.status, StatusCode::ACCEPTED);
    let export = answer.json();
    assert_eq!(export["origin"], "staff");
    assert_eq!(
        answer.header(header::LOCATION),
        format!("/api/v1/me/exports/{}", export["id"].as_str().unwrap())
    );
    let uri = format!("{BASE}/{}", access["id"].as_str().unwrap());
    let (_, detail) = call(&app, get(&uri), Some(&admin)).await;
    assert_eq!(detail["history"][1]["action"], "export_requested");
}

#[actix_web::test]
async fn extension_and_closure_follow_the_rules() {
    let world = World::new();
    let app = world.app().await;
    token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let request = recorded(&app, &admin, "rectification").await;
    let id = &request["id"];

    let (status, extended) = call(
        &app,
        post(
            &action(id, "extension"),
            json!({"reason": "Pièces demandées"}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(extended["dueOn"], "2027-02-20");
    assert_eq!(extended["extensionReason"], "Pièces demandées");
    assert!(
        fetch(
            &app,
            post(&action(id, "extension"), json!({"reason": "Encore"})),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "already_extended")
    );
    let (status, problem) = call(
        &app,
        post(&action(id, "closure"), json!({"outcome": "refused"})),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "refusal_reason_required");
    let (status, closed) = call(
        &app,
        post(
            &action(id, "closure"),
            json!({"outcome": "completed", "note": "Corrigé par la personne ; réponse envoyée."}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["outcome"], "completed");
    assert!(
        fetch(
            &app,
            post(&action(id, "closure"), json!({"outcome": "withdrawn"})),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "request_closed")
    );
    let unknown = format!("{BASE}/{}/closure", rr_domain::Uuid::now_v7());
    assert!(
        fetch(
            &app,
            post(&unknown, json!({"outcome": "withdrawn"})),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
}

#[actix_web::test]
async fn a_rectification_request_rectifies_the_persons_profile() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (admin_id, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let rectification = recorded(&app, &admin, "rectification").await;
    let access = recorded(&app, &admin, "access").await;
    let uri = action(&rectification["id"], "rectification");

    let (status, detail) = call(
        &app,
        post(&uri, json!({"lastName": "Martin-Roux", "region": "11"})),
        Some(&admin),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{detail}");
    let last = &detail["history"][1];
    assert_eq!(last["action"], "rectified");
    assert_eq!(last["detail"], "fields=last_name,region");
    assert_eq!(
        last["actorId"].as_str().unwrap(),
        admin_id.as_uuid().to_string()
    );
    let (_, me) = call(&app, get("/api/v1/me"), Some(&lea)).await;
    assert_eq!(me["lastName"], "Martin-Roux");
    assert_eq!(me["region"], "11");

    // Each field is checked as `PATCH /api/v1/me` checks it; privacy
    // choices are not rectified here; nothing to rectify is refused.
    let (status, problem) = call(
        &app,
        post(
            &uri,
            json!({"email": "pas une adresse", "country": "France"}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["email", "country"]);
    let (status, problem) = call(
        &app,
        post(&uri, json!({"statisticsObjection": true})),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    let (status, problem) = call(&app, post(&uri, json!({})), Some(&admin)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "rectification_required");
    assert!(
        fetch(
            &app,
            post(
                &action(&access["id"], "rectification"),
                json!({"lastName": "Roux"})
            ),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "wrong_request_kind")
    );
    let (_, me) = call(&app, get("/api/v1/me"), Some(&lea)).await;
    assert_eq!(me["lastName"], "Martin-Roux", "nothing else changed");
}

#[actix_web::test]
async fn a_restriction_request_restricts_then_lifts() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let restriction = recorded(&app, &admin, "restriction").await;
    let uri = action(&restriction["id"], "restriction");
    let restricted_since = async || {
        let (_, consents) = call(&app, get("/api/v1/me/consents"), Some(&lea)).await;
        consents["restrictedSince"].clone()
    };

    let (status, detail) = call(&app, post(&uri, json!({"restricted": true})), Some(&admin)).await;

    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["history"][1]["action"], "restriction_applied");
    assert_eq!(detail["history"][1]["detail"], "changed=true");
    assert!(restricted_since().await.is_string());

    let (_, detail) = call(&app, post(&uri, json!({"restricted": false})), Some(&admin)).await;
    assert_eq!(detail["history"][2]["action"], "restriction_lifted");
    assert_eq!(restricted_since().await, Value::Null);

    let (status, problem) =
        call(&app, post(&uri, json!({"restricted": "oui"})), Some(&admin)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "invalid_value");
    assert!(
        fetch(&app, post(&uri, json!({"restricted": true})), Some(&lea))
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert_eq!(restricted_since().await, Value::Null);
}

#[actix_web::test]
async fn an_objection_request_records_the_objection() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let objection = recorded(&app, &admin, "objection").await;
    let erasure = recorded(&app, &admin, "erasure").await;
    let uri = action(&objection["id"], "objection");

    let (status, detail) = call(&app, post(&uri, json!({"statistics": true})), Some(&admin)).await;

    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["history"][1]["action"], "objection_recorded");
    assert_eq!(detail["history"][1]["detail"], "objected=statistics");
    let (_, consents) = call(&app, get("/api/v1/me/consents"), Some(&lea)).await;
    let statistics = consents["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["purpose"] == "statistics")
        .unwrap();
    assert_eq!(statistics["granted"], false);

    let (status, problem) = call(&app, post(&uri, json!({})), Some(&admin)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "objection_required");
    assert!(
        fetch(
            &app,
            post(
                &action(&erasure["id"], "objection"),
                json!({"communications": true})
            ),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "wrong_request_kind")
    );
    let unknown = format!("{BASE}/{}/objection", uuid::Uuid::nil());
    assert!(
        fetch(
            &app,
            post(&unknown, json!({"statistics": true})),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
}
