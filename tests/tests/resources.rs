//! Resources over real HTTP on every engine: a draft, its audience once
//! published, sharing, review on going public, deletion.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use serde_json::{Value, json};

fn resource(visibility: &str) -> Value {
    json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "# Écouter\n\nD'abord écouter, sans juger.",
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000", "01a22499-f800-7201-8000-000000000000"],
        "visibility": visibility
    })
}

async fn status(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    let request = app.client.get(format!("{}{path}", app.address));
    let request = match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    };
    request.send().await.unwrap().status().as_u16()
}

async fn a_shared_resource_reaches_its_audience_and_no_one_else(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let zoe = app.citizen("zoe").await.unwrap();
    let mut shared = resource("shared");
    shared["sharedWith"] = json!(["tom"]);

    let created = app
        .post("/api/v1/resources", &shared, Some(&lea))
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let path = format!("/api/v1/resources/{}", created["id"].as_str().unwrap());
    assert_eq!(
        created["relationTypeIds"].as_array().unwrap().len(),
        2,
        "order and count kept"
    );
    assert_eq!(
        status(&app, &path, Some(&tom)).await,
        404,
        "a draft is its author's"
    );

    let submitted: Value = app
        .post(&format!("{path}/submit"), &json!({}), Some(&lea))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(submitted["state"], "published");
    assert_eq!(status(&app, &path, Some(&tom)).await, 200);
    assert_eq!(status(&app, &path, Some(&zoe)).await, 404);
    assert_eq!(status(&app, &path, None).await, 404);
}

async fn going_public_means_review_and_deletion_hides(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let created: Value = app
        .post("/api/v1/resources", &resource("public"), Some(&lea))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/resources/{}", created["id"].as_str().unwrap());

    let submitted: Value = app
        .post(&format!("{path}/submit"), &json!({}), Some(&lea))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(submitted["state"], "pending_review");
    assert_eq!(
        status(&app, &path, None).await,
        404,
        "not before a moderator approves it"
    );

    let deleted = app
        .client
        .delete(format!("{}{path}", app.address))
        .bearer_auth(&lea)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(status(&app, &path, Some(&lea)).await, 404);
    let page: Value = app
        .get_with("/api/v1/me/resources", &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
}

async fn an_unknown_category_is_refused_and_nothing_is_stored(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let mut bad = resource("private");
    bad["categoryId"] = json!("01a22499-f800-71ff-8000-000000000000");

    let response = app
        .post("/api/v1/resources", &bad, Some(&lea))
        .await
        .unwrap();

    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["code"], "unknown_category");
    let page: Value = app
        .get_with("/api/v1/me/resources", &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
}

on_every_engine!(
    a_shared_resource_reaches_its_audience_and_no_one_else,
    going_public_means_review_and_deletion_hides,
    an_unknown_category_is_refused_and_nothing_is_stored,
);
