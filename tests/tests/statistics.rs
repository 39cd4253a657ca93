//! The administrators' statistics over real HTTP on every engine: a month
//! whose favourites come from 9 people shows no number (in JSON and in the
//! CSV export), a month of 10 does, until one of them objects to statistics;
//! and neither a visible, a hidden nor a deleted comment's text reaches a
//! report, which holds only dates, names of measures and numbers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine, spawn_with, test_settings};
use rr_domain::identity::Role;
use rr_persistence::testing::execute;
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

async fn post(app: &TestApp, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
    send(app, reqwest::Method::POST, path, token, Some(body)).await
}

/// A staff member of `role` with two-factor authentication; the token.
async fn staff(app: &TestApp, username: &str, role: Role) -> String {
    app.staff(username, role).await.unwrap()
}

fn hex(id: &str) -> String {
    uuid::Uuid::parse_str(id).unwrap().simple().to_string()
}

/// A public resource of the token's owner, published as a moderator's
/// approval would; its id.
async fn published(app: &TestApp, token: &str) -> String {
    let body = json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "D'abord écouter, sans juger.",
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
        "visibility": "public"
    });
    let (status, created) = post(app, "/api/v1/resources", body, Some(token)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let changed = execute(
        app.database_url(),
        &format!(
            "UPDATE resources SET state = 'published', published_at = updated_at WHERE id = X'{}'",
            hex(&id)
        ),
    )
    .await
    .unwrap();
    assert_eq!(changed, 1);
    id
}

/// `count` citizens named `<prefix><n>` who each put `resource` in their
/// favourites; their tokens.
async fn favouring(app: &TestApp, prefix: &str, count: usize, resource: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for n in 0..count {
        let token = app.citizen(&format!("{prefix}{n}")).await.unwrap();
        let path = format!("/api/v1/resources/{resource}/favourite");
        let (status, _) = send(app, reqwest::Method::PUT, &path, Some(&token), None).await;
        assert_eq!(status, 204);
        tokens.push(token);
    }
    tokens
}

/// Moves the favourites of `resource` to `at` (UTC).
async fn dated(app: &TestApp, resource: &str, at: &str) {
    execute(
        app.database_url(),
        &format!(
            "UPDATE favourites SET created_at = '{at}' WHERE resource_id = X'{}'",
            hex(resource)
        ),
    )
    .await
    .unwrap();
}

const REPORT: &str = "/api/v1/admin/statistics?from=2026-10-01&to=2026-12-01&measures=favourites";
const EXPORT: &str =
    "/api/v1/admin/statistics.csv?from=2026-10-01&to=2026-12-01&measures=favourites";

async fn report(app: &TestApp, token: &str) -> Value {
    let response = app.get_with(REPORT, token).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn export(app: &TestApp, token: &str) -> Vec<csv::StringRecord> {
    let response = app.get_with(EXPORT, token).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let body = response.bytes().await.unwrap();
    csv::Reader::from_reader(body.as_ref())
        .records()
        .map(Result::unwrap)
        .collect()
}

async fn nine_people_show_no_number_ten_do_and_an_objection_counts_at_once(app: TestApp) {
    let admin = staff(&app, "administratrice", Role::Administrator).await;
    let author = app.citizen("autrice").await.unwrap();
    let october = published(&app, &author).await;
    let november = published(&app, &author).await;
    favouring(&app, "octobre", 9, &october).await;
    let ten = favouring(&app, "novembre", 10, &november).await;
    dated(&app, &october, "2026-10-15 10:00:00").await;
    dated(&app, &november, "2026-11-10 10:00:00").await;

    let json = report(&app, &admin).await;
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0],
        json!({"bucket": "2026-10-01", "measure": "favourites", "count": null, "people": null,
               "visitorCount": null, "suppressed": true})
    );
    assert_eq!(
        rows[1],
        json!({"bucket": "2026-11-01", "measure": "favourites", "count": 10, "people": 10,
               "visitorCount": null, "suppressed": false})
    );
    let csv = export(&app, &admin).await;
    assert_eq!(csv.len(), 2);
    assert_eq!(
        csv[0].iter().collect::<Vec<_>>(),
        [
            "2026-10-01",
            "favourites",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "true"
        ]
    );
    assert_eq!(
        csv[1].iter().collect::<Vec<_>>(),
        [
            "2026-11-01",
            "favourites",
            "",
            "",
            "",
            "",
            "10",
            "10",
            "",
            "false"
        ]
    );

    // One of the ten objects: from now on, November counts 9 people.
    let (status, _) = send(
        &app,
        reqwest::Method::PATCH,
        "/api/v1/me",
        Some(&ten[4]),
        Some(json!({"statisticsObjection": true})),
    )
    .await;
    assert_eq!(status, 200);
    let json = report(&app, &admin).await;
    assert_eq!(json["rows"][1]["count"], Value::Null);
    assert_eq!(json["rows"][1]["suppressed"], true);
    assert_eq!(&export(&app, &admin).await[1][6], "");
}

/// Whether a report's string is one of the few a report may hold.
fn is_allowed_text(text: &str) -> bool {
    let date = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let names = [
        "consultations",
        "searches",
        "exploitations",
        "favourites",
        "creations",
        "registrations",
        "day",
        "week",
        "month",
    ];
    date || names.contains(&text)
}

fn strings(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) => found.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, found)),
        Value::Object(fields) => fields.values().for_each(|v| strings(v, found)),
        _ => {}
    }
}

async fn no_comment_text_visible_hidden_or_deleted_reaches_a_report(app: TestApp) {
    let admin = staff(&app, "administrateur", Role::Administrator).await;
    let moderator = staff(&app, "moderatrice", Role::Moderator).await;
    let lea = app.citizen("lea").await.unwrap();
    let on = published(&app, &lea).await;
    let mut ids = Vec::new();
    for text in ["Texte-visible-7Q", "Texte-masque-7Q", "Texte-efface-7Q"] {
        let (status, comment) = post(
            &app,
            &format!("/api/v1/resources/{on}/comments"),
            json!({ "body": text }),
            Some(&lea),
        )
        .await;
        assert_eq!(status, 201, "{comment}");
        ids.push(comment["id"].as_str().unwrap().to_owned());
    }
    let (status, hidden) = post(
        &app,
        &format!("/api/v1/moderation/comments/{}/hide", ids[1]),
        json!({"reason": "Propos hors charte."}),
        Some(&moderator),
    )
    .await;
    assert_eq!(status, 200, "{hidden}");
    let (status, _) = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/comments/{}", ids[2]),
        Some(&lea),
        None,
    )
    .await;
    assert_eq!(status, 204);
    // A consultation and a search, counted too.
    assert_eq!(
        app.get(&format!("/api/v1/resources/{on}"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.get("/api/v1/resources?q=ado").await.unwrap().status(),
        200
    );

    let today = time::OffsetDateTime::now_utc().date();
    let (from, to) = (
        today.previous_day().unwrap(),
        today.next_day().unwrap().next_day().unwrap(),
    );
    for group_by in ["day", "week", "month"] {
        let query = format!("?from={from}&to={to}&groupBy={group_by}");
        let json = app
            .get_with(&format!("/api/v1/admin/statistics{query}"), &admin)
            .await
            .unwrap();
        assert_eq!(json.status(), 200);
        let json: Value = json.json().await.unwrap();
        let mut found = Vec::new();
        strings(&json, &mut found);
        let stray: Vec<&String> = found.iter().filter(|t| !is_allowed_text(t)).collect();
        assert!(stray.is_empty(), "text in a report: {stray:?}");
        let csv = app
            .get_with(&format!("/api/v1/admin/statistics.csv{query}"), &admin)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!csv.contains("Texte-"), "{csv}");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    cell.is_empty()
                        || cell.parse::<u64>().is_ok()
                        || ["true", "false"].contains(&cell)
                        || is_allowed_text(cell),
                    "text in an export: {cell:?}"
                );
            }
        }
    }
}

on_every_engine!(
    nine_people_show_no_number_ten_do_and_an_objection_counts_at_once,
    no_comment_text_visible_hidden_or_deleted_reaches_a_report,
);

#[tokio::test]
async fn the_server_refuses_a_threshold_below_five() {
    let database = rr_persistence::testing::TestDatabase::sqlite();
    let workdir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(database.url(), workdir.path()).unwrap();
    settings.statistics.min_cell_people = 4;
    let err = spawn_with(database, settings, workdir).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("statistics.min_cell_people is 4: it must be at least 5"),
        "{err:#}"
    );
}
