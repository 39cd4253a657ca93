//! Feature flags over HTTP, on in-memory fakes: who may administer them,
//! creation and its validation problems, changes from a version, deletion;
//! `GET /api/v1/features` for visitors and accounts (bucket, role and
//! region), answered from the snapshot without reading the store, a change
//! through this application seen at once and another node's at the next
//! refresh.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_domain::features::{FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout, bucket};
use rr_domain::identity::Role;
use serde_json::{Value, json};
use support::{TestApp, World, account, call, fetch, post, problem_fields, token};

const BASE: &str = "/api/v1/admin/feature-flags";
const FEATURES: &str = "/api/v1/features";

fn get(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

fn patch(uri: &str, body: Value) -> TestRequest {
    TestRequest::patch().uri(uri).set_json(body)
}

fn new_flag(key: &str, percent: f64) -> Value {
    json!({
        "key": key, "description": "Le nouvel éditeur de ressources.",
        "enabled": true, "rolloutPercent": percent
    })
}

async fn created(app: &impl TestApp, admin: &str, body: Value) -> Value {
    let answer = fetch(app, post(BASE, body), Some(admin)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json());
    let flag = answer.json();
    assert_eq!(
        answer.header(header::LOCATION),
        format!("{BASE}/{}", flag["key"].as_str().unwrap())
    );
    flag
}

/// The caller's flags, as `GET /api/v1/features` answers them.
async fn features(app: &impl TestApp, token: Option<&str>) -> Value {
    let (status, body) = call(app, get(FEATURES), token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["flags"].clone()
}

/// A flag as another node would have stored it.
fn stored(key: &str, percent: f64) -> FeatureFlag {
    let key = FlagKey::parse(key).unwrap();
    FeatureFlag::create(
        key.clone(),
        FlagSettings {
            description: FlagDescription::parse("Ailleurs.").unwrap(),
            enabled: true,
            rollout: Rollout::from_percent(percent).unwrap(),
            group: key,
            regions: BTreeSet::new(),
            roles: BTreeSet::new(),
        },
        time::macros::datetime!(2026-11-29 09:00 UTC),
    )
}

#[actix_web::test]
async fn only_administrators_with_two_factor_manage_flags() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, moderator) = account(&world.fx, "modo", Role::Moderator, true).await;
    let (_, without) = account(&world.fx, "admin1", Role::Administrator, false).await;
    let (_, admin) = account(&world.fx, "admin2", Role::Administrator, true).await;
    created(&app, &admin, new_flag("nouvel-editeur", 15.0)).await;
    let one = format!("{BASE}/nouvel-editeur");

    assert!(
        fetch(&app, get(BASE), None)
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    for (who, code) in [
        (&lea, "forbidden"),
        (&moderator, "forbidden"),
        (&without, "two_factor_required"),
    ] {
        for req in [
            get(BASE),
            post(BASE, new_flag("autre", 1.0)),
            get(&one),
            patch(&one, json!({"version": 0, "rolloutPercent": 100})),
            TestRequest::delete().uri(&one),
        ] {
            assert!(
                fetch(&app, req, Some(who))
                    .await
                    .is_problem(StatusCode::FORBIDDEN, code),
                "{code}"
            );
        }
    }
    let (_, list) = call(&app, get(BASE), Some(&admin)).await;
    assert_eq!(list["items"][0]["version"], 0, "nothing changed");
}

#[actix_web::test]
async fn an_administrator_creates_raises_and_deletes_a_flag() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;

    let flag = created(
        &app,
        &admin,
        json!({
            "key": "nouvel-editeur", "description": "  Le nouvel éditeur.  ",
            "rolloutPercent": 12.5, "regions": ["53", "11", "53"], "roles": ["citizen"]
        }),
    )
    .await;

    assert_eq!(flag["key"], "nouvel-editeur");
    assert_eq!(flag["description"], "Le nouvel éditeur.");
    assert_eq!(flag["enabled"], false, "off unless said otherwise");
    assert_eq!(flag["rolloutPercent"], 12.5);
    assert_eq!(flag["group"], "nouvel-editeur");
    assert_eq!(flag["regions"], json!(["11", "53"]));
    assert_eq!(flag["roles"], json!(["citizen"]));
    assert_eq!(flag["version"], 0);
    assert_eq!(flag["createdAt"], flag["updatedAt"]);
    assert!(
        fetch(
            &app,
            post(BASE, new_flag("nouvel-editeur", 1.0)),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "flag_exists")
    );

    let one = format!("{BASE}/nouvel-editeur");
    let (status, raised) = call(
        &app,
        patch(
            &one,
            json!({"version": 0, "enabled": true, "rolloutPercent": 30, "regions": []}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{raised}");
    assert_eq!(raised["version"], 1);
    assert_eq!(raised["enabled"], true);
    assert_eq!(raised["rolloutPercent"], 30.0);
    assert_eq!(raised["regions"], json!([]));
    assert_eq!(raised["roles"], json!(["citizen"]), "kept");
    assert!(
        fetch(
            &app,
            patch(&one, json!({"version": 0, "enabled": false})),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::CONFLICT, "flag_changed")
    );
    let (_, read) = call(&app, get(&one), Some(&admin)).await;
    assert_eq!(read, raised);
    let (_, list) = call(&app, get(BASE), Some(&admin)).await;
    assert_eq!(list["items"], json!([raised]));
    let actions = world.fx.audit.actions();
    assert!(actions.ends_with(&["feature_flag_created", "feature_flag_changed"]));

    let answer = fetch(&app, TestRequest::delete().uri(&one), Some(&admin)).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    for req in [get(&one), TestRequest::delete().uri(&one)] {
        assert!(
            fetch(&app, req, Some(&admin))
                .await
                .is_problem(StatusCode::NOT_FOUND, "not_found")
        );
    }
    // A path that is no key names no flag.
    assert!(
        fetch(&app, get(&format!("{BASE}/Nouvel_Editeur")), Some(&admin))
            .await
            .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
}

#[actix_web::test]
async fn bad_settings_are_validation_problems_naming_each_field() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;

    let (status, problem) = call(
        &app,
        post(
            BASE,
            json!({
                "key": "Nouvel Editeur", "description": " ", "rolloutPercent": 12.345,
                "group": "-", "regions": ["53", "77"]
            }),
        ),
        Some(&admin),
    )
    .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["code"], "validation_failed");
    assert_eq!(
        problem_fields(&problem),
        ["key", "description", "rolloutPercent", "group", "regions"]
    );
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_flag_key",
            "invalid_flag_description",
            "invalid_rollout",
            "invalid_flag_key",
            "invalid_region"
        ]
    );
    for (body, field) in [
        (new_flag("a", 100.5), "rolloutPercent"),
        (new_flag("a", -1.0), "rolloutPercent"),
    ] {
        let (status, problem) = call(&app, post(BASE, body), Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem_fields(&problem), [field]);
    }
    // Schema errors: an unknown member, an unknown role.
    let mut unknown = new_flag("a", 1.0);
    unknown["percent"] = json!(1);
    let mut role = new_flag("a", 1.0);
    role["roles"] = json!(["admin"]);
    for body in [unknown, role] {
        assert!(
            fetch(&app, post(BASE, body), Some(&admin))
                .await
                .is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        );
    }
    created(&app, &admin, new_flag("a", 1.0)).await;
    let (status, problem) = call(
        &app,
        patch(
            &format!("{BASE}/a"),
            json!({"version": 0, "rolloutPercent": 101}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "invalid_rollout");
    assert!(
        fetch(
            &app,
            patch(&format!("{BASE}/a"), json!({"rolloutPercent": 5})),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "the version is required"
    );
}

#[actix_web::test]
async fn visitors_get_only_the_flags_on_for_everybody() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    created(&app, &admin, new_flag("partout", 100.0)).await;
    created(&app, &admin, new_flag("canari", 99.99)).await;
    let mut regional = new_flag("bretagne", 100.0);
    regional["regions"] = json!(["53"]);
    created(&app, &admin, regional).await;

    assert_eq!(
        features(&app, None).await,
        json!({"bretagne": false, "canari": false, "partout": true})
    );
    assert!(
        fetch(&app, get(FEATURES), Some("not-a-token"))
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "invalid_token"),
        "a token sent must be valid"
    );
}

#[actix_web::test]
async fn an_account_gets_its_bucket_role_and_region() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    created(&app, &admin, new_flag("moitie", 50.0)).await;
    let mut regional = new_flag("bretagne", 100.0);
    regional["regions"] = json!(["53"]);
    created(&app, &admin, regional).await;
    let mut staff = new_flag("equipe", 100.0);
    staff["roles"] = json!(["moderator", "administrator"]);
    created(&app, &admin, staff).await;
    let group = FlagKey::parse("moitie").unwrap();

    let mut on = 0;
    for n in 0..20 {
        let (id, citizen) = account(&world.fx, &format!("citoyen{n}"), Role::Citizen, false).await;
        let flags = features(&app, Some(&citizen)).await;
        // The domain's rule on the account's id, and the same at every call.
        let expected = bucket(&group, id) < 5_000;
        assert_eq!(flags["moitie"], expected, "citoyen{n}");
        assert_eq!(features(&app, Some(&citizen)).await, flags);
        assert_eq!(flags["equipe"], false);
        assert_eq!(flags["bretagne"], false, "no region yet");
        on += usize::from(expected);
    }
    assert!((1..20).contains(&on), "{on} of 20 at 50%");

    let lea = token(&app, &world.fx, "lea").await;
    let (status, _) = call(
        &app,
        patch("/api/v1/me", json!({"region": "53"})),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        features(&app, Some(&lea)).await["bretagne"],
        true,
        "moved: at once"
    );
    assert_eq!(features(&app, Some(&admin)).await["equipe"], true);
}

#[actix_web::test]
async fn features_are_answered_from_memory_and_refreshed_from_the_store() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin1", Role::Administrator, true).await;
    let lea = token(&app, &world.fx, "lea").await;
    created(&app, &admin, new_flag("nouvel-editeur", 0.0)).await;
    assert_eq!(features(&app, Some(&lea)).await["nouvel-editeur"], false);

    // A change through this application is answered at once...
    let (status, _) = call(
        &app,
        patch(
            &format!("{BASE}/nouvel-editeur"),
            json!({"version": 0, "rolloutPercent": 100}),
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let reads = world.flag_store.reads();
    for _ in 0..50 {
        assert_eq!(features(&app, Some(&lea)).await["nouvel-editeur"], true);
        assert_eq!(features(&app, None).await["nouvel-editeur"], true);
    }
    // ...without reading the store, which may even be down.
    assert_eq!(world.flag_store.reads(), reads);
    world.flag_store.set_down(true);
    assert_eq!(features(&app, None).await["nouvel-editeur"], true);
    world.flag_store.set_down(false);

    // Another node's flag arrives with the next refresh.
    world.flag_store.put(stored("ailleurs", 100.0));
    assert_eq!(features(&app, None).await.get("ailleurs"), None);
    world.feature_flags.refresh().await.unwrap();
    assert_eq!(features(&app, None).await["ailleurs"], true);
}
