//! `/api/v1/admin/breaches` over HTTP, on in-memory fakes: who may keep the
//! register, recording and its validation, the deadline and its overdue
//! flag, the two notifications once each, reassessment, the accounts
//! concerned and their addresses (journaled, seen by the person), pages,
//! and no deletion.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_domain::identity::Role;
use serde_json::{Value, json};
use support::{TestApp, World, account, call, fetch, post, problem_fields, token};

const BASE: &str = "/api/v1/admin/breaches";

fn get(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

/// A breach known on 2026-11-28 at 09:00 (the fixture's clock shows
/// 2026-11-29 10:00 and moves a minute per administrator created).
fn breach() -> Value {
    json!({
        "knownAt": "2026-11-28T09:00:00Z", "occurredAt": "2026-11-27T22:00:00Z",
        "description": "Une sauvegarde non chiffrée a été copiée sur un poste perdu.",
        "dataCategories": ["contact", "identity"], "subjectCategories": ["citizens"],
        "peopleCount": 1200, "likelyConsequences": "Hameçonnage ciblé.",
        "measuresTaken": "Poste bloqué à distance."
    })
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

async fn recorded(app: &impl TestApp, admin: &str) -> Value {
    let answer = fetch(app, post(BASE, breach()), Some(admin)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json());
    let body = answer.json();
    assert_eq!(
        answer.header(header::LOCATION),
        format!("{BASE}/{}", body["id"].as_str().unwrap())
    );
    body
}

fn at(body: &Value, what: &str) -> String {
    format!("{BASE}/{}/{what}", body["id"].as_str().unwrap())
}

#[actix_web::test]
async fn only_administrators_with_two_factor_keep_the_register() {
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
            fetch(&app, post(BASE, breach()), Some(who))
                .await
                .is_problem(StatusCode::FORBIDDEN, code)
        );
    }
}

#[actix_web::test]
async fn a_recorded_breach_shows_its_deadline_and_is_never_deleted() {
    let world = World::new();
    let app = world.app().await;
    let (admin_id, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;

    let body = recorded(&app, &admin).await;

    assert_eq!(body["notificationDeadline"], "2026-12-01T09:00:00Z");
    assert_eq!(body["overdue"], false);
    assert_eq!(body["dataCategories"], json!(["identity", "contact"]));
    assert_eq!(body["subjectCategories"], json!(["citizens"]));
    assert_eq!(body["peopleCount"], 1200);
    assert_eq!(body["affectedAccounts"], 0);
    assert_eq!(body["authorityNotification"], Value::Null);
    assert_eq!(body["recordedBy"], admin_id.as_uuid().to_string());
    let (status, read) = call(
        &app,
        get(&format!("{BASE}/{}", body["id"].as_str().unwrap())),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, body);

    // Known four days ago and not notified: overdue.
    let old = with(
        with(breach(), "knownAt", json!("2026-11-25T09:00:00Z")),
        "occurredAt",
        Value::Null,
    );
    let (status, overdue) = call(&app, post(BASE, old), Some(&admin)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(overdue["overdue"], true);
    let (_, page) = call(&app, get(BASE), Some(&admin)).await;
    assert_eq!(page["items"][0]["overdue"], true);
    assert_eq!(page["items"][1]["overdue"], false);

    let delete = TestRequest::delete().uri(&format!("{BASE}/{}", body["id"].as_str().unwrap()));
    assert!(
        fetch(&app, delete, Some(&admin))
            .await
            .is_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

#[actix_web::test]
async fn bad_records_are_refused_with_the_field_at_fault() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;

    for (body, field, code) in [
        (
            with(breach(), "description", json!("   ")),
            "description",
            "invalid_breach_text",
        ),
        (
            with(breach(), "knownAt", json!("2027-01-01T00:00:00Z")),
            "knownAt",
            "instant_in_future",
        ),
        (
            with(breach(), "occurredAt", json!("2026-11-28T10:00:00Z")),
            "occurredAt",
            "occurred_after_known",
        ),
        (
            with(breach(), "dataCategories", json!([])),
            "dataCategories",
            "category_required",
        ),
    ] {
        let (status, problem) = call(&app, post(BASE, body), Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem_fields(&problem), [field], "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    for body in [
        with(breach(), "dataCategories", json!(["passwords"])),
        with(breach(), "knownAt", json!("hier")),
        with(breach(), "severity", json!("high")),
    ] {
        let (status, problem) = call(&app, post(BASE, body), Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "validation_failed");
    }
    let (_, page) = call(&app, get(BASE), Some(&admin)).await;
    assert_eq!(page["items"], json!([]));
}

#[actix_web::test]
async fn each_notification_is_recorded_once_and_a_late_one_needs_its_reasons() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    let body = recorded(&app, &admin).await;
    let cnil = json!({"notifiedAt": "2026-11-29T09:30:00Z", "reference": "DN-2026-0042"});

    let (status, notified) = call(
        &app,
        post(&at(&body, "authority-notification"), cnil.clone()),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{notified}");
    assert_eq!(
        notified["authorityNotification"],
        json!({"notifiedAt": "2026-11-29T09:30:00Z", "reference": "DN-2026-0042", "delayReason": null})
    );
    assert!(
        fetch(
            &app,
            post(&at(&body, "authority-notification"), cnil),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "authority_already_notified")
    );
    let people =
        json!({"notifiedAt": "2026-11-29T09:45:00Z", "means": "Courriel à chaque compte."});
    let (status, told) = call(
        &app,
        post(&at(&body, "people-notification"), people.clone()),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        told["peopleNotification"]["means"],
        "Courriel à chaque compte."
    );
    assert!(
        fetch(
            &app,
            post(&at(&body, "people-notification"), people),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "people_already_notified")
    );

    // Another breach, known four days ago: its 72 hours are over.
    let (_, late) = call(
        &app,
        post(
            BASE,
            with(
                with(breach(), "knownAt", json!("2026-11-25T09:00:00Z")),
                "occurredAt",
                Value::Null,
            ),
        ),
        Some(&admin),
    )
    .await;
    let notice = json!({"notifiedAt": "2026-11-29T09:50:00Z", "reference": "DN-2026-0043"});
    let (status, problem) = call(
        &app,
        post(&at(&late, "authority-notification"), notice.clone()),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["delayReason"]);
    assert_eq!(problem["errors"][0]["code"], "delay_reason_required");
    let (status, notified) = call(
        &app,
        post(
            &at(&late, "authority-notification"),
            with(
                notice,
                "delayReason",
                json!("Ampleur connue le 29 novembre."),
            ),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notified["overdue"], false);
}

#[actix_web::test]
async fn an_assessment_is_replaced_as_the_investigation_goes() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    let body = recorded(&app, &admin).await;
    let mut assessment = breach();
    assessment.as_object_mut().unwrap().remove("knownAt");
    assessment["peopleCount"] = json!(3400);

    let put = TestRequest::put()
        .uri(&at(&body, "assessment"))
        .set_json(&assessment);
    let (status, updated) = call(&app, put, Some(&admin)).await;

    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["peopleCount"], 3400);
    assert_eq!(updated["knownAt"], body["knownAt"]);
    let with_known = TestRequest::put()
        .uri(&at(&body, "assessment"))
        .set_json(breach());
    let (status, _) = call(&app, with_known, Some(&admin)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "knownAt never changes"
    );
}

#[actix_web::test]
async fn the_accounts_concerned_are_attached_and_their_addresses_read_with_a_reason_they_see() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    let lea_id = world.fx.service.authenticate(&lea).await.unwrap().user_id;
    let body = recorded(&app, &admin).await;
    let unknown = uuid::Uuid::now_v7();

    let (status, problem) = call(
        &app,
        post(
            &at(&body, "affected-accounts"),
            json!({"userIds": [lea_id.as_uuid(), unknown]}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "unknown_account");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&unknown.to_string())
    );
    let (status, attached) = call(
        &app,
        post(
            &at(&body, "affected-accounts"),
            json!({"userIds": [lea_id.as_uuid()]}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attached["affectedAccounts"], 1);

    let list = at(&body, "affected-accounts");
    assert!(
        fetch(&app, get(&list), Some(&admin))
            .await
            .is_problem(StatusCode::BAD_REQUEST, "invalid_query")
    );
    let reason = "Violation%202026-11%20%3A%20information%20des%20personnes";
    let answer = fetch(&app, get(&format!("{list}?reason={reason}")), Some(&admin)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(
        answer.json()["accounts"],
        json!([{"id": lea_id.as_uuid(), "username": "lea", "email": "lea@exemple.fr", "withheld": null}])
    );
    let (status, log) = call(&app, get("/api/v1/me/access-log"), Some(&lea)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        log["items"][0]["reason"],
        "Violation 2026-11 : information des personnes"
    );
    assert_eq!(log["items"][0]["fields"], json!(["email"]));
}

#[actix_web::test]
async fn the_register_comes_by_pages_and_an_unknown_breach_is_not_found() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(recorded(&app, &admin).await["id"].clone());
    }
    ids.reverse();

    let (_, first) = call(&app, get(&format!("{BASE}?limit=2")), Some(&admin)).await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        get(&format!("{BASE}?limit=2&cursor={cursor}")),
        Some(&admin),
    )
    .await;
    let seen: Vec<Value> = [first, second.clone()]
        .iter()
        .flat_map(|page| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["id"].clone())
        })
        .collect();
    assert_eq!(seen, ids);
    assert_eq!(second["nextCursor"], Value::Null);
    for query in ["limit=0", "limit=101", "cursor=nope"] {
        assert!(
            fetch(&app, get(&format!("{BASE}?{query}")), Some(&admin))
                .await
                .is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
    }
    let unknown = format!("{BASE}/{}", uuid::Uuid::now_v7());
    assert!(
        fetch(&app, get(&unknown), Some(&admin))
            .await
            .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
}
