//! Accounts over real HTTP on every engine: registration to login, sessions
//! and refresh rotation, password change, the personal data at rest.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use serde_json::{Value, json};

pub const PASSWORD: &str = "Tournesol-Bleu-2026!";

fn registration(email: &str, username: &str) -> Value {
    json!({
        "email": email, "username": username, "firstName": "Léa", "lastName": "Martin-Quintessence",
        "country": "FR", "phone": "+33612345678", "password": PASSWORD,
        "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
    })
}

async fn register_and_verify(app: &TestApp, email: &str, username: &str) {
    let response = app
        .post(
            "/api/v1/auth/register",
            &registration(email, username),
            None,
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let token = app
        .last_mailed_token(email)
        .unwrap()
        .expect("a verification link was mailed");
    let response = app
        .post(
            "/api/v1/auth/verify-email",
            &json!({ "token": token }),
            None,
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

async fn login(app: &TestApp, email: &str, password: &str) -> Value {
    let response = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
            None,
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn token(tokens: &Value, name: &str) -> String {
    tokens[name].as_str().unwrap().to_owned()
}

async fn a_citizen_registers_verifies_logs_in_and_reads_their_account(app: TestApp) {
    register_and_verify(&app, "lea@exemple.fr", "lea").await;
    let tokens = login(&app, "lea@exemple.fr", PASSWORD).await;

    let me: Value = app
        .get_with("/api/v1/me", &token(&tokens, "accessToken"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(me["email"], "lea@exemple.fr");
    assert_eq!(me["lastName"], "Martin-Quintessence");
    assert_eq!(me["phone"], "+33612345678");
    assert_eq!(me["role"], "citizen");
    assert_eq!(me["emailVerified"], true);
}

async fn personal_data_is_never_stored_in_clear(app: TestApp) {
    register_and_verify(&app, "lea@exemple.fr", "lea").await;

    let dump = rr_persistence::testing::dump_database(app.database_url())
        .await
        .unwrap();

    assert!(
        dump.contains("lea"),
        "the dump does hold the rows (the public username)"
    );
    for secret in [
        "lea@exemple.fr",
        "exemple.fr",
        "Martin-Quintessence",
        "Léa",
        "+33612345678",
        "612345678",
    ] {
        assert!(!dump.contains(secret), "{secret:?} is stored in clear");
    }
}

async fn a_spent_refresh_token_ends_the_session(app: TestApp) {
    register_and_verify(&app, "lea@exemple.fr", "lea").await;
    let first = login(&app, "lea@exemple.fr", PASSWORD).await;

    let second: Value = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": first["refreshToken"]}),
            None,
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reuse = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": first["refreshToken"]}),
            None,
        )
        .await
        .unwrap();
    assert_eq!(reuse.status(), 401);

    let next = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": second["refreshToken"]}),
            None,
        )
        .await
        .unwrap();
    assert_eq!(next.status(), 401, "the whole family is revoked");
    let me = app
        .get_with("/api/v1/me", &token(&second, "accessToken"))
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
}

async fn logout_everywhere_and_password_change_end_sessions(app: TestApp) {
    register_and_verify(&app, "lea@exemple.fr", "lea").await;
    let phone = login(&app, "lea@exemple.fr", PASSWORD).await;
    let laptop = login(&app, "lea@exemple.fr", PASSWORD).await;

    let sessions: Value = app
        .get_with("/api/v1/me/sessions", &token(&laptop, "accessToken"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions["items"].as_array().unwrap().len(), 2);

    let change = app
        .client
        .put(format!("{}/api/v1/me/password", app.address))
        .bearer_auth(token(&laptop, "accessToken"))
        .json(&json!({"currentPassword": PASSWORD, "newPassword": "Nouveau-Jardin-77?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 204);
    let phone_refresh = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": phone["refreshToken"]}),
            None,
        )
        .await
        .unwrap();
    assert_eq!(phone_refresh.status(), 401, "the other session ended");

    let everywhere = app
        .post(
            "/api/v1/auth/logout-everywhere",
            &json!({}),
            Some(&token(&laptop, "accessToken")),
        )
        .await
        .unwrap();
    assert_eq!(everywhere.status(), 200);
    let me = app
        .get_with("/api/v1/me", &token(&laptop, "accessToken"))
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
}

async fn wrong_and_unknown_logins_answer_alike(app: TestApp) {
    register_and_verify(&app, "lea@exemple.fr", "lea").await;

    let wrong = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": "lea@exemple.fr", "password": "Faux-Mot-2026!"}),
            None,
        )
        .await
        .unwrap();
    let unknown = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": "inconnu@exemple.fr", "password": "Faux-Mot-2026!"}),
            None,
        )
        .await
        .unwrap();

    assert_eq!(wrong.status(), unknown.status());
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

on_every_engine!(
    a_citizen_registers_verifies_logs_in_and_reads_their_account,
    personal_data_is_never_stored_in_clear,
    a_spent_refresh_token_ends_the_session,
    logout_everywhere_and_password_change_end_sessions,
    wrong_and_unknown_logins_answer_alike,
);
