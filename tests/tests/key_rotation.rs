//! Rotating the token signing key as the runbook says, on every engine: a
//! new key made current with the old one kept, every node restarted. Tokens
//! signed with the old key keep working until they expire, both keys are
//! published, new tokens carry the new key's id; once the old key is
//! removed its tokens are refused and their holders refresh.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use base64::Engine as _;
use rr_acceptance_tests::{PASSWORD, TestApp, on_every_engine, spawn_with};
use rr_security::{DEVELOPMENT_KEY_ID, KeySettings, SigningKeySource, generate_development_keys};
use serde_json::{Value, json};

/// The `kid` in the header of `token`.
fn kid(token: &str) -> String {
    let header = token.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    serde_json::from_slice::<Value>(&bytes).unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn published_kids(app: &TestApp) -> Vec<String> {
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut kids: Vec<String> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap().to_owned())
        .collect();
    kids.sort();
    kids
}

async fn status_of_me(app: &TestApp, token: &str) -> u16 {
    app.get_with("/api/v1/me", token)
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Access and refresh tokens of a login.
async fn login(app: &TestApp, username: &str) -> (String, String) {
    let body = json!({"email": format!("{username}@exemple.fr"), "password": PASSWORD});
    let tokens: Value = app
        .post("/api/v1/auth/login", &body, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        tokens["accessToken"].as_str().unwrap().to_owned(),
        tokens["refreshToken"].as_str().unwrap().to_owned(),
    )
}

/// The development keys of `app`, with these signing keys.
fn with_signing_keys(dev: &KeySettings, keys: Vec<SigningKeySource>, current: &str) -> KeySettings {
    KeySettings {
        jwt_signing_keys: keys,
        current_jwt_key: current.to_owned(),
        ..dev.clone()
    }
}

async fn tokens_of_the_old_key_work_until_it_is_removed(app: TestApp) {
    app.citizen("lea").await.unwrap();
    let (old_access, old_refresh) = login(&app, "lea").await;
    assert_eq!(kid(&old_access), DEVELOPMENT_KEY_ID);
    assert_eq!(published_kids(&app).await, [DEVELOPMENT_KEY_ID]);

    // The runbook's rotation: a new key, made current, the old one kept.
    let (database, workdir, mut settings) = app.shut_down().await;
    let dev = generate_development_keys(&workdir.path().join("keys")).unwrap();
    let elsewhere = workdir.path().join("new-keys");
    let fresh = generate_development_keys(&elsewhere).unwrap();
    let old_key = dev.jwt_signing_keys[0].clone();
    let new_key = SigningKeySource {
        id: "jwt-2".into(),
        file: fresh.jwt_signing_keys[0].file.clone(),
    };
    settings.security.keys = Some(with_signing_keys(
        &dev,
        vec![new_key.clone(), old_key],
        "jwt-2",
    ));
    let app = spawn_with(database, settings.clone(), workdir)
        .await
        .unwrap();

    assert_eq!(status_of_me(&app, &old_access).await, 200, "old token kept");
    assert_eq!(published_kids(&app).await, [DEVELOPMENT_KEY_ID, "jwt-2"]);
    let (new_access, _) = login(&app, "lea").await;
    assert_eq!(kid(&new_access), "jwt-2");
    assert_eq!(status_of_me(&app, &new_access).await, 200);

    // Once the old tokens have expired, the old key goes.
    let (database, workdir, mut settings) = app.shut_down().await;
    settings.security.keys = Some(with_signing_keys(&dev, vec![new_key], "jwt-2"));
    let app = spawn_with(database, settings, workdir).await.unwrap();

    assert_eq!(published_kids(&app).await, ["jwt-2"]);
    assert_eq!(status_of_me(&app, &old_access).await, 401, "old key gone");
    assert_eq!(status_of_me(&app, &new_access).await, 200);
    let refreshed: Value = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": old_refresh}),
            None,
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = refreshed["accessToken"].as_str().unwrap();
    assert_eq!(kid(access), "jwt-2", "the holder refreshes");
    assert_eq!(status_of_me(&app, access).await, 200);
}

on_every_engine!(tokens_of_the_old_key_work_until_it_is_removed);
