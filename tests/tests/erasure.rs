//! Erasure over real HTTP on every engine (ADR 0023): `DELETE /api/v1/me`
//! with its password and second factor, then a walk of every value of every
//! table of the live schema proving that no clear personal datum of the
//! person remains and that nothing sealed for them can be opened any more;
//! the token and the password are refused, the username is reserved.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{PASSWORD, TestApp, on_every_engine, totp_code};
use rr_application::ports::FieldCipher;
use rr_domain::identity::{KeyId, Sealed, UserId, WrappedKey};
use rr_persistence::testing::{execute, query, stored_values};
use rr_security::XChaChaFieldCipher;
use serde_json::{Value, json};

const FAMILY: &str = "01a22499-f800-7107-8000-000000000000";
const ARTICLE: &str = "01a22499-f800-7302-8000-000000000000";
const RELATION: &str = "01a22499-f800-7203-8000-000000000000";

/// The person erased: every datum distinctive, to be looked for everywhere.
const EMAIL: &str = "aurelienne.quintavalle@exemple.fr";
const USERNAME: &str = "Aurelienne_Q";
const FIRST_NAME: &str = "Aurélienne";
const LAST_NAME: &str = "Quintavalle";
const PHONE: &str = "+33698765432";

/// Status and JSON body (`null` when empty) of a request.
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

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    send(app, reqwest::Method::POST, path, token, Some(body)).await
}

async fn erase(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    send(
        app,
        reqwest::Method::DELETE,
        "/api/v1/me",
        Some(token),
        Some(body),
    )
    .await
}

/// Registers the person with every personal datum, verifies and logs in;
/// the access token.
async fn register(app: &TestApp) -> String {
    let body = json!({
        "email": EMAIL, "username": USERNAME, "firstName": FIRST_NAME, "lastName": LAST_NAME,
        "country": "IT", "phone": PHONE, "region": "84", "password": PASSWORD,
        "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
    });
    assert_eq!(post(app, "/api/v1/auth/register", None, body).await.0, 202);
    let link = app.last_mailed_token(EMAIL).unwrap().unwrap();
    let verify = json!({ "token": link });
    assert_eq!(
        post(app, "/api/v1/auth/verify-email", None, verify).await.0,
        204
    );
    login(app).await.1["accessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn login(app: &TestApp) -> (u16, Value) {
    let body = json!({"email": EMAIL, "password": PASSWORD});
    post(app, "/api/v1/auth/login", None, body).await
}

/// A resource of the token's owner, published at once (private, or shared
/// with `shared_with`); its id.
async fn published(app: &TestApp, token: &str, shared_with: &[&str]) -> String {
    let visibility = if shared_with.is_empty() {
        "private"
    } else {
        "shared"
    };
    let body = json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "D'abord écouter, sans juger.", "categoryId": FAMILY, "resourceTypeId": ARTICLE,
        "relationTypeIds": [RELATION], "visibility": visibility, "sharedWith": shared_with
    });
    let (status, created) = post(app, "/api/v1/resources", Some(token), body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/resources/{id}/submit");
    let (_, submitted) = post(app, &path, Some(token), json!({})).await;
    assert_eq!(submitted["state"], "published");
    id
}

/// Makes a published resource public (as a moderator's approval would).
async fn make_public(app: &TestApp, id: &str) {
    let id = uuid::Uuid::parse_str(id).unwrap().simple();
    let sql = format!("UPDATE resources SET visibility = 'public' WHERE id = X'{id}'");
    assert_eq!(execute(app.database_url(), &sql).await.unwrap(), 1);
}

/// The person's row as a backup taken before the erasure holds it.
struct Copy {
    id: UserId,
    key: WrappedKey,
    sealed: Vec<(&'static str, Vec<u8>)>,
}

async fn copy_of_the_row(app: &TestApp) -> Copy {
    let rows = query(
        app.database_url(),
        "SELECT LOWER(HEX(id)), data_key_id, LOWER(HEX(data_key)), LOWER(HEX(email)), \
         LOWER(HEX(first_name)), LOWER(HEX(last_name)), LOWER(HEX(phone)), \
         LOWER(HEX(totp_secret)) FROM users WHERE username_canonical = 'aurelienne_q'",
    )
    .await
    .unwrap();
    let row = &rows[0];
    let bytes = |hex: &str| data_encoding::HEXLOWER.decode(hex.as_bytes()).unwrap();
    Copy {
        id: UserId::from_uuid(uuid::Uuid::parse_str(&row[0]).unwrap()),
        key: WrappedKey {
            key_id: KeyId(row[1].clone()),
            bytes: bytes(&row[2]),
        },
        sealed: vec![
            ("email", bytes(&row[3])),
            ("first_name", bytes(&row[4])),
            ("last_name", bytes(&row[5])),
            ("phone", bytes(&row[6])),
            ("totp_secret", bytes(&row[7])),
        ],
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The person's account with something in most tables, erased with
/// `content`; then the walk.
async fn erasure_leaves_nothing_to_read(app: &TestApp, content: &str) {
    let leo = app.citizen("leo_p").await.unwrap();
    let person = register(app).await;

    // Two-factor authentication, sealing a TOTP secret under the data key.
    let (_, enrolment) = post(app, "/api/v1/me/two-factor/totp", Some(&person), json!({})).await;
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    let confirm = json!({"code": totp_code(&secret, 0)});
    let (status, _) = post(
        app,
        "/api/v1/me/two-factor/totp/confirm",
        Some(&person),
        confirm,
    )
    .await;
    assert_eq!(status, 200);

    // What they publish, mark, comment and report.
    let theirs = published(app, &person, &[]).await;
    make_public(app, &theirs).await;
    published(app, &person, &["leo_p"]).await;
    let shared = published(app, &leo, &[USERNAME]).await;
    let leos = published(app, &leo, &[]).await;
    make_public(app, &leos).await;
    let comment_on = |id: &str| format!("/api/v1/resources/{id}/comments");
    let said = json!({"body": "Merci, c'est exactement ce qu'il me fallait."});
    for id in [&shared, &leos, &theirs] {
        let (status, body) = post(app, &comment_on(id), Some(&person), said.clone()).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = post(app, &comment_on(&theirs), Some(&leo), said.clone()).await;
    assert_eq!(status, 201);
    for mark in ["favourite", "exploited"] {
        let path = format!("{}/api/v1/resources/{leos}/{mark}", app.address);
        let response = app
            .client
            .put(path)
            .bearer_auth(&person)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{mark}");
    }
    let report = json!({"target": {"kind": "resource", "id": leos}, "reason": "spam"});
    assert_eq!(
        post(app, "/api/v1/reports", Some(&person), report).await.0,
        201
    );

    // The problems of a bad confirmation.
    let (status, problem) = erase(
        app,
        &person,
        json!({"password": "pas le bon", "content": content}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("invalid_credentials"))
    );
    let (status, problem) = erase(
        app,
        &person,
        json!({"password": PASSWORD, "content": content}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("second_factor_required"))
    );
    let wrong = json!({"password": PASSWORD, "code": "000000", "content": content});
    let (status, problem) = erase(app, &person, wrong).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("invalid_second_factor"))
    );

    let backup = copy_of_the_row(app).await;
    let cipher =
        XChaChaFieldCipher::from_material(&rr_server::wiring::key_material(&app.settings).unwrap())
            .unwrap();
    let opens = |key: &WrappedKey| {
        backup.sealed.iter().any(|(field, bytes)| {
            cipher
                .open(key, backup.id, field, &Sealed(bytes.clone()))
                .is_ok()
        })
    };
    assert!(
        opens(&backup.key),
        "the copy opens with its key: the check below can fail"
    );
    let before = stored_values(app.database_url()).await.unwrap();
    let found = |needle: &[u8]| {
        before
            .iter()
            .filter_map(|v| v.bytes.as_ref())
            .any(|bytes| contains(bytes, needle))
    };
    assert!(
        found(USERNAME.as_bytes()) && found(&backup.key.bytes),
        "the walk sees the username and the wrapped key before the erasure"
    );

    let confirm = json!({"password": PASSWORD, "code": totp_code(&secret, 1), "content": content});
    let (status, body) = erase(app, &person, confirm).await;
    assert_eq!(status, 204, "{body}");

    // The token and the password are worth nothing; the username is reserved.
    let (status, problem) =
        send(app, reqwest::Method::GET, "/api/v1/me", Some(&person), None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("session_revoked"))
    );
    let (status, problem) = login(app).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("invalid_credentials"))
    );
    let again = json!({
        "email": "quelqu.un@exemple.fr", "username": USERNAME.to_lowercase(), "firstName": "Jean",
        "lastName": "Dupont", "country": "FR", "password": PASSWORD,
        "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
    });
    let (status, problem) = post(app, "/api/v1/auth/register", None, again).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("username_taken"))
    );

    // Every value of every table, as bytes.
    let values = stored_values(app.database_url()).await.unwrap();
    assert!(
        values.iter().any(|v| v.table == "users"),
        "the walk reads tables"
    );
    let clear: Vec<Vec<u8>> = [EMAIL, USERNAME, FIRST_NAME, LAST_NAME, &PHONE[1..]]
        .iter()
        .flat_map(|datum| [datum.to_lowercase(), datum.to_uppercase()])
        .chain(["aurelienne".to_owned(), "AURELIENNE".to_owned()])
        .map(String::into_bytes)
        .collect();
    let candidate_keys = [backup.key.key_id.clone(), cipher.current_key_id()];
    for value in &values {
        let Some(bytes) = &value.bytes else { continue };
        let lower = bytes.to_ascii_lowercase();
        for datum in &clear {
            assert!(
                !contains(&lower, &datum.to_ascii_lowercase()),
                "{}.{} holds a clear personal datum",
                value.table,
                value.column
            );
        }
        assert!(
            !contains(bytes, &backup.key.bytes),
            "{}.{} holds the wrapped data key",
            value.table,
            value.column
        );
        for (field, sealed) in &backup.sealed {
            assert!(
                !contains(bytes, sealed),
                "{}.{} holds the sealed {field}",
                value.table,
                value.column
            );
        }
        for key_id in &candidate_keys {
            let key = WrappedKey {
                key_id: key_id.clone(),
                bytes: bytes.clone(),
            };
            assert!(
                !opens(&key),
                "{}.{} opens what was sealed for the person",
                value.table,
                value.column
            );
        }
    }
    let kept = query(
        app.database_url(),
        "SELECT COUNT(*) FROM resources r JOIN users u ON u.id = r.author_id \
         WHERE u.username = 'Utilisateur supprimé'",
    )
    .await
    .unwrap();
    let expected = if content == "anonymise" { "1" } else { "0" };
    assert_eq!(kept[0][0], expected, "the public resource, kept or not");

    // What others read: the kept resource and the comments, by nobody.
    let (status, resource) = send(
        app,
        reqwest::Method::GET,
        &format!("/api/v1/resources/{theirs}"),
        Some(&leo),
        None,
    )
    .await;
    let (_, thread) = send(
        app,
        reqwest::Method::GET,
        &comment_on(&leos),
        Some(&leo),
        None,
    )
    .await;
    let comment = &thread["items"][0];
    if content == "anonymise" {
        assert_eq!(status, 200);
        assert_eq!(resource["author"], "Utilisateur supprimé");
        assert_eq!(comment["author"], "Utilisateur supprimé");
        assert_eq!(comment["body"], said["body"]);
    } else {
        assert_eq!(status, 404);
        assert_eq!(comment["body"], Value::Null, "a tombstone");
    }
}

async fn erasure_keeping_content_leaves_nothing_to_read(app: TestApp) {
    erasure_leaves_nothing_to_read(&app, "anonymise").await;
}

async fn erasure_deleting_content_leaves_nothing_to_read(app: TestApp) {
    erasure_leaves_nothing_to_read(&app, "delete").await;
}

on_every_engine!(
    erasure_keeping_content_leaves_nothing_to_read,
    erasure_deleting_content_leaves_nothing_to_read,
);
