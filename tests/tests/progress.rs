//! Favourites and progress over real HTTP on every engine: idempotent
//! changes and an exact favourite count, 401 and 404, bad list names, limits
//! and cursors, the dashboard's counts, pages without repeats or gaps, and
//! resources that drop out of sight.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::collections::HashSet;

use rr_acceptance_tests::{TestApp, on_every_engine};
use serde_json::{Value, json};

const FAMILY: &str = "01a22499-f800-7107-8000-000000000000";
const HEALTH: &str = "01a22499-f800-7109-8000-000000000000";
const ARTICLE: &str = "01a22499-f800-7302-8000-000000000000";
const VIDEO: &str = "01a22499-f800-7305-8000-000000000000";
const RELATION: &str = "01a22499-f800-7203-8000-000000000000";

/// Status and JSON body (`null` when empty) of a request.
async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    (
        status,
        content_type,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

async fn put(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    send(app, reqwest::Method::PUT, path, token, None).await.0
}

async fn delete(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    send(app, reqwest::Method::DELETE, path, token, None)
        .await
        .0
}

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, _, body) = send(app, reqwest::Method::GET, path, Some(token), None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// A resource of the token's owner, published at once (private, or shared
/// with `shared_with`); its id.
async fn published(
    app: &TestApp,
    token: &str,
    shared_with: &[&str],
    category: &str,
    kind: &str,
) -> String {
    let visibility = if shared_with.is_empty() {
        "private"
    } else {
        "shared"
    };
    let body = json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "D'abord écouter, sans juger.", "categoryId": category, "resourceTypeId": kind,
        "relationTypeIds": [RELATION], "visibility": visibility, "sharedWith": shared_with
    });
    let created: Value = app
        .post("/api/v1/resources", &body, Some(token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let submitted: Value = app
        .post(
            &format!("/api/v1/resources/{id}/submit"),
            &json!({}),
            Some(token),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(submitted["state"], "published");
    id
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn favourites_are_idempotent_and_counted_once_each(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let id = published(&app, &lea, &["tom"], FAMILY, ARTICLE).await;
    let favourite = format!("/api/v1/resources/{id}/favourite");

    for _ in 0..3 {
        assert_eq!(put(&app, &favourite, Some(&tom)).await, 204);
    }
    assert_eq!(put(&app, &favourite, Some(&lea)).await, 204);
    let page = get(&app, "/api/v1/me/progress/favourites", &tom).await;
    assert_eq!(ids(&page), [id.as_str()]);
    assert_eq!(page["items"][0]["favouriteCount"], 2);
    assert_eq!(page["items"][0]["author"], "lea");

    for _ in 0..3 {
        assert_eq!(delete(&app, &favourite, Some(&tom)).await, 204);
    }
    assert!(ids(&get(&app, "/api/v1/me/progress/favourites", &tom).await).is_empty());
    let page = get(&app, "/api/v1/me/progress/favourites", &lea).await;
    assert_eq!(page["items"][0]["favouriteCount"], 1, "lea's alone");

    for what in ["exploited", "set-aside"] {
        let path = format!("/api/v1/resources/{id}/{what}");
        assert_eq!(put(&app, &path, Some(&tom)).await, 204);
        assert_eq!(put(&app, &path, Some(&tom)).await, 204);
    }
    let dashboard = get(&app, "/api/v1/me/progress", &tom).await;
    assert_eq!(
        dashboard["counts"]["totals"],
        json!({"favourites": 0, "exploited": 1, "setAside": 1})
    );
    assert_eq!(
        delete(
            &app,
            &format!("/api/v1/resources/{id}/exploited"),
            Some(&tom)
        )
        .await,
        204
    );
    assert_eq!(
        delete(
            &app,
            &format!("/api/v1/resources/{id}/exploited"),
            Some(&tom)
        )
        .await,
        204
    );
    let dashboard = get(&app, "/api/v1/me/progress", &tom).await;
    assert_eq!(
        dashboard["counts"]["totals"],
        json!({"favourites": 0, "exploited": 0, "setAside": 1})
    );
}

async fn what_one_may_not_see_is_404_and_no_token_is_401(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let private = published(&app, &lea, &[], FAMILY, ARTICLE).await;
    let unknown = uuid::Uuid::now_v7().to_string();

    for what in ["favourite", "exploited", "set-aside"] {
        for id in [&private, &unknown] {
            let path = format!("/api/v1/resources/{id}/{what}");
            for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
                let (status, content_type, problem) =
                    send(&app, method.clone(), &path, Some(&tom), None).await;
                assert_eq!((status, problem["code"].as_str()), (404, Some("not_found")));
                assert_eq!(content_type, "application/problem+json");
            }
        }
        let path = format!("/api/v1/resources/{private}/{what}");
        let (status, content_type, problem) =
            send(&app, reqwest::Method::PUT, &path, None, None).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (401, Some("unauthenticated"))
        );
        assert_eq!(content_type, "application/problem+json");
    }
    let (status, _, _) = send(
        &app,
        reqwest::Method::GET,
        "/api/v1/me/progress",
        None,
        None,
    )
    .await;
    assert_eq!(status, 401);
    let dashboard = get(&app, "/api/v1/me/progress", &tom).await;
    assert_eq!(
        dashboard["counts"]["totals"],
        json!({"favourites": 0, "exploited": 0, "setAside": 0}),
        "nothing was stored"
    );
}

async fn bad_lists_limits_and_cursors_are_problems(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    for (path, status, code) in [
        ("/api/v1/me/progress/read-later", 404, "not_found"),
        (
            "/api/v1/me/progress/favourites?limit=0",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/favourites?limit=101",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/me/progress/exploited?cursor=nope",
            400,
            "invalid_query",
        ),
        ("/api/v1/me/progress?limit=500", 400, "invalid_query"),
    ] {
        let (actual, content_type, problem) =
            send(&app, reqwest::Method::GET, path, Some(&lea), None).await;
        assert_eq!(
            (actual, problem["code"].as_str()),
            (status, Some(code)),
            "{path}"
        );
        assert_eq!(content_type, "application/problem+json", "{path}");
    }
}

async fn the_dashboard_counts_and_pages_without_repeats_or_gaps(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let mut favourites = Vec::new();
    for (category, kind) in [
        (FAMILY, ARTICLE),
        (FAMILY, VIDEO),
        (HEALTH, VIDEO),
        (HEALTH, VIDEO),
        (FAMILY, ARTICLE),
    ] {
        let id = published(&app, &lea, &[], category, kind).await;
        assert_eq!(
            put(
                &app,
                &format!("/api/v1/resources/{id}/favourite"),
                Some(&lea)
            )
            .await,
            204
        );
        favourites.push(id);
    }
    assert_eq!(
        put(
            &app,
            &format!("/api/v1/resources/{}/exploited", favourites[1]),
            Some(&lea)
        )
        .await,
        204
    );

    let dashboard = get(&app, "/api/v1/me/progress?limit=2", &lea).await;
    assert_eq!(
        dashboard["counts"],
        json!({
            "byCategory": [
                {"categoryId": FAMILY, "favourites": 3, "exploited": 1, "setAside": 0},
                {"categoryId": HEALTH, "favourites": 2, "exploited": 0, "setAside": 0},
            ],
            "byResourceType": [
                {"resourceTypeId": ARTICLE, "favourites": 2, "exploited": 0, "setAside": 0},
                {"resourceTypeId": VIDEO, "favourites": 3, "exploited": 1, "setAside": 0},
            ],
            "totals": {"favourites": 5, "exploited": 1, "setAside": 0},
        })
    );
    assert_eq!(ids(&dashboard["exploited"]), [favourites[1].as_str()]);

    let mut seen = ids(&dashboard["favourites"]);
    let mut cursor = dashboard["favourites"]["nextCursor"]
        .as_str()
        .map(ToOwned::to_owned);
    while let Some(next) = cursor {
        let page = get(
            &app,
            &format!("/api/v1/me/progress/favourites?limit=2&cursor={next}"),
            &lea,
        )
        .await;
        seen.extend(ids(&page));
        cursor = page["nextCursor"].as_str().map(ToOwned::to_owned);
    }
    favourites.reverse();
    assert_eq!(seen, favourites, "most recently added first, each once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
}

async fn resources_out_of_sight_drop_out_of_counts_and_lists(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let mut marked = Vec::new();
    for _ in 0..4 {
        let id = published(&app, &lea, &["tom"], HEALTH, VIDEO).await;
        for what in ["favourite", "exploited", "set-aside"] {
            assert_eq!(
                put(&app, &format!("/api/v1/resources/{id}/{what}"), Some(&tom)).await,
                204
            );
        }
        marked.push(id);
    }
    let dashboard = get(&app, "/api/v1/me/progress", &tom).await;
    assert_eq!(
        dashboard["counts"]["totals"],
        json!({"favourites": 4, "exploited": 4, "setAside": 4})
    );

    // No longer shared with tom, archived, deleted, suspended by moderation.
    let (status, _, _) = send(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/resources/{}", marked[0]),
        Some(&lea),
        Some(json!({"sharedWith": []})),
    )
    .await;
    assert_eq!(status, 200);
    let archived = app
        .post(
            &format!("/api/v1/resources/{}/archive", marked[1]),
            &json!({}),
            Some(&lea),
        )
        .await
        .unwrap();
    assert_eq!(archived.status(), 200);
    assert_eq!(
        delete(
            &app,
            &format!("/api/v1/resources/{}", marked[2]),
            Some(&lea)
        )
        .await,
        204
    );
    let suspend = format!(
        "UPDATE resources SET state = 'suspended', state_reason = 'Signalements' WHERE id = X'{}'",
        uuid::Uuid::parse_str(&marked[3]).unwrap().simple()
    );
    assert_eq!(
        rr_persistence::testing::execute(app.database_url(), &suspend)
            .await
            .unwrap(),
        1
    );

    let dashboard = get(&app, "/api/v1/me/progress", &tom).await;
    assert_eq!(
        dashboard["counts"],
        json!({
            "byCategory": [],
            "byResourceType": [],
            "totals": {"favourites": 0, "exploited": 0, "setAside": 0},
        })
    );
    for (list, member) in [
        ("favourites", "favourites"),
        ("exploited", "exploited"),
        ("set-aside", "setAside"),
    ] {
        assert!(ids(&dashboard[member]).is_empty(), "{member}");
        assert!(
            ids(&get(&app, &format!("/api/v1/me/progress/{list}"), &tom).await).is_empty(),
            "{list}"
        );
    }
    assert_eq!(
        put(
            &app,
            &format!("/api/v1/resources/{}/favourite", marked[0]),
            Some(&tom)
        )
        .await,
        404
    );

    // Shared again: its marks come back.
    let (status, _, _) = send(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/resources/{}", marked[0]),
        Some(&lea),
        Some(json!({"sharedWith": ["tom"]})),
    )
    .await;
    assert_eq!(status, 200);
    let dashboard = get(&app, "/api/v1/me/progress", &tom).await;
    assert_eq!(
        dashboard["counts"]["totals"],
        json!({"favourites": 1, "exploited": 1, "setAside": 1})
    );
    assert_eq!(ids(&dashboard["setAside"]), [marked[0].as_str()]);
}

on_every_engine!(
    favourites_are_idempotent_and_counted_once_each,
    what_one_may_not_see_is_404_and_no_token_is_401,
    bad_lists_limits_and_cursors_are_problems,
    the_dashboard_counts_and_pages_without_repeats_or_gaps,
    resources_out_of_sight_drop_out_of_counts_and_lists,
);
