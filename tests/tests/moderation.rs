//! Moderation over real HTTP on every engine: three citizens report a
//! published resource, which leaves the catalogue and enters the queue; a
//! moderator rejects it with a reason its author reads in their inbox; an
//! administrator reads the whole story in the moderation log; the author
//! revises and resubmits. Two moderators deciding at once: one wins, the
//! other gets 409. A held comment shows no text until its reports are
//! dismissed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_domain::identity::Role;
use rr_persistence::testing::query;
use serde_json::{Value, json};

/// Words only the reported content holds, to look for leaks.
const SECRET: &str = "Arnaque-Tres-Reconnaissable";

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

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    send(app, reqwest::Method::GET, path, token, None).await
}

/// A staff member of `role` with two-factor authentication; the token.
async fn staff(app: &TestApp, username: &str, role: Role) -> String {
    app.staff(username, role).await.unwrap()
}

/// A public resource of the token's owner (its body holds [`SECRET`]),
/// submitted for review; its id.
async fn submitted(app: &TestApp, token: &str) -> String {
    let body = json!({
        "title": "Placement miracle", "summary": "Doublez votre épargne.",
        "body": format!("Contactez-nous : {SECRET}"),
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
        "visibility": "public"
    });
    let (status, created) = post(app, "/api/v1/resources", body, Some(token)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, state) = post(
        app,
        &format!("/api/v1/resources/{id}/submit"),
        json!({}),
        Some(token),
    )
    .await;
    assert_eq!(
        (status, state["state"].as_str()),
        (200, Some("pending_review"))
    );
    id
}

/// A public resource of `author`'s, submitted and approved by `moderator`; its id.
async fn published(app: &TestApp, author: &str, moderator: &str) -> String {
    let id = submitted(app, author).await;
    let (status, approved) = post(
        app,
        &format!("/api/v1/moderation/resources/{id}/approve"),
        json!({}),
        Some(moderator),
    )
    .await;
    assert_eq!(
        (status, approved["state"].as_str()),
        (200, Some("published"))
    );
    id
}

fn report(kind: &str, id: &str, reason: &str) -> Value {
    json!({"target": {"kind": kind, "id": id}, "reason": reason})
}

/// Whether the catalogue lists `id` to the citizen `reader` (logged-in
/// readers are never served the visitors' pages kept for a couple of
/// seconds).
async fn in_catalogue(app: &TestApp, reader: &str, id: &str) -> bool {
    let (status, page) = get(app, "/api/v1/resources?limit=100", Some(reader)).await;
    assert_eq!(status, 200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["id"] == id)
}

async fn three_reports_hold_a_resource_until_a_moderator_decides_and_the_log_tells_it(
    app: TestApp,
) {
    let author = app.citizen("auteur").await.unwrap();
    let modo = staff(&app, "modo", Role::Moderator).await;
    let admin = staff(&app, "admin", Role::Administrator).await;
    let reader = app.citizen("lecteur").await.unwrap();
    let id = published(&app, &author, &modo).await;
    assert!(in_catalogue(&app, &reader, &id).await);

    let reasons = ["scam", "false_information", "spam"];
    for (i, reason) in reasons.iter().enumerate() {
        let citizen = app.citizen(&format!("citoyen{i}")).await.unwrap();
        let (status, filed) = post(
            &app,
            "/api/v1/reports",
            report("resource", &id, reason),
            Some(&citizen),
        )
        .await;
        assert_eq!(status, 201, "{filed}");
        let (status, again) = post(
            &app,
            "/api/v1/reports",
            report("resource", &id, reason),
            Some(&citizen),
        )
        .await;
        if i < 2 {
            assert_eq!(
                (status, again["code"].as_str()),
                (409, Some("already_reported"))
            );
            assert!(
                in_catalogue(&app, &reader, &id).await,
                "below the threshold"
            );
        } else {
            assert_eq!(
                (status, again["code"].as_str()),
                (404, Some("not_found")),
                "held: the reporter no longer sees it"
            );
        }
    }

    // Held: out of the catalogue, unreadable but by its author and moderators.
    assert!(!in_catalogue(&app, &reader, &id).await);
    let (status, hidden) = get(&app, &format!("/api/v1/resources/{id}"), None).await;
    assert_eq!(status, 404);
    assert!(!hidden.to_string().contains(SECRET));
    let (status, own) = get(&app, &format!("/api/v1/resources/{id}"), Some(&author)).await;
    assert_eq!(
        (status, own["state"].as_str()),
        (200, Some("pending_review"))
    );
    let (status, refused) = get(&app, "/api/v1/moderation/queue", Some(&author)).await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));
    assert!(!refused.to_string().contains(SECRET));

    let (status, queue) = get(&app, "/api/v1/moderation/queue?kind=resource", Some(&modo)).await;
    assert_eq!(status, 200, "{queue}");
    let item = &queue["items"][0];
    assert_eq!(item["target"], json!({"kind": "resource", "id": id}));
    assert_eq!(item["resource"]["author"], "auteur");
    let reported: Vec<&str> = item["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reported, reasons);
    let (_, by_reason) = get(
        &app,
        "/api/v1/moderation/queue?reason=harassment",
        Some(&modo),
    )
    .await;
    assert_eq!(by_reason["items"], json!([]));

    let (status, rejected) = post(
        &app,
        &format!("/api/v1/moderation/resources/{id}/reject"),
        json!({"reason": "Promesse de gain trompeuse."}),
        Some(&modo),
    )
    .await;
    assert_eq!(
        (status, rejected["state"].as_str()),
        (200, Some("rejected"))
    );
    let (_, queue) = get(&app, "/api/v1/moderation/queue", Some(&modo)).await;
    assert_eq!(queue["items"], json!([]), "decided: out of the queue");
    let statuses = query(
        app.database_url(),
        "SELECT status FROM reports ORDER BY created_at",
    )
    .await
    .unwrap();
    assert_eq!(statuses, vec![vec!["resolved".to_owned()]; 3]);

    // The author is told, with the reason, and reads it on the resource.
    let (status, inbox) = get(&app, "/api/v1/me/notifications", Some(&author)).await;
    assert_eq!(status, 200, "{inbox}");
    let told: Vec<(&str, &Value)> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["resourceId"] == id)
        .map(|n| (n["kind"].as_str().unwrap(), &n["reason"]))
        .collect();
    assert!(told.contains(&("content_hidden", &Value::Null)), "{inbox}");
    assert!(
        told.contains(&("resource_rejected", &json!("Promesse de gain trompeuse."))),
        "{inbox}"
    );
    let (_, own) = get(&app, &format!("/api/v1/resources/{id}"), Some(&author)).await;
    assert_eq!(own["stateReason"], "Promesse de gain trompeuse.");

    // The administrator reads the story, newest first.
    let (status, log) = get(
        &app,
        "/api/v1/admin/moderation-log?targetKind=resource",
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200, "{log}");
    let story: Vec<(&str, &Value, &Value)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"]["id"] == id)
        .map(|e| (e["action"].as_str().unwrap(), &e["actor"], &e["reason"]))
        .collect();
    assert_eq!(
        story,
        [
            (
                "resource_rejected",
                &json!("modo"),
                &json!("Promesse de gain trompeuse.")
            ),
            ("resource_held", &Value::Null, &Value::Null),
            ("resource_approved", &json!("modo"), &Value::Null),
        ]
    );
    let (status, refused) = get(&app, "/api/v1/admin/moderation-log", Some(&modo)).await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));

    // The author revises and submits again: back to review.
    let (status, _) = send(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/resources/{id}"),
        Some(&author),
        Some(json!({"body": "Des conseils prudents pour épargner."})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, again) = post(
        &app,
        &format!("/api/v1/resources/{id}/submit"),
        json!({}),
        Some(&author),
    )
    .await;
    assert_eq!(
        (status, again["state"].as_str()),
        (200, Some("pending_review"))
    );
}

async fn of_two_moderators_deciding_at_once_one_wins_and_the_other_gets_409(app: TestApp) {
    let author = app.citizen("auteur").await.unwrap();
    let writer = app.citizen("ecrivain").await.unwrap();
    let first = staff(&app, "modo", Role::Moderator).await;
    let second = staff(&app, "modo2", Role::Moderator).await;

    for round in 0..3 {
        let id = submitted(&app, &author).await;
        let approve = format!("/api/v1/moderation/resources/{id}/approve");
        let reject = format!("/api/v1/moderation/resources/{id}/reject");
        let (a, b) = tokio::join!(
            post(&app, &approve, json!({}), Some(&first)),
            post(
                &app,
                &reject,
                json!({"reason": "Hors sujet."}),
                Some(&second)
            ),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {a:?} {b:?}");
        let loser = if a.0 == 409 { a.1 } else { b.1 };
        assert!(
            ["edit_conflict", "invalid_transition"].contains(&loser["code"].as_str().unwrap()),
            "{loser}"
        );
    }

    let on = published(&app, &author, &first).await;
    let (status, comment) = post(
        &app,
        &format!("/api/v1/resources/{on}/comments"),
        json!({"body": "Un avis tranché."}),
        Some(&writer),
    )
    .await;
    assert_eq!(status, 201, "{comment}");
    let comment = comment["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/moderation/comments/{comment}/hide");
    let (a, b) = tokio::join!(
        post(&app, &path, json!({"reason": "Insultant."}), Some(&first)),
        post(
            &app,
            &path,
            json!({"reason": "Hors charte."}),
            Some(&second)
        ),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");

    let hidden = query(
        app.database_url(),
        "SELECT COUNT(*) FROM moderation_log WHERE action = 'comment_hidden'",
    )
    .await
    .unwrap();
    assert_eq!(hidden, [["1"]], "only the winner's decision is logged");
}

async fn a_held_comment_shows_no_text_until_its_reports_are_dismissed(app: TestApp) {
    let author = app.citizen("auteur").await.unwrap();
    let writer = app.citizen("ecrivain").await.unwrap();
    let modo = staff(&app, "modo", Role::Moderator).await;
    let on = published(&app, &author, &modo).await;
    let (_, comment) = post(
        &app,
        &format!("/api/v1/resources/{on}/comments"),
        json!({"body": format!("Vous êtes nuls. {SECRET}")}),
        Some(&writer),
    )
    .await;
    let comment = comment["id"].as_str().unwrap().to_owned();
    let thread = format!("/api/v1/resources/{on}/comments");

    let mut reporters = Vec::new();
    for i in 0..3 {
        let citizen = app.citizen(&format!("citoyen{i}")).await.unwrap();
        let (status, filed) = post(
            &app,
            "/api/v1/reports",
            report("comment", &comment, "harassment"),
            Some(&citizen),
        )
        .await;
        assert_eq!(status, 201, "{filed}");
        reporters.push((citizen, filed["id"].as_str().unwrap().to_owned()));
    }

    for token in [None, Some(reporters[0].0.as_str()), Some(author.as_str())] {
        let (status, page) = get(&app, &thread, token).await;
        assert_eq!(status, 200);
        assert!(!page.to_string().contains(SECRET), "{page}");
    }
    let (_, queue) = get(&app, "/api/v1/moderation/queue?kind=comment", Some(&modo)).await;
    assert_eq!(queue["items"][0]["comment"]["state"], "held");
    assert!(
        queue["items"][0]["comment"]["body"]
            .as_str()
            .unwrap()
            .contains(SECRET)
    );

    for (_, report) in &reporters {
        let (status, dismissed) = post(
            &app,
            &format!("/api/v1/moderation/reports/{report}/dismiss"),
            json!({"note": "Vif, pas insultant."}),
            Some(&modo),
        )
        .await;
        assert_eq!(
            (status, dismissed["status"].as_str()),
            (200, Some("dismissed"))
        );
    }
    let (status, again) = post(
        &app,
        &format!("/api/v1/moderation/reports/{}/dismiss", reporters[0].1),
        json!({}),
        Some(&modo),
    )
    .await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("report_closed"))
    );

    let (_, page) = get(&app, &thread, None).await;
    assert!(page.to_string().contains(SECRET), "visible again: {page}");
    let (_, inbox) = get(&app, "/api/v1/me/notifications", Some(&writer)).await;
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"content_hidden") && kinds.contains(&"content_restored"),
        "{kinds:?}"
    );
}

on_every_engine!(
    three_reports_hold_a_resource_until_a_moderator_decides_and_the_log_tells_it,
    of_two_moderators_deciding_at_once_one_wins_and_the_other_gets_409,
    a_held_comment_shows_no_text_until_its_reports_are_dismissed,
);
