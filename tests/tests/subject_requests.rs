//! Data-subject requests over real HTTP on every engine (ADR 0024): an
//! administrator records a letter asking for erasure, finding the person by
//! email (journaled), erases the account through the request, closes it;
//! the request, its history and its deadline outlive the account. Letters
//! asking for rectification, restriction and objection are acted on the
//! same way, and the person sees the result in their own account.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_domain::identity::Role;
use serde_json::{Value, json};

const BASE: &str = "/api/v1/admin/subject-requests";

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    send(app, reqwest::Method::GET, path, Some(token), None).await
}

async fn post(app: &TestApp, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
    send(app, reqwest::Method::POST, path, token, Some(body)).await
}

/// An administrator with two-factor authentication; the token.
async fn administrator(app: &TestApp, username: &str) -> String {
    app.staff(username, Role::Administrator).await.unwrap()
}

async fn an_erasure_request_is_recorded_acted_on_and_closed(app: TestApp) {
    let admin = administrator(&app, "camille.d").await;
    let lea = app.citizen("lea").await.unwrap();
    let (_, me) = get(&app, "/api/v1/me", &lea).await;
    let lea_id = me["id"].as_str().unwrap().to_owned();

    let letter = json!({
        "subjectEmail": "lea@exemple.fr", "kind": "erasure", "channel": "letter",
        "receivedOn": "2026-01-31", "notes": "Lettre signée de Léa Martin, 3 rue des Lilas"
    });
    let (status, request) = post(&app, BASE, letter, Some(&admin)).await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["subjectId"], lea_id.as_str());
    assert_eq!(request["dueOn"], "2026-02-28");
    let id = request["id"].as_str().unwrap().to_owned();

    // The lookup by email is in Léa's access log.
    let (_, journal) = get(&app, "/api/v1/me/access-log", &lea).await;
    assert_eq!(journal["items"][0]["staffUsername"], "camille.d");
    assert_eq!(journal["items"][0]["fields"], json!(["email"]));

    // Overdue: received long ago, still open.
    let (_, overdue) = get(&app, &format!("{BASE}?overdue=true"), &admin).await;
    assert_eq!(overdue["items"][0]["id"], id.as_str());
    assert_eq!(overdue["items"][0]["overdue"], true);

    let (status, erased) = post(
        &app,
        &format!("{BASE}/{id}/erasure"),
        json!({"content": "anonymise"}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{erased}");
    let (status, problem) = get(&app, "/api/v1/me", &lea).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("session_revoked"))
    );

    let closure = json!({"outcome": "completed", "note": "Compte effacé ; réponse postée."});
    let (status, closed) = post(&app, &format!("{BASE}/{id}/closure"), closure, Some(&admin)).await;
    assert_eq!(status, 200, "{closed}");
    let (_, detail) = get(&app, &format!("{BASE}/{id}"), &admin).await;
    assert_eq!(detail["request"]["subjectId"], Value::Null);
    assert_eq!(detail["request"]["notes"], Value::Null);
    assert_eq!(detail["request"]["status"], "closed");
    assert_eq!(detail["request"]["overdue"], false);
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["recorded", "erasure_executed", "closed"]);
    let dump = rr_persistence::testing::dump_database(app.database_url())
        .await
        .unwrap();
    assert!(!dump.contains("Lilas"), "the notes went with the account");
    assert!(!dump.contains("lea@exemple.fr"));
}

/// Records a letter of `kind` from Léa; its id.
async fn letter_from_lea(app: &TestApp, admin: &str, kind: &str) -> String {
    let letter = json!({
        "subjectEmail": "lea@exemple.fr", "kind": kind, "channel": "email",
        "receivedOn": "2026-11-02"
    });
    let (status, request) = post(app, BASE, letter, Some(admin)).await;
    assert_eq!(status, 201, "{request}");
    request["id"].as_str().unwrap().to_owned()
}

async fn rectification_restriction_and_objection_requests_act_on_the_account(app: TestApp) {
    let admin = administrator(&app, "camille.d").await;
    let lea = app.citizen("lea").await.unwrap();
    let rectification = letter_from_lea(&app, &admin, "rectification").await;
    let restriction = letter_from_lea(&app, &admin, "restriction").await;
    let objection = letter_from_lea(&app, &admin, "objection").await;

    let (status, detail) = post(
        &app,
        &format!("{BASE}/{rectification}/rectification"),
        json!({"firstName": "Léane", "phone": "+33612345678"}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["history"][1]["detail"], "fields=first_name,phone");
    let (_, me) = get(&app, "/api/v1/me", &lea).await;
    assert_eq!(me["firstName"], "Léane");
    assert_eq!(me["phone"], "+33612345678");

    let (status, detail) = post(
        &app,
        &format!("{BASE}/{objection}/objection"),
        json!({"statistics": true, "communications": true}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["history"][1]["action"], "objection_recorded");
    let (_, consents) = get(&app, "/api/v1/me/consents", &lea).await;
    let granted = |purpose: &str| {
        consents["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["purpose"] == purpose)
            .unwrap()["granted"]
            .clone()
    };
    assert_eq!(granted("statistics"), false);
    assert_eq!(granted("communications"), false);

    let (status, detail) = post(
        &app,
        &format!("{BASE}/{restriction}/restriction"),
        json!({"restricted": true}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    // Léa's writes are held while her account is restricted; reads work.
    let (status, problem) = post(
        &app,
        "/api/v1/resources",
        json!({"title": "Un titre", "summary": "Un résumé", "body": "Un texte",
               "categoryId": "01a22499-f800-7107-8000-000000000000",
               "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
               "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
               "visibility": "public"}),
        Some(&lea),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("account_restricted"))
    );
    let (status, _) = get(&app, "/api/v1/me", &lea).await;
    assert_eq!(status, 200);

    // A closed request is acted on no more.
    let (status, closed) = post(
        &app,
        &format!("{BASE}/{restriction}/closure"),
        json!({"outcome": "completed", "note": "Traitement limité le temps de la vérification."}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{closed}");
    let (status, problem) = post(
        &app,
        &format!("{BASE}/{restriction}/restriction"),
        json!({"restricted": false}),
        Some(&admin),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("request_closed"))
    );
}

on_every_engine!(
    an_erasure_request_is_recorded_acted_on_and_closed,
    rectification_restriction_and_objection_requests_act_on_the_account,
);
