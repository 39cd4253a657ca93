//! Comments over real HTTP on every engine: a thread with replies in order,
//! a moderator's marked reply, an edit, a tombstone that keeps the thread
//! readable and nothing of its text in the database, the reply's
//! notification, pages of top-level comments, and a moderator's hiding that
//! reaches every reader at once, kept pages included.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_domain::identity::Role;
use rr_persistence::testing::{execute, query};
use serde_json::{Value, json};

async fn json_post(app: &TestApp, path: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
    let response = app.post(path, body, token).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A moderator with two-factor authentication; the token.
async fn moderator(app: &TestApp, username: &str) -> String {
    app.staff(username, Role::Moderator).await.unwrap()
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
    let (status, created) = json_post(app, "/api/v1/resources", &body, Some(token)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let hex = uuid::Uuid::parse_str(&id).unwrap().simple().to_string();
    let changed = execute(
        app.database_url(),
        &format!(
            "UPDATE resources SET state = 'published', published_at = updated_at WHERE id = X'{hex}'"
        ),
    )
    .await
    .unwrap();
    assert_eq!(changed, 1);
    id
}

/// Posts on `resource`'s thread; the comment.
async fn comment(app: &TestApp, token: &str, resource: &str, body: Value) -> Value {
    let (status, created) = json_post(
        app,
        &format!("/api/v1/resources/{resource}/comments"),
        &body,
        Some(token),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created
}

fn id_of(comment: &Value) -> String {
    comment["id"].as_str().unwrap().to_owned()
}

/// A page of the thread, as a visitor or as the token's owner.
async fn thread(app: &TestApp, resource: &str, query: &str, token: Option<&str>) -> Value {
    let path = format!("/api/v1/resources/{resource}/comments{query}");
    let response = match token {
        Some(token) => app.get_with(&path, token).await.unwrap(),
        None => app.get(&path).await.unwrap(),
    };
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_thread_with_replies_an_edit_a_tombstone_and_a_moderators_mark(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let modo = moderator(&app, "modo").await;
    let on = published(&app, &lea).await;

    let question = comment(
        &app,
        &lea,
        &on,
        json!({"body": "Mon fils ne me parle plus, 06 12 34 56 78 si vous avez des idées"}),
    )
    .await;
    let answer = comment(
        &app,
        &tom,
        &on,
        json!({"body": "Essayez les repas sans écran.", "parentId": id_of(&question)}),
    )
    .await;
    let warning = comment(
        &app,
        &modo,
        &on,
        json!({"body": "Ne publiez pas votre numéro.", "parentId": id_of(&question), "asModerator": true}),
    )
    .await;
    let thanks = comment(
        &app,
        &lea,
        &on,
        json!({"body": "Merci !", "parentId": id_of(&answer)}),
    )
    .await;
    assert_eq!(thanks["depth"], 2);

    let (status, edited) = send(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/comments/{}", id_of(&answer)),
        &tom,
        Some(json!({"body": "Essayez les repas sans écran, le soir."})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert!(edited["editedAt"].is_string());

    let (status, _) = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/comments/{}", id_of(&question)),
        &lea,
        None,
    )
    .await;
    assert_eq!(status, 204);

    let page = thread(&app, &on, "", None).await;
    let items = page["items"].as_array().unwrap();
    let ids: Vec<String> = items.iter().map(id_of).collect();
    assert_eq!(
        ids,
        [
            id_of(&question),
            id_of(&answer),
            id_of(&thanks),
            id_of(&warning)
        ],
        "replies right after their parent, oldest first"
    );
    assert_eq!(items[0]["state"], "deleted");
    assert_eq!(items[0]["body"], Value::Null);
    assert_eq!(items[0]["author"], Value::Null);
    assert_eq!(items[1]["body"], "Essayez les repas sans écran, le soir.");
    assert!(items[1]["editedAt"].is_string());
    assert_eq!(items[1]["parentId"], question["id"]);
    assert_eq!(items[3]["author"], "modo");
    assert_eq!(items[3]["asModerator"], true);
    assert_eq!(items[2]["asModerator"], false);
    assert!(!page.to_string().contains("06 12 34"));

    let hex = uuid::Uuid::parse_str(&id_of(&question))
        .unwrap()
        .simple()
        .to_string();
    let row = query(
        app.database_url(),
        &format!("SELECT body, state FROM comments WHERE id = X'{hex}'"),
    )
    .await
    .unwrap();
    assert_eq!(row, [["NULL", "deleted"]], "nothing of the text is kept");

    let inbox = app
        .get_with("/api/v1/me/notifications", &lea)
        .await
        .unwrap();
    assert_eq!(inbox.status(), 200);
    let inbox: Value = inbox.json().await.unwrap();
    let replies: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "comment_reply")
        .collect();
    assert_eq!(
        replies.len(),
        2,
        "tom's and the moderator's replies: {inbox}"
    );
    assert!(!inbox.to_string().contains("repas"), "no text in an inbox");
}

async fn top_level_comments_come_in_pages_with_their_replies(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let on = published(&app, &lea).await;
    let mut tops = Vec::new();
    for n in 0..3 {
        let top = comment(&app, &lea, &on, json!({"body": format!("Sujet {n}")})).await;
        comment(
            &app,
            &lea,
            &on,
            json!({"body": format!("Réponse {n}"), "parentId": id_of(&top)}),
        )
        .await;
        tops.push(id_of(&top));
    }

    let first = thread(&app, &on, "?limit=2", None).await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = thread(&app, &on, &format!("?limit=2&cursor={cursor}"), None).await;

    let bodies = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        bodies(&first),
        ["Sujet 0", "Réponse 0", "Sujet 1", "Réponse 1"]
    );
    assert_eq!(bodies(&second), ["Sujet 2", "Réponse 2"]);
    assert_eq!(second["nextCursor"], Value::Null);
    let (status, problem) = json_post(
        &app,
        &format!("/api/v1/resources/{on}/comments"),
        &json!({"body": "Trop profond ?", "parentId": uuid::Uuid::now_v7()}),
        Some(&lea),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "unknown_parent");
}

async fn a_hidden_comment_leaves_every_thread_page_at_once(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let modo = moderator(&app, "modo").await;
    let on = published(&app, &lea).await;
    let rude = comment(&app, &tom, &on, json!({"body": "Propos grossiers"})).await;
    let answer = comment(
        &app,
        &lea,
        &on,
        json!({"body": "Restons polis.", "parentId": id_of(&rude)}),
    )
    .await;
    for _ in 0..3 {
        // Read again and again, as a busy thread is: its page is kept.
        let page = thread(&app, &on, "", None).await;
        assert_eq!(page["items"][0]["body"], "Propos grossiers");
    }

    let (status, hidden) = json_post(
        &app,
        &format!("/api/v1/moderation/comments/{}/hide", id_of(&rude)),
        &json!({"reason": "Propos grossiers envers un membre"}),
        Some(&modo),
    )
    .await;
    assert_eq!(status, 200, "{hidden}");

    for viewer in [None, Some(lea.as_str())] {
        let page = thread(&app, &on, "", viewer).await;
        let raw = page.to_string();
        assert!(!raw.contains("grossiers"), "{raw}");
        assert!(!raw.contains("\"tom\""), "{raw}");
        assert_eq!(page["items"][0]["state"], "hidden");
        assert_eq!(page["items"][1]["id"], answer["id"], "the reply stays");
    }
    let own = thread(&app, &on, "", Some(&tom)).await;
    assert_eq!(own["items"][0]["body"], "Propos grossiers");
    assert_eq!(
        own["items"][0]["hiddenReason"],
        "Propos grossiers envers un membre"
    );
}

on_every_engine!(
    a_thread_with_replies_an_edit_a_tombstone_and_a_moderators_mark,
    top_level_comments_come_in_pages_with_their_replies,
    a_hidden_comment_leaves_every_thread_page_at_once,
);
