//! The moderation routes over real actix services and in-memory fakes:
//! reports and every refusal with its code, content held by reports hidden
//! from everyone who may not judge it (queue included), the queue and the
//! log for staff with two-factor authentication only, decisions answering
//! 200 then 409 (at once too), dismissals, and bad queries and bodies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_application::ports::{CommentRecord, ResourceRepository};
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::identity::{Role, UserId};
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};
use serde_json::{Value, json};
use support::{
    Reference, TestApp, World, account, call, fetch, post, record, send, token, with_token,
};

/// Words only the reported content holds, to look for leaks.
const SECRET: &str = "Insulte-Tres-Reconnaissable";

fn world() -> World {
    World {
        reference: Reference::standard().store(),
        ..World::new()
    }
}

async fn user_of(w: &World, token: &str) -> UserId {
    w.fx.service.authenticate(token).await.unwrap().user_id
}

/// A resource of `author`'s stored as is (its body holds [`SECRET`]); its id.
async fn resource(w: &World, author: UserId, visibility: Visibility, state: Lifecycle) -> String {
    let mut stored = record(
        author,
        visibility,
        state,
        Vec::new(),
        w.fx.clock.now_for_tests(),
    );
    stored.body = rr_domain::resource::Body::parse(&format!("Texte : {SECRET}")).unwrap();
    w.resources.insert(&stored).await.unwrap();
    stored.id.as_uuid().to_string()
}

async fn public(w: &World, author: UserId) -> String {
    resource(w, author, Visibility::Public, Lifecycle::Published).await
}

/// A visible comment of `author`'s on `resource` (its text holds [`SECRET`]); its id.
fn comment(w: &World, author: UserId, resource: &str) -> String {
    let id = CommentId::generate();
    let now = w.fx.clock.now_for_tests();
    w.comments.put(CommentRecord {
        id,
        resource: ResourceId::from_uuid(resource.parse().unwrap()),
        parent: None,
        root: id,
        depth: 0,
        author,
        body: Some(CommentBody::parse(&format!("Toi : {SECRET}")).unwrap()),
        as_moderator: false,
        state: CommentState::Visible,
        created_at: now,
        edited_at: None,
        updated_at: now,
        version: 0,
    });
    id.as_uuid().to_string()
}

fn comment_state(w: &World, id: &str) -> CommentState {
    let id = CommentId::from_uuid(id.parse().unwrap());
    w.comments
        .all()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap()
        .state
}

async fn state_of(w: &World, id: &str) -> Lifecycle {
    w.resources
        .find(ResourceId::from_uuid(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap()
        .state
}

fn report_body(kind: &str, id: &str, reason: &str) -> Value {
    json!({"target": {"kind": kind, "id": id}, "reason": reason})
}

async fn report(app: &impl TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    call(app, post("/api/v1/reports", body), Some(token)).await
}

fn is_problem(answer: &(StatusCode, Value), status: StatusCode, code: &str) -> bool {
    answer.0 == status && answer.1["code"] == code
}

fn decide(path: &str) -> TestRequest {
    TestRequest::post().uri(&format!("/api/v1/moderation/{path}"))
}

/// Three citizens (`citoyen0`…`citoyen2`) report `kind` `id`; their tokens.
async fn three_reports(w: &World, app: &impl TestApp, kind: &str, id: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for (i, reason) in ["spam", "harassment", "hate_speech"].iter().enumerate() {
        let citizen = token(app, &w.fx, &format!("citoyen{i}")).await;
        let answer = report(app, &citizen, report_body(kind, id, reason)).await;
        assert_eq!(answer.0, StatusCode::CREATED, "{}", answer.1);
        tokens.push(citizen);
    }
    tokens
}

// ───────────────────────────── reports ─────────────────────────────

#[actix_web::test]
async fn a_report_is_created_and_every_refusal_has_its_code() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let lea = token(&app, &w.fx, "lea").await;
    let on = public(&w, user_of(&w, &author).await).await;
    let private = resource(
        &w,
        user_of(&w, &author).await,
        Visibility::Private,
        Lifecycle::Published,
    )
    .await;

    let created = report(
        &app,
        &lea,
        json!({"target": {"kind": "resource", "id": on}, "reason": "other", "text": "Publicité déguisée."}),
    )
    .await;
    assert_eq!(created.0, StatusCode::CREATED, "{}", created.1);
    assert_eq!(created.1["target"], json!({"kind": "resource", "id": on}));
    assert_eq!(created.1["reason"], "other");
    assert_eq!(created.1["text"], "Publicité déguisée.");
    assert_eq!(created.1["status"], "open");
    assert_eq!(created.1["closedAt"], Value::Null);
    assert!(
        created.1["id"]
            .as_str()
            .unwrap()
            .parse::<uuid::Uuid>()
            .is_ok()
    );

    assert!(is_problem(
        &report(&app, &lea, report_body("resource", &on, "spam")).await,
        StatusCode::CONFLICT,
        "already_reported"
    ));
    assert!(is_problem(
        &report(&app, &author, report_body("resource", &on, "spam")).await,
        StatusCode::FORBIDDEN,
        "cannot_report_own"
    ));
    assert!(is_problem(
        &report(&app, &lea, report_body("resource", &private, "spam")).await,
        StatusCode::NOT_FOUND,
        "not_found"
    ));
    assert!(is_problem(
        &report(
            &app,
            &lea,
            report_body("comment", &uuid::Uuid::now_v7().to_string(), "spam")
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found"
    ));
    let tom = token(&app, &w.fx, "tom").await;
    let other_needs_text = report(&app, &tom, report_body("resource", &on, "other")).await;
    assert!(is_problem(
        &other_needs_text,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed"
    ));
    assert_eq!(
        other_needs_text.1["errors"][0]["code"],
        "report_text_required"
    );
    let padded = report(
        &app,
        &tom,
        json!({"target": {"kind": "resource", "id": on}, "reason": "spam", "text": " padded "}),
    )
    .await;
    assert_eq!(padded.1["errors"][0]["code"], "invalid_report_text");
    for bad in [
        json!({"target": {"kind": "user", "id": on}, "reason": "spam"}),
        json!({"target": {"kind": "resource", "id": on}, "reason": "boring"}),
        json!({"target": {"kind": "resource", "id": on}, "reason": "spam", "reporter": "x"}),
        json!({"target": {"kind": "resource"}, "reason": "spam"}),
    ] {
        assert!(
            is_problem(
                &report(&app, &tom, bad.clone()).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed"
            ),
            "{bad}"
        );
    }
    let (status, _) = call(
        &app,
        post("/api/v1/reports", report_body("resource", &on, "spam")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let malformed = fetch(
        &app,
        TestRequest::post()
            .uri("/api/v1/reports")
            .insert_header(("Content-Type", "application/json"))
            .set_payload("{"),
        Some(&tom),
    )
    .await;
    assert!(malformed.is_problem(StatusCode::BAD_REQUEST, "malformed_json"));
}

#[actix_web::test]
async fn a_shared_resource_and_a_pending_one_are_not_reportable() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let lea = token(&app, &w.fx, "lea").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let shared = record(
        user_of(&w, &author).await,
        Visibility::Shared,
        Lifecycle::Published,
        vec![user_of(&w, &lea).await],
        w.fx.clock.now_for_tests(),
    );
    w.resources.insert(&shared).await.unwrap();
    let pending = resource(
        &w,
        user_of(&w, &author).await,
        Visibility::Public,
        Lifecycle::PendingReview,
    )
    .await;

    assert!(is_problem(
        &report(
            &app,
            &lea,
            report_body("resource", &shared.id.as_uuid().to_string(), "spam")
        )
        .await,
        StatusCode::CONFLICT,
        "not_reportable"
    ));
    assert!(is_problem(
        &report(&app, &modo, report_body("resource", &pending, "spam")).await,
        StatusCode::CONFLICT,
        "not_reportable"
    ));
}

// ───────────────────────────── holding and leaks ─────────────────────────────

#[actix_web::test]
async fn three_reports_hide_a_resource_from_all_but_its_author_and_moderators() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let (_, modo_without) = account(&w.fx, "modo2", Role::Moderator, false).await;
    let on = public(&w, user_of(&w, &author).await).await;
    let read = || TestRequest::get().uri(&format!("/api/v1/resources/{on}"));

    let reporters = three_reports(&w, &app, "resource", &on).await;

    assert_eq!(state_of(&w, &on).await, Lifecycle::PendingReview);
    for who in [
        None,
        Some(reporters[0].as_str()),
        Some(modo_without.as_str()),
    ] {
        let answer = fetch(&app, read(), who).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert!(!String::from_utf8_lossy(&answer.body).contains(SECRET));
    }
    let catalogue = fetch(
        &app,
        TestRequest::get().uri("/api/v1/resources?limit=100"),
        None,
    )
    .await;
    assert!(!String::from_utf8_lossy(&catalogue.body).contains(&on));
    let (status, mine) = call(&app, read(), Some(&author)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["state"], "pending_review");

    for who in [
        reporters[0].as_str(),
        modo_without.as_str(),
        author.as_str(),
    ] {
        let queue = fetch(
            &app,
            TestRequest::get().uri("/api/v1/moderation/queue"),
            Some(who),
        )
        .await;
        assert_eq!(queue.status, StatusCode::FORBIDDEN);
        assert!(!String::from_utf8_lossy(&queue.body).contains(SECRET));
    }
    let (status, queue) = call(
        &app,
        TestRequest::get().uri("/api/v1/moderation/queue"),
        Some(&modo),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let item = &queue["items"][0];
    assert_eq!(item["target"], json!({"kind": "resource", "id": on}));
    assert_eq!(item["resource"]["state"], "pending_review");
    assert_eq!(item["resource"]["author"], "auteur");
    assert!(item["resource"]["body"].as_str().unwrap().contains(SECRET));
    assert_eq!(item["comment"], Value::Null);
    assert_eq!(item["reports"].as_array().unwrap().len(), 3);
    assert!(
        item["reports"][0].get("reporter").is_none(),
        "reporters are not shown"
    );

    let (_, inbox) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/notifications"),
        Some(&author),
    )
    .await;
    assert_eq!(inbox["items"][0]["kind"], "content_hidden", "{inbox}");
}

#[actix_web::test]
async fn a_held_comment_shows_its_text_to_moderators_only() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let writer = token(&app, &w.fx, "ecrivain").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let on = public(&w, user_of(&w, &author).await).await;
    let said = comment(&w, user_of(&w, &writer).await, &on);

    let reporters = three_reports(&w, &app, "comment", &said).await;

    assert_eq!(comment_state(&w, &said), CommentState::Held);
    let thread = |who| {
        fetch(
            &app,
            TestRequest::get().uri(&format!("/api/v1/resources/{on}/comments")),
            who,
        )
    };
    for who in [None, Some(reporters[0].as_str()), Some(author.as_str())] {
        let answer = thread(who).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(!String::from_utf8_lossy(&answer.body).contains(SECRET));
    }
    let (_, queue) = call(
        &app,
        TestRequest::get().uri("/api/v1/moderation/queue?kind=comment"),
        Some(&modo),
    )
    .await;
    let item = &queue["items"][0];
    assert_eq!(item["target"], json!({"kind": "comment", "id": said}));
    assert_eq!(item["comment"]["state"], "held");
    assert!(item["comment"]["body"].as_str().unwrap().contains(SECRET));
    assert_eq!(item["resource"]["id"], on);
    assert_eq!(item["resource"]["body"], Value::Null);
    let (status, _) = report(
        &app,
        &token(&app, &w.fx, "tard").await,
        report_body("comment", &said, "spam"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a held comment is not reported"
    );
}

// ───────────────────────────── the queue ─────────────────────────────

#[actix_web::test]
async fn the_queue_checks_its_query_and_pages() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let author_id = user_of(&w, &author).await;
    for _ in 0..3 {
        resource(&w, author_id, Visibility::Public, Lifecycle::PendingReview).await;
        w.fx.clock.advance(time::Duration::seconds(1));
    }
    let queue = |query: &str| {
        fetch(
            &app,
            TestRequest::get().uri(&format!("/api/v1/moderation/queue{query}")),
            Some(&modo),
        )
    };

    let first = queue("?limit=2").await;
    assert_eq!(first.status, StatusCode::OK);
    let cursor = first.json()["nextCursor"].as_str().unwrap().to_owned();
    let rest = queue(&format!("?limit=2&cursor={cursor}")).await.json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["nextCursor"], Value::Null);
    assert_eq!(
        queue(&format!(
            "?kind=resource&reason=spam&category={}",
            uuid::Uuid::now_v7()
        ))
        .await
        .json()["items"],
        json!([])
    );
    for bad in [
        "?limit=0",
        "?limit=101",
        "?cursor=nope",
        "?kind=user",
        "?reason=boring",
        "?category=12",
        "?colour=red",
    ] {
        assert!(
            queue(bad)
                .await
                .is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{bad}"
        );
    }
    let anonymous = fetch(
        &app,
        TestRequest::get().uri("/api/v1/moderation/queue"),
        None,
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

// ───────────────────────────── decisions ─────────────────────────────

#[actix_web::test]
async fn resource_decisions_answer_200_then_409_and_refuse_who_may_not_decide() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let lea = token(&app, &w.fx, "lea").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let (_, without) = account(&w.fx, "modo2", Role::Moderator, false).await;
    let author_id = user_of(&w, &author).await;
    let pending = resource(&w, author_id, Visibility::Public, Lifecycle::PendingReview).await;
    let own = resource(
        &w,
        user_of(&w, &modo).await,
        Visibility::Public,
        Lifecycle::PendingReview,
    )
    .await;
    let approve = |id: &str| decide(&format!("resources/{id}/approve"));

    assert!(
        fetch(&app, approve(&pending), Some(&lea))
            .await
            .is_problem(StatusCode::NOT_FOUND, "not_found"),
        "citizens do not see it"
    );
    assert!(
        fetch(&app, approve(&pending), Some(&without))
            .await
            .is_problem(StatusCode::NOT_FOUND, "not_found"),
        "nor staff without two-factor authentication"
    );
    assert!(
        fetch(&app, approve(&own), Some(&modo))
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        fetch(
            &app,
            approve(&uuid::Uuid::now_v7().to_string()),
            Some(&modo)
        )
        .await
        .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
    let published = public(&w, author_id).await;
    assert!(
        fetch(&app, approve(&published), Some(&lea))
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden"),
        "citizens may see it, not decide"
    );
    assert!(
        fetch(&app, approve(&published), Some(&without))
            .await
            .is_problem(StatusCode::FORBIDDEN, "two_factor_required")
    );

    let (status, approved) = call(&app, approve(&pending), Some(&modo)).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["state"], "published");
    assert!(
        fetch(&app, approve(&pending), Some(&modo))
            .await
            .is_problem(StatusCode::CONFLICT, "invalid_transition")
    );

    let reject = |id: &str, body: Value| decide(&format!("resources/{id}/reject")).set_json(body);
    let other = resource(&w, author_id, Visibility::Public, Lifecycle::PendingReview).await;
    for bad in [json!({"reason": ""}), json!({"reason": " x"}), json!({})] {
        assert!(
            fetch(&app, reject(&other, bad.clone()), Some(&modo))
                .await
                .is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{bad}"
        );
    }
    let (status, rejected) = call(
        &app,
        reject(&other, json!({"reason": "Lien mort."})),
        Some(&modo),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rejected["state"], "rejected");
    let (status, suspended) = call(
        &app,
        decide(&format!("resources/{published}/suspend")).set_json(json!({"reason": "Trompeur."})),
        Some(&modo),
    )
    .await;
    assert_eq!(
        (status, suspended["state"].as_str()),
        (StatusCode::OK, Some("suspended"))
    );
    let (status, reinstated) = call(
        &app,
        decide(&format!("resources/{published}/reinstate")),
        Some(&modo),
    )
    .await;
    assert_eq!(
        (status, reinstated["state"].as_str()),
        (StatusCode::OK, Some("published"))
    );

    let (_, inbox) = call(
        &app,
        TestRequest::get().uri("/api/v1/me/notifications"),
        Some(&author),
    )
    .await;
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "resource_approved",
        "resource_rejected",
        "resource_suspended",
        "resource_reinstated",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[actix_web::test]
async fn of_two_decisions_at_once_one_answers_200_and_the_other_409() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let (_, first) = account(&w.fx, "modo", Role::Moderator, true).await;
    let (_, second) = account(&w.fx, "modo2", Role::Moderator, true).await;
    let pending = resource(
        &w,
        user_of(&w, &author).await,
        Visibility::Public,
        Lifecycle::PendingReview,
    )
    .await;
    let approve = with_token(decide(&format!("resources/{pending}/approve")), &first)
        .peer_addr(support::PEER.parse().unwrap())
        .to_request();
    let reject = with_token(
        decide(&format!("resources/{pending}/reject")).set_json(json!({"reason": "Hors sujet."})),
        &second,
    )
    .peer_addr(support::PEER.parse().unwrap())
    .to_request();

    let (a, b) = futures_util::future::join(send(&app, approve), send(&app, reject)).await;

    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let loser = if a.status == StatusCode::CONFLICT {
        a
    } else {
        b
    };
    assert!(
        ["edit_conflict", "invalid_transition"].contains(&loser.json()["code"].as_str().unwrap())
    );
}

#[actix_web::test]
async fn comment_decisions_hide_and_restore_with_their_codes() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let writer = token(&app, &w.fx, "ecrivain").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let on = public(&w, user_of(&w, &author).await).await;
    let said = comment(&w, user_of(&w, &writer).await, &on);
    let hide = |id: &str, body: Value| decide(&format!("comments/{id}/hide")).set_json(body);
    let restore = |id: &str| decide(&format!("comments/{id}/restore"));

    assert!(
        fetch(
            &app,
            hide(&said, json!({"reason": "Insultant."})),
            Some(&author)
        )
        .await
        .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        fetch(&app, hide(&said, json!({"reason": ""})), Some(&modo))
            .await
            .is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert!(
        fetch(
            &app,
            hide(&uuid::Uuid::now_v7().to_string(), json!({"reason": "x"})),
            Some(&modo)
        )
        .await
        .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
    assert!(
        fetch(&app, restore(&said), Some(&modo))
            .await
            .is_problem(StatusCode::CONFLICT, "invalid_transition")
    );
    let (status, hidden) = call(
        &app,
        hide(&said, json!({"reason": "Insultant."})),
        Some(&modo),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hidden}");
    assert_eq!(
        hidden,
        json!({
            "id": said, "resourceId": on, "state": "hidden", "stateReason": "Insultant.",
            "updatedAt": hidden["updatedAt"]
        })
    );
    assert!(
        fetch(&app, hide(&said, json!({"reason": "Encore."})), Some(&modo))
            .await
            .is_problem(StatusCode::CONFLICT, "invalid_transition")
    );
    let (status, restored) = call(&app, restore(&said), Some(&modo)).await;
    assert_eq!(
        (status, restored["state"].as_str()),
        (StatusCode::OK, Some("visible"))
    );
    assert_eq!(restored["stateReason"], Value::Null);
}

#[actix_web::test]
async fn dismissing_a_report_answers_200_once_then_409() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let lea = token(&app, &w.fx, "lea").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let (_, without) = account(&w.fx, "modo2", Role::Moderator, false).await;
    let on = public(&w, user_of(&w, &author).await).await;
    let (_, filed) = report(&app, &lea, report_body("resource", &on, "spam")).await;
    let id = filed["id"].as_str().unwrap().to_owned();
    let dismiss = |id: &str, body: Value| decide(&format!("reports/{id}/dismiss")).set_json(body);

    assert!(
        fetch(&app, dismiss(&id, json!({})), Some(&lea))
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        fetch(&app, dismiss(&id, json!({})), Some(&without))
            .await
            .is_problem(StatusCode::FORBIDDEN, "two_factor_required")
    );
    assert!(
        fetch(
            &app,
            dismiss(&uuid::Uuid::now_v7().to_string(), json!({})),
            Some(&modo)
        )
        .await
        .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
    for bad in [json!({"note": ""}), json!({"note": "x", "extra": 1})] {
        assert!(
            fetch(&app, dismiss(&id, bad.clone()), Some(&modo))
                .await
                .is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{bad}"
        );
    }
    let (status, dismissed) = call(
        &app,
        dismiss(&id, json!({"note": "Non fondé."})),
        Some(&modo),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{dismissed}");
    assert_eq!(dismissed["status"], "dismissed");
    assert!(dismissed["closedAt"].is_string());
    assert!(
        fetch(&app, dismiss(&id, json!({})), Some(&modo))
            .await
            .is_problem(StatusCode::CONFLICT, "report_closed")
    );
    let bad_path = fetch(&app, dismiss("12", json!({})), Some(&modo)).await;
    assert_eq!(bad_path.status, StatusCode::NOT_FOUND);
}

// ───────────────────────────── the log ─────────────────────────────

async fn log_page(app: &impl TestApp, query: String, who: String) -> support::Answer {
    fetch(
        app,
        TestRequest::get().uri(&format!("/api/v1/admin/moderation-log{query}")),
        Some(&who),
    )
    .await
}

#[actix_web::test]
async fn the_moderation_log_is_for_administrators_with_two_factor_and_checks_its_query() {
    let w = world();
    let app = w.app().await;
    let author = token(&app, &w.fx, "auteur").await;
    let (_, modo) = account(&w.fx, "modo", Role::Moderator, true).await;
    let (_, admin) = account(&w.fx, "admin", Role::Administrator, true).await;
    let (_, admin_without) = account(&w.fx, "admin2", Role::Administrator, false).await;
    let author_id = user_of(&w, &author).await;
    for _ in 0..2 {
        let pending = resource(&w, author_id, Visibility::Public, Lifecycle::PendingReview).await;
        let (status, _) = call(
            &app,
            decide(&format!("resources/{pending}/reject"))
                .set_json(json!({"reason": "Hors sujet."})),
            Some(&modo),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let log = |query: &str, who: &str| log_page(&app, query.to_owned(), who.to_owned());

    assert!(
        log("", &modo)
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        log("", &admin_without)
            .await
            .is_problem(StatusCode::FORBIDDEN, "two_factor_required")
    );
    assert!(
        log("", &author)
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );

    let page = log(
        "?limit=1&action=resource_rejected&actor=modo&targetKind=resource",
        &admin,
    )
    .await
    .json();
    let entry = &page["items"][0];
    assert_eq!(entry["action"], "resource_rejected");
    assert_eq!(entry["actor"], "modo");
    assert_eq!(entry["reason"], "Hors sujet.");
    assert_eq!(entry["target"]["kind"], "resource");
    assert_eq!(entry["resourceId"], entry["target"]["id"]);
    let cursor = page["nextCursor"].as_str().unwrap();
    let rest = log(&format!("?cursor={cursor}"), &admin).await.json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        log("?targetKind=comment", &admin).await.json()["items"],
        json!([])
    );
    let period = log("?from=2026-11-29T09:00:00Z&to=2026-11-29T23:00:00Z", &admin)
        .await
        .json();
    assert_eq!(period["items"].as_array().unwrap().len(), 2);
    assert!(
        log("?from=2026-11-30T00:00:00Z&to=2026-11-29T00:00:00Z", &admin)
            .await
            .is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    for bad in [
        "?action=deleted",
        "?targetKind=user",
        "?from=yesterday",
        "?cursor=abc",
        "?limit=500",
        "?actor=a%20b",
        "?colour=red",
    ] {
        assert!(
            log(bad, &admin)
                .await
                .is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{bad}"
        );
    }
}
