//! Account administration over real HTTP on every engine: an administrator
//! finds a citizen by her exact email and reads her account, and both reads
//! appear in her access log (who, role, why, which fields, newest first);
//! a suspension with an end date bars her and shows in the lists until it
//! is lifted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{PASSWORD, TestApp, on_every_engine};
use rr_domain::identity::Role;
use serde_json::{Value, json};

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

/// A staff member of `role` with two-factor authentication; the token.
async fn staff(app: &TestApp, username: &str, role: Role) -> String {
    app.staff(username, role).await.unwrap()
}

/// Percent-encodes a query value.
fn enc(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn usernames(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect()
}

async fn an_administrator_finds_and_reads_an_account_and_the_citizen_sees_it(app: TestApp) {
    let admin = staff(&app, "camille.d", Role::Administrator).await;
    let lea = app.citizen("lea").await.unwrap();
    app.citizen("leon").await.unwrap();

    let (status, found) = get(
        &app,
        &format!(
            "/api/v1/admin/accounts?email={}&reason={}",
            enc("Lea@Exemple.fr"),
            enc("Demande d'assistance n° 2026-1142")
        ),
        &admin,
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(usernames(&found), ["lea"]);
    assert!(found["items"][0].get("email").is_none());
    let id = found["items"][0]["id"].as_str().unwrap().to_owned();

    let (status, detail) = get(
        &app,
        &format!(
            "/api/v1/admin/accounts/{id}?reason={}",
            enc("Vérification d'identité")
        ),
        &admin,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["email"], "lea@exemple.fr");
    assert_eq!(detail["firstName"], "Léa");
    assert_eq!(detail["lastName"], "Martin");
    assert_eq!(detail["country"], "FR");

    let (status, log) = get(&app, "/api/v1/me/access-log", &lea).await;
    assert_eq!(status, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    assert_eq!(
        items[0]["reason"], "Vérification d'identité",
        "newest first"
    );
    assert_eq!(
        items[0]["fields"],
        json!(["email", "first_name", "last_name", "country"])
    );
    assert_eq!(items[1]["reason"], "Demande d'assistance n° 2026-1142");
    assert_eq!(items[1]["fields"], json!(["email"]));
    for item in items {
        assert_eq!(item["staffUsername"], "camille.d");
        assert_eq!(item["staffRole"], "administrator");
    }
    let (_, first) = get(&app, "/api/v1/me/access-log?limit=1", &lea).await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = get(
        &app,
        &format!("/api/v1/me/access-log?limit=1&cursor={cursor}"),
        &lea,
    )
    .await;
    assert_eq!(second["items"][0]["id"], items[1]["id"]);

    let (_, admins_log) = get(&app, "/api/v1/me/access-log", &admin).await;
    assert_eq!(admins_log["items"], json!([]));
    let (status, _) = get(&app, "/api/v1/admin/accounts", &lea).await;
    assert_eq!(status, 403);
}

async fn a_suspension_with_an_end_shows_in_the_lists_until_it_is_lifted(app: TestApp) {
    let admin = staff(&app, "admin", Role::Administrator).await;
    let lea = app.citizen("lea").await.unwrap();
    app.citizen("tom").await.unwrap();
    let (_, me) = get(&app, "/api/v1/me", &lea).await;
    let id = me["id"].as_str().unwrap().to_owned();
    let until = "2099-01-01T00:00:00Z";

    let (status, body) = post(
        &app,
        &format!("/api/v1/admin/accounts/{id}/suspension"),
        json!({"reason": "Messages insultants", "until": until}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, suspended) = get(&app, "/api/v1/admin/accounts?status=suspended", &admin).await;
    assert_eq!(usernames(&suspended), ["lea"]);
    assert_eq!(suspended["items"][0]["suspendedUntil"], until);
    let (_, active) = get(
        &app,
        "/api/v1/admin/accounts?status=active&role=citizen",
        &admin,
    )
    .await;
    assert_eq!(usernames(&active), ["tom"]);
    let login = json!({"email": "lea@exemple.fr", "password": PASSWORD});
    let (status, refused) = post(&app, "/api/v1/auth/login", login.clone(), None).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("account_suspended"))
    );

    let (status, _) = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/admin/accounts/{id}/suspension"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, suspended) = get(&app, "/api/v1/admin/accounts?status=suspended", &admin).await;
    assert_eq!(suspended["items"], json!([]));
    let (_, lea_again) = get(&app, "/api/v1/admin/accounts?username=LE", &admin).await;
    assert_eq!(lea_again["items"][0]["status"], "active");
    assert!(lea_again["items"][0]["suspendedUntil"].is_null());
    let (status, _) = post(&app, "/api/v1/auth/login", login, None).await;
    assert_eq!(status, 200);
}

on_every_engine!(
    an_administrator_finds_and_reads_an_account_and_the_citizen_sees_it,
    a_suspension_with_an_end_shows_in_the_lists_until_it_is_lifted,
);
