//! Every migration goes up, down and up again on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::ports::{
    AuditEvent, ChainVerification, RequestAction, RequestEvent, ResourceRecord,
};
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_domain::subject_rights::{RequestChannel, RequestKind, SubjectRequest};
use rr_persistence::testing::TestDatabase;
use rr_persistence::{Database, Engine};
use sea_orm::{ConnectionTrait, Statement};
use support::identity::{now, user};

/// A draft by `author`, classified by seeded reference data.
fn resource(author: UserId) -> ResourceRecord {
    let seeded = |id: &str| ReferenceId::from_uuid(uuid::Uuid::parse_str(id).unwrap());
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("# Pistes").unwrap(),
        category: seeded("01a22499-f800-7107-8000-000000000000"),
        resource_type: seeded("01a22499-f800-7302-8000-000000000000"),
        relation_types: vec![seeded("01a22499-f800-7203-8000-000000000000")],
        external_link: None,
        visibility: Visibility::Private,
        state: Lifecycle::Draft,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: now(),
        published_at: None,
        deleted_at: None,
        version: 0,
    }
}

async fn up_down_up_leaves_the_same_schema_and_data(test_db: TestDatabase) {
    let db = Database::connect(&test_db.settings()).await.unwrap();
    let total = db.migration_status().await.unwrap().len();
    assert!(total >= 1);

    db.migrate_up(None).await.unwrap();
    assert!(
        db.migration_status()
            .await
            .unwrap()
            .iter()
            .all(|m| m.applied)
    );
    let before = db.reference_data().list_categories().await.unwrap();
    let lea = user(1);
    db.users().insert(&lea).await.unwrap();
    let draft = resource(lea.id);
    db.resources().insert(&draft).await.unwrap();
    db.audit_log()
        .append(
            AuditEvent {
                action: "account_created",
                actor: None,
                subject: Some(lea.id),
                detail: String::new(),
            },
            now(),
        )
        .await
        .unwrap();

    db.migrate_down(Some(u32::try_from(total).unwrap()))
        .await
        .unwrap();
    assert!(
        db.migration_status()
            .await
            .unwrap()
            .iter()
            .all(|m| !m.applied)
    );
    assert!(
        db.reference_data().list_categories().await.is_err(),
        "tables are gone after down"
    );
    assert!(db.users().find(lea.id).await.is_err());
    assert!(db.resources().find(draft.id).await.is_err());
    assert!(db.audit_log().verify().await.is_err());

    db.migrate_up(None).await.unwrap();
    assert_eq!(db.reference_data().list_categories().await.unwrap(), before);
    assert_eq!(db.users().find(lea.id).await.unwrap(), None);
    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::Intact { entries: 0 }
    );
    assert_eq!(db.resources().find(draft.id).await.unwrap(), None);
    db.users().insert(&lea).await.unwrap();
    db.resources().insert(&draft).await.unwrap();
}

/// The tables of the test database, sorted (FTS5 shadow tables included).
async fn tables(test_db: &TestDatabase) -> Vec<String> {
    let sql = match test_db.engine() {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Engine::MariaDb => {
            "SELECT TABLE_NAME FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME"
        }
    };
    rr_persistence::testing::query(test_db.url(), sql)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row[0].clone())
        .collect()
}

async fn rows(test_db: &TestDatabase, table: &str) -> String {
    rr_persistence::testing::query(test_db.url(), &format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap()[0][0]
        .clone()
}

/// Rolls back every applied migration after the one whose name holds
/// `name`, together, so that it is the last one applied.
async fn down_to(db: &Database, name: &str) {
    let later = db
        .migration_status()
        .await
        .unwrap()
        .iter()
        .rev()
        .take_while(|m| !m.name.contains(name))
        .filter(|m| m.applied)
        .count();
    if later > 0 {
        db.migrate_down(Some(u32::try_from(later).unwrap()))
            .await
            .unwrap();
    }
}

/// `after` is `before` without `gone`.
fn only_gone(before: &[String], after: &[String], gone: &[&str]) {
    let expected: Vec<&String> = before
        .iter()
        .filter(|t| !gone.iter().any(|g| t.starts_with(g)))
        .collect();
    assert_eq!(after.iter().collect::<Vec<_>>(), expected, "{gone:?}");
}

/// Repositories work on the latest schema only, so each step down is
/// checked on the schema and the rows: it removes its own tables and
/// nothing else, and the rows of the others stay.
async fn each_migration_goes_down_alone(test_db: TestDatabase) {
    let db = Database::connect(&test_db.settings()).await.unwrap();
    db.migrate_up(None).await.unwrap();
    let lea = user(1);
    db.users().insert(&lea).await.unwrap();
    let draft = resource(lea.id);
    db.resources().insert(&draft).await.unwrap();
    let all = tables(&test_db).await;

    // Feature flags (000015), after the migrations above it, together: its
    // table goes, the accounts stay.
    down_to(&db, "_000015_feature_flags").await;
    let with_flags = tables(&test_db).await;
    assert!(with_flags.iter().any(|t| t == "feature_flags"));
    db.migrate_down(Some(1)).await.unwrap();
    only_gone(&with_flags, &tables(&test_db).await, &["feature_flags"]);
    assert_eq!(rows(&test_db, "users").await, "1", "accounts stay");

    // The measures on requests (000014): going down forgets their history
    // entries only; the table and its other entries stay, and the newer
    // actions are refused again.
    let request = SubjectRequest::receive(
        lea.id,
        RequestKind::Objection,
        RequestChannel::Letter,
        now().date(),
        None,
        now(),
        lea.id,
    )
    .unwrap();
    let event = |action| RequestEvent {
        at: now(),
        actor: Some(lea.id),
        action,
        detail: String::new(),
    };
    let requests = db.subject_requests();
    let before = tables(&test_db).await;
    requests
        .insert(&request, &event(RequestAction::Recorded))
        .await
        .unwrap();
    requests
        .append(request.id, &event(RequestAction::ObjectionRecorded))
        .await
        .unwrap();
    down_to(&db, "_000014_request_measures").await;
    db.migrate_down(Some(1)).await.unwrap();
    assert_eq!(tables(&test_db).await, before);
    assert_eq!(rows(&test_db, "subject_request_events").await, "1");
    assert!(
        requests
            .append(request.id, &event(RequestAction::Rectified))
            .await
            .is_err()
    );
    db.migrate_up(Some(1)).await.unwrap();
    requests
        .append(request.id, &event(RequestAction::Rectified))
        .await
        .unwrap();
    assert_eq!(rows(&test_db, "subject_request_events").await, "2");

    // Erasure and data-subject requests (000012), after the migrations above
    // it, together: its three tables go, the accounts stay.
    down_to(&db, "_000012_subject_rights").await;
    let with_requests = tables(&test_db).await;
    db.migrate_down(Some(1)).await.unwrap();
    only_gone(
        &with_requests,
        &tables(&test_db).await,
        &[
            "subject_request_events",
            "subject_requests",
            "username_reservations",
        ],
    );
    assert_eq!(rows(&test_db, "users").await, "1", "accounts stay");

    // The access journal (000009), after the migrations above it, together:
    // its table and its two indexes on `users` go, the accounts stay.
    down_to(&db, "_000009_access_journal").await;
    let users_indexes = async || -> Vec<String> {
        let sql = match test_db.engine() {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' \
                 AND name LIKE 'idx_users_%_username'"
            }
            Engine::MariaDb => {
                "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' \
                 AND INDEX_NAME LIKE 'idx_users_%_username'"
            }
        };
        let mut names: Vec<String> = rr_persistence::testing::query(test_db.url(), sql)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row[0].clone())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        users_indexes().await,
        ["idx_users_role_username", "idx_users_status_username"]
    );
    let with_journal = tables(&test_db).await;
    db.migrate_down(Some(1)).await.unwrap();
    only_gone(
        &with_journal,
        &tables(&test_db).await,
        &["staff_access_log"],
    );
    assert!(users_indexes().await.is_empty());
    assert_eq!(rows(&test_db, "users").await, "1", "accounts stay");

    // Notifications (000007), after the migrations above it, together.
    down_to(&db, "_000007_notifications").await;
    let with_notifications = tables(&test_db).await;
    db.migrate_down(Some(1)).await.unwrap();
    only_gone(
        &with_notifications,
        &tables(&test_db).await,
        &["notifications"],
    );
    assert_eq!(rows(&test_db, "users").await, "1", "accounts stay");
    assert_eq!(rows(&test_db, "resources").await, "1", "resources stay");

    // Moderation (000006), after the migrations above it, together.
    down_to(&db, "_000006_moderation").await;
    let with_moderation = tables(&test_db).await;
    db.migrate_down(Some(1)).await.unwrap();
    only_gone(
        &with_moderation,
        &tables(&test_db).await,
        &["moderation_log", "reports"],
    );
    assert_eq!(rows(&test_db, "resources").await, "1", "resources stay");

    // Comments (000005). The migrations after it that have no step of their
    // own above go down first, together.
    down_to(&db, "_000005_comments").await;
    let with_comments = tables(&test_db).await;
    db.migrate_down(Some(1)).await.unwrap();
    let without_comments = tables(&test_db).await;
    only_gone(&with_comments, &without_comments, &["comments"]);
    assert_eq!(rows(&test_db, "resources").await, "1", "resources stay");

    db.migrate_down(Some(1)).await.unwrap();
    let without_catalogue = tables(&test_db).await;
    only_gone(
        &without_comments,
        &without_catalogue,
        &[
            "attachments",
            "consultation_events",
            "favourites",
            "resource_progress",
            "resource_search",
            "search_events",
        ],
    );
    assert_eq!(rows(&test_db, "resources").await, "1", "resources stay");
    assert_eq!(rows(&test_db, "users").await, "1");

    db.migrate_down(Some(1)).await.unwrap();
    let without_resources = tables(&test_db).await;
    only_gone(
        &without_catalogue,
        &without_resources,
        &["resource_relation_types", "resource_shares", "resources"],
    );
    assert_eq!(rows(&test_db, "users").await, "1", "accounts stay");

    db.migrate_down(Some(1)).await.unwrap();
    let without_identity = tables(&test_db).await;
    only_gone(
        &without_resources,
        &without_identity,
        &[
            "audit_log",
            "one_time_tokens",
            "recovery_codes",
            "sessions",
            "spent_refresh_tokens",
            "users",
        ],
    );
    assert_eq!(
        rows(&test_db, "categories").await,
        "13",
        "reference data stays"
    );

    db.migrate_up(None).await.unwrap();
    assert_eq!(tables(&test_db).await, all);
    assert_eq!(db.users().find(lea.id).await.unwrap(), None);
    db.users().insert(&lea).await.unwrap();
    assert_eq!(db.users().find(lea.id).await.unwrap(), Some(lea));
    assert_eq!(db.resources().find(draft.id).await.unwrap(), None);
    db.resources().insert(&draft).await.unwrap();
    assert_eq!(db.resources().find(draft.id).await.unwrap(), Some(draft));
}

/// Columns holding an instant, in every table of every migration: a migration
/// that adds one updates this count, after checking its type here.
const INSTANT_COLUMNS: usize = 34
    // 000010: privacy_policies.published_at, consents.recorded_at, users.restricted_at.
    + 3
    // 000011: data_exports.requested_at, started_at, finished_at, expires_at
    // and downloaded_at.
    + 5
    // 000012: username_reservations.reserved_until, subject_requests.closed_at
    // and recorded_at, subject_request_events.at.
    + 4
    // 000013: users.last_active_at and inactivity_warned_at,
    // audit_log_anchor.purged_at, breaches.known_at, occurred_at, recorded_at,
    // updated_at, authority_notified_at and people_notified_at,
    // breach_affected_accounts.attached_at.
    + 10
    // 000015: feature_flags.created_at and updated_at.
    + 2;

/// Instants must keep their microseconds and never go through a time zone:
/// MariaDB `datetime(6)` everywhere, no `timestamp`; SQLite text.
async fn instants_are_microsecond_datetimes_never_timestamps(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let raw = support::identity::raw(&test_db).await;
    drop(db);
    let backend = raw.get_database_backend();
    match test_db.engine() {
        Engine::MariaDb => {
            let rows = raw
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, DATETIME_PRECISION \
                     FROM information_schema.COLUMNS \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'seaql_migrations' \
                     AND DATA_TYPE IN ('datetime', 'timestamp')",
                ))
                .await
                .unwrap();
            assert_eq!(rows.len(), INSTANT_COLUMNS);
            for row in rows {
                let column: String = row.try_get_by_index(1).unwrap();
                let data_type: String = row.try_get_by_index(2).unwrap();
                let precision: u32 = row.try_get_by_index(3).unwrap();
                assert_eq!((data_type.as_str(), precision), ("datetime", 6), "{column}");
            }
        }
        Engine::Sqlite => {
            let rows = raw
                .query_all_raw(Statement::from_string(
                    backend,
                    // Calendar days (`date_text`, 000012) are no instants.
                    "SELECT p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND (p.type LIKE '%date%' OR p.type LIKE '%time%') \
                     AND p.type <> 'date_text'",
                ))
                .await
                .unwrap();
            assert_eq!(rows.len(), INSTANT_COLUMNS);
            for row in rows {
                let column: String = row.try_get_by_index(0).unwrap();
                let column_type: String = row.try_get_by_index(1).unwrap();
                assert_eq!(column_type, "datetime_text", "{column}");
            }
        }
    }
}

async fn migrating_twice_is_harmless(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;

    db.migrate_up(None).await.unwrap();

    assert_eq!(
        db.reference_data()
            .list_relation_types()
            .await
            .unwrap()
            .len(),
        6
    );
}

async fn one_step_down_undoes_only_the_last_migration(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let total = db.migration_status().await.unwrap().len();

    db.migrate_down(None).await.unwrap();

    let applied = db
        .migration_status()
        .await
        .unwrap()
        .iter()
        .filter(|m| m.applied)
        .count();
    assert_eq!(applied, total - 1);
}

on_every_engine!(
    up_down_up_leaves_the_same_schema_and_data,
    migrating_twice_is_harmless,
    one_step_down_undoes_only_the_last_migration,
    each_migration_goes_down_alone,
    instants_are_microsecond_datetimes_never_timestamps,
);
