//! Retention, the register of processing activities and the breach register
//! over the real application, on every engine:
//!
//! - the register the API serves is `docs/rgpd/register.md` (rendered), and
//!   its periods are those the purge applies (`UPDATE_RGPD_REGISTER=1`
//!   rewrites the file);
//! - `rr-server gdpr purge`: a dry run changes nothing in any table nor
//!   sends any mail; a run warns and erases inactive citizens, deletes old
//!   sessions and audit entries (the chain still verifies) and aggregates
//!   old searches; a second run changes nothing more;
//! - the breach register: record, deadline, notification, accounts and
//!   their addresses, read with a reason the citizen sees.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::path::Path;

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_application::ports::ChainVerification;
use rr_application::services::retention::{PurgeAction, PurgeMode, PurgeReport};
use rr_domain::identity::Role;
use rr_persistence::testing::{execute, query};
use rr_server::register::ProcessingRegisterResponse;
use serde_json::{Value, json};

// ───────────────────────────── helpers ─────────────────────────────

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

/// An administrator with two-factor authentication; the token.
async fn administrator(app: &TestApp, username: &str) -> String {
    app.staff(username, Role::Administrator).await.unwrap()
}

async fn user_id(app: &TestApp, token: &str) -> String {
    get(app, "/api/v1/me", token).await.1["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A uuid as a hexadecimal literal, which both engines read as the 16
/// bytes a uuid is stored as.
fn literal(id: &str) -> String {
    format!("X'{}'", id.replace('-', ""))
}

// ───────────────────────────── the register ─────────────────────────────

async fn the_register_served_is_the_one_in_docs_and_states_the_periods_applied(app: TestApp) {
    let response = app
        .get("/api/v1/privacy/processing-register")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let register: ProcessingRegisterResponse = response.json().await.unwrap();

    // The periods are those of the policy the purge runs with.
    let policy = app.settings.retention_policy().unwrap();
    for activity in &register.activities {
        for retention in &activity.retention {
            let Some(period) = &retention.period else {
                continue;
            };
            let category = rr_domain::compliance::RetentionCategory::ALL
                .into_iter()
                .find(|c| c.as_str() == period.category)
                .unwrap();
            let span = policy.periods.of(category);
            assert_eq!(
                (period.amount, period.unit.as_str()),
                (span.amount(), span.unit()),
                "{}",
                period.category
            );
        }
    }

    // And the Markdown kept in docs is that document.
    let markdown = rr_server::register::markdown(&register);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rgpd/register.md");
    if std::env::var_os("UPDATE_RGPD_REGISTER").is_some() {
        std::fs::write(&path, &markdown).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == markdown,
        "docs/rgpd/register.md differs from the register the API serves: \
         run with UPDATE_RGPD_REGISTER=1 and review the diff"
    );
}

// ───────────────────────────── the purge ─────────────────────────────

/// Every table's content (SQLite) or checksum (MariaDB), and the mail sent.
async fn snapshot(app: &TestApp) -> Vec<Vec<String>> {
    let url = app.database_url();
    let mut all = Vec::new();
    let mariadb = url.starts_with("mysql");
    let tables: Vec<String> = if mariadb {
        query(
            url,
            "SELECT TABLE_NAME FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
        )
        .await
        .unwrap()
    } else {
        query(
            url,
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )
        .await
        .unwrap()
    }
    .into_iter()
    .map(|row| row[0].clone())
    .collect();
    assert!(tables.len() > 30, "{tables:?}");
    if mariadb {
        all.extend(
            query(url, &format!("CHECKSUM TABLE {}", tables.join(", ")))
                .await
                .unwrap(),
        );
    } else {
        for table in tables {
            let mut rows = query(url, &format!("SELECT * FROM {table}")).await.unwrap();
            rows.sort();
            all.push(vec![table]);
            all.extend(rows);
        }
    }
    let mails = std::fs::read_dir(&app.settings.mail.directory).map_or(0, Iterator::count);
    all.push(vec![format!("mails={mails}")]);
    all
}

fn count(report: &PurgeReport, action: PurgeAction) -> u64 {
    report.line(action).unwrap().count
}

async fn a_dry_run_changes_nothing_and_a_second_run_changes_nothing_more(app: TestApp) {
    let url = app.database_url().to_owned();
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let zoe = app.citizen("zoe").await.unwrap();
    let (lea, tom, zoe) = (
        user_id(&app, &lea).await,
        user_id(&app, &tom).await,
        user_id(&app, &zoe).await,
    );
    // Lea and tom have not come for four years; tom was warned 40 days
    // ago. Lea's sessions expired long ago.
    let long_ago = "'2022-06-01 08:00:00'";
    for id in [&lea, &tom] {
        execute(
            &url,
            &format!(
                "UPDATE users SET created_at = {long_ago}, last_active_at = {long_ago} \
                 WHERE id = {}",
                literal(id)
            ),
        )
        .await
        .unwrap();
    }
    let warned = (time::OffsetDateTime::now_utc() - time::Duration::days(40)).date();
    execute(
        &url,
        &format!(
            "UPDATE users SET inactivity_warned_at = '{warned} 08:00:00' WHERE id = {}",
            literal(&tom)
        ),
    )
    .await
    .unwrap();
    execute(
        &url,
        &format!(
            "UPDATE sessions SET expires_at = '2022-07-01 08:00:00' WHERE user_id = {}",
            literal(&lea)
        ),
    )
    .await
    .unwrap();
    // The first audit entries are two years old (their hashes no longer
    // match: the purge removes them and the chain starts after them).
    execute(
        &url,
        "UPDATE audit_log SET at = '2024-06-01 08:00:00' WHERE sequence <= 2",
    )
    .await
    .unwrap();
    // Searches of 2023, and one of now.
    for at in ["2023-03-01 10:00:00", "2023-03-02 11:00:00"] {
        execute(
            &url,
            &format!(
                "INSERT INTO search_events (searcher_id, occurred_at, category_id, \
                 resource_type_id, with_text) VALUES ({}, '{at}', NULL, NULL, 0)",
                literal(&zoe)
            ),
        )
        .await
        .unwrap();
    }
    // Usernames of citizens erased earlier: one reservation has ended, one
    // still holds.
    for (digest, until) in [("01", "2023-01-01 08:00:00"), ("02", "2099-01-01 08:00:00")] {
        execute(
            &url,
            &format!(
                "INSERT INTO username_reservations (digest, reserved_until) \
                 VALUES (X'{}', '{until}')",
                digest.repeat(32)
            ),
        )
        .await
        .unwrap();
    }
    let before = snapshot(&app).await;

    let dry = rr_server::gdpr::purge(&app.settings, PurgeMode::DryRun)
        .await
        .unwrap();

    assert_eq!(snapshot(&app).await, before, "a dry run changes nothing");
    assert_eq!(count(&dry, PurgeAction::EraseInactiveAccounts), 1);
    assert_eq!(count(&dry, PurgeAction::WarnInactiveAccounts), 1);
    assert!(count(&dry, PurgeAction::DeleteEndedSessions) >= 1);
    assert_eq!(count(&dry, PurgeAction::DeleteAuditEntries), 2);
    assert_eq!(count(&dry, PurgeAction::AggregateStatistics), 2);
    assert_eq!(count(&dry, PurgeAction::ReleaseUsernames), 1);

    let first = rr_server::gdpr::purge(&app.settings, PurgeMode::Apply)
        .await
        .unwrap();

    let counts = |r: &PurgeReport| -> Vec<u64> { r.lines.iter().map(|l| l.count).collect() };
    assert_eq!(counts(&first), counts(&dry));
    assert_eq!(first.failures(), 0);
    let after = snapshot(&app).await;
    assert_ne!(after, before);
    let still = |id: &str| {
        let url = url.clone();
        let sql = format!("SELECT COUNT(*) FROM users WHERE id = {}", literal(id));
        async move { query(&url, &sql).await.unwrap()[0][0].clone() }
    };
    assert_eq!(still(&tom).await, "0", "tom erased");
    assert_eq!(still(&lea).await, "1", "lea warned, kept");
    assert_eq!(
        query(&url, "SELECT COUNT(*) FROM search_events")
            .await
            .unwrap()[0][0],
        "0"
    );
    assert_eq!(
        query(
            &url,
            "SELECT COUNT(*) FROM username_reservations WHERE reserved_until < '2099-01-01'"
        )
        .await
        .unwrap()[0][0],
        "1",
        "the ended reservation released; tom's, made by his erasure, holds"
    );
    let database = rr_persistence::Database::connect(&app.settings.database)
        .await
        .unwrap();
    assert!(matches!(
        database.audit_log().verify().await.unwrap(),
        ChainVerification::Intact { .. }
    ));
    database.close().await.unwrap();

    let second = rr_server::gdpr::purge(&app.settings, PurgeMode::Apply)
        .await
        .unwrap();

    assert!(counts(&second).iter().all(|n| *n == 0), "{second:?}");
    assert_eq!(
        snapshot(&app).await,
        after,
        "a second run changes nothing more"
    );
}

// ───────────────────────────── the breach register ─────────────────────────────

async fn a_breach_is_recorded_notified_and_its_people_told(app: TestApp) {
    let lea_token = app.citizen("lea").await.unwrap();
    let lea = user_id(&app, &lea_token).await;
    let admin = administrator(&app, "camille").await;
    let known = (time::OffsetDateTime::now_utc() - time::Duration::hours(80))
        .replace_nanosecond(0)
        .unwrap();
    let known = known
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let breach = json!({
        "knownAt": known,
        "description": "Une sauvegarde non chiffrée a été copiée sur un poste perdu.",
        "dataCategories": ["contact"], "subjectCategories": ["citizens"],
        "peopleCount": 1, "likelyConsequences": "Hameçonnage ciblé.",
        "measuresTaken": "Poste bloqué à distance."
    });

    let (status, recorded) = post(&app, "/api/v1/admin/breaches", breach, Some(&admin)).await;
    assert_eq!(status, 201, "{recorded}");
    assert_eq!(recorded["overdue"], true, "known 80 hours ago");
    let id = recorded["id"].as_str().unwrap();
    let path = |what: &str| format!("/api/v1/admin/breaches/{id}/{what}");

    let (status, attached) = post(
        &app,
        &path("affected-accounts"),
        json!({"userIds": [lea]}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{attached}");
    assert_eq!(attached["affectedAccounts"], 1);
    let (status, list) = get(
        &app,
        &format!(
            "{}?reason=Information%20des%20personnes",
            path("affected-accounts")
        ),
        &admin,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["accounts"][0]["email"], "lea@exemple.fr");
    let (_, log) = get(&app, "/api/v1/me/access-log", &lea_token).await;
    assert_eq!(log["items"][0]["reason"], "Information des personnes");

    let notified_at = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (status, _) = post(
        &app,
        &path("authority-notification"),
        json!({"notifiedAt": notified_at, "reference": "DN-2026-0042"}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 422, "late: the reasons are required");
    let (status, notified) = post(
        &app,
        &path("authority-notification"),
        json!({"notifiedAt": notified_at, "reference": "DN-2026-0042",
               "delayReason": "Ampleur connue tard."}),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{notified}");
    assert_eq!(notified["overdue"], false);
    let (_, page) = get(&app, "/api/v1/admin/breaches", &admin).await;
    assert_eq!(
        page["items"][0]["authorityNotification"]["reference"],
        "DN-2026-0042"
    );
}

on_every_engine!(
    the_register_served_is_the_one_in_docs_and_states_the_periods_applied,
    a_dry_run_changes_nothing_and_a_second_run_changes_nothing_more,
    a_breach_is_recorded_notified_and_its_people_told,
);
