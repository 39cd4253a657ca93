//! The favourites and progress routes over real actix services and in-memory
//! fakes: 204 and idempotence, 401 and 404 as problems, the dashboard's shape,
//! pages and their cursors, and bad list names, limits and cursors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_domain::Uuid;
use serde_json::json;
use support::{
    CATEGORY, KIND, OTHER_CATEGORY, OTHER_KIND, RELATION, Reference, TestApp, World, category,
    draft, fetch, resource_type, submit, token,
};

const FAMILY: u128 = CATEGORY;
const HEALTH: u128 = OTHER_CATEGORY;
const ARTICLE: u128 = KIND;
const VIDEO: u128 = OTHER_KIND;

/// The fakes, with two categories and two resource types.
fn world() -> World {
    World {
        reference: Reference {
            categories: vec![
                category(FAMILY, "famille", "famille"),
                category(HEALTH, "sante", "sante"),
            ],
            resource_types: vec![
                resource_type(ARTICLE, "article", "article"),
                resource_type(VIDEO, "video", "video"),
            ],
            ..Reference::standard()
        }
        .store(),
        ..World::new()
    }
}

/// A published resource of the token's owner (private, or shared with
/// `shared_with`); its id.
async fn published(
    app: &impl TestApp,
    token: &str,
    shared_with: &[&str],
    category: u128,
    kind: u128,
) -> String {
    let visibility = if shared_with.is_empty() {
        "private"
    } else {
        "shared"
    };
    let id = draft(
        app,
        token,
        json!({
            "title": "Parler à son ado", "summary": "Quelques pistes.", "body": "D'abord écouter.",
            "categoryId": Uuid::from_u128(category), "resourceTypeId": Uuid::from_u128(kind),
            "relationTypeIds": [Uuid::from_u128(RELATION)], "visibility": visibility,
            "sharedWith": shared_with
        }),
    )
    .await;
    assert_eq!(submit(app, token, id).await, "published");
    id.to_string()
}

#[actix_web::test]
async fn every_change_answers_204_and_twice_changes_nothing() {
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let tom = token(&app, &world.fx, "tom").await;
    let id = published(&app, &lea, &["tom"], FAMILY, ARTICLE).await;
    let path = |what: &str| format!("/api/v1/resources/{id}/{what}");

    for what in ["favourite", "exploited", "set-aside"] {
        for _ in 0..2 {
            let answer = fetch(&app, TestRequest::put().uri(&path(what)), Some(&tom)).await;
            assert_eq!(answer.status, StatusCode::NO_CONTENT, "PUT {what}");
        }
    }
    fetch(&app, TestRequest::put().uri(&path("favourite")), Some(&lea)).await;
    let dashboard = fetch(
        &app,
        TestRequest::get().uri("/api/v1/me/progress"),
        Some(&tom),
    )
    .await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(
        dashboard.json()["counts"]["totals"],
        json!({"favourites": 1, "exploited": 1, "setAside": 1})
    );
    let item = &dashboard.json()["favourites"]["items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["author"], "lea");
    assert_eq!(item["favouriteCount"], 2, "lea's and tom's, once each");
    assert_eq!(item["categoryId"], Uuid::from_u128(FAMILY).to_string());
    assert!(item["markedAt"].as_str().unwrap().ends_with('Z'));

    for what in ["favourite", "exploited", "set-aside"] {
        for _ in 0..2 {
            let answer = fetch(&app, TestRequest::delete().uri(&path(what)), Some(&tom)).await;
            assert_eq!(answer.status, StatusCode::NO_CONTENT, "DELETE {what}");
        }
    }
    let dashboard = fetch(
        &app,
        TestRequest::get().uri("/api/v1/me/progress"),
        Some(&tom),
    )
    .await;
    assert_eq!(
        dashboard.json()["counts"]["totals"],
        json!({"favourites": 0, "exploited": 0, "setAside": 0})
    );
    let lea_sees = fetch(
        &app,
        TestRequest::get().uri("/api/v1/me/progress/favourites"),
        Some(&lea),
    )
    .await;
    assert_eq!(lea_sees.json()["items"][0]["favouriteCount"], 1);
}

#[actix_web::test]
async fn what_one_may_not_see_is_404_and_no_token_is_401() {
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let tom = token(&app, &world.fx, "tom").await;
    let private = published(&app, &lea, &[], FAMILY, ARTICLE).await;
    let unknown = Uuid::now_v7().to_string();

    for what in ["favourite", "exploited", "set-aside"] {
        for id in [private.as_str(), unknown.as_str(), "not-a-uuid"] {
            let uri = format!("/api/v1/resources/{id}/{what}");
            for req in [TestRequest::put(), TestRequest::delete()] {
                let answer = fetch(&app, req.uri(&uri), Some(&tom)).await;
                assert!(
                    answer.is_problem(StatusCode::NOT_FOUND, "not_found"),
                    "{uri}: {} {}",
                    answer.status,
                    answer.json()
                );
            }
        }
        let uri = format!("/api/v1/resources/{private}/{what}");
        let answer = fetch(&app, TestRequest::put().uri(&uri), None).await;
        assert!(answer.is_problem(StatusCode::UNAUTHORIZED, "unauthenticated"));
    }
    for uri in ["/api/v1/me/progress", "/api/v1/me/progress/set-aside"] {
        let answer = fetch(&app, TestRequest::get().uri(uri), None).await;
        assert!(
            answer.is_problem(StatusCode::UNAUTHORIZED, "unauthenticated"),
            "{uri}"
        );
    }
    let answer = fetch(
        &app,
        TestRequest::get().uri(&format!("/api/v1/resources/{private}/favourite")),
        Some(&lea),
    )
    .await;
    assert!(answer.is_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}

#[actix_web::test]
async fn bad_lists_limits_and_cursors_are_problems() {
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;

    let cases = [
        (
            "/api/v1/me/progress/liked",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/me/progress/set_aside",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/me/progress/favourites?limit=0",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/favourites?limit=101",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/favourites?limit=abc",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/exploited?cursor=abc",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/exploited?cursor=1.2",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/exploited?page=2",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress?limit=0",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ];
    for (uri, status, code) in cases {
        let answer = fetch(&app, TestRequest::get().uri(uri), Some(&lea)).await;
        assert!(
            answer.is_problem(status, code),
            "{uri}: {} {}",
            answer.status,
            answer.json()
        );
    }
    for list in ["favourites", "exploited", "set-aside"] {
        let answer = fetch(
            &app,
            TestRequest::get().uri(&format!("/api/v1/me/progress/{list}?limit=100")),
            Some(&lea),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{list}");
        assert_eq!(answer.json(), json!({"items": [], "nextCursor": null}));
    }
}

#[actix_web::test]
async fn a_list_pages_with_its_cursor_without_repeats_or_gaps() {
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let id = published(&app, &lea, &[], FAMILY, ARTICLE).await;
        fetch(
            &app,
            TestRequest::put().uri(&format!("/api/v1/resources/{id}/set-aside")),
            Some(&lea),
        )
        .await;
        ids.push(id);
    }

    let mut seen = Vec::new();
    let mut uri = "/api/v1/me/progress/set-aside?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = fetch(&app, TestRequest::get().uri(&uri), Some(&lea)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.json());
        pages += 1;
        for item in page.json()["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page.json()["nextCursor"].as_str() {
            Some(cursor) => {
                uri = format!("/api/v1/me/progress/set-aside?limit=2&cursor={cursor}");
            }
            None => break,
        }
    }

    assert_eq!(pages, 3);
    ids.reverse();
    assert_eq!(seen, ids, "most recent first, each once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
}

#[actix_web::test]
async fn the_dashboard_counts_by_category_and_type_and_shows_first_pages() {
    let world = world();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let a = published(&app, &lea, &[], FAMILY, ARTICLE).await;
    let b = published(&app, &lea, &[], FAMILY, VIDEO).await;
    let c = published(&app, &lea, &[], HEALTH, VIDEO).await;
    for (id, what) in [
        (&a, "favourite"),
        (&b, "favourite"),
        (&c, "favourite"),
        (&b, "exploited"),
        (&c, "set-aside"),
    ] {
        let answer = fetch(
            &app,
            TestRequest::put().uri(&format!("/api/v1/resources/{id}/{what}")),
            Some(&lea),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
    }

    let dashboard = fetch(
        &app,
        TestRequest::get().uri("/api/v1/me/progress?limit=2"),
        Some(&lea),
    )
    .await;

    assert_eq!(dashboard.status, StatusCode::OK);
    let uuid = |n: u128| Uuid::from_u128(n).to_string();
    assert_eq!(
        dashboard.json()["counts"],
        json!({
            "byCategory": [
                {"categoryId": uuid(FAMILY), "favourites": 2, "exploited": 1, "setAside": 0},
                {"categoryId": uuid(HEALTH), "favourites": 1, "exploited": 0, "setAside": 1},
            ],
            "byResourceType": [
                {"resourceTypeId": uuid(ARTICLE), "favourites": 1, "exploited": 0, "setAside": 0},
                {"resourceTypeId": uuid(VIDEO), "favourites": 2, "exploited": 1, "setAside": 1},
            ],
            "totals": {"favourites": 3, "exploited": 1, "setAside": 1},
        })
    );
    assert_eq!(
        dashboard.json()["favourites"]["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(dashboard.json()["favourites"]["nextCursor"].is_string());
    assert_eq!(dashboard.json()["exploited"]["items"][0]["id"], b.as_str());
    assert!(dashboard.json()["exploited"]["nextCursor"].is_null());
    assert_eq!(dashboard.json()["setAside"]["items"][0]["id"], c.as_str());
}
