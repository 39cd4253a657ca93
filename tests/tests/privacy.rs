//! The privacy policy, consents and restriction over real HTTP on every
//! engine: the first version served from the migrations, a new version
//! published by an administrator holding a citizen's writes until they
//! accept it (reads stay open), choices recorded with their history and in
//! step with the profile, and a restriction hiding a citizen's content and
//! freezing their writes until they lift it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_domain::identity::Role;
use serde_json::{Value, json};

const CONSENTS: &str = "/api/v1/me/consents";
const RESTRICTION: &str = "/api/v1/me/restriction";

fn resource(visibility: &str) -> Value {
    json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "# Écouter\n\nD'abord écouter, sans juger.",
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
        "visibility": visibility
    })
}

/// An administrator with two-factor authentication; the token.
async fn administrator(app: &TestApp, username: &str) -> String {
    app.staff(username, Role::Administrator).await.unwrap()
}

/// `PUT` or `DELETE` with a bearer token; status and JSON body (`null` when none).
async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    token: &str,
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

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_new_policy_holds_writes_until_the_citizen_accepts_it(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let admin = administrator(&app, "dominique").await;
    let (status, first) = json_of(app.get("/api/v1/privacy/policy").await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(first["version"], "2026-11");
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .contains("Politique de confidentialité"),
        "the text the migrations published"
    );
    let (status, created) = json_of(
        app.post("/api/v1/resources", &resource("private"), Some(&lea))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let mine = format!("/api/v1/resources/{}", created["id"].as_str().unwrap());

    let published =
        json!({"version": "2027-01", "text": "# Politique de confidentialité\n\nVersion 2027-01."});
    let (status, policy) = json_of(
        app.post("/api/v1/admin/privacy/policies", &published, Some(&admin))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{policy}");

    let (status, held) = json_of(
        app.post("/api/v1/resources", &resource("private"), Some(&lea))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, held["code"].as_str()),
        (403, Some("consent_required"))
    );
    assert_eq!(
        app.get_with(&mine, &lea).await.unwrap().status(),
        200,
        "reads stay open"
    );
    let (_, consents) = json_of(app.get_with(CONSENTS, &lea).await.unwrap()).await;
    assert_eq!(consents["acceptanceRequired"], true);

    let (status, accepted) = send(
        &app,
        reqwest::Method::PUT,
        CONSENTS,
        Some(json!({"acceptPolicyVersion": "2027-01"})),
        &lea,
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["acceptedPolicyVersion"], "2027-01");
    assert_eq!(accepted["history"][0]["policyVersion"], "2027-01");
    let (status, _) = json_of(
        app.post("/api/v1/resources", &resource("private"), Some(&lea))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let (status, past) = json_of(app.get("/api/v1/privacy/policy/2026-11").await.unwrap()).await;
    assert_eq!((status, past["current"].as_bool()), (200, Some(false)));
}

async fn choices_are_kept_with_their_history_and_in_step_with_the_profile(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();

    let (status, changed) = send(
        &app,
        reqwest::Method::PUT,
        CONSENTS,
        Some(json!({"communications": true, "statistics": false})),
        &lea,
    )
    .await;

    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["history"].as_array().unwrap().len(), 5);
    let (_, me) = json_of(app.get_with("/api/v1/me", &lea).await.unwrap()).await;
    assert_eq!(me["communicationsConsent"], true);
    assert_eq!(me["statisticsObjection"], true);
    let (status, problem) = send(&app, reqwest::Method::PUT, CONSENTS, Some(json!({})), &lea).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "consent_choice_required");
}

async fn a_restriction_hides_a_citizens_content_and_freezes_their_writes_until_lifted(
    app: TestApp,
) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let mut shared = resource("shared");
    shared["sharedWith"] = json!(["tom"]);
    let (status, created) = json_of(
        app.post("/api/v1/resources", &shared, Some(&lea))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/v1/resources/{}", created["id"].as_str().unwrap());
    let (status, submitted) = json_of(
        app.post(&format!("{path}/submit"), &json!({}), Some(&lea))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, submitted["state"].as_str()),
        (200, Some("published"))
    );
    assert_eq!(app.get_with(&path, &tom).await.unwrap().status(), 200);

    let (status, restricted) =
        json_of(app.post(RESTRICTION, &json!({}), Some(&lea)).await.unwrap()).await;
    assert_eq!(status, 200, "{restricted}");
    assert_eq!(restricted["restricted"], true);

    assert_eq!(app.get_with(&path, &tom).await.unwrap().status(), 404);
    assert_eq!(app.get_with(&path, &lea).await.unwrap().status(), 200);
    let (status, held) = json_of(
        app.post("/api/v1/resources", &resource("private"), Some(&lea))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, held["code"].as_str()),
        (403, Some("account_restricted"))
    );

    let (status, lifted) = send(&app, reqwest::Method::DELETE, RESTRICTION, None, &lea).await;
    assert_eq!((status, lifted["restricted"].as_bool()), (200, Some(false)));
    assert_eq!(app.get_with(&path, &tom).await.unwrap().status(), 200);
}

on_every_engine!(
    a_new_policy_holds_writes_until_the_citizen_accepts_it,
    choices_are_kept_with_their_history_and_in_step_with_the_profile,
    a_restriction_hides_a_citizens_content_and_freezes_their_writes_until_lifted,
);
