//! Contract of `RetentionStore` on the real migrations, on every engine:
//! what is old goes in batches (a session with its spent tokens), counts
//! agree with deletions (export records with their repository's rule);
//! logins and refreshes are the accounts' activity, to the day; inactive
//! citizens are found, warned once, and only then erasable, staff,
//! restricted accounts and the erased author never; the audit log's oldest
//! entries go and the chain still verifies from its recorded anchor, while
//! a moved anchor breaks it; and the statistics read from the aggregates
//! answer old reports exactly as the events did.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::ports::{
    AuditEvent, ChainVerification, Consultation, Expiring, Inactivity, OneTimeToken,
    RelationFilter, ResourceRecord, Search, SessionRecord, SplitKey, StaffAccess,
    StatisticsRecorder, TallyFilters, TallyRequest, TokenPurpose,
};
use rr_domain::identity::{
    AccessId, AccessReason, DataExport, ExportOrigin, ExportStatus, PersonalField, Region, Role,
    SessionId, UserId, UserRecord,
};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_domain::statistics::{Dimension, Grouping, Measure};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use sea_orm::{ConnectionTrait, Statement};
use support::identity::{digest, now, raw, stored_user, user};
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

fn days_ago(n: i64) -> OffsetDateTime {
    now() - Duration::days(n)
}

async fn stored(db: &Database, n: u8, change: impl FnOnce(&mut UserRecord)) -> UserRecord {
    let mut record = user(n);
    change(&mut record);
    db.users().insert(&record).await.unwrap();
    record
}

fn session(user: UserId, n: u8, created: OffsetDateTime, expires: OffsetDateTime) -> SessionRecord {
    SessionRecord {
        id: SessionId::generate(),
        user_id: user,
        refresh_digest: digest(n),
        created_at: created,
        last_used_at: created,
        expires_at: expires,
        revoked_at: None,
        client: None,
    }
}

/// A number read with raw SQL.
async fn number(test_db: &TestDatabase, sql: &str) -> i64 {
    let conn = raw(test_db).await;
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn old_sessions_links_journal_entries_and_export_records_go_in_batches(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let store = db.retention_store();
    let lea = stored_user(&db, 1).await;
    let staff = stored(&db, 2, |u| u.role = Role::Administrator).await;
    let sessions = db.sessions();
    let expired = session(lea.id, 1, days_ago(90), days_ago(40));
    let revoked = session(lea.id, 2, days_ago(50), days_ago(20) + Duration::days(60));
    let live = session(lea.id, 3, days_ago(1), now() + Duration::days(29));
    for s in [&expired, &revoked, &live] {
        sessions.create(s).await.unwrap();
    }
    sessions.revoke(revoked.id, days_ago(35)).await.unwrap();
    // A spent refresh token of the expired session goes with it.
    assert!(
        sessions
            .rotate(
                expired.id,
                &digest(1),
                &digest(9),
                days_ago(89),
                days_ago(40)
            )
            .await
            .unwrap()
    );
    let tokens = db.one_time_tokens();
    for (n, expires) in [(20, days_ago(31)), (21, days_ago(29))] {
        tokens
            .insert(&OneTimeToken {
                digest: digest(n),
                purpose: TokenPurpose::PasswordReset,
                user_id: lea.id,
                expires_at: expires,
            })
            .await
            .unwrap();
    }
    let journal = db.staff_access_journal();
    for age in [400, 366, 10] {
        journal
            .record(&StaffAccess {
                id: AccessId::generate(),
                at: days_ago(age),
                staff: staff.id,
                staff_role: Role::Administrator,
                subject: lea.id,
                reason: AccessReason::parse("Assistance").unwrap(),
                fields: vec![PersonalField::Email],
            })
            .await
            .unwrap();
    }
    let month = days_ago(30);
    let year = days_ago(365);

    assert_eq!(
        store
            .count_expired(Expiring::EndedSessions, month)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_expired(Expiring::OneTimeTokens, month)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .count_expired(Expiring::StaffAccesses, year)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .delete_expired(Expiring::EndedSessions, month, 1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .delete_expired(Expiring::EndedSessions, month, 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .delete_expired(Expiring::EndedSessions, month, 10)
            .await
            .unwrap(),
        0
    );
    assert!(sessions.find(live.id).await.unwrap().is_some());
    assert!(sessions.find(expired.id).await.unwrap().is_none());
    assert_eq!(
        number(&test_db, "SELECT COUNT(*) FROM spent_refresh_tokens").await,
        0,
        "spent tokens went with their session"
    );
    assert_eq!(
        store
            .delete_expired(Expiring::OneTimeTokens, month, 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .delete_expired(Expiring::StaffAccesses, year, 10)
            .await
            .unwrap(),
        2
    );
    assert_eq!(journal.list_for(lea.id, None, 10).await.unwrap().len(), 1);
    assert!(
        store
            .delete_expired(Expiring::Notifications, year, 10)
            .await
            .is_err(),
        "the notification use cases delete them"
    );

    // Export records: the count follows the repository's deletion rule.
    let exports = db.data_exports();
    for (age, status) in [
        (400, ExportStatus::Expired),
        (400, ExportStatus::Failed),
        (10, ExportStatus::Downloaded),
        (400, ExportStatus::Requested),
    ] {
        let mut export = DataExport::request(lea.id, lea.id, ExportOrigin::Person, days_ago(age));
        export.status = status;
        exports.insert(&export).await.unwrap();
    }
    for before in [days_ago(500), days_ago(365), now()] {
        let counted = store
            .count_expired(Expiring::ExportRecords, before)
            .await
            .unwrap();
        assert_eq!(counted, exports.delete_closed_before(before).await.unwrap());
    }
}

async fn logins_and_refreshes_are_the_activity_and_find_the_inactive_citizens(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let store = db.retention_store();
    let long_ago = datetime!(2022-01-10 09:00 UTC);
    let old = |u: &mut UserRecord| {
        u.created_at = long_ago;
        u.updated_at = long_ago;
    };
    let lea = stored(&db, 1, old).await;
    let tom = stored(&db, 2, old).await;
    let came_back = stored(&db, 3, old).await;
    stored(&db, 4, |u| {
        old(u);
        u.role = Role::Moderator;
    })
    .await;
    let restricted = stored(&db, 5, old).await;
    assert!(
        db.consents()
            .set_restriction(restricted.id, Some(long_ago))
            .await
            .unwrap()
    );
    db.users()
        .insert(&rr_domain::subject_rights::erased_author_account())
        .await
        .unwrap();
    stored_user(&db, 6).await; // created now()

    // came_back logged in a year ago, then refreshed.
    let sessions = db.sessions();
    let login = session(came_back.id, 1, days_ago(365), days_ago(335));
    sessions.create(&login).await.unwrap();
    let activity = |test_db: &TestDatabase, id: UserId| {
        let sql = format!(
            "SELECT last_active_at FROM users WHERE id = X'{}'",
            id.as_uuid().simple()
        );
        let url = test_db.url().to_owned();
        async move {
            let conn = sea_orm::Database::connect(url).await.unwrap();
            let backend = conn.get_database_backend();
            let row = conn
                .query_one_raw(Statement::from_string(backend, sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<Option<time::PrimitiveDateTime>>(0)
                .unwrap()
                .map(|at| at.assume_utc())
        }
    };
    assert_eq!(activity(&test_db, came_back.id).await, Some(days_ago(365)));
    assert!(
        sessions
            .rotate(
                login.id,
                &digest(1),
                &digest(2),
                days_ago(363),
                days_ago(333)
            )
            .await
            .unwrap()
    );
    assert_eq!(activity(&test_db, came_back.id).await, Some(days_ago(363)));
    // Within the day: not written again.
    assert!(
        sessions
            .rotate(
                login.id,
                &digest(2),
                &digest(3),
                days_ago(363) + Duration::hours(20),
                days_ago(333)
            )
            .await
            .unwrap()
    );
    assert_eq!(activity(&test_db, came_back.id).await, Some(days_ago(363)));
    assert_eq!(activity(&test_db, lea.id).await, None);

    let cutoff = days_ago(3 * 365 - 30);
    let to_warn = Inactivity::ToWarn {
        inactive_before: cutoff,
    };
    let mut expected = vec![lea.id, tom.id];
    expected.sort_unstable();
    assert_eq!(store.count_inactive(to_warn).await.unwrap(), 2);
    let first = store.inactive(to_warn, None, 1).await.unwrap();
    let rest = store
        .inactive(to_warn, first.last().copied(), 10)
        .await
        .unwrap();
    assert_eq!([first, rest].concat(), expected);

    // Warned once: of two claims, one wins.
    let warned_at = days_ago(40);
    assert!(store.mark_warned(lea.id, warned_at, cutoff).await.unwrap());
    assert!(!store.mark_warned(lea.id, warned_at, cutoff).await.unwrap());
    assert_eq!(store.inactive(to_warn, None, 10).await.unwrap(), [tom.id]);
    // A mail that failed: the claim is given back.
    assert!(store.mark_warned(tom.id, now(), cutoff).await.unwrap());
    store.unmark_warned(tom.id, now()).await.unwrap();
    assert_eq!(store.inactive(to_warn, None, 10).await.unwrap(), [tom.id]);

    let to_erase = |warned_before| Inactivity::ToErase {
        inactive_before: days_ago(3 * 365),
        warned_before,
    };
    assert_eq!(
        store
            .inactive(to_erase(days_ago(30)), None, 10)
            .await
            .unwrap(),
        [lea.id]
    );
    assert_eq!(
        store.count_inactive(to_erase(days_ago(45))).await.unwrap(),
        0
    );

    // Lea comes back: her warning no longer counts.
    sessions
        .create(&session(lea.id, 7, days_ago(2), now() + Duration::days(28)))
        .await
        .unwrap();
    assert_eq!(
        store.count_inactive(to_erase(days_ago(30))).await.unwrap(),
        0
    );
    let later = Inactivity::ToWarn {
        inactive_before: now(),
    };
    let ids = store.inactive(later, None, 10).await.unwrap();
    assert!(ids.contains(&lea.id), "inactive again later, warned again");
    assert!(!ids.contains(&restricted.id));
    assert!(!ids.contains(&rr_domain::subject_rights::ERASED_AUTHOR));
}

async fn the_oldest_audit_entries_go_and_the_chain_still_verifies_from_its_anchor(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let store = db.retention_store();
    let audit = db.audit_log();
    let event = |action: &'static str, detail: String| AuditEvent {
        action,
        actor: None,
        subject: None,
        detail,
    };
    for n in 0..5 {
        audit
            .append(
                event("login_failed", String::new()),
                days_ago(400) + Duration::seconds(n),
            )
            .await
            .unwrap();
    }
    for n in 0..2 {
        audit
            .append(event("login_failed", String::new()), days_ago(n))
            .await
            .unwrap();
    }
    let year = days_ago(365);
    let prefix = store.audit_prefix(year).await.unwrap().unwrap();
    assert_eq!((prefix.through, prefix.entries), (5, 5));

    // Recorded in the chain first, as the purge does.
    audit
        .append(event("audit_log_purged", prefix.describe()), now())
        .await
        .unwrap();
    assert_eq!(store.drop_audit_prefix(&prefix, now()).await.unwrap(), 5);
    assert_eq!(
        audit.verify().await.unwrap(),
        ChainVerification::Intact { entries: 3 }
    );
    assert_eq!(store.drop_audit_prefix(&prefix, now()).await.unwrap(), 0);
    assert_eq!(store.audit_prefix(year).await.unwrap(), None);

    // Entries deleted by hand and the anchor moved over them: broken.
    execute(test_db.url(), "DELETE FROM audit_log WHERE sequence = 6")
        .await
        .unwrap();
    execute(
        test_db.url(),
        "UPDATE audit_log_anchor SET sequence = 6, \
         hash = (SELECT previous_hash FROM audit_log WHERE sequence = 7) WHERE id = 1",
    )
    .await
    .unwrap();
    assert_eq!(
        audit.verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 7 }
    );
}

async fn a_purge_recorded_nowhere_in_the_chain_breaks_it(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let store = db.retention_store();
    let audit = db.audit_log();
    for n in [400, 399, 1] {
        audit
            .append(
                AuditEvent {
                    action: "login_failed",
                    actor: None,
                    subject: None,
                    detail: String::new(),
                },
                days_ago(n),
            )
            .await
            .unwrap();
    }
    let prefix = store.audit_prefix(days_ago(365)).await.unwrap().unwrap();

    store.drop_audit_prefix(&prefix, now()).await.unwrap();

    assert_eq!(
        audit.verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 3 }
    );
}

fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

async fn published(db: &Database, author: UserId, category: u8, kind: u8) -> ResourceId {
    let at = datetime!(2024-09-01 08:00 UTC);
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1, category),
        resource_type: seeded(3, kind),
        relation_types: vec![seeded(2, category)],
        external_link: None,
        visibility: Visibility::Public,
        state: Lifecycle::Published,
        shared_with: Vec::new(),
        created_at: at,
        updated_at: at,
        published_at: Some(at),
        deleted_at: None,
        version: 0,
    };
    db.resources().insert(&record).await.unwrap();
    record.id
}

/// Every shape of request the statistics ask, over `[from, to)`.
fn requests(measure: Measure, from: Date, to: Date) -> Vec<TallyRequest> {
    let mut all = Vec::new();
    for grouping in [Grouping::Day, Grouping::Week, Grouping::Month] {
        let from = grouping.start_of(from);
        let to = grouping.next(grouping.start_of(to));
        let filters = [
            TallyFilters::default(),
            TallyFilters {
                category: Some(seeded(1, 1)),
                ..TallyFilters::default()
            },
            TallyFilters {
                resource_type: Some(seeded(3, 2)),
                region: Some(Region::Bretagne),
                ..TallyFilters::default()
            },
        ];
        for filters in filters {
            for split in [
                None,
                Some(Dimension::Category),
                Some(Dimension::ResourceType),
                Some(Dimension::Region),
            ] {
                all.push(TallyRequest {
                    measure,
                    grouping,
                    from,
                    to,
                    filters,
                    split,
                });
            }
        }
    }
    all
}

type Line = (Date, Option<SplitKey>, u64, u64, u64);

async fn lines(db: &Database, request: &TallyRequest) -> Vec<Line> {
    let mut lines: Vec<Line> = db
        .statistics_query()
        .tally(request)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.bucket,
                r.key,
                r.tally.events,
                r.tally.people,
                r.visitor_events,
            )
        })
        .collect();
    lines.sort_unstable();
    lines
}

async fn aggregated_statistics_answer_old_reports_as_the_events_did(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let store = db.retention_store();
    let regions = [Some(Region::Bretagne), Some(Region::IleDeFrance), None];
    let mut people = Vec::new();
    for n in 0..12_u8 {
        people.push(
            stored(&db, n + 1, |u| u.region = regions[usize::from(n) % 3])
                .await
                .id,
        );
    }
    let resources = [
        published(&db, people[0], 1, 1).await,
        published(&db, people[1], 1, 2).await,
        published(&db, people[2], 2, 2).await,
    ];
    // 2024-09-23 to 2024-11-10: the week of 28 October straddles November.
    let recorder = db.statistics(100_000);
    let first = datetime!(2024-09-23 00:30 UTC);
    for step in 0..(48 * 24 / 5) {
        let at = first + Duration::hours(5 * step);
        let n = usize::try_from(step).unwrap();
        let viewer = (n % 7 != 0).then(|| people[n % people.len()]);
        recorder.consulted(Consultation {
            resource: resources[n % 3],
            viewer,
            at,
        });
        recorder.searched(Search {
            searcher: (n % 5 != 0).then(|| people[(n * 7) % people.len()]),
            at,
            category: (n % 2 == 0).then(|| seeded(1, 1 + u8::try_from(n % 3).unwrap())),
            resource_type: (n % 3 == 0).then(|| seeded(3, 2)),
            with_text: false,
        });
    }
    recorder.flush().await.unwrap();
    let mut asked = Vec::new();
    for measure in [Measure::Consultations, Measure::Searches] {
        asked.extend(requests(
            measure,
            date!(2024 - 09 - 23),
            date!(2024 - 11 - 10),
        ));
    }
    let mut before = Vec::new();
    for request in &asked {
        before.push(lines(&db, request).await);
    }
    assert!(before.iter().any(|l| l.len() > 10));
    assert_eq!(
        db.statistics_query().aggregated_before().await.unwrap(),
        None
    );
    let kept_from = date!(2024 - 11 - 01);
    let old = store.statistics_events_before(kept_from).await.unwrap();
    assert!(old > 300);

    assert_eq!(store.roll_up_statistics(kept_from).await.unwrap(), old);

    assert_eq!(store.statistics_events_before(kept_from).await.unwrap(), 0);
    assert_eq!(
        db.statistics_query().aggregated_before().await.unwrap(),
        Some(kept_from)
    );
    for (request, expected) in asked.iter().zip(&before) {
        assert_eq!(&lines(&db, request).await, expected, "{request:?}");
    }
    // Run again: nothing more, the same answers.
    let rollups = number(&test_db, "SELECT COUNT(*) FROM statistics_rollups").await;
    assert_eq!(store.roll_up_statistics(kept_from).await.unwrap(), 0);
    assert_eq!(
        number(&test_db, "SELECT COUNT(*) FROM statistics_rollups").await,
        rollups
    );
    // An earlier day changes nothing either: what is gone is gone.
    assert_eq!(
        store
            .roll_up_statistics(date!(2024 - 10 - 01))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.statistics_query().aggregated_before().await.unwrap(),
        Some(kept_from)
    );
    // No relation type is kept for the aggregated days; the kept ones answer.
    let by_relation = |from, to| TallyRequest {
        measure: Measure::Consultations,
        grouping: Grouping::Day,
        from,
        to,
        filters: TallyFilters {
            relation_type: Some(RelationFilter::With(seeded(2, 1))),
            ..TallyFilters::default()
        },
        split: None,
    };
    assert!(
        db.statistics_query()
            .tally(&by_relation(date!(2024 - 10 - 30), date!(2024 - 11 - 02)))
            .await
            .is_err()
    );
    assert!(
        db.statistics_query()
            .tally(&by_relation(kept_from, date!(2024 - 11 - 05)))
            .await
            .is_ok()
    );
}

on_every_engine!(
    old_sessions_links_journal_entries_and_export_records_go_in_batches,
    logins_and_refreshes_are_the_activity_and_find_the_inactive_citizens,
    the_oldest_audit_entries_go_and_the_chain_still_verifies_from_its_anchor,
    a_purge_recorded_nowhere_in_the_chain_breaks_it,
    aggregated_statistics_answer_old_reports_as_the_events_did,
);
