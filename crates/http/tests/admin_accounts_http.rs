//! Account administration and the staff access journal over HTTP:
//! `GET /api/v1/admin/accounts`, `GET /api/v1/admin/accounts/{id}` and
//! `GET /api/v1/me/access-log`, on in-memory fakes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_domain::identity::Role;
use serde_json::Value;
use support::{TestApp, World, account, call, fetch, token};

fn get(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

/// Percent-encodes a query value.
fn enc(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const REASON: &str = "Demande d'assistance n° 2026-1142";

async fn id_of(app: &impl TestApp, token: &str) -> String {
    let (_, me) = call(app, get("/api/v1/me"), Some(token)).await;
    me["id"].as_str().unwrap().to_owned()
}

fn usernames(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn only_administrators_with_two_factor_list_accounts() {
    let world = World::new();
    let app = world.app().await;
    let lea = token(&app, &world.fx, "lea").await;
    let (_, moderator) = account(&world.fx, "modo", Role::Moderator, true).await;
    let (_, admin_without) = account(&world.fx, "admin1", Role::Administrator, false).await;
    let (_, admin) = account(&world.fx, "admin2", Role::Administrator, true).await;

    assert!(
        fetch(&app, get("/api/v1/admin/accounts"), None)
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    for (token, code) in [
        (&lea, "forbidden"),
        (&moderator, "forbidden"),
        (&admin_without, "two_factor_required"),
    ] {
        let answer = fetch(&app, get("/api/v1/admin/accounts"), Some(token)).await;
        assert!(answer.is_problem(StatusCode::FORBIDDEN, code), "{code}");
    }
    let (status, page) = call(&app, get("/api/v1/admin/accounts"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(usernames(&page), ["admin1", "admin2", "lea", "modo"]);
}

#[actix_web::test]
async fn the_list_shows_no_personal_data_and_pages_by_username() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    for name in ["lea", "leon", "lea_m", "tom"] {
        token(&app, &world.fx, name).await;
    }

    let (status, first) = call(
        &app,
        get("/api/v1/admin/accounts?username=LE&limit=2"),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(usernames(&first), ["lea", "lea_m"], "without case");
    let item = first["items"][0].as_object().unwrap();
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "createdAt",
            "id",
            "role",
            "status",
            "suspendedUntil",
            "username"
        ],
        "no email, no names, no country, no phone"
    );
    assert_eq!(item["role"], "citizen");
    assert_eq!(item["status"], "active");
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        get(&format!(
            "/api/v1/admin/accounts?username=le&limit=2&cursor={cursor}"
        )),
        Some(&admin),
    )
    .await;
    assert_eq!(usernames(&second), ["leon"]);
    assert!(second["nextCursor"].is_null());
    assert!(world.accounts.journal.all().is_empty());
}

#[actix_web::test]
async fn role_and_status_filter_and_a_suspension_shows_its_end() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let lea = token(&app, &world.fx, "lea").await;
    token(&app, &world.fx, "tom").await;
    let lea_id = id_of(&app, &lea).await;
    let (status, _) = call(
        &app,
        TestRequest::post()
            .uri(&format!("/api/v1/admin/accounts/{lea_id}/suspension"))
            .set_json(serde_json::json!({"reason": "Spam", "until": "2026-12-06T10:00:00Z"})),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (_, suspended) = call(
        &app,
        get("/api/v1/admin/accounts?status=suspended"),
        Some(&admin),
    )
    .await;
    assert_eq!(usernames(&suspended), ["lea"]);
    assert_eq!(suspended["items"][0]["status"], "suspended");
    assert_eq!(
        suspended["items"][0]["suspendedUntil"],
        "2026-12-06T10:00:00Z"
    );
    let (_, citizens) = call(
        &app,
        get("/api/v1/admin/accounts?role=citizen&status=active"),
        Some(&admin),
    )
    .await;
    assert_eq!(usernames(&citizens), ["tom"]);
}

#[actix_web::test]
async fn every_bad_query_is_a_400_naming_its_parameter() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let email = enc("lea@exemple.fr");
    let reason = enc(REASON);
    for (query, parameter) in [
        (
            format!("username=lea&email={email}&reason={reason}"),
            "email",
        ),
        (format!("email={email}"), "reason"),
        (format!("email={email}&reason="), "reason"),
        (
            format!("email={email}&reason={}", "a".repeat(201)),
            "reason",
        ),
        (format!("email={email}&reason=a%0Ab"), "reason"),
        (
            format!("email={email}&reason={reason}&cursor=lea"),
            "cursor",
        ),
        (format!("email=pas-une-adresse&reason={reason}"), "email"),
        (format!("username=lea&reason={reason}"), "reason"),
        ("username=l%C3%A9a".into(), "username"),
        ("role=admin".into(), "role"),
        ("status=banned".into(), "status"),
        ("limit=0".into(), "limit"),
        ("limit=101".into(), "limit"),
        ("limit=abc".into(), "limit"),
        ("cursor=a%20b".into(), "cursor"),
    ] {
        let answer = fetch(
            &app,
            get(&format!("/api/v1/admin/accounts?{query}")),
            Some(&admin),
        )
        .await;
        assert!(
            answer.is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}: {} {}",
            answer.status,
            answer.json()
        );
        let detail = answer.json()["detail"].as_str().unwrap().to_owned();
        assert!(
            detail.starts_with(&format!("`{parameter}`")),
            "{query}: {detail}"
        );
    }
    let unknown = fetch(&app, get("/api/v1/admin/accounts?nickname=x"), Some(&admin)).await;
    assert!(unknown.is_problem(StatusCode::BAD_REQUEST, "invalid_query"));
}

#[actix_web::test]
async fn an_exact_email_finds_one_account_and_the_person_sees_the_lookup() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "camille", Role::Administrator, true).await;
    let lea = token(&app, &world.fx, "lea").await;
    token(&app, &world.fx, "leon").await;

    let (status, page) = call(
        &app,
        get(&format!(
            "/api/v1/admin/accounts?email={}&reason={}",
            enc(" LEA@exemple.fr"),
            enc(REASON)
        )),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(usernames(&page), ["lea"]);
    assert!(page["nextCursor"].is_null());
    let (_, none) = call(
        &app,
        get(&format!(
            "/api/v1/admin/accounts?email={}&reason={}",
            enc("personne@exemple.fr"),
            enc(REASON)
        )),
        Some(&admin),
    )
    .await;
    assert_eq!(none["items"], serde_json::json!([]));

    let (status, log) = call(&app, get("/api/v1/me/access-log"), Some(&lea)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["staffUsername"], "camille");
    assert_eq!(items[0]["staffRole"], "administrator");
    assert_eq!(items[0]["reason"], REASON);
    assert_eq!(items[0]["fields"], serde_json::json!(["email"]));
}

#[actix_web::test]
async fn reading_an_account_needs_a_reason_and_is_in_the_persons_access_log() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "camille", Role::Administrator, true).await;
    let lea = token(&app, &world.fx, "lea").await;
    let tom = token(&app, &world.fx, "tom").await;
    let lea_id = id_of(&app, &lea).await;
    let path = format!("/api/v1/admin/accounts/{lea_id}");

    let missing = fetch(&app, get(&path), Some(&admin)).await;
    assert!(missing.is_problem(StatusCode::BAD_REQUEST, "invalid_query"));
    assert!(
        missing.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("`reason`")
    );
    assert!(world.accounts.journal.all().is_empty());

    let (status, detail) = call(
        &app,
        get(&format!("{path}?reason={}", enc(REASON))),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["username"], "lea");
    assert_eq!(detail["email"], "lea@exemple.fr");
    assert_eq!(detail["firstName"], "Léa");
    assert_eq!(detail["lastName"], "Martin");
    assert_eq!(detail["country"], "FR");
    assert!(detail["phone"].is_null());
    assert_eq!(detail["status"], "active");
    assert_eq!(detail["emailVerified"], true);
    assert_eq!(
        detail["fieldsRead"],
        serde_json::json!(["email", "first_name", "last_name", "country"])
    );

    let (_, log) = call(&app, get("/api/v1/me/access-log"), Some(&lea)).await;
    let entry = &log["items"][0];
    assert_eq!(entry["staffUsername"], "camille");
    assert_eq!(entry["staffRole"], "administrator");
    assert_eq!(entry["reason"], REASON);
    assert_eq!(entry["fields"], detail["fieldsRead"]);
    assert!(entry["at"].as_str().unwrap().starts_with("2026-11-29T"));
    let (_, toms) = call(&app, get("/api/v1/me/access-log"), Some(&tom)).await;
    assert_eq!(toms["items"], serde_json::json!([]), "only one's own");
}

#[actix_web::test]
async fn staff_read_down_the_hierarchy_and_unknown_accounts_are_404() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let (other, _) = account(&world.fx, "admin2", Role::Administrator, true).await;
    let (_, admin_without) = account(&world.fx, "admin3", Role::Administrator, false).await;
    let lea = token(&app, &world.fx, "lea").await;
    let lea_id = id_of(&app, &lea).await;
    let read = |id: String| get(&format!("/api/v1/admin/accounts/{id}?reason=Contr%C3%B4le"));

    assert!(
        fetch(&app, read(other.as_uuid().to_string()), Some(&admin))
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        fetch(&app, read(lea_id.clone()), Some(&admin_without))
            .await
            .is_problem(StatusCode::FORBIDDEN, "two_factor_required")
    );
    assert!(
        fetch(&app, read(lea_id), Some(&lea))
            .await
            .is_problem(StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        fetch(
            &app,
            read(rr_domain::Uuid::now_v7().to_string()),
            Some(&admin)
        )
        .await
        .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
    assert!(
        fetch(&app, read("not-a-uuid".into()), Some(&admin))
            .await
            .is_problem(StatusCode::NOT_FOUND, "not_found")
    );
    assert!(world.accounts.journal.all().is_empty());
}

#[actix_web::test]
async fn nothing_is_shown_when_the_journal_is_down() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "admin", Role::Administrator, true).await;
    let lea = token(&app, &world.fx, "lea").await;
    let lea_id = id_of(&app, &lea).await;
    world.accounts.journal.set_down(true);

    let answer = fetch(
        &app,
        get(&format!(
            "/api/v1/admin/accounts/{lea_id}?reason=Contr%C3%B4le"
        )),
        Some(&admin),
    )
    .await;
    assert!(answer.is_problem(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"));
    assert!(!String::from_utf8_lossy(&answer.body).contains("exemple.fr"));
}

#[actix_web::test]
async fn the_access_log_pages_newest_first_and_refuses_foreign_cursors() {
    let world = World::new();
    let app = world.app().await;
    let (_, admin) = account(&world.fx, "camille", Role::Administrator, true).await;
    let lea = token(&app, &world.fx, "lea").await;
    let lea_id = id_of(&app, &lea).await;
    for n in 0..3 {
        let (status, _) = call(
            &app,
            get(&format!(
                "/api/v1/admin/accounts/{lea_id}?reason=Dossier%20{n}"
            )),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        world.fx.clock.advance(time::Duration::seconds(1));
    }

    let (_, first) = call(&app, get("/api/v1/me/access-log?limit=2"), Some(&lea)).await;
    let reasons = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["reason"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(reasons(&first), ["Dossier 2", "Dossier 1"]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        get(&format!("/api/v1/me/access-log?limit=2&cursor={cursor}")),
        Some(&lea),
    )
    .await;
    assert_eq!(reasons(&second), ["Dossier 0"]);
    assert!(second["nextCursor"].is_null());

    for query in ["limit=0", "limit=101", "cursor=garbage", "cursor=1.2"] {
        assert!(
            fetch(
                &app,
                get(&format!("/api/v1/me/access-log?{query}")),
                Some(&lea)
            )
            .await
            .is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
    }
    assert!(
        fetch(&app, get("/api/v1/me/access-log"), None)
            .await
            .is_problem(StatusCode::UNAUTHORIZED, "unauthenticated")
    );
}
