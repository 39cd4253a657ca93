//! The export routes over real actix services and in-memory fakes: `202`
//! with `Location` and a ready export for a small account, polling, the
//! download's headers and length, `410` on a second download, `409` while
//! one is pending or not ready, `403` for a staff export, another account's
//! exports out of reach (`404`), `401`, and bad cursors and limits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_application::services::DataExportPolicy;
use rr_application::test_util::data_export_fixture;
use rr_domain::identity::{Role, SessionId, UserId};
use serde_json::Value;
use support::{TestApp, World, account, call, fetch, token};

const EXPORT: &str = "/api/v1/me/export";
const EXPORTS: &str = "/api/v1/me/exports";

async fn citizen(app: &impl TestApp, world: &World, name: &str) -> (UserId, String) {
    let token = token(app, &world.fx, name).await;
    let (status, me) = call(app, TestRequest::get().uri("/api/v1/me"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    (
        UserId::from_uuid(me["id"].as_str().unwrap().parse().unwrap()),
        token,
    )
}

async fn ask(app: &impl TestApp, token: &str) -> (StatusCode, Value, Option<String>) {
    let answer = fetch(app, TestRequest::post().uri(EXPORT), Some(token)).await;
    let location = answer
        .headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    (answer.status, answer.json(), location)
}

#[actix_web::test]
async fn a_small_account_gets_its_archive_once() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = citizen(&app, &world, "lea").await;

    let (status, export, location) = ask(&app, &lea).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{export}");
    let id = export["id"].as_str().unwrap();
    assert_eq!(
        location.as_deref(),
        Some(format!("{EXPORTS}/{id}").as_str())
    );
    assert_eq!(export["status"], "ready");
    assert_eq!(export["origin"], "self");
    assert_eq!(export["downloadPath"], format!("{EXPORTS}/{id}/download"));
    assert!(export["expiresAt"].as_str().is_some());
    assert!(export["failure"].is_null());

    let (status, polled) = call(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}")),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(polled["id"], id);

    let archive = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
        Some(&lea),
    )
    .await;
    assert_eq!(archive.status, StatusCode::OK);
    assert_eq!(archive.content_type(), "text/plain", "the fixture's format");
    assert_eq!(
        archive.header(header::CONTENT_DISPOSITION),
        format!("attachment; filename=\"export-{id}.txt\"")
    );
    assert_eq!(archive.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(archive.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(
        archive.header(header::CONTENT_LENGTH),
        export["sizeBytes"].as_u64().unwrap().to_string()
    );
    let text = String::from_utf8(archive.body).unwrap();
    assert!(text.contains("email=lea@exemple.fr"), "{text}");

    let again = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
        Some(&lea),
    )
    .await;
    assert!(
        again.is_problem(StatusCode::GONE, "export_already_downloaded"),
        "{:?}",
        again.json()
    );
    let (_, listed) = call(&app, TestRequest::get().uri(EXPORTS), Some(&lea)).await;
    assert_eq!(listed["items"][0]["status"], "downloaded");
    assert!(listed["items"][0]["downloadPath"].is_null());
    assert!(listed["nextCursor"].is_null());
}

#[actix_web::test]
async fn a_pending_export_refuses_another_and_its_download() {
    let world = World::new();
    let exports = data_export_fixture(
        &world.fx,
        DataExportPolicy {
            sync_max_rows: 0,
            ..DataExportPolicy::default()
        },
    );
    let app = support::app_with(
        rr_http::Services {
            data_exports: exports.service.clone(),
            ..world.services()
        },
        support::settings(),
    )
    .await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    let (status, export, _) = ask(&app, &lea).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(export["status"], "requested");
    assert!(export["downloadPath"].is_null());
    let id = export["id"].as_str().unwrap();

    let (status, again, _) = ask(&app, &lea).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["code"], "export_pending");
    let early = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
        Some(&lea),
    )
    .await;
    assert!(early.is_problem(StatusCode::CONFLICT, "export_not_ready"));

    // Left a while to the request that made it, then the worker's.
    world.fx.clock.advance(time::Duration::seconds(31));
    exports.service.run_pending().await.unwrap();
    let (_, ready) = call(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}")),
        Some(&lea),
    )
    .await;
    assert_eq!(ready["status"], "ready");
}

#[actix_web::test]
async fn an_expired_archive_is_gone() {
    let world = World::new();
    let exports = data_export_fixture(
        &world.fx,
        DataExportPolicy {
            ttl: std::time::Duration::from_secs(60),
            ..DataExportPolicy::default()
        },
    );
    let app = support::app_with(
        rr_http::Services {
            data_exports: exports.service.clone(),
            ..world.services()
        },
        support::settings(),
    )
    .await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    let (_, export, _) = ask(&app, &lea).await;
    let id = export["id"].as_str().unwrap();
    world.fx.clock.advance(time::Duration::seconds(60));
    let (_, seen) = call(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}")),
        Some(&lea),
    )
    .await;
    assert_eq!(seen["status"], "expired");
    let late = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
        Some(&lea),
    )
    .await;
    assert!(late.is_problem(StatusCode::GONE, "export_expired"));
}

#[actix_web::test]
async fn another_account_cannot_reach_an_export() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    let (_, tom) = citizen(&app, &world, "tom").await;
    let (_, export, _) = ask(&app, &lea).await;
    let id = export["id"].as_str().unwrap();
    for uri in [
        format!("{EXPORTS}/{id}"),
        format!("{EXPORTS}/{id}/download"),
    ] {
        let answer = fetch(&app, TestRequest::get().uri(&uri), Some(&tom)).await;
        assert!(
            answer.is_problem(StatusCode::NOT_FOUND, "not_found"),
            "{uri}"
        );
    }
    let (_, listed) = call(&app, TestRequest::get().uri(EXPORTS), Some(&tom)).await;
    assert_eq!(listed["items"], Value::Array(Vec::new()));
    for (method, uri) in [
        (TestRequest::post(), EXPORT.to_owned()),
        (TestRequest::get(), EXPORTS.to_owned()),
        (TestRequest::get(), format!("{EXPORTS}/{id}/download")),
    ] {
        let answer = fetch(&app, method.uri(&uri), None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri}");
    }
}

#[actix_web::test]
async fn a_staff_export_is_shown_to_the_person_and_downloaded_by_staff_alone() {
    let world = World::new();
    let app = world.app().await;
    let (lea_id, lea) = citizen(&app, &world, "lea").await;
    let (admin_id, admin) = account(&world.fx, "camille", Role::Administrator, true).await;
    let actor = rr_domain::identity::AuthenticatedActor {
        user_id: admin_id,
        session_id: SessionId::generate(),
        role: Role::Administrator,
        two_factor: true,
    };
    let export = world
        .exports
        .service
        .request_for(&actor, lea_id)
        .await
        .unwrap();
    let id = export.id.as_uuid();

    let (_, mine) = call(&app, TestRequest::get().uri(EXPORTS), Some(&lea)).await;
    assert_eq!(mine["items"][0]["origin"], "staff");
    assert!(
        mine["items"][0]["downloadPath"].is_null(),
        "not the person's to download"
    );
    let refused = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
        Some(&lea),
    )
    .await;
    assert!(refused.is_problem(StatusCode::FORBIDDEN, "export_not_requested_by_you"));
    let (_, theirs) = call(&app, TestRequest::get().uri(EXPORTS), Some(&admin)).await;
    assert_eq!(
        theirs["items"][0]["downloadPath"],
        format!("{EXPORTS}/{id}/download")
    );
    let archive = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
        Some(&admin),
    )
    .await;
    assert_eq!(archive.status, StatusCode::OK);
}

#[actix_web::test]
async fn pages_of_exports_and_bad_queries() {
    let world = World::new();
    let app = world.app().await;
    let (_, lea) = citizen(&app, &world, "lea").await;
    for _ in 0..3 {
        let (_, export, _) = ask(&app, &lea).await;
        let id = export["id"].as_str().unwrap();
        let download = fetch(
            &app,
            TestRequest::get().uri(&format!("{EXPORTS}/{id}/download")),
            Some(&lea),
        )
        .await;
        assert_eq!(download.status, StatusCode::OK);
    }
    let (status, first) = call(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}?limit=2")),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, rest) = call(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}?limit=2&cursor={cursor}")),
        Some(&lea),
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["nextCursor"].is_null());

    for query in ["?limit=0", "?limit=101", "?cursor=nope", "?colour=blue"] {
        let answer = fetch(
            &app,
            TestRequest::get().uri(&format!("{EXPORTS}{query}")),
            Some(&lea),
        )
        .await;
        assert!(
            answer.is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}: {:?}",
            answer.json()
        );
    }
    let bad_id = fetch(
        &app,
        TestRequest::get().uri(&format!("{EXPORTS}/not-a-uuid")),
        Some(&lea),
    )
    .await;
    assert!(bad_id.status.is_client_error(), "{}", bad_id.status);
}
