//! The inbox routes over real actix services and in-memory fakes: the page's
//! shape (ids, reason, instants, unread count), the unread filter, chained
//! pages, 204 on reading one or all, another account's notifications out of
//! reach (absent from pages, 404 on reading), 401, and bad limits, cursors,
//! filters and ids as problems.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_application::ports::ResourceRepository;
use rr_domain::community::{CommentId, ContentRef, NotificationKind};
use rr_domain::identity::UserId;
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};
use serde_json::Value;
use support::{TestApp, World, call, fetch, record, token};

const INBOX: &str = "/api/v1/me/notifications";

/// A citizen `name` logged in over HTTP: their id and access token.
async fn citizen(app: &impl TestApp, world: &World, name: &str) -> (UserId, String) {
    let token = token(app, &world.fx, name).await;
    let (status, me) = call(app, TestRequest::get().uri("/api/v1/me"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let id = UserId::from_uuid(me["id"].as_str().unwrap().parse().unwrap());
    (id, token)
}

/// A stored resource of `author`'s, waiting for review.
async fn resource(world: &World, author: UserId) -> ResourceId {
    let stored = record(
        author,
        Visibility::Public,
        Lifecycle::PendingReview,
        Vec::new(),
        world.fx.clock.now_for_tests(),
    );
    world.resources.insert(&stored).await.unwrap();
    stored.id
}

async fn inbox(app: &impl TestApp, token: &str, query: &str) -> Value {
    let (status, page) = call(
        app,
        TestRequest::get().uri(&format!("{INBOX}{query}")),
        Some(token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn the_inbox_shows_each_notification_with_what_it_concerns_newest_first() {
    let world = World::new();
    let app = world.app().await;
    let (lea, token) = citizen(&app, &world, "lea").await;
    let resource = resource(&world, lea).await;
    let (parent, reply) = (CommentId::generate(), CommentId::generate());
    let notifier = world.notifier();
    notifier
        .notify(
            lea,
            NotificationKind::ResourceRejected {
                resource,
                reason: "Le lien ne fonctionne plus.".into(),
            },
        )
        .await;
    notifier
        .notify(
            lea,
            NotificationKind::CommentReply {
                resource,
                parent,
                reply,
            },
        )
        .await;
    notifier
        .notify(
            lea,
            NotificationKind::ContentHidden {
                target: ContentRef::Comment {
                    comment: parent,
                    resource,
                },
                reason: None,
            },
        )
        .await;

    let page = inbox(&app, &token, "").await;

    assert_eq!(page["unreadCount"], 3);
    assert_eq!(page["nextCursor"], Value::Null);
    let items = page["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["content_hidden", "comment_reply", "resource_rejected"]
    );
    let resource = resource.as_uuid().to_string();
    let (parent, reply) = (parent.as_uuid().to_string(), reply.as_uuid().to_string());
    assert_eq!(items[0]["resourceId"], resource.as_str());
    assert_eq!(items[0]["commentId"], parent.as_str());
    assert_eq!(items[0]["replyId"], Value::Null);
    assert_eq!(items[0]["reason"], Value::Null);
    assert_eq!(items[1]["commentId"], parent.as_str());
    assert_eq!(items[1]["replyId"], reply.as_str());
    assert_eq!(items[2]["resourceId"], resource.as_str());
    assert_eq!(items[2]["commentId"], Value::Null);
    assert_eq!(items[2]["reason"], "Le lien ne fonctionne plus.");
    assert_eq!(items[2]["createdAt"], "2026-11-29T10:00:00Z");
    assert_eq!(items[2]["readAt"], Value::Null);
    assert_eq!(
        items[2].as_object().unwrap().len(),
        8,
        "id, kind, resourceId, commentId, replyId, reason, createdAt, readAt: {}",
        items[2]
    );
}

#[actix_web::test]
async fn reading_one_or_all_answers_204_and_the_unread_filter_follows() {
    let world = World::new();
    let app = world.app().await;
    let (lea, token) = citizen(&app, &world, "lea").await;
    let resource = resource(&world, lea).await;
    for _ in 0..3 {
        world
            .notifier()
            .notify(lea, NotificationKind::ResourceApproved { resource })
            .await;
    }
    let all = inbox(&app, &token, "").await;
    let newest = ids(&all)[0].to_owned();

    for _ in 0..2 {
        let answer = fetch(
            &app,
            TestRequest::post().uri(&format!("{INBOX}/{newest}/read")),
            Some(&token),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "idempotent");
    }
    let unread = inbox(&app, &token, "?unread=true").await;
    assert_eq!(unread["unreadCount"], 2);
    assert_eq!(ids(&unread), ids(&all)[1..]);
    let read = inbox(&app, &token, "?unread=false").await;
    assert_eq!(read["items"][0]["readAt"], "2026-11-29T10:00:00Z");

    let answer = fetch(
        &app,
        TestRequest::post().uri(&format!("{INBOX}/read-all")),
        Some(&token),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let unread = inbox(&app, &token, "?unread=true").await;
    assert_eq!(unread["unreadCount"], 0);
    assert!(ids(&unread).is_empty());
    assert_eq!(ids(&inbox(&app, &token, "").await).len(), 3);
}

#[actix_web::test]
async fn pages_chain_through_next_cursor() {
    let world = World::new();
    let app = world.app().await;
    let (lea, token) = citizen(&app, &world, "lea").await;
    let resource = resource(&world, lea).await;
    for _ in 0..5 {
        world
            .notifier()
            .notify(lea, NotificationKind::ResourceApproved { resource })
            .await;
    }
    let everything = inbox(&app, &token, "?limit=100").await;

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = inbox(&app, &token, &query).await;
        assert!(ids(&page).len() <= 2);
        seen.extend(ids(&page).into_iter().map(str::to_owned));
        match page["nextCursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }

    assert_eq!(seen, ids(&everything));
    assert_eq!(seen.len(), 5);
}

#[actix_web::test]
async fn another_accounts_notifications_are_out_of_reach() {
    let world = World::new();
    let app = world.app().await;
    let (lea, lea_token) = citizen(&app, &world, "lea").await;
    let (_, tom_token) = citizen(&app, &world, "tom").await;
    let resource = resource(&world, lea).await;
    world
        .notifier()
        .notify(
            lea,
            NotificationKind::ResourceSuspended {
                resource,
                reason: "Propos injurieux".into(),
            },
        )
        .await;
    let leas = ids(&inbox(&app, &lea_token, "").await)[0].to_owned();

    let toms = inbox(&app, &tom_token, "").await;
    assert!(ids(&toms).is_empty());
    assert_eq!(toms["unreadCount"], 0);
    let answer = fetch(
        &app,
        TestRequest::post().uri(&format!("{INBOX}/{leas}/read")),
        Some(&tom_token),
    )
    .await;
    assert!(
        answer.is_problem(StatusCode::NOT_FOUND, "not_found"),
        "{}",
        answer.json()
    );
    let answer = fetch(
        &app,
        TestRequest::post().uri(&format!("{INBOX}/read-all")),
        Some(&tom_token),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);

    let still = inbox(&app, &lea_token, "").await;
    assert_eq!(still["unreadCount"], 1);
    assert_eq!(still["items"][0]["readAt"], Value::Null);
}

#[actix_web::test]
async fn an_unknown_or_malformed_id_is_404() {
    let world = World::new();
    let app = world.app().await;
    let (_, token) = citizen(&app, &world, "lea").await;

    for id in ["0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70", "not-an-id"] {
        let answer = fetch(
            &app,
            TestRequest::post().uri(&format!("{INBOX}/{id}/read")),
            Some(&token),
        )
        .await;
        assert!(
            answer.is_problem(StatusCode::NOT_FOUND, "not_found"),
            "{id}"
        );
    }
}

#[actix_web::test]
async fn bad_limits_cursors_and_filters_are_400_problems() {
    let world = World::new();
    let app = world.app().await;
    let (_, token) = citizen(&app, &world, "lea").await;

    for query in [
        "?limit=0",
        "?limit=101",
        "?limit=-1",
        "?limit=ten",
        "?cursor=abc",
        "?cursor=0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70",
        "?cursor=",
        "?unread=maybe",
        "?read=true",
    ] {
        let answer = fetch(
            &app,
            TestRequest::get().uri(&format!("{INBOX}{query}")),
            Some(&token),
        )
        .await;
        assert!(
            answer.is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}: {} {}",
            answer.status,
            answer.json()
        );
    }
    for query in ["?limit=1", "?limit=100", "?unread=true&limit=50"] {
        inbox(&app, &token, query).await;
    }
}

#[actix_web::test]
async fn every_inbox_route_wants_a_token() {
    let world = World::new();
    let app = world.app().await;

    for request in [
        TestRequest::get().uri(INBOX),
        TestRequest::post().uri(&format!(
            "{INBOX}/0193a1f0-c2b8-7e4f-9d1a-2b3c4d5e6f70/read"
        )),
        TestRequest::post().uri(&format!("{INBOX}/read-all")),
    ] {
        let answer = fetch(&app, request, None).await;
        assert!(answer.is_problem(StatusCode::UNAUTHORIZED, "unauthenticated"));
    }
}
