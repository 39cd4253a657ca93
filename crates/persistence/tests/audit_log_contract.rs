//! Contract of `AuditLog` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::ports::{AuditEvent, ChainVerification};
use rr_domain::identity::UserId;
use rr_persistence::testing::TestDatabase;
use sea_orm::ConnectionTrait;
use support::identity::{later, now};
use time::macros::datetime;

fn event(action: &'static str, subject: Option<UserId>, detail: &str) -> AuditEvent {
    AuditEvent {
        action,
        actor: Some(UserId::from_uuid(uuid::Uuid::from_u128(7))),
        subject,
        detail: detail.to_owned(),
    }
}

/// Appends `count` events one after the other, a second apart.
async fn append_many(log: &dyn rr_application::ports::AuditLog, count: u32) {
    for n in 0..count {
        log.append(
            event("login_failed", None, &format!("attempt={n}")),
            later(i64::from(n)),
        )
        .await
        .unwrap();
    }
}

async fn execute(test_db: &TestDatabase, sql: &str) {
    let raw = support::identity::raw(test_db).await;
    let result = raw.execute_unprepared(sql).await.unwrap();
    assert_eq!(result.rows_affected(), 1, "{sql}");
}

async fn an_empty_log_is_intact(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;

    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::Intact { entries: 0 }
    );
}

async fn appended_entries_are_numbered_chained_and_intact(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let log = db.audit_log();
    let lea = UserId::generate();
    let sam = UserId::generate();
    log.append(event("account_created", Some(lea), ""), now())
        .await
        .unwrap();
    log.append(event("login_failed", Some(sam), "attempt=1"), later(1))
        .await
        .unwrap();
    log.append(
        AuditEvent {
            action: "role_changed",
            actor: None,
            subject: Some(lea),
            detail: "role=moderator".into(),
        },
        later(2),
    )
    .await
    .unwrap();

    assert_eq!(
        log.verify().await.unwrap(),
        ChainVerification::Intact { entries: 3 }
    );
    let about_lea = log.entries_about(lea).await.unwrap();
    assert_eq!(
        about_lea.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [1, 3],
        "oldest first, only hers"
    );
    let first = &about_lea[0];
    assert_eq!(first.at, now());
    assert_eq!(first.event, event("account_created", Some(lea), ""));
    assert_eq!(first.previous_hash, vec![0; 32]);
    assert_eq!(first.hash.len(), 32);
    let third = &about_lea[1];
    assert_eq!(third.event.actor, None);
    assert_eq!(third.event.detail, "role=moderator");
    let second = &log.entries_about(sam).await.unwrap()[0];
    assert_eq!(second.previous_hash, first.hash);
    assert_eq!(third.previous_hash, second.hash);
    assert!(
        log.entries_about(UserId::generate())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn instants_are_hashed_as_stored(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let log = db.audit_log();
    let lea = UserId::generate();

    log.append(
        event("password_changed", Some(lea), ""),
        datetime!(2026-11-29 12:00:00.123456789 +02:00),
    )
    .await
    .unwrap();

    assert_eq!(
        log.verify().await.unwrap(),
        ChainVerification::Intact { entries: 1 }
    );
    assert_eq!(
        log.entries_about(lea).await.unwrap()[0].at,
        datetime!(2026-11-29 10:00:00.123456 UTC)
    );
}

async fn a_tampered_detail_breaks_the_chain_at_that_entry(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    append_many(db.audit_log().as_ref(), 5).await;

    execute(
        &test_db,
        "UPDATE audit_log SET detail = 'attempt=forged' WHERE sequence = 3",
    )
    .await;

    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 3 }
    );
}

async fn a_deleted_entry_breaks_the_chain_at_its_successor(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    append_many(db.audit_log().as_ref(), 5).await;

    execute(&test_db, "DELETE FROM audit_log WHERE sequence = 2").await;

    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 3 }
    );
}

async fn a_tampered_action_or_instant_breaks_the_chain(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    append_many(db.audit_log().as_ref(), 4).await;

    execute(
        &test_db,
        "UPDATE audit_log SET action = 'login_succeeded' WHERE sequence = 4",
    )
    .await;
    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 4 }
    );

    execute(
        &test_db,
        "UPDATE audit_log SET at = '2026-11-29 10:15:31.123457' WHERE sequence = 2",
    )
    .await;
    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 2 }
    );
}

async fn appending_after_the_first_page_keeps_verifying_every_page(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    append_many(db.audit_log().as_ref(), 1_010).await;

    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::Intact { entries: 1_010 }
    );

    execute(
        &test_db,
        "UPDATE audit_log SET detail = 'attempt=forged' WHERE sequence = 1005",
    )
    .await;
    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::BrokenAt { sequence: 1_005 }
    );
}

async fn twenty_concurrent_appends_make_an_intact_chain_of_twenty(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = UserId::generate();

    let appends = (0..20).map(|n| {
        let log = db.audit_log();
        async move {
            log.append(
                event("login_failed", Some(lea), &format!("attempt={n}")),
                later(n),
            )
            .await
            .unwrap();
        }
    });
    futures_util::future::join_all(appends).await;

    assert_eq!(
        db.audit_log().verify().await.unwrap(),
        ChainVerification::Intact { entries: 20 }
    );
    let entries = db.audit_log().entries_about(lea).await.unwrap();
    assert_eq!(
        entries.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        (1..=20).collect::<Vec<u64>>()
    );
}

/// Two pools stand for two server processes: neither shares the other's
/// in-process lock, so only the database keeps the chain from forking.
async fn concurrent_appends_from_two_pools_make_one_intact_chain(test_db: TestDatabase) {
    let first = support::migrated(&test_db).await;
    let second = support::migrated(&test_db).await;

    let appends = (0..20).map(|n| {
        let log = if n % 2 == 0 {
            first.audit_log()
        } else {
            second.audit_log()
        };
        async move {
            log.append(
                event("login_failed", None, &format!("attempt={n}")),
                later(n),
            )
            .await
            .unwrap();
        }
    });
    futures_util::future::join_all(appends).await;

    assert_eq!(
        first.audit_log().verify().await.unwrap(),
        ChainVerification::Intact { entries: 20 }
    );
}

on_every_engine!(
    an_empty_log_is_intact,
    appended_entries_are_numbered_chained_and_intact,
    instants_are_hashed_as_stored,
    a_tampered_detail_breaks_the_chain_at_that_entry,
    a_deleted_entry_breaks_the_chain_at_its_successor,
    a_tampered_action_or_instant_breaks_the_chain,
    appending_after_the_first_page_keeps_verifying_every_page,
    twenty_concurrent_appends_make_an_intact_chain_of_twenty,
    concurrent_appends_from_two_pools_make_one_intact_chain,
);
