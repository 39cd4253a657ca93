//! Notifications over real HTTP on every engine: a moderator's rejection
//! reaches the author's inbox with its reason, out of everyone else's reach;
//! reading it; and, once the author consents to communications, a decision
//! is also mailed — a short mail that links to the inbox and quotes no
//! reason.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::time::{SystemTime, UNIX_EPOCH};

use rr_acceptance_tests::{PASSWORD, TestApp, on_every_engine};
use rr_application::services::identity::StaffAccount;
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, Username};
use serde_json::{Value, json};

const INBOX: &str = "/api/v1/me/notifications";

/// The reason the moderator gives: ASCII, so that it can be looked for in
/// raw mail files.
const REASON: &str = "Le lien mene a une page vide";

fn resource() -> Value {
    json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "# Écouter\n\nD'abord écouter, sans juger.",
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
        "visibility": "public"
    })
}

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

/// A moderator `username`, created as `rr-server admin create-user` does,
/// who enrols two-factor authentication and logs in with it over HTTP; the
/// access token.
async fn moderator(app: &TestApp, username: &str) -> String {
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
                role: Role::Moderator,
            },
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    database.close().await.unwrap();

    let login = json!({"email": email, "password": PASSWORD});
    let tokens: Value = app
        .post("/api/v1/auth/login", &login, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = tokens["accessToken"].as_str().unwrap();
    let enrolment: Value = app
        .post("/api/v1/me/two-factor/totp", &json!({}), Some(first))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = enrolment["secret"].as_str().unwrap();
    let confirmed = app
        .post(
            "/api/v1/me/two-factor/totp/confirm",
            &json!({ "code": code(secret, 0) }),
            Some(first),
        )
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    let challenge: Value = app
        .post("/api/v1/auth/login", &login, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The next step's code: the confirmation used this step's.
    let second = json!({"challenge": challenge["challenge"], "code": code(secret, 1)});
    let tokens: Value = app
        .post("/api/v1/auth/login/second-factor", &second, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["accessToken"].as_str().unwrap().to_owned()
}

async fn inbox(app: &TestApp, token: &str) -> Value {
    let response = app.get_with(INBOX, token).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The mail sent to `to` so far, oldest first, soft line breaks undone.
fn mail_to(app: &TestApp, to: &str) -> Vec<String> {
    let mut found: Vec<(SystemTime, String)> = std::fs::read_dir(&app.settings.mail.directory)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("=\r\n", "")
                .replace("=\n", "");
            (modified, text)
        })
        .filter(|(_, text)| text.lines().any(|line| line == format!("To: {to}")))
        .collect();
    found.sort_by_key(|(modified, _)| *modified);
    found.into_iter().map(|(_, text)| text).collect()
}

async fn a_moderators_decisions_reach_the_authors_inbox_and_with_consent_their_mailbox(
    app: TestApp,
) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let camille = moderator(&app, "camille").await;
    let created: Value = app
        .post("/api/v1/resources", &resource(), Some(&lea))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let submit = format!("/api/v1/resources/{id}/submit");
    assert_eq!(
        app.post(&submit, &json!({}), Some(&lea))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(inbox(&app, &lea).await["unreadCount"], 0);

    let rejected = app
        .post(
            &format!("/api/v1/moderation/resources/{id}/reject"),
            &json!({ "reason": REASON }),
            Some(&camille),
        )
        .await
        .unwrap();
    assert_eq!(rejected.status(), 200, "{}", rejected.text().await.unwrap());

    let page = inbox(&app, &lea).await;
    assert_eq!(page["unreadCount"], 1);
    let item = &page["items"][0];
    assert_eq!(item["kind"], "resource_rejected");
    assert_eq!(item["resourceId"], id.as_str());
    assert_eq!(item["reason"], REASON);
    assert_eq!(item["readAt"], Value::Null);
    assert_eq!(
        mail_to(&app, "lea@exemple.fr").len(),
        1,
        "the verification mail only: no consent to communications"
    );
    let toms = inbox(&app, &tom).await;
    assert_eq!(toms["items"], json!([]));
    let notification = item["id"].as_str().unwrap();
    let read = format!("{INBOX}/{notification}/read");
    assert_eq!(
        app.post(&read, &json!({}), Some(&tom))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.post(&read, &json!({}), Some(&lea))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(inbox(&app, &lea).await["unreadCount"], 0);

    let consented = app
        .client
        .patch(format!("{}/api/v1/me", app.address))
        .bearer_auth(&lea)
        .json(&json!({ "communicationsConsent": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(consented.status(), 200);
    assert_eq!(
        app.post(&submit, &json!({}), Some(&lea))
            .await
            .unwrap()
            .status(),
        200
    );
    let approved = app
        .post(
            &format!("/api/v1/moderation/resources/{id}/approve"),
            &json!({}),
            Some(&camille),
        )
        .await
        .unwrap();
    assert_eq!(approved.status(), 200, "{}", approved.text().await.unwrap());

    let page = inbox(&app, &lea).await;
    assert_eq!(page["unreadCount"], 1);
    assert_eq!(page["items"][0]["kind"], "resource_approved");
    assert_eq!(page["items"][1]["kind"], "resource_rejected");
    let mails = mail_to(&app, "lea@exemple.fr");
    assert_eq!(mails.len(), 2, "one mail for the approval");
    let mail = &mails[1];
    assert!(mail.contains("/compte/notifications"), "{mail}");
    assert!(!mail.contains(REASON), "{mail}");
    assert!(!mail.contains(&id), "{mail}");
}

on_every_engine!(a_moderators_decisions_reach_the_authors_inbox_and_with_consent_their_mailbox);
