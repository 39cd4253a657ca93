//! Contract of `StaffAccessJournal` and `AccountDirectory` on the real
//! migrations, on every engine: entries round-trip and come back newest
//! first in keyset pages, only the person's own, with the staff member's
//! current username; the journal goes with the person's account and keeps
//! the staff member's; the directory filters by username prefix (as a
//! prefix, `_` included), role and standing at an instant, in username
//! order, page by page.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::RepositoryError;
use rr_application::ports::{
    AccountSummary, DirectoryQuery, JournalCursor, StaffAccess, Standing, StandingFilter,
};
use rr_domain::identity::{
    AccessId, AccessReason, AccountStatus, PersonalField, Role, UserId, UserRecord, Username,
    UsernamePrefix,
};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, stored_user, user};

fn id_literal(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

fn access(staff: UserId, subject: UserId, at: time::OffsetDateTime, reason: &str) -> StaffAccess {
    StaffAccess {
        id: AccessId::generate(),
        at,
        staff,
        staff_role: Role::Administrator,
        subject,
        reason: AccessReason::parse(reason).unwrap(),
        fields: vec![PersonalField::Email, PersonalField::LastName],
    }
}

async fn stored_named(db: &Database, n: u8, name: &str, role: Role) -> UserRecord {
    let mut record = user(n);
    record.username = Username::parse(name).unwrap();
    record.role = role;
    db.users().insert(&record).await.unwrap();
    record
}

async fn an_access_round_trips_with_the_staff_username(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let journal = db.staff_access_journal();
    let camille = stored_named(&db, 1, "Camille_D", Role::Administrator).await;
    let lea = stored_user(&db, 2).await;
    let mut read = access(
        camille.id,
        lea.id,
        now(),
        "Demande d'assistance n° 2026-1142 : vérification",
    );
    read.fields = PersonalField::ALL.to_vec();
    read.staff_role = Role::SuperAdministrator;

    journal.record(&read).await.unwrap();

    let entries = journal.list_for(lea.id, None, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].access, read,
        "to the microsecond, fields in order"
    );
    assert_eq!(entries[0].staff_username.as_str(), "Camille_D");
    assert!(
        journal
            .list_for(camille.id, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "only the person's own"
    );
}

async fn pages_are_newest_first_and_break_ties_by_id(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let journal = db.staff_access_journal();
    let staff = stored_named(&db, 1, "camille", Role::Administrator).await;
    let lea = stored_user(&db, 2).await;
    let tom = stored_user(&db, 3).await;
    let mut expected = Vec::new();
    for n in 0..7_i64 {
        // Three reads share an instant: the id decides.
        let at = if n < 3 { now() } else { later(n) };
        let read = access(staff.id, lea.id, at, &format!("Dossier {n}"));
        journal.record(&read).await.unwrap();
        journal
            .record(&access(staff.id, tom.id, at, "Autre personne"))
            .await
            .unwrap();
        expected.push(read);
    }
    expected.sort_by_key(|a| std::cmp::Reverse((a.at, a.id)));

    let mut seen = Vec::new();
    let mut after: Option<JournalCursor> = None;
    loop {
        let page = journal.list_for(lea.id, after, 2).await.unwrap();
        assert!(page.len() <= 2);
        if page.is_empty() {
            break;
        }
        after = page.last().map(rr_application::ports::JournalEntry::cursor);
        seen.extend(page.into_iter().map(|e| e.access));
    }
    assert_eq!(seen, expected);
    assert!(journal.list_for(lea.id, None, 0).await.unwrap().is_empty());
}

async fn the_journal_goes_with_the_person_and_keeps_the_staff_account(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let journal = db.staff_access_journal();
    let staff = stored_named(&db, 1, "camille", Role::Administrator).await;
    let lea = stored_user(&db, 2).await;
    journal
        .record(&access(staff.id, lea.id, now(), "Vérification"))
        .await
        .unwrap();
    let delete = |id: UserId| format!("DELETE FROM users WHERE id = {}", id_literal(id.as_uuid()));

    assert!(
        execute(test_db.url(), &delete(staff.id)).await.is_err(),
        "a staff account that read someone's data is kept"
    );
    assert_eq!(execute(test_db.url(), &delete(lea.id)).await.unwrap(), 1);
    assert_eq!(
        execute(test_db.url(), "DELETE FROM staff_access_log")
            .await
            .unwrap(),
        0,
        "her journal went with her account"
    );
}

async fn an_access_about_an_unknown_account_is_a_conflict(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let staff = stored_named(&db, 1, "camille", Role::Administrator).await;
    let err = db
        .staff_access_journal()
        .record(&access(staff.id, UserId::generate(), now(), "Vérification"))
        .await
        .unwrap_err();
    assert!(matches!(err, RepositoryError::Conflict(_)), "{err:?}");
}

fn query(prefix: Option<&str>) -> DirectoryQuery {
    DirectoryQuery {
        username_prefix: prefix.map(|p| UsernamePrefix::parse(p).unwrap()),
        role: None,
        standing: None,
        at: later(60),
        after: None,
        limit: 100,
    }
}

fn names(items: &[AccountSummary]) -> Vec<&str> {
    items.iter().map(|a| a.username.as_str()).collect()
}

async fn the_directory_lists_by_prefix_in_username_order(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let directory = db.account_directory();
    for (n, name) in ["Lea", "lea_m", "leam", "Leon", "alea", "le_x", "tom"]
        .into_iter()
        .enumerate()
    {
        stored_named(&db, u8::try_from(n).unwrap() + 1, name, Role::Citizen).await;
    }

    let le = directory.search(&query(Some("LE"))).await.unwrap();
    let mut expected = vec!["Lea", "lea_m", "leam", "Leon", "le_x"];
    expected.sort_by_key(|name| name.to_ascii_lowercase());
    let mut got = names(&le);
    got.sort_by_key(|name| name.to_ascii_lowercase());
    assert_eq!(got, expected, "a prefix, not a substring, without case");
    let underscore = directory.search(&query(Some("le_"))).await.unwrap();
    assert_eq!(
        names(&underscore),
        ["le_x"],
        "`_` is a character, not a wildcard"
    );
    let lea = directory.search(&query(Some("lea"))).await.unwrap();
    assert_eq!(lea.len(), 3);
    let none = directory.search(&query(Some("zz"))).await.unwrap();
    assert!(none.is_empty());

    // Keyset pages walk the same list, in the engine's order of the key.
    let all = directory.search(&query(None)).await.unwrap();
    assert_eq!(all.len(), 7);
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = directory
            .search(&DirectoryQuery {
                after: after.clone(),
                limit: 3,
                ..query(None)
            })
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|a| a.username.canonical());
        walked.extend(page);
    }
    assert_eq!(walked, all);
    assert_eq!(all[0].role, Role::Citizen);
    assert_eq!(all[0].created_at, now());
    assert_eq!(all[0].standing, Standing::Active);
}

async fn the_directory_filters_by_role_and_standing_at_an_instant(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let directory = db.account_directory();
    stored_named(&db, 1, "modo", Role::Moderator).await;
    stored_named(&db, 2, "admin", Role::Administrator).await;
    let mut lea = stored_named(&db, 3, "lea", Role::Citizen).await;
    let mut tom = stored_named(&db, 4, "tom", Role::Citizen).await;
    let mut zoe = stored_named(&db, 5, "zoe", Role::Citizen).await;
    lea.status = AccountStatus::Suspended {
        reason: "Spam".into(),
        until: Some(later(3_600)),
    };
    tom.status = AccountStatus::Suspended {
        reason: "Insultes".into(),
        until: None,
    };
    zoe.status = AccountStatus::Suspended {
        reason: "Ancienne".into(),
        until: Some(later(30)),
    };
    for record in [&lea, &tom, &zoe] {
        db.users().update(record).await.unwrap();
    }
    let filtered = |role, standing| DirectoryQuery {
        role,
        standing,
        ..query(None)
    };

    let moderators = directory
        .search(&filtered(Some(Role::Moderator), None))
        .await
        .unwrap();
    assert_eq!(names(&moderators), ["modo"]);
    let suspended = directory
        .search(&filtered(None, Some(StandingFilter::Suspended)))
        .await
        .unwrap();
    assert_eq!(names(&suspended), ["lea", "tom"], "zoe's suspension ended");
    assert_eq!(
        suspended[0].standing,
        Standing::Suspended {
            until: Some(later(3_600))
        }
    );
    assert_eq!(suspended[1].standing, Standing::Suspended { until: None });
    let active_citizens = directory
        .search(&filtered(Some(Role::Citizen), Some(StandingFilter::Active)))
        .await
        .unwrap();
    assert_eq!(names(&active_citizens), ["zoe"]);
    assert_eq!(active_citizens[0].standing, Standing::Active);
    let active = directory
        .search(&filtered(None, Some(StandingFilter::Active)))
        .await
        .unwrap();
    assert_eq!(names(&active), ["admin", "modo", "zoe"]);
}

on_every_engine!(
    an_access_round_trips_with_the_staff_username,
    pages_are_newest_first_and_break_ties_by_id,
    the_journal_goes_with_the_person_and_keeps_the_staff_account,
    an_access_about_an_unknown_account_is_a_conflict,
    the_directory_lists_by_prefix_in_username_order,
    the_directory_filters_by_role_and_standing_at_an_instant,
);
