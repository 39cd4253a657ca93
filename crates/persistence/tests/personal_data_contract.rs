//! `PersonalData` on the real migrations on every engine: the export's
//! completeness against the live schema, and each section holding the
//! person's rows, all of them, page after page, and nobody else's.
//!
//! The schema walk discovers tables and columns from the database itself
//! (`information_schema` on MariaDB, `pragma` on SQLite): a column refers to
//! an account when it has a foreign key to `users.id`, or when its name ends
//! in `_by`, or ends in `_id` without being one of the names known to refer
//! to something else. Every such column must be one the export reads
//! (`SeaOrmPersonalData::covered_columns`, the list the queries are built
//! from): a table added later that refers to accounts fails this test until
//! the export covers it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::{BTreeMap, BTreeSet};

use rr_application::RepositoryError;
use rr_application::ports::{ExportRow, ExportValue, PersonalData, ResourceRecord, SectionCursor};
use rr_application::test_util::FakePersonalData;
use rr_domain::identity::{DataExport, ExportOrigin, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::testing::TestDatabase;
use rr_persistence::{Database, SeaOrmPersonalData};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};
use support::identity::{later, now, stored_user};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Column names ending in `_id` that never hold an account id.
const NOT_ACCOUNTS: [&str; 14] = [
    "resource_id",
    "category_id",
    "resource_type_id",
    "relation_type_id",
    "comment_id",
    "reply_id",
    "parent_id",
    "root_id",
    "target_id",
    "report_id",
    "session_id",
    "data_key_id",
    "request_id",
    "breach_id",
];

async fn strings(conn: &DatabaseConnection, sql: &str) -> Vec<Vec<String>> {
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            (0..row.column_names().len())
                .map(|i| row.try_get_by_index::<String>(i).unwrap())
                .collect()
        })
        .collect()
}

/// Every `(table, column)` of the live schema.
async fn schema(conn: &DatabaseConnection) -> BTreeSet<(String, String)> {
    let sql = match conn.get_database_backend() {
        DatabaseBackend::MySql => {
            "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR) \
             FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
             ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
             WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'"
        }
        _ => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
    };
    strings(conn, sql)
        .await
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect()
}

/// Every `(table, column)` with a foreign key to `users`.
async fn foreign_keys_to_users(conn: &DatabaseConnection) -> BTreeSet<(String, String)> {
    let sql = match conn.get_database_backend() {
        DatabaseBackend::MySql => {
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR) \
             FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME = 'users' \
             AND REFERENCED_COLUMN_NAME = 'id'"
        }
        _ => {
            "SELECT m.name, f.\"from\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'users' AND f.\"to\" = 'id'"
        }
    };
    strings(conn, sql)
        .await
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect()
}

/// The columns of the live schema that hold account ids.
async fn account_columns(conn: &DatabaseConnection) -> BTreeSet<(String, String)> {
    let mut found = foreign_keys_to_users(conn).await;
    for (table, column) in schema(conn).await {
        let by_name = column.ends_with("_by")
            || (column.ends_with("_id") && !NOT_ACCOUNTS.contains(&column.as_str()));
        if by_name && table != "seaql_migrations" {
            found.insert((table, column));
        }
    }
    found.insert(("users".into(), "id".into()));
    found
}

fn covered() -> BTreeSet<(String, String)> {
    SeaOrmPersonalData::covered_columns()
        .into_iter()
        .map(|(t, c)| (t.to_owned(), c.to_owned()))
        .collect()
}

async fn every_column_that_refers_to_an_account_is_exported(test_db: TestDatabase) {
    let _db = support::migrated(&test_db).await;
    let conn = support::identity::raw(&test_db).await;
    let wanted = account_columns(&conn).await;
    assert!(
        wanted.contains(&("comments".into(), "author_id".into()))
            && wanted.contains(&("audit_log".into(), "subject_id".into()))
            && wanted.contains(&("reports".into(), "closed_by".into())),
        "the walk finds columns by foreign key and by name: {wanted:?}"
    );
    let covered = covered();
    let missing: Vec<_> = wanted.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "columns holding account ids that the export does not read: {missing:?}; give each \
         a section in crates/persistence/src/repositories/personal_data/sections.rs (or, if \
         it never holds an account id, add its name to NOT_ACCOUNTS here)"
    );
    let all = schema(&conn).await;
    let stale: Vec<_> = covered.difference(&all).collect();
    assert!(
        stale.is_empty(),
        "sections read columns that do not exist: {stale:?}"
    );
}

async fn every_column_of_an_account_is_exported_or_withheld_for_a_reason(test_db: TestDatabase) {
    let _db = support::migrated(&test_db).await;
    let conn = support::identity::raw(&test_db).await;
    let columns: BTreeSet<String> = schema(&conn)
        .await
        .into_iter()
        .filter(|(table, _)| table == "users")
        .map(|(_, column)| column)
        .collect();
    let exported: BTreeSet<String> = SeaOrmPersonalData::exported_user_columns()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let withheld: BTreeSet<String> = SeaOrmPersonalData::withheld_user_columns()
        .iter()
        .map(|(column, reason)| {
            assert!(!reason.is_empty());
            (*column).to_owned()
        })
        .collect();
    assert!(exported.is_disjoint(&withheld), "{exported:?} {withheld:?}");
    let listed: BTreeSet<String> = exported.union(&withheld).cloned().collect();
    assert_eq!(
        listed, columns,
        "each column of users is exported in the account section or withheld with its reason"
    );
}

// ─────────────────────────────── a data set ───────────────────────────────

/// A seeded reference id (see the reference data migration).
fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

fn at(instant: OffsetDateTime) -> Value {
    let utc = instant.to_offset(UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time()).into()
}

fn id(id: uuid::Uuid) -> Value {
    id.into()
}

async fn insert(conn: &DatabaseConnection, table: &str, columns: &[(&str, Value)]) {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let marks = vec!["?"; columns.len()].join(", ");
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({marks})",
        names.join(", ")
    );
    let values = columns.iter().map(|(_, value)| value.clone());
    conn.execute_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        sql,
        values,
    ))
    .await
    .unwrap_or_else(|err| panic!("insert into {table}: {err}"));
}

/// Two citizens, A and B, and a staff member S, with rows in every table
/// that refers to accounts. A is also a moderator of sorts: they closed a
/// report, decided, read B's data and exported it.
struct World {
    db: Database,
    conn: DatabaseConnection,
    a: UserId,
    b: UserId,
}

async fn resource(db: &Database, author: UserId, shared_with: Vec<UserId>) -> ResourceId {
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1, 7),
        resource_type: seeded(3, 2),
        relation_types: vec![seeded(2, 1)],
        external_link: None,
        visibility: if shared_with.is_empty() {
            Visibility::Private
        } else {
            Visibility::Shared
        },
        state: Lifecycle::Draft,
        shared_with,
        created_at: now(),
        updated_at: now(),
        published_at: None,
        deleted_at: None,
        version: 0,
    };
    db.resources().insert(&record).await.unwrap();
    record.id
}

async fn comment(
    conn: &DatabaseConnection,
    author: UserId,
    on: ResourceId,
    body: Option<&str>,
    state: &str,
    reason: Option<&str>,
) -> uuid::Uuid {
    let comment = uuid::Uuid::now_v7();
    insert(
        conn,
        "comments",
        &[
            ("id", id(comment)),
            ("resource_id", id(on.as_uuid())),
            ("root_id", id(comment)),
            ("depth", 0_i16.into()),
            ("author_id", id(author.as_uuid())),
            ("body", body.map(str::to_owned).into()),
            ("as_moderator", false.into()),
            ("state", state.into()),
            ("state_reason", reason.map(str::to_owned).into()),
            ("created_at", at(now())),
            ("updated_at", at(now())),
        ],
    )
    .await;
    comment
}

async fn report(
    conn: &DatabaseConnection,
    reporter: UserId,
    target: (&str, uuid::Uuid),
    on: ResourceId,
    closed_by: Option<UserId>,
) {
    insert(
        conn,
        "reports",
        &[
            ("id", id(uuid::Uuid::now_v7())),
            ("reporter_id", id(reporter.as_uuid())),
            ("target_kind", target.0.into()),
            ("target_id", id(target.1)),
            ("resource_id", id(on.as_uuid())),
            ("reason", "spam".into()),
            (
                "status",
                if closed_by.is_some() {
                    "dismissed"
                } else {
                    "open"
                }
                .into(),
            ),
            ("created_at", at(now())),
            (
                "closed_at",
                match closed_by {
                    Some(_) => at(now()),
                    None => Option::<PrimitiveDateTime>::None.into(),
                },
            ),
            ("closed_by", closed_by.map(|u| u.as_uuid()).into()),
        ],
    )
    .await;
}

async fn audit(
    conn: &DatabaseConnection,
    sequence: i64,
    action: &str,
    actor: Option<UserId>,
    subject: Option<UserId>,
) {
    insert(
        conn,
        "audit_log",
        &[
            ("sequence", sequence.into()),
            ("at", at(later(sequence))),
            ("action", action.into()),
            ("actor_id", actor.map(|u| u.as_uuid()).into()),
            ("subject_id", subject.map(|u| u.as_uuid()).into()),
            ("detail", format!("detail {sequence}").into()),
            ("previous_hash", vec![0_u8; 32].into()),
            ("hash", vec![u8::try_from(sequence).unwrap(); 32].into()),
        ],
    )
    .await;
}

async fn world(test_db: &TestDatabase) -> World {
    let db = support::migrated(test_db).await;
    let conn = support::identity::raw(test_db).await;
    let a = stored_user(&db, 1).await.id;
    let b = stored_user(&db, 2).await.id;
    let s = stored_user(&db, 3).await.id;
    let user = |u: UserId| id(u.as_uuid());

    for (owner, n) in [(a, 1_u8), (a, 2), (b, 3)] {
        insert(
            &conn,
            "sessions",
            &[
                ("id", id(uuid::Uuid::now_v7())),
                ("user_id", user(owner)),
                ("refresh_digest", vec![n; 32].into()),
                ("created_at", at(now())),
                ("last_used_at", at(now())),
                ("expires_at", at(later(3_600))),
                ("client", "Firefox".into()),
            ],
        )
        .await;
    }
    for (owner, n) in [(a, 1_u8), (b, 2)] {
        insert(
            &conn,
            "one_time_tokens",
            &[
                ("digest", vec![n; 32].into()),
                ("purpose", "email_verification".into()),
                ("user_id", user(owner)),
                ("expires_at", at(later(3_600))),
                ("created_at", at(now())),
            ],
        )
        .await;
    }
    for (owner, n) in [(a, 1_u8), (a, 2), (a, 3), (b, 4)] {
        insert(
            &conn,
            "recovery_codes",
            &[("user_id", user(owner)), ("digest", vec![n; 32].into())],
        )
        .await;
    }
    let a1 = resource(&db, a, Vec::new()).await;
    resource(&db, a, vec![b]).await;
    resource(&db, a, Vec::new()).await;
    let b1 = resource(&db, b, vec![a]).await;
    for (on, name) in [(a1, "a.pdf"), (a1, "b.pdf"), (b1, "de-b.pdf")] {
        insert(
            &conn,
            "attachments",
            &[
                ("id", id(uuid::Uuid::now_v7())),
                ("resource_id", id(on.as_uuid())),
                ("digest", "ab".repeat(32).into()),
                ("file_name", name.into()),
                ("media_type", "application/pdf".into()),
                ("size_bytes", 1_000_i64.into()),
                ("created_at", at(now())),
            ],
        )
        .await;
    }
    let mut a_comments = Vec::new();
    for n in 1..=3 {
        a_comments.push(
            comment(
                &conn,
                a,
                b1,
                Some(&format!("texte-de-A-{n}")),
                "visible",
                None,
            )
            .await,
        );
    }
    comment(
        &conn,
        a,
        b1,
        Some("texte-de-A-cache"),
        "hidden",
        Some("Injurieux"),
    )
    .await;
    comment(&conn, a, b1, None, "deleted", None).await;
    let b_comment = comment(&conn, b, a1, Some("texte-de-B"), "visible", None).await;

    report(&conn, a, ("resource", b1.as_uuid()), b1, None).await;
    report(&conn, a, ("comment", b_comment), a1, None).await;
    report(&conn, b, ("resource", a1.as_uuid()), a1, Some(a)).await;
    report(&conn, s, ("comment", a_comments[0]), b1, Some(s)).await;

    for actor in [a, s] {
        insert(
            &conn,
            "moderation_log",
            &[
                ("at", at(now())),
                ("actor_id", user(actor)),
                ("action", "comment_hidden".into()),
                ("target_kind", "comment".into()),
                ("target_id", id(a_comments[1])),
                ("resource_id", id(b1.as_uuid())),
            ],
        )
        .await;
    }
    for (owner, on) in [(a, b1), (b, a1)] {
        insert(
            &conn,
            "favourites",
            &[
                ("user_id", user(owner)),
                ("resource_id", id(on.as_uuid())),
                ("created_at", at(now())),
            ],
        )
        .await;
    }
    insert(
        &conn,
        "resource_progress",
        &[
            ("user_id", user(a)),
            ("resource_id", id(b1.as_uuid())),
            ("exploited", true.into()),
            ("exploited_at", at(now())),
            ("set_aside", false.into()),
            ("updated_at", at(now())),
        ],
    )
    .await;
    for (owner, reason) in [(a, "raison-de-A"), (a, "raison-de-A"), (b, "raison-de-B")] {
        insert(
            &conn,
            "notifications",
            &[
                ("id", id(uuid::Uuid::now_v7())),
                ("recipient_id", user(owner)),
                ("kind", "resource_rejected".into()),
                ("resource_id", id(a1.as_uuid())),
                ("reason", reason.into()),
                ("created_at", at(now())),
            ],
        )
        .await;
    }
    for (staff, subject) in [(s, a), (a, b)] {
        insert(
            &conn,
            "staff_access_log",
            &[
                ("id", id(uuid::Uuid::now_v7())),
                ("at", at(now())),
                ("staff_id", user(staff)),
                ("staff_role", "administrator".into()),
                ("subject_id", user(subject)),
                ("reason", "Demande n° 12".into()),
                ("fields", "email".into()),
            ],
        )
        .await;
    }
    audit(&conn, 1, "profile_rectified", Some(a), Some(a)).await;
    audit(&conn, 2, "account_suspended", Some(s), Some(a)).await;
    audit(&conn, 3, "personal_data_read", Some(a), Some(b)).await;
    audit(&conn, 4, "login_succeeded", Some(b), Some(b)).await;
    audit(&conn, 5, "statistics_queried", Some(a), None).await;
    for (viewer, n) in [(a, 1), (a, 2), (b, 3)] {
        insert(
            &conn,
            "consultation_events",
            &[
                ("resource_id", id(b1.as_uuid())),
                ("viewer_id", user(viewer)),
                ("occurred_at", at(later(n))),
            ],
        )
        .await;
    }
    for searcher in [a, b] {
        insert(
            &conn,
            "search_events",
            &[
                ("searcher_id", user(searcher)),
                ("occurred_at", at(now())),
                ("with_text", true.into()),
            ],
        )
        .await;
    }
    for (owner, purpose) in [(a, "communications"), (a, "statistics"), (b, "statistics")] {
        insert(
            &conn,
            "consents",
            &[
                ("user_id", user(owner)),
                ("purpose", purpose.into()),
                ("granted", true.into()),
                ("policy_version", "2026-11".into()),
                ("recorded_at", at(now())),
            ],
        )
        .await;
    }
    // A's request (recorded by S, open), and B's, recorded and closed by A.
    for (subject, staff, closed) in [(a, s, false), (b, a, true)] {
        let request = uuid::Uuid::now_v7();
        insert(
            &conn,
            "subject_requests",
            &[
                ("id", id(request)),
                ("subject_id", user(subject)),
                ("kind", "access".into()),
                ("channel", "letter".into()),
                ("received_on", time::macros::date!(2026 - 11 - 20).into()),
                ("due_on", time::macros::date!(2026 - 12 - 20).into()),
                ("status", if closed { "closed" } else { "open" }.into()),
                ("outcome", closed.then(|| "completed".to_owned()).into()),
                (
                    "closed_at",
                    if closed {
                        at(now())
                    } else {
                        Option::<PrimitiveDateTime>::None.into()
                    },
                ),
                ("closed_by", closed.then(|| staff.as_uuid()).into()),
                ("recorded_at", at(now())),
                ("recorded_by", user(staff)),
            ],
        )
        .await;
        insert(
            &conn,
            "subject_request_events",
            &[
                ("request_id", id(request)),
                ("at", at(now())),
                ("actor_id", user(staff)),
                ("action", "recorded".into()),
                ("detail", "Lettre du 20 novembre".into()),
            ],
        )
        .await;
    }
    // A breach recorded by S that concerns A, and one recorded by A that concerns B.
    for (affected, staff) in [(a, s), (b, a)] {
        let breach = uuid::Uuid::now_v7();
        insert(
            &conn,
            "breaches",
            &[
                ("id", id(breach)),
                ("known_at", at(now())),
                ("description", "Perte d'une sauvegarde".into()),
                ("data_categories", "identity".into()),
                ("subject_categories", "citizens".into()),
                ("people_count", 1_i64.into()),
                ("likely_consequences", "Faibles".into()),
                ("measures_taken", "Clés changées".into()),
                ("recorded_by", user(staff)),
                ("recorded_at", at(now())),
                ("updated_at", at(now())),
            ],
        )
        .await;
        insert(
            &conn,
            "breach_affected_accounts",
            &[
                ("breach_id", id(breach)),
                ("user_id", user(affected)),
                ("attached_at", at(now())),
                ("attached_by", user(staff)),
            ],
        )
        .await;
    }
    let exports = db.data_exports();
    exports
        .insert(&DataExport::request(a, a, ExportOrigin::Person, now()))
        .await
        .unwrap();
    exports
        .insert(&DataExport::request(b, a, ExportOrigin::Staff, now()))
        .await
        .unwrap();
    exports
        .insert(&DataExport::request(b, b, ExportOrigin::Person, now()))
        .await
        .unwrap();
    World { db, conn, a, b }
}

/// Every row of every section about `person`, read `limit` at a time.
async fn everything(
    source: &dyn PersonalData,
    person: UserId,
    limit: u64,
) -> BTreeMap<&'static str, Vec<ExportRow>> {
    let mut sections = BTreeMap::new();
    for section in source.sections() {
        let mut rows = Vec::new();
        let mut after: Option<SectionCursor> = None;
        loop {
            let page = source
                .page(section.name, person, after.take(), limit)
                .await
                .unwrap();
            assert!(
                u64::try_from(page.rows.len()).unwrap() <= limit.max(1) || page.next.is_none(),
                "{}: a page holds at most the limit",
                section.name
            );
            rows.extend(page.rows);
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        sections.insert(section.name, rows);
    }
    sections
}

fn text(row: &ExportRow, field: &str) -> Option<String> {
    row.fields.iter().find_map(|(name, value)| match value {
        ExportValue::Text(text) if *name == field => Some(text.clone()),
        _ => None,
    })
}

async fn a_persons_sections_hold_their_rows_and_nobody_elses(test_db: TestDatabase) {
    let w = world(&test_db).await;
    let source = w.db.personal_data();
    // An account's first choices come with it; two were added.
    let consents = strings(
        &w.conn,
        &format!(
            "SELECT CAST(COUNT(*) AS CHAR) FROM consents WHERE user_id = X'{}'",
            w.a.as_uuid().simple()
        ),
    )
    .await[0][0]
        .parse::<usize>()
        .unwrap();
    assert!(consents >= 2);
    let expected = [
        ("account", 1),
        ("consents", consents),
        ("sessions", 2),
        ("singleUseLinks", 1),
        ("recoveryCodes", 1),
        ("resources", 3),
        ("resourceRelationTypes", 3),
        ("resourceShares", 1),
        ("attachments", 2),
        ("sharedWithYou", 1),
        ("comments", 5),
        ("reports", 2),
        ("reportsYouClosed", 1),
        ("moderationDecisions", 1),
        ("favourites", 1),
        ("progress", 1),
        ("notifications", 2),
        ("staffAccessJournal", 1),
        ("staffAccessesYouMade", 1),
        ("auditEvents", 2),
        ("auditEventsByYou", 2),
        ("rectifications", 1),
        ("consultations", 2),
        ("searches", 1),
        ("dataExports", 1),
        ("dataExportsYouRequested", 1),
        ("subjectRequests", 1),
        ("subjectRequestEvents", 1),
        ("subjectRequestsYouRecorded", 1),
        ("subjectRequestsYouClosed", 1),
        ("subjectRequestActionsByYou", 1),
        ("breachesAffectingYou", 1),
        ("breachesYouRecorded", 1),
        ("breachAccountsYouAttached", 1),
    ];
    for limit in [1, 2, 500] {
        let all = everything(source.as_ref(), w.a, limit).await;
        let counts: BTreeMap<&str, usize> = all.iter().map(|(k, v)| (*k, v.len())).collect();
        assert_eq!(
            counts,
            expected.into_iter().collect::<BTreeMap<_, _>>(),
            "pages of {limit}"
        );
        for (section, rows) in &all {
            for row in rows {
                let shown = format!("{row:?}");
                for foreign in ["texte-de-B", "raison-de-B", "de-b.pdf"] {
                    assert!(!shown.contains(foreign), "{section}: {shown}");
                }
                for (name, _) in &row.fields {
                    for secret in ["digest", "hash", "secret", "password", "data_key", "index"] {
                        assert!(!name.contains(secret), "{section} exports {name}");
                    }
                }
            }
        }
        assert_eq!(
            all["recoveryCodes"][0].fields,
            [("remaining", ExportValue::Integer(3))]
        );
        let bodies: Vec<Option<String>> = all["comments"]
            .iter()
            .map(|row| text(row, "body"))
            .collect();
        assert!(bodies.contains(&None), "the tombstone, without text");
        assert!(
            bodies.contains(&Some("texte-de-A-cache".into())),
            "the hidden one"
        );
        assert!(
            all["comments"]
                .iter()
                .any(|row| text(row, "state_reason").as_deref() == Some("Injurieux"))
        );
        assert_eq!(
            text(&all["account"][0], "username").as_deref(),
            Some("User_1")
        );
        assert_eq!(
            text(&all["subjectRequests"][0], "received_on").as_deref(),
            Some("2026-11-20")
        );
        assert_eq!(
            text(&all["rectifications"][0], "detail").as_deref(),
            Some("detail 1")
        );
        let by_you: Vec<Option<String>> = all["auditEventsByYou"]
            .iter()
            .map(|row| text(row, "action"))
            .collect();
        assert_eq!(
            by_you,
            [
                Some("personal_data_read".to_owned()),
                Some("statistics_queried".to_owned())
            ]
        );
    }
    let others = everything(source.as_ref(), w.b, 2).await;
    assert_eq!(others["comments"].len(), 1);
    assert_eq!(
        others["dataExports"].len(),
        2,
        "their own and the one staff asked for"
    );
    assert_eq!(others["dataExportsYouRequested"].len(), 0);
    assert_eq!(others["sharedWithYou"].len(), 1);
}

async fn pages_follow_each_other_without_gaps_or_repeats(test_db: TestDatabase) {
    let w = world(&test_db).await;
    for n in 0..20 {
        comment(
            &w.conn,
            w.b,
            resource(&w.db, w.a, Vec::new()).await,
            Some(&format!("page-{n:02}")),
            "visible",
            None,
        )
        .await;
    }
    let source = w.db.personal_data();
    for limit in [1, 3, 7, 21, 100] {
        let all = everything(source.as_ref(), w.b, limit).await;
        let ids: Vec<String> = all["comments"]
            .iter()
            .map(|row| format!("{:?}", row.fields[0].1))
            .collect();
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), 21, "pages of {limit}");
        assert_eq!(unique.len(), 21, "pages of {limit}: no repeat");
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids, "pages of {limit}: in key order");
        assert_eq!(all["resources"].len(), 1);
    }
}

async fn the_estimate_counts_up_to_its_ceiling(test_db: TestDatabase) {
    let w = world(&test_db).await;
    let source = w.db.personal_data();
    let total: u64 = everything(source.as_ref(), w.a, 500)
        .await
        .values()
        .map(|rows| u64::try_from(rows.len()).unwrap())
        .sum();
    assert_eq!(source.estimate(w.a, 1_000).await.unwrap(), total);
    let capped = source.estimate(w.a, 5).await.unwrap();
    assert!(
        capped > 5 && capped < total,
        "stops once past the ceiling: {capped}"
    );
}

async fn an_unknown_section_or_a_foreign_cursor_is_an_internal_error(test_db: TestDatabase) {
    let w = world(&test_db).await;
    let source = w.db.personal_data();
    for (section, cursor) in [
        ("nothing", None),
        ("comments", Some(SectionCursor(Vec::new()))),
        (
            "recoveryCodes",
            Some(SectionCursor(vec![ExportValue::Integer(1)])),
        ),
    ] {
        assert!(
            matches!(
                source.page(section, w.a, cursor, 10).await,
                Err(RepositoryError::Internal(_))
            ),
            "{section}"
        );
    }
}

on_every_engine!(
    every_column_that_refers_to_an_account_is_exported,
    every_column_of_an_account_is_exported_or_withheld_for_a_reason,
    a_persons_sections_hold_their_rows_and_nobody_elses,
    pages_follow_each_other_without_gaps_or_repeats,
    the_estimate_counts_up_to_its_ceiling,
    an_unknown_section_or_a_foreign_cursor_is_an_internal_error,
);

/// The in-memory fake keeps the same paging contract.
mod fake {
    use super::*;

    #[tokio::test]
    async fn pages_follow_each_other_without_gaps_or_repeats() {
        let fake = FakePersonalData::new(rr_application::test_util::FAKE_SECTIONS.to_vec());
        let person = UserId::generate();
        for n in 0..21 {
            fake.add(
                "comments",
                person,
                ExportRow {
                    fields: vec![("id", ExportValue::Integer(n))],
                },
            );
        }
        fake.add("comments", UserId::generate(), ExportRow::default());
        for limit in [1, 3, 7, 21, 100] {
            let all = everything(&fake, person, limit).await;
            let ids: Vec<ExportValue> = all["comments"]
                .iter()
                .map(|row| row.fields[0].1.clone())
                .collect();
            assert_eq!(
                ids,
                (0..21).map(ExportValue::Integer).collect::<Vec<_>>(),
                "pages of {limit}"
            );
        }
        assert_eq!(fake.estimate(person, 100).await.unwrap(), 21);
        assert!(fake.page("nothing", person, None, 1).await.is_err());
    }
}
