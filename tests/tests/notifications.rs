//! Notifications over real HTTP on every engine: a moderator's rejection
//! reaches the author's inbox with its reason, out of everyone else's reach;
//! reading it; and, once the author consents to communications, a decision
//! is also mailed — a short mail that links to the inbox and quotes no
//! reason.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::time::SystemTime;

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_domain::identity::Role;
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

/// A moderator with two-factor authentication; the token.
async fn moderator(app: &TestApp, username: &str) -> String {
    app.staff(username, Role::Moderator).await.unwrap()
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
