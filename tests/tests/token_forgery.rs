//! Access tokens that are not exactly ours are refused with 401, on the real
//! server with its real keys. A control case re-signs a genuine token's claims
//! with the server's key and is accepted, so the refusals are not an artefact
//! of the harness.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rr_acceptance_tests::{Engine, TestApp, spawn_app};
use serde_json::{Value, json};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

async fn logged_in(app: &TestApp) -> String {
    let body = json!({
        "email": "lea@exemple.fr", "username": "lea", "firstName": "Léa", "lastName": "Martin", "country": "FR",
        "password": PASSWORD, "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
    });
    assert_eq!(
        app.post("/api/v1/auth/register", &body, None)
            .await
            .unwrap()
            .status(),
        202
    );
    let token = app.last_mailed_token("lea@exemple.fr").unwrap().unwrap();
    app.post(
        "/api/v1/auth/verify-email",
        &json!({ "token": token }),
        None,
    )
    .await
    .unwrap();
    let tokens: Value = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": "lea@exemple.fr", "password": PASSWORD}),
            None,
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["accessToken"].as_str().unwrap().to_owned()
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn server_key(app: &TestApp) -> SigningKey {
    let pem = std::fs::read_to_string(app.keys_dir().join("jwt-dev-1.pem")).unwrap();
    SigningKey::from_pkcs8_pem(&pem).unwrap()
}

fn sign(key: &SigningKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    let der = key.to_pkcs8_der().unwrap();
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(der.as_bytes())).unwrap()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn status(app: &TestApp, token: &str) -> u16 {
    app.get_with("/api/v1/me", token)
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_forged_or_stale_token_is_refused() {
    let app = spawn_app(Engine::Sqlite).await.unwrap().unwrap();
    let genuine = logged_in(&app).await;
    let claims = claims_of(&genuine);
    let key = server_key(&app);
    let with = |changes: Value| {
        let mut c = claims.clone();
        for (k, v) in changes.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };

    assert_eq!(status(&app, &genuine).await, 200);
    assert_eq!(
        status(&app, &sign(&key, "dev-1", &claims)).await,
        200,
        "control: the harness signs like the server"
    );

    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"dev-1"}"#);
    let payload = genuine.split('.').nth(1).unwrap();
    let public = key.verifying_key().to_bytes();
    let hs256 = |secret: &[u8]| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("dev-1".into());
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(secret).unwrap()).unwrap()
    };
    let tampered = {
        let forged_payload = URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&with(json!({"role": "super_administrator"}))).unwrap());
        let parts: Vec<&str> = genuine.split('.').collect();
        format!("{}.{}.{}", parts[0], forged_payload, parts[2])
    };
    let stranger = SigningKey::from_bytes(&[7; 32]);
    let cases: Vec<(&str, String)> = vec![
        ("alg none", format!("{header_none}.{payload}.")),
        ("HS256 signed with the raw public key", hs256(&public)),
        (
            "HS256 signed with the JWKS x value",
            hs256(URL_SAFE_NO_PAD.encode(public).as_bytes()),
        ),
        ("unknown kid", sign(&key, "not-a-key", &claims)),
        (
            "wrong audience",
            sign(&key, "dev-1", &with(json!({"aud": "another-api"}))),
        ),
        (
            "wrong issuer",
            sign(&key, "dev-1", &with(json!({"iss": "https://evil.example"}))),
        ),
        (
            "expired",
            sign(
                &key,
                "dev-1",
                &with(json!({"iat": now() - 1000, "nbf": now() - 1000, "exp": now() - 60})),
            ),
        ),
        (
            "not yet valid",
            sign(
                &key,
                "dev-1",
                &with(json!({"nbf": now() + 600, "exp": now() + 1200})),
            ),
        ),
        ("tampered payload", tampered),
        (
            "another key pair under our kid",
            sign(&stranger, "dev-1", &claims),
        ),
        (
            "unknown role",
            sign(&key, "dev-1", &with(json!({"role": "root"}))),
        ),
        (
            "elevated role, validly signed, not the account's",
            sign(&key, "dev-1", &with(json!({"role": "administrator"}))),
        ),
        (
            "another session id",
            sign(
                &key,
                "dev-1",
                &with(json!({"sid": "01a22499-f800-7000-8000-000000000000"})),
            ),
        ),
        ("empty", String::new()),
        ("garbage", "a.b.c".into()),
    ];
    for (case, token) in cases {
        assert_eq!(status(&app, &token).await, 401, "{case}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_out_or_suspended_accounts_token_stops_working() {
    let app = spawn_app(Engine::Sqlite).await.unwrap().unwrap();
    let first = logged_in(&app).await;
    let tokens: Value = app
        .post(
            "/api/v1/auth/login",
            &json!({"email": "lea@exemple.fr", "password": PASSWORD}),
            None,
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = tokens["accessToken"].as_str().unwrap().to_owned();

    assert_eq!(
        app.post("/api/v1/auth/logout", &json!({}), Some(&first))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(status(&app, &first).await, 401, "a revoked session's token");
    assert_eq!(
        status(&app, &second).await,
        200,
        "the other session lives on"
    );

    // Suspend through the same use case an administrator's request would call.
    let database = rr_persistence::Database::connect(&app.settings.database)
        .await
        .unwrap();
    let identity = rr_server::wiring::identity(&app.settings, &database).unwrap();
    let user = claims_of(&second)["sub"].as_str().unwrap().parse().unwrap();
    let admin = rr_domain_actor();
    identity
        .suspend(
            &admin,
            rr_domain::identity::UserId::from_uuid(user),
            "Test de suspension",
            None,
        )
        .await
        .unwrap();

    // The bound is `identity.session_check_secs` (1 s in the test profile).
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        status(&app, &second).await,
        401,
        "a suspended account's token, after the bound"
    );
}

fn rr_domain_actor() -> rr_domain::identity::AuthenticatedActor {
    rr_domain::identity::AuthenticatedActor {
        user_id: rr_domain::identity::UserId::generate(),
        session_id: rr_domain::identity::SessionId::generate(),
        role: rr_domain::identity::Role::Administrator,
        two_factor: true,
    }
}
