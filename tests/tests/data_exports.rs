//! Exports of one's data over real HTTP on every engine, with the real
//! cipher and file store: a citizen with a resource, a comment and a
//! corrected profile asks for their export; the archive is a JSON document
//! holding the profile opened, the resource, the comment, the history of
//! the correction (fields, never values) and sessions without secrets; at
//! rest it is encrypted (neither the email nor the comment in clear in the
//! archive directory); it is handed out once and then gone from the disk.
//! One export at a time; and an administrator's download of a person's
//! archive shows in the person's access log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use serde_json::{Value, json};

async fn json_post(app: &TestApp, path: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
    let response = app.post(path, body, token).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every file under `dir`, read.
fn files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(std::fs::read(&path).unwrap());
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn section<'a>(archive: &'a Value, name: &str) -> &'a Vec<Value> {
    archive["sections"][name]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no section {name}"))
}

async fn a_citizen_exports_everything_once_and_nothing_is_left_in_clear(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let resource = json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "# Écouter\n\nD'abord écouter, sans juger.",
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
        "visibility": "private"
    });
    let (status, created) = json_post(&app, "/api/v1/resources", &resource, Some(&lea)).await;
    assert_eq!(status, 201, "{created}");
    let resource_id = created["id"].as_str().unwrap().to_owned();
    // Only a published resource takes comments; a private one needs no review.
    let hex = uuid::Uuid::parse_str(&resource_id).unwrap().simple();
    let published = rr_persistence::testing::execute(
        app.database_url(),
        &format!(
            "UPDATE resources SET state = 'published', published_at = updated_at WHERE id = X'{hex}'"
        ),
    )
    .await
    .unwrap();
    assert_eq!(published, 1);
    let (status, comment) = json_post(
        &app,
        &format!("/api/v1/resources/{resource_id}/comments"),
        &json!({"body": "Un commentaire bien à moi"}),
        Some(&lea),
    )
    .await;
    assert_eq!(status, 201, "{comment}");
    let rectified = app
        .client
        .patch(format!("{}/api/v1/me", app.address))
        .bearer_auth(&lea)
        .json(&json!({"firstName": "Léonie", "phone": "+33 6 12 34 56 78"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rectified.status(), 200);

    let (status, export) = json_post(&app, "/api/v1/me/export", &json!({}), Some(&lea)).await;
    assert_eq!(status, 202, "{export}");
    assert_eq!(export["status"], "ready", "a small account, at once");
    let id = export["id"].as_str().unwrap().to_owned();

    let at_rest = files(&app.settings.exports.archive_dir);
    assert_eq!(at_rest.len(), 1, "one archive stored");
    for clear in [
        "lea@exemple.fr",
        "Léonie",
        "bien à moi",
        "+33612345678",
        "lea",
    ] {
        assert!(!contains(&at_rest[0], clear), "{clear} in clear at rest");
    }

    let download = app
        .get_with(&format!("/api/v1/me/exports/{id}/download"), &lea)
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(
        download.headers()["cache-control"].to_str().unwrap(),
        "no-store"
    );
    let archive: Value = download.json().await.unwrap();
    assert_eq!(archive["format"], "ressources-relationnelles/export");
    assert_eq!(archive["exportId"], id);
    let profile = &section(&archive, "profile")[0];
    assert_eq!(profile["email"], "lea@exemple.fr");
    assert_eq!(profile["firstName"], "Léonie");
    assert_eq!(profile["phone"], "+33612345678");
    let account = &section(&archive, "account")[0];
    assert_eq!(account["username"], "lea");
    assert!(account.get("passwordHash").is_none() && account.get("dataKey").is_none());
    assert_eq!(section(&archive, "resources")[0]["id"], resource_id);
    assert_eq!(
        section(&archive, "comments")[0]["body"],
        "Un commentaire bien à moi"
    );
    let session = &section(&archive, "sessions")[0];
    assert!(session.get("refreshDigest").is_none());
    let rectifications = section(&archive, "rectifications");
    assert_eq!(rectifications.len(), 1);
    assert_eq!(rectifications[0]["detail"], "fields=first_name,phone");
    assert!(!section(&archive, "consents").is_empty());
    let exports = section(&archive, "dataExports");
    assert_eq!(exports[0]["id"], id, "the export itself is listed");
    let audit: Vec<&str> = section(&archive, "auditEvents")
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(audit.contains(&"profile_rectified") && audit.contains(&"data_export_requested"));

    let again = app
        .get_with(&format!("/api/v1/me/exports/{id}/download"), &lea)
        .await
        .unwrap();
    assert_eq!(again.status(), 410);
    let problem: Value = again.json().await.unwrap();
    assert_eq!(problem["code"], "export_already_downloaded");
    assert!(
        files(&app.settings.exports.archive_dir).is_empty(),
        "removed from the disk once downloaded"
    );
}

async fn a_second_export_waits_for_the_first(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let (status, _) = json_post(&app, "/api/v1/me/export", &json!({}), Some(&lea)).await;
    assert_eq!(status, 202);
    let (status, problem) = json_post(&app, "/api/v1/me/export", &json!({}), Some(&lea)).await;
    assert_eq!(status, 409);
    assert_eq!(problem["code"], "export_pending");
    let list: Value = app
        .get_with("/api/v1/me/exports", &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

/// An administrator answering a letter, as the data-subject request use
/// case does (through the service on the same database and directories):
/// the download is a staff read the person sees in their access log.
async fn a_staff_download_shows_in_the_persons_access_log(app: TestApp) {
    use rr_application::services::identity::StaffAccount;
    use rr_domain::credentials::Password;
    use rr_domain::identity::{
        AuthenticatedActor, CountryCode, Email, PersonName, Role, SessionId, UserId, Username,
    };

    let lea = app.citizen("lea").await.unwrap();
    let me: Value = app
        .get_with("/api/v1/me", &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lea_id = UserId::from_uuid(me["id"].as_str().unwrap().parse().unwrap());
    let database = rr_persistence::Database::connect(&app.settings.database)
        .await
        .unwrap();
    let identity = rr_server::wiring::identity(&app.settings, &database).unwrap();
    let admin = identity
        .bootstrap_account(
            StaffAccount {
                email: Email::parse("camille@exemple.fr").unwrap(),
                username: Username::parse("camille").unwrap(),
                first_name: PersonName::parse("Camille").unwrap(),
                last_name: PersonName::parse("Durand").unwrap(),
                country: CountryCode::parse("FR").unwrap(),
                role: Role::Administrator,
            },
            &Password::new(rr_acceptance_tests::PASSWORD),
        )
        .await
        .unwrap();
    let actor = AuthenticatedActor {
        user_id: admin,
        session_id: SessionId::generate(),
        role: Role::Administrator,
        two_factor: true,
    };
    let exports = rr_server::wiring::data_exports(&app.settings, &database).unwrap();
    let export = exports.request_for(&actor, lea_id).await.unwrap();

    let refused = app
        .get_with(&format!("/api/v1/me/exports/{}/download", export.id), &lea)
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let mut download = exports.download(&actor, export.id).await.unwrap();
    let mut archive = Vec::new();
    while let Some(chunk) = download.content.next_chunk().await.unwrap() {
        archive.extend(chunk);
    }
    let archive: Value = serde_json::from_slice(&archive).unwrap();
    assert_eq!(section(&archive, "profile")[0]["email"], "lea@exemple.fr");
    assert_eq!(archive["origin"], "staff");
    database.close().await.unwrap();

    let log: Value = app
        .get_with("/api/v1/me/access-log", &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &log["items"][0];
    assert_eq!(entry["staffUsername"], "camille");
    assert!(
        entry["reason"]
            .as_str()
            .unwrap()
            .contains(&export.id.to_string())
    );
    let mine: Value = app
        .get_with("/api/v1/me/exports", &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["status"], "downloaded");
    assert_eq!(mine["items"][0]["origin"], "staff");
}

on_every_engine!(
    a_citizen_exports_everything_once_and_nothing_is_left_in_clear,
    a_second_export_waits_for_the_first,
    a_staff_download_shows_in_the_persons_access_log,
);
