//! Data-subject requests over real HTTP on every engine (ADR 0024): an
//! administrator records a letter asking for erasure, finding the person by
//! email (journaled), erases the account through the request, closes it;
//! the request, its history and its deadline outlive the account.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::time::{SystemTime, UNIX_EPOCH};

use rr_acceptance_tests::{PASSWORD, TestApp, on_every_engine};
use rr_application::services::identity::StaffAccount;
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, Username};
use serde_json::{Value, json};

const BASE: &str = "/api/v1/admin/subject-requests";

/// The TOTP code of the base32 `secret`, `ahead` steps from now.
fn code(secret: &str, ahead: u64) -> String {
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant()
        .generate(now + 30 * ahead)
        .to_string()
}

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

/// An administrator created as `rr-server admin create-user` does, who
/// enrols two-factor authentication and logs in with it; the token.
async fn administrator(app: &TestApp, username: &str) -> String {
    let database = rr_persistence::Database::connect(&app.settings.database)
        .await
        .unwrap();
    let identity = rr_server::wiring::identity(&app.settings, &database).unwrap();
    let email = format!("{username}@exemple.fr");
    identity
        .bootstrap_account(
            StaffAccount {
                email: Email::parse(&email).unwrap(),
                username: Username::parse(username).unwrap(),
                first_name: PersonName::parse("Camille").unwrap(),
                last_name: PersonName::parse("Durand").unwrap(),
                country: CountryCode::parse("FR").unwrap(),
                role: Role::Administrator,
            },
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    database.close().await.unwrap();

    let login = json!({"email": email, "password": PASSWORD});
    let (_, tokens) = post(app, "/api/v1/auth/login", login.clone(), None).await;
    let first = tokens["accessToken"].as_str().unwrap();
    let (_, enrolment) = post(app, "/api/v1/me/two-factor/totp", json!({}), Some(first)).await;
    let secret = enrolment["secret"].as_str().unwrap();
    let confirm = json!({ "code": code(secret, 0) });
    let (status, _) = post(
        app,
        "/api/v1/me/two-factor/totp/confirm",
        confirm,
        Some(first),
    )
    .await;
    assert_eq!(status, 200);
    let (_, challenge) = post(app, "/api/v1/auth/login", login, None).await;
    let second = json!({"challenge": challenge["challenge"], "code": code(secret, 1)});
    let (_, tokens) = post(app, "/api/v1/auth/login/second-factor", second, None).await;
    tokens["accessToken"].as_str().unwrap().to_owned()
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

on_every_engine!(an_erasure_request_is_recorded_acted_on_and_closed);
