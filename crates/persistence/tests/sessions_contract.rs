//! Contract of `SessionRepository` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::ports::SessionRecord;
use rr_domain::identity::{SessionId, UserId};
use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;
use support::identity::{digest, later, now, stored_user};
use time::OffsetDateTime;

/// A live session of `user` created `age` seconds before `now()`, valid for
/// an hour after `now()`, with refresh digest `digest(n)`.
fn session(user: UserId, n: u8, age: i64) -> SessionRecord {
    SessionRecord {
        id: SessionId::generate(),
        user_id: user,
        refresh_digest: digest(n),
        created_at: later(-age),
        last_used_at: later(-age),
        expires_at: later(3_600),
        revoked_at: None,
        client: Some("Firefox 145 on Linux".into()),
    }
}

async fn stored_session(db: &Database, user: UserId, n: u8, age: i64) -> SessionRecord {
    let session = session(user, n, age);
    db.sessions().create(&session).await.unwrap();
    session
}

async fn a_created_session_is_found_by_id_and_current_refresh_digest(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let mut created = session(lea.id, 10, 60);
    created.client = None;
    db.sessions().create(&created).await.unwrap();
    let other = stored_session(&db, lea.id, 11, 30).await;

    assert_eq!(
        db.sessions().find(created.id).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(
        db.sessions().find_by_refresh(&digest(10)).await.unwrap(),
        Some(created)
    );
    assert_eq!(db.sessions().find(other.id).await.unwrap(), Some(other));
    assert_eq!(
        db.sessions().find(SessionId::generate()).await.unwrap(),
        None
    );
    assert_eq!(
        db.sessions().find_by_refresh(&digest(99)).await.unwrap(),
        None
    );
    assert_eq!(db.sessions().find_spent(&digest(10)).await.unwrap(), None);
}

async fn a_long_client_description_is_cut_to_200_characters(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let mut created = session(lea.id, 10, 0);
    created.client = Some("é".repeat(250));

    db.sessions().create(&created).await.unwrap();

    let stored = db.sessions().find(created.id).await.unwrap().unwrap();
    assert_eq!(stored.client, Some("é".repeat(200)));
}

async fn rotation_replaces_the_refresh_digest_once_and_remembers_the_spent_one(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let sessions = db.sessions();
    let lea = stored_user(&db, 1).await;
    let created = stored_session(&db, lea.id, 10, 60).await;
    let new_expiry = later(7_200);

    assert!(
        sessions
            .rotate(created.id, &digest(10), &digest(11), now(), new_expiry)
            .await
            .unwrap()
    );

    let rotated = sessions
        .find_by_refresh(&digest(11))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rotated,
        SessionRecord {
            refresh_digest: digest(11),
            last_used_at: now(),
            expires_at: new_expiry,
            ..created.clone()
        }
    );
    assert_eq!(sessions.find_by_refresh(&digest(10)).await.unwrap(), None);
    assert_eq!(
        sessions.find_spent(&digest(10)).await.unwrap(),
        Some(created.id)
    );
    assert!(
        !sessions
            .rotate(created.id, &digest(10), &digest(12), later(1), later(7_201))
            .await
            .unwrap(),
        "a spent token cannot rotate again"
    );
    assert_eq!(
        sessions
            .find(created.id)
            .await
            .unwrap()
            .unwrap()
            .refresh_digest,
        digest(11)
    );
}

async fn rotation_needs_the_right_session_and_a_live_one(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let sessions = db.sessions();
    let lea = stored_user(&db, 1).await;
    let first = stored_session(&db, lea.id, 10, 60).await;
    let second = stored_session(&db, lea.id, 20, 60).await;

    assert!(
        !sessions
            .rotate(second.id, &digest(10), &digest(11), now(), later(60))
            .await
            .unwrap(),
        "another session's token"
    );
    assert!(
        !sessions
            .rotate(
                first.id,
                &digest(10),
                &digest(11),
                later(3_600),
                later(7_200)
            )
            .await
            .unwrap(),
        "expired at that instant"
    );
    sessions.revoke(first.id, now()).await.unwrap();
    assert!(
        !sessions
            .rotate(first.id, &digest(10), &digest(11), now(), later(60))
            .await
            .unwrap(),
        "revoked"
    );
    assert_eq!(sessions.find_spent(&digest(10)).await.unwrap(), None);
    assert_eq!(
        sessions.find_by_refresh(&digest(10)).await.unwrap(),
        Some(SessionRecord {
            revoked_at: Some(now()),
            ..first
        })
    );
}

async fn of_concurrent_rotations_with_one_token_exactly_one_wins(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let created = stored_session(&db, lea.id, 10, 60).await;

    let rotations = (0..2u8).map(|n| {
        let sessions = db.sessions();
        async move {
            sessions
                .rotate(
                    created.id,
                    &digest(10),
                    &digest(100 + n),
                    now(),
                    later(7_200),
                )
                .await
                .unwrap()
        }
    });
    let won = futures_util::future::join_all(rotations).await;

    assert_eq!(won.iter().filter(|&&w| w).count(), 1, "{won:?}");
    let winner = won.iter().position(|&w| w).unwrap();
    let current = db.sessions().find(created.id).await.unwrap().unwrap();
    assert_eq!(
        current.refresh_digest,
        digest(100 + u8::try_from(winner).unwrap())
    );
    assert_eq!(
        db.sessions().find_spent(&digest(10)).await.unwrap(),
        Some(created.id)
    );
}

async fn of_many_concurrent_rotations_with_one_token_exactly_one_wins(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let created = stored_session(&db, lea.id, 10, 60).await;

    let rotations = (0..10u8).map(|n| {
        let sessions = db.sessions();
        async move {
            sessions
                .rotate(
                    created.id,
                    &digest(10),
                    &digest(100 + n),
                    now(),
                    later(7_200),
                )
                .await
                .unwrap()
        }
    });
    let won = futures_util::future::join_all(rotations).await;

    assert_eq!(won.iter().filter(|&&w| w).count(), 1, "{won:?}");
}

async fn revoking_is_idempotent(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let created = stored_session(&db, lea.id, 10, 60).await;

    db.sessions().revoke(created.id, now()).await.unwrap();
    db.sessions().revoke(created.id, later(60)).await.unwrap();
    db.sessions()
        .revoke(SessionId::generate(), now())
        .await
        .unwrap();

    let stored = db.sessions().find(created.id).await.unwrap().unwrap();
    assert_eq!(
        stored.revoked_at,
        Some(now()),
        "the first revocation stands"
    );
    assert!(!stored.is_live_at(now()));
}

async fn revoke_all_revokes_the_live_sessions_of_one_user_but_the_kept_one(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let sessions = db.sessions();
    let lea = stored_user(&db, 1).await;
    let sam = stored_user(&db, 2).await;
    let kept = stored_session(&db, lea.id, 10, 300).await;
    let second = stored_session(&db, lea.id, 11, 200).await;
    let third = stored_session(&db, lea.id, 12, 100).await;
    let revoked = stored_session(&db, lea.id, 13, 400).await;
    sessions.revoke(revoked.id, later(-10)).await.unwrap();
    let mut expired = session(lea.id, 14, 500);
    expired.expires_at = later(-1);
    sessions.create(&expired).await.unwrap();
    let sams = stored_session(&db, sam.id, 20, 100).await;

    let count = sessions
        .revoke_all(lea.id, Some(kept.id), now())
        .await
        .unwrap();

    assert_eq!(count, 2, "only live sessions are counted");
    for id in [second.id, third.id] {
        assert_eq!(
            sessions.find(id).await.unwrap().unwrap().revoked_at,
            Some(now())
        );
    }
    assert_eq!(
        sessions.find(revoked.id).await.unwrap().unwrap().revoked_at,
        Some(later(-10))
    );
    assert_eq!(sessions.list_live(lea.id, now()).await.unwrap(), vec![kept]);
    assert_eq!(sessions.list_live(sam.id, now()).await.unwrap(), vec![sams]);

    assert_eq!(
        sessions.revoke_all(lea.id, None, later(1)).await.unwrap(),
        1
    );
    assert!(
        sessions
            .list_live(lea.id, later(1))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn live_sessions_are_listed_newest_first(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let sessions = db.sessions();
    let lea = stored_user(&db, 1).await;
    let oldest = stored_session(&db, lea.id, 10, 300).await;
    let newest = stored_session(&db, lea.id, 11, 1).await;
    let middle = stored_session(&db, lea.id, 12, 100).await;
    let revoked = stored_session(&db, lea.id, 13, 50).await;
    sessions.revoke(revoked.id, now()).await.unwrap();
    let mut expiring = session(lea.id, 14, 10);
    expiring.expires_at = later(30);
    sessions.create(&expiring).await.unwrap();

    assert_eq!(
        sessions.list_live(lea.id, now()).await.unwrap(),
        vec![
            newest.clone(),
            expiring.clone(),
            middle.clone(),
            oldest.clone()
        ]
    );
    assert_eq!(
        sessions.list_live(lea.id, later(30)).await.unwrap(),
        vec![newest, middle, oldest],
        "a session expiring at that very instant is no longer live"
    );
    assert!(
        sessions
            .list_live(UserId::generate(), now())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn sessions_go_with_their_account(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let created = stored_session(&db, lea.id, 10, 60).await;
    db.sessions()
        .rotate(created.id, &digest(10), &digest(11), now(), later(60))
        .await
        .unwrap();

    let raw = support::identity::raw(&test_db).await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &raw,
        &format!(
            "DELETE FROM users WHERE id = {}",
            uuid_literal(&test_db, lea.id.as_uuid())
        ),
    )
    .await
    .unwrap();

    assert_eq!(db.sessions().find(created.id).await.unwrap(), None);
    assert_eq!(db.sessions().find_spent(&digest(10)).await.unwrap(), None);
}

/// A UUID as the SQL literal each engine stores it as (16 bytes).
fn uuid_literal(test_db: &TestDatabase, id: uuid::Uuid) -> String {
    let hex = id.simple().to_string();
    match test_db.engine() {
        rr_persistence::Engine::Sqlite => format!("X'{hex}'"),
        rr_persistence::Engine::MariaDb => format!("0x{hex}"),
    }
}

async fn an_unusable_instant_is_refused(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let mut far = session(lea.id, 10, 0);
    far.expires_at = OffsetDateTime::new_utc(
        time::Date::from_calendar_date(999, time::Month::January, 1).unwrap(),
        time::Time::MIDNIGHT,
    );

    assert!(matches!(
        db.sessions().create(&far).await,
        Err(rr_application::RepositoryError::Internal(_))
    ));
}

on_every_engine!(
    a_created_session_is_found_by_id_and_current_refresh_digest,
    a_long_client_description_is_cut_to_200_characters,
    rotation_replaces_the_refresh_digest_once_and_remembers_the_spent_one,
    rotation_needs_the_right_session_and_a_live_one,
    of_concurrent_rotations_with_one_token_exactly_one_wins,
    of_many_concurrent_rotations_with_one_token_exactly_one_wins,
    revoking_is_idempotent,
    revoke_all_revokes_the_live_sessions_of_one_user_but_the_kept_one,
    live_sessions_are_listed_newest_first,
    sessions_go_with_their_account,
    an_unusable_instant_is_refused,
);
