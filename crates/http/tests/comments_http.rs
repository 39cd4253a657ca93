//! The comment routes over real actix services and in-memory fakes: the
//! thread's shape and pages, every 4xx with its code, and what held, hidden
//! and deleted comments show (nothing of their text, reason or author) to
//! those who may not read them, in threads, replies and notifications.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_application::RepositoryError;
use rr_application::ports::{MockCommentRepository, ResourceRepository};
use rr_application::services::{CommentPolicy, CommentPorts, CommentService};
use rr_domain::community::{CommentId, CommentState};
use rr_domain::identity::{Role, UserId};
use rr_domain::resource::{Lifecycle, Visibility};
use serde_json::{Value, json};
use support::{
    Reference, TestApp, World, account, app_with, call, fetch, post, record, settings, token,
};

fn world() -> World {
    World {
        reference: Reference::standard().store(),
        ..World::new()
    }
}

/// The account behind `token`.
async fn user_of(w: &World, token: &str) -> UserId {
    w.fx.service.authenticate(token).await.unwrap().user_id
}

/// A resource of `author`'s stored as is; its id.
async fn resource(w: &World, author: UserId, visibility: Visibility, state: Lifecycle) -> String {
    let stored = record(
        author,
        visibility,
        state,
        Vec::new(),
        w.fx.clock.now_for_tests(),
    );
    w.resources.insert(&stored).await.unwrap();
    stored.id.as_uuid().to_string()
}

async fn public(w: &World, author: UserId) -> String {
    resource(w, author, Visibility::Public, Lifecycle::Published).await
}

fn comments_of(resource: &str) -> String {
    format!("/api/v1/resources/{resource}/comments")
}

/// Posts a comment (12 seconds after the last, so that the default budget
/// of 5 a minute refills); the created comment.
async fn comment(w: &World, app: &impl TestApp, token: &str, resource: &str, body: Value) -> Value {
    w.fx.clock.advance(time::Duration::seconds(12));
    let (status, created) = call(app, post(&comments_of(resource), body), Some(token)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

fn id_of(comment: &Value) -> String {
    comment["id"].as_str().unwrap().to_owned()
}

/// The thread's first page as `token` (or a visitor) reads it, raw.
async fn thread_raw(app: &impl TestApp, resource: &str, token: Option<&str>) -> String {
    let answer = fetch(app, TestRequest::get().uri(&comments_of(resource)), token).await;
    assert_eq!(answer.status, StatusCode::OK);
    String::from_utf8(answer.body).unwrap()
}

/// Sets a stored comment's state, as moderation would.
fn set_state(w: &World, id: &str, state: CommentState) {
    let id = CommentId::from_uuid(id.parse().unwrap());
    let mut stored = w.comments.all().into_iter().find(|c| c.id == id).unwrap();
    stored.state = state;
    w.comments.put(stored);
}

fn is_problem(status: StatusCode, body: &Value, expected: StatusCode, code: &str) -> bool {
    status == expected && body["code"] == code
}

#[actix_web::test]
async fn a_thread_reads_in_order_with_its_replies_and_their_marks() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let tom = token(&app, &w.fx, "tom").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let on = public(&w, user_of(&w, &lea).await).await;

    let first = comment(
        &w,
        &app,
        &lea,
        &on,
        json!({"body": "  Merci !\r\nTrès utile.  "}),
    )
    .await;
    let second = comment(&w, &app, &tom, &on, json!({"body": "Et chez vous ?"})).await;
    let reply = comment(
        &w,
        &app,
        &modo,
        &on,
        json!({"body": "Rappel : restons bienveillants.", "parentId": id_of(&first), "asModerator": true}),
    )
    .await;

    assert_eq!(
        first["body"], "Merci !\nTrès utile.",
        "trimmed, line breaks kept"
    );
    assert_eq!(first["mine"], true);
    assert_eq!(reply["parentId"], first["id"]);
    assert_eq!(reply["depth"], 1);
    let (status, page) = call(&app, TestRequest::get().uri(&comments_of(&on)), None).await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    let ids: Vec<&Value> = items.iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, [&first["id"], &reply["id"], &second["id"]]);
    assert_eq!(
        items[1],
        json!({
            "id": reply["id"], "resourceId": on, "parentId": first["id"], "depth": 1,
            "state": "visible", "body": "Rappel : restons bienveillants.", "author": "modo",
            "asModerator": true, "mine": false, "hiddenReason": null,
            "createdAt": reply["createdAt"], "editedAt": null
        })
    );
    assert_eq!(items[0]["asModerator"], false);
    assert_eq!(page["nextCursor"], Value::Null);
}

#[actix_web::test]
async fn pages_of_top_level_comments_follow_their_cursor_and_bad_queries_are_400() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let on = public(&w, user_of(&w, &lea).await).await;
    let mut posted = Vec::new();
    for n in 0..3 {
        posted.push(id_of(
            &comment(&w, &app, &lea, &on, json!({"body": format!("T{n}")})).await,
        ));
    }

    let (_, first) = call(
        &app,
        TestRequest::get().uri(&format!("{}?limit=2", comments_of(&on))),
        None,
    )
    .await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        TestRequest::get().uri(&format!("{}?limit=2&cursor={cursor}", comments_of(&on))),
        None,
    )
    .await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect()
    };
    assert_eq!(ids(&first), posted[..2]);
    assert_eq!(ids(&second), posted[2..]);
    assert_eq!(second["nextCursor"], Value::Null);
    for query in ["limit=0", "limit=51", "cursor=abc", "sort=new", "limit=x"] {
        let (status, body) = call(
            &app,
            TestRequest::get().uri(&format!("{}?{query}", comments_of(&on))),
            None,
        )
        .await;
        assert!(
            is_problem(status, &body, StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}: {status} {body}"
        );
    }
}

#[actix_web::test]
async fn writing_needs_an_account() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let on = public(&w, user_of(&w, &lea).await).await;
    let posted = comment(&w, &app, &lea, &on, json!({"body": "Bonjour"})).await;
    let at = format!("/api/v1/comments/{}", id_of(&posted));

    for req in [
        post(&comments_of(&on), json!({"body": "x"})),
        TestRequest::patch().uri(&at).set_json(json!({"body": "x"})),
        TestRequest::delete().uri(&at),
    ] {
        let answer = fetch(&app, req, None).await;
        assert!(answer.is_problem(StatusCode::UNAUTHORIZED, "unauthenticated"));
        assert!(answer.headers.contains_key(header::WWW_AUTHENTICATE));
    }
}

#[actix_web::test]
async fn resources_and_comments_the_caller_may_not_see_are_404() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let tom = token(&app, &w.fx, "tom").await;
    let lea_id = user_of(&w, &lea).await;
    let private = resource(&w, lea_id, Visibility::Private, Lifecycle::Published).await;
    let restricted = resource(&w, lea_id, Visibility::Restricted, Lifecycle::Published).await;
    let note = comment(&w, &app, &lea, &private, json!({"body": "Note privée"})).await;
    let at = format!("/api/v1/comments/{}", id_of(&note));
    let unknown = uuid_string();

    let cases = [
        (TestRequest::get().uri(&comments_of(&private)), Some(&tom)),
        (TestRequest::get().uri(&comments_of(&unknown)), Some(&tom)),
        (TestRequest::get().uri(&comments_of(&restricted)), None),
        (
            post(&comments_of(&private), json!({"body": "x"})),
            Some(&tom),
        ),
        (
            post(&comments_of(&unknown), json!({"body": "x"})),
            Some(&tom),
        ),
        (
            TestRequest::patch().uri(&at).set_json(json!({"body": "x"})),
            Some(&tom),
        ),
        (TestRequest::delete().uri(&at), Some(&tom)),
        (
            TestRequest::delete().uri(&format!("/api/v1/comments/{unknown}")),
            Some(&lea),
        ),
        (
            TestRequest::get().uri("/api/v1/resources/not-a-uuid/comments"),
            None,
        ),
    ];
    for (req, who) in cases {
        let (status, body) = call(&app, req, who.map(String::as_str)).await;
        assert!(
            is_problem(status, &body, StatusCode::NOT_FOUND, "not_found"),
            "{status} {body}"
        );
    }
    let (status, _) = call(
        &app,
        TestRequest::get().uri(&comments_of(&restricted)),
        Some(&tom),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "members read restricted threads");
}

fn uuid_string() -> String {
    rr_domain::Uuid::now_v7().to_string()
}

#[actix_web::test]
async fn bad_comments_and_parents_are_422_with_their_field_codes() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let lea_id = user_of(&w, &lea).await;
    let on = public(&w, lea_id).await;
    let elsewhere = public(&w, lea_id).await;
    let there = comment(&w, &app, &lea, &elsewhere, json!({"body": "Ailleurs"})).await;
    let mut parent = comment(&w, &app, &lea, &on, json!({"body": "0"})).await;
    for depth in 1..=5 {
        parent = comment(
            &w,
            &app,
            &lea,
            &on,
            json!({"body": depth.to_string(), "parentId": id_of(&parent)}),
        )
        .await;
    }
    assert_eq!(parent["depth"], 5);

    let cases = [
        (json!({"body": "   "}), "body", "invalid_comment"),
        (
            json!({"body": "x".repeat(5_001)}),
            "body",
            "invalid_comment",
        ),
        (json!({"body": "a\u{0007}b"}), "body", "invalid_comment"),
        (
            json!({"body": "x", "colour": "red"}),
            "colour",
            "unknown_field",
        ),
        (json!({}), "body", "missing_field"),
        (
            json!({"body": "x", "parentId": id_of(&there)}),
            "parentId",
            "unknown_parent",
        ),
        (
            json!({"body": "x", "parentId": uuid_string()}),
            "parentId",
            "unknown_parent",
        ),
        (
            json!({"body": "x", "parentId": id_of(&parent)}),
            "parentId",
            "thread_too_deep",
        ),
    ];
    for (body, field, code) in cases {
        w.fx.clock.advance(time::Duration::seconds(12));
        let (status, problem) = call(&app, post(&comments_of(&on), body.clone()), Some(&lea)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}: {problem}");
    }
    let (status, problem) = call(
        &app,
        TestRequest::patch()
            .uri(&format!("/api/v1/comments/{}", id_of(&parent)))
            .set_json(json!({"body": ""})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "invalid_comment");
}

#[actix_web::test]
async fn only_moderators_with_two_factor_speak_as_such_and_only_authors_edit_or_delete() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let tom = token(&app, &w.fx, "tom").await;
    let (_, unverified) = account(&w.fx, "modo_sans", Role::Moderator, false).await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let on = public(&w, user_of(&w, &lea).await).await;
    let posted = comment(&w, &app, &lea, &on, json!({"body": "Bonjour"})).await;
    let at = format!("/api/v1/comments/{}", id_of(&posted));
    let as_moderator = json!({"body": "Rappel", "asModerator": true});

    let cases = [
        (
            post(&comments_of(&on), as_moderator.clone()),
            &tom,
            "forbidden",
        ),
        (
            post(&comments_of(&on), as_moderator.clone()),
            &unverified,
            "two_factor_required",
        ),
        (
            TestRequest::patch().uri(&at).set_json(json!({"body": "x"})),
            &tom,
            "forbidden",
        ),
        (
            TestRequest::patch().uri(&at).set_json(json!({"body": "x"})),
            &modo,
            "forbidden",
        ),
        (TestRequest::delete().uri(&at), &tom, "forbidden"),
        (TestRequest::delete().uri(&at), &modo, "forbidden"),
    ];
    for (req, who, code) in cases {
        let (status, body) = call(&app, req, Some(who)).await;
        assert!(
            is_problem(status, &body, StatusCode::FORBIDDEN, code),
            "{status} {body}"
        );
    }
}

#[actix_web::test]
async fn its_author_edits_then_deletes_a_comment_which_leaves_a_tombstone() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let tom = token(&app, &w.fx, "tom").await;
    let on = public(&w, user_of(&w, &lea).await).await;
    let posted = comment(
        &w,
        &app,
        &lea,
        &on,
        json!({"body": "J'habite 3 rue des Lilas"}),
    )
    .await;
    let answer = comment(
        &w,
        &app,
        &tom,
        &on,
        json!({"body": "Attention à vos données", "parentId": id_of(&posted)}),
    )
    .await;
    let at = format!("/api/v1/comments/{}", id_of(&posted));
    w.fx.clock.advance(time::Duration::minutes(3));

    let (status, edited) = call(
        &app,
        TestRequest::patch()
            .uri(&at)
            .set_json(json!({"body": "J'habite à Lyon"})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["body"], "J'habite à Lyon");
    assert_ne!(edited["editedAt"], Value::Null);
    assert_eq!(edited["createdAt"], posted["createdAt"]);

    let answer_raw = fetch(&app, TestRequest::delete().uri(&at), Some(&lea)).await;
    assert_eq!(answer_raw.status, StatusCode::NO_CONTENT);

    for viewer in [None, Some(lea.as_str()), Some(tom.as_str())] {
        let raw = thread_raw(&app, &on, viewer).await;
        let page: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(
            page["items"][0],
            json!({
                "id": posted["id"], "resourceId": on, "parentId": null, "depth": 0,
                "state": "deleted", "body": null, "author": null, "asModerator": false,
                "mine": false, "hiddenReason": null, "createdAt": posted["createdAt"],
                "editedAt": null
            })
        );
        assert_eq!(page["items"][1]["id"], answer["id"], "the reply stays");
        for secret in ["Lilas", "Lyon", "\"lea\""] {
            assert!(!raw.contains(secret), "{secret} in {raw}");
        }
    }
    let stored = w.comments.all();
    assert!(
        stored
            .iter()
            .all(|c| c.body.as_ref().is_none_or(|b| !b.as_str().contains("Lyon")))
    );

    for (req, code) in [
        (TestRequest::delete().uri(&at), "invalid_transition"),
        (
            TestRequest::patch()
                .uri(&at)
                .set_json(json!({"body": "Revenu"})),
            "invalid_transition",
        ),
        (
            post(
                &comments_of(&on),
                json!({"body": "Réponse", "parentId": id_of(&posted)}),
            ),
            "parent_unavailable",
        ),
    ] {
        let (status, body) = call(&app, req, Some(&lea)).await;
        assert!(
            is_problem(status, &body, StatusCode::CONFLICT, code),
            "{status} {body}"
        );
    }
}

#[actix_web::test]
async fn unpublished_resources_take_no_comments() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let lea_id = user_of(&w, &lea).await;
    for state in [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Archived,
    ] {
        let on = resource(&w, lea_id, Visibility::Public, state).await;
        let (status, body) = call(
            &app,
            post(&comments_of(&on), json!({"body": "x"})),
            Some(&lea),
        )
        .await;
        assert!(
            is_problem(status, &body, StatusCode::CONFLICT, "comments_closed"),
            "{status} {body}"
        );
    }
}

#[actix_web::test]
async fn a_lost_race_is_an_edit_conflict() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let on = public(&w, user_of(&w, &lea).await).await;
    let posted = comment(&w, &app, &lea, &on, json!({"body": "Texte"})).await;
    let stored = w.comments.all().pop().unwrap();
    let mut comments = MockCommentRepository::new();
    comments
        .expect_find()
        .returning(move |_| Ok(Some(stored.clone())));
    comments
        .expect_update()
        .returning(|_, _| Err(RepositoryError::Conflict("version moved".into())));
    let services = rr_http::Services {
        comments: CommentService::new(
            CommentPorts {
                comments: Arc::new(comments),
                resources: w.resources.clone(),
                users: w.fx.users.clone(),
                notifier: w.notifier(),
                write_limits: w.write_limits.clone(),
                clock: w.fx.clock.clone(),
            },
            CommentPolicy::default(),
        ),
        ..w.services()
    };
    let raced = app_with(services, settings()).await;

    let (status, body) = call(
        &raced,
        TestRequest::patch()
            .uri(&format!("/api/v1/comments/{}", id_of(&posted)))
            .set_json(json!({"body": "Autre"})),
        Some(&lea),
    )
    .await;

    assert!(
        is_problem(status, &body, StatusCode::CONFLICT, "edit_conflict"),
        "{status} {body}"
    );
}

#[actix_web::test]
async fn posting_beyond_the_budget_is_429_with_retry_after() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let on = public(&w, user_of(&w, &lea).await).await;
    for n in 0..5 {
        let (status, _) = call(
            &app,
            post(&comments_of(&on), json!({"body": n.to_string()})),
            Some(&lea),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }

    let answer = fetch(
        &app,
        post(&comments_of(&on), json!({"body": "6"})),
        Some(&lea),
    )
    .await;

    assert!(answer.is_problem(StatusCode::TOO_MANY_REQUESTS, "write_rate_limited"));
    assert_eq!(answer.header(header::RETRY_AFTER), "12");
}

#[actix_web::test]
async fn withheld_comments_leak_nothing_to_those_who_may_not_read_them() {
    let w = world();
    let app = w.app().await;
    let lea = token(&app, &w.fx, "lea").await;
    let tom = token(&app, &w.fx, "tom").await;
    let zoe = token(&app, &w.fx, "zoe").await;
    let (_, unverified) = account(&w.fx, "modo_sans", Role::Moderator, false).await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let on = public(&w, user_of(&w, &lea).await).await;
    let insult = comment(&w, &app, &tom, &on, json!({"body": "Propos injurieux"})).await;
    let reply = comment(
        &w,
        &app,
        &lea,
        &on,
        json!({"body": "Réponse correcte", "parentId": id_of(&insult)}),
    )
    .await;
    let reported = comment(
        &w,
        &app,
        &tom,
        &on,
        json!({"body": "Message signalé", "parentId": id_of(&reply)}),
    )
    .await;
    set_state(
        &w,
        &id_of(&insult),
        CommentState::Hidden {
            reason: "Insultes envers un membre".into(),
        },
    );
    set_state(&w, &id_of(&reported), CommentState::Held);

    for viewer in [
        None,
        Some(zoe.as_str()),
        Some(lea.as_str()),
        Some(unverified.as_str()),
    ] {
        let raw = thread_raw(&app, &on, viewer).await;
        for secret in ["injurieux", "signalé", "Insultes", "\"tom\"", "held"] {
            assert!(!raw.contains(secret), "{secret} leaks to {viewer:?}: {raw}");
        }
        let page: Value = serde_json::from_str(&raw).unwrap();
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "the thread stays whole");
        assert_eq!(items[0]["state"], "hidden");
        assert_eq!(items[0]["body"], Value::Null);
        assert_eq!(items[1]["body"], "Réponse correcte");
        assert_eq!(items[1]["parentId"], insult["id"]);
        assert_eq!(items[2]["state"], "hidden", "held looks like hidden");
    }

    let author = thread_raw(&app, &on, Some(&tom)).await;
    let moderator = thread_raw(&app, &on, Some(&modo)).await;
    for raw in [&author, &moderator] {
        let page: Value = serde_json::from_str(raw).unwrap();
        assert_eq!(page["items"][0]["body"], "Propos injurieux");
        assert_eq!(
            page["items"][0]["hiddenReason"],
            "Insultes envers un membre"
        );
        assert_eq!(page["items"][2]["state"], "held");
        assert_eq!(page["items"][2]["body"], "Message signalé");
    }

    let (status, inbox) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/notifications"),
        Some(&tom),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    let inbox = inbox.to_string();
    assert!(
        inbox.contains(&id_of(&reply)),
        "tom was told of lea's reply: {inbox}"
    );
    for secret in ["Réponse correcte", "injurieux"] {
        assert!(!inbox.contains(secret), "a notification holds no text");
    }
}
