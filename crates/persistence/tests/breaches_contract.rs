//! Contract of `BreachRegister` on the real migrations, on every engine:
//! a breach round-trips with its notifications to the microsecond; a change
//! is written only over the state it was made from; the register lists
//! newest first by pages; accounts are attached all or nothing, listed by id,
//! and leave with their account; the administrator who recorded a breach may
//! go, the breach stays.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::BTreeSet;

use rr_application::RepositoryError;
use rr_application::ports::Attached;
use rr_domain::compliance::{
    AuthorityNotification, AuthorityReference, Breach, BreachAssessment, BreachId, BreachText,
    DataCategory, PeopleNotification, SubjectCategory,
};
use rr_domain::identity::{Role, UserId, UserRecord};
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, stored_user, user};

fn text(raw: &str) -> BreachText {
    BreachText::parse(raw).unwrap()
}

fn breach(by: UserId) -> Breach {
    Breach::record(
        later(-3_600),
        BreachAssessment {
            description: text("Une sauvegarde non chiffrée\na été copiée sur un poste perdu."),
            occurred_at: Some(later(-7_200)),
            data_categories: BTreeSet::from([DataCategory::Contact, DataCategory::Identity]),
            subject_categories: BTreeSet::from([SubjectCategory::Citizens, SubjectCategory::Staff]),
            people_count: 1_200,
            likely_consequences: text("Hameçonnage ciblé."),
            measures_taken: text("Poste bloqué à distance."),
        },
        by,
        now(),
    )
    .unwrap()
}

async fn admin(db: &rr_persistence::Database, n: u8) -> UserRecord {
    let record = UserRecord {
        role: Role::Administrator,
        ..user(n)
    };
    db.users().insert(&record).await.unwrap();
    record
}

async fn a_breach_round_trips_with_its_notifications(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let register = db.breach_register();
    let camille = admin(&db, 1).await;
    let mut recorded = breach(camille.id);
    recorded.assessment.occurred_at = None;

    register.insert(&recorded).await.unwrap();
    let found = register.find(recorded.id).await.unwrap().unwrap();
    assert_eq!(found.breach, recorded);
    assert_eq!(found.affected_accounts, 0);
    assert!(matches!(
        register.insert(&recorded).await,
        Err(RepositoryError::Conflict(_))
    ));

    let previous = recorded.updated_at;
    recorded
        .notify_authority(
            AuthorityNotification {
                at: later(60),
                reference: AuthorityReference::parse("DN-2026-0042").unwrap(),
                delay_reason: Some(text("Ampleur connue tard.")),
            },
            later(120),
        )
        .unwrap();
    recorded
        .notify_people(
            PeopleNotification {
                at: later(90),
                means: text("Courriel à chaque compte."),
            },
            later(120),
        )
        .unwrap();
    assert!(register.update(&recorded, previous).await.unwrap());
    assert_eq!(
        register.find(recorded.id).await.unwrap().unwrap().breach,
        recorded
    );
    // Made from a state that is no longer the stored one: refused.
    let mut stale = recorded.clone();
    stale.assessment.people_count = 5;
    assert!(!register.update(&stale, previous).await.unwrap());
    assert_eq!(
        register
            .find(recorded.id)
            .await
            .unwrap()
            .unwrap()
            .breach
            .assessment
            .people_count,
        1_200
    );
    assert_eq!(register.find(BreachId::generate()).await.unwrap(), None);
}

async fn the_register_lists_newest_first_by_pages(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let register = db.breach_register();
    let camille = admin(&db, 1).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let b = breach(camille.id);
        register.insert(&b).await.unwrap();
        ids.push(b.id);
    }
    ids.reverse();

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = register.list(after, 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|b| b.breach.id);
        seen.extend(page.into_iter().map(|b| b.breach.id));
    }
    assert_eq!(seen, ids);
}

async fn accounts_are_attached_all_or_nothing_and_leave_with_their_account(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let register = db.breach_register();
    let camille = admin(&db, 1).await;
    let b = breach(camille.id);
    register.insert(&b).await.unwrap();
    let lea = stored_user(&db, 2).await;
    let tom = stored_user(&db, 3).await;
    let zoe = stored_user(&db, 4).await;
    let unknown = UserId::generate();

    assert_eq!(
        register
            .attach(b.id, &[lea.id, unknown], camille.id, now())
            .await
            .unwrap(),
        Attached::Unknown(vec![unknown])
    );
    assert_eq!(
        register
            .find(b.id)
            .await
            .unwrap()
            .unwrap()
            .affected_accounts,
        0
    );
    assert_eq!(
        register
            .attach(b.id, &[lea.id, tom.id], camille.id, now())
            .await
            .unwrap(),
        Attached::Added(2)
    );
    assert_eq!(
        register
            .attach(b.id, &[tom.id, zoe.id], camille.id, later(5))
            .await
            .unwrap(),
        Attached::Added(1)
    );
    assert!(matches!(
        register
            .attach(BreachId::generate(), &[lea.id], camille.id, now())
            .await,
        Err(RepositoryError::Conflict(_))
    ));
    let mut all = vec![lea.id, tom.id, zoe.id];
    all.sort_unstable();
    let first = register.affected(b.id, None, 2).await.unwrap();
    let rest = register
        .affected(b.id, first.last().copied(), 2)
        .await
        .unwrap();
    assert_eq!([first, rest].concat(), all);
    assert_eq!(
        register.list(None, 10).await.unwrap()[0].affected_accounts,
        3
    );

    // Tom's account is deleted (as erasure does); camille's too, once
    // demoted: the breach stays, without them.
    let hex = |id: UserId| id.as_uuid().simple().to_string();
    for id in [tom.id, camille.id] {
        execute(
            test_db.url(),
            &format!("DELETE FROM users WHERE id = X'{}'", hex(id)),
        )
        .await
        .unwrap();
    }
    let kept = register.find(b.id).await.unwrap().unwrap();
    assert_eq!(kept.affected_accounts, 2);
    assert_eq!(kept.breach.recorded_by, None);
    assert!(
        !register
            .affected(b.id, None, 10)
            .await
            .unwrap()
            .contains(&tom.id)
    );
}

on_every_engine!(
    a_breach_round_trips_with_its_notifications,
    the_register_lists_newest_first_by_pages,
    accounts_are_attached_all_or_nothing_and_leave_with_their_account,
);
