//! The breach register on in-memory fakes: administrators with two-factor
//! authentication only; the 72-hour deadline and its overdue flag; each
//! notification once, a late one with its reasons; accounts attached all or
//! nothing; their addresses read for the notice, each read journaled, the
//! hierarchy kept; every change audited without free text.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::collections::BTreeSet;
use std::sync::Arc;

use rr_application::AppError;
use rr_application::ports::{MockBreachRegister, RegisteredBreach, UserRepository};
use rr_application::services::breaches::{NewBreach, Withheld};
use rr_application::services::{BreachPorts, BreachService};
use rr_application::test_util::{
    FakeBreachRegister, FakeStaffAccessJournal, IdentityFixture, identity_fixture,
};
use rr_domain::compliance::{
    AuthorityNotification, AuthorityReference, BreachAssessment, BreachId, BreachText,
    DataCategory, PeopleNotification, SubjectCategory,
};
use rr_domain::identity::{
    AccessReason, AuthenticatedActor, PersonalField, Role, SessionId, UserId,
};
use time::OffsetDateTime;
use time::macros::datetime;

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    journal: Arc<FakeStaffAccessJournal>,
    service: BreachService,
}

fn world() -> World {
    let fx = identity_fixture();
    let register = Arc::new(FakeBreachRegister::new(fx.users.clone()));
    let journal = Arc::new(FakeStaffAccessJournal::new(fx.users.clone()));
    let service = BreachService::new(BreachPorts {
        breaches: register,
        users: fx.users.clone(),
        journal: journal.clone(),
        cipher: fx.cipher.clone(),
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
    });
    World {
        fx,
        journal,
        service,
    }
}

fn actor(role: Role, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn admin() -> AuthenticatedActor {
    actor(Role::Administrator, true)
}

fn text(raw: &str) -> BreachText {
    BreachText::parse(raw).unwrap()
}

fn assessment() -> BreachAssessment {
    BreachAssessment {
        description: text("Une sauvegarde non chiffrée a été copiée sur un poste perdu."),
        occurred_at: Some(datetime!(2026-11-27 22:00 UTC)),
        data_categories: BTreeSet::from([DataCategory::Contact, DataCategory::Identity]),
        subject_categories: BTreeSet::from([SubjectCategory::Citizens]),
        people_count: 1_200,
        likely_consequences: text("Hameçonnage ciblant Léa Martin et d'autres."),
        measures_taken: text("Poste bloqué à distance, mots de passe réinitialisés."),
    }
}

/// The fixture's clock shows 2026-11-29 10:00 UTC.
const KNOWN: OffsetDateTime = datetime!(2026-11-28 09:00 UTC);

fn new_breach() -> NewBreach {
    NewBreach {
        known_at: KNOWN,
        assessment: assessment(),
    }
}

fn codes(err: &AppError) -> Vec<(&'static str, &'static str)> {
    match err {
        AppError::Invalid(violations) => violations.iter().map(|v| (v.field, v.code)).collect(),
        other => vec![("", other.code())],
    }
}

fn authority(at: OffsetDateTime) -> AuthorityNotification {
    AuthorityNotification {
        at,
        reference: AuthorityReference::parse("DN-2026-0042").unwrap(),
        delay_reason: None,
    }
}

#[tokio::test]
async fn only_administrators_with_two_factor_keep_the_register() {
    let w = world();
    for (who, code) in [
        (actor(Role::Citizen, true), "forbidden"),
        (actor(Role::Moderator, true), "forbidden"),
        (actor(Role::Administrator, false), "two_factor_required"),
    ] {
        let err = w.service.record(&who, new_breach()).await.unwrap_err();
        assert_eq!(err.code(), code, "{:?}", who.role);
        assert_eq!(
            w.service.list(&who, None, 10).await.unwrap_err().code(),
            code
        );
    }
    assert!(
        w.service
            .record(&actor(Role::SuperAdministrator, true), new_breach())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_recorded_breach_shows_its_deadline_and_is_audited_without_its_texts() {
    let w = world();
    let who = admin();

    let recorded = w.service.record(&who, new_breach()).await.unwrap();

    let breach = &recorded.breach;
    assert_eq!(
        breach.notification_deadline(),
        datetime!(2026-12-01 09:00 UTC)
    );
    assert!(!recorded.overdue);
    assert_eq!(breach.recorded_by, Some(who.user_id));
    assert_eq!(recorded.affected_accounts, 0);
    let read = w.service.read(&who, breach.id).await.unwrap();
    assert_eq!(read, recorded);
    let entry = w.fx.audit.entries().pop().unwrap();
    assert_eq!(entry.event.action, "breach_recorded");
    assert_eq!(entry.event.actor, Some(who.user_id));
    assert_eq!(
        entry.event.detail,
        format!("breach={} people=1200", breach.id.as_uuid())
    );
    // Past the deadline without notification, it is overdue.
    w.fx.clock.advance(time::Duration::days(3));
    let later = w.service.read(&who, breach.id).await.unwrap();
    assert!(later.overdue);
}

#[tokio::test]
async fn instants_in_the_future_a_breach_after_it_was_known_and_no_category_are_refused() {
    let w = world();
    let future = NewBreach {
        known_at: datetime!(2026-11-30 00:00 UTC),
        ..new_breach()
    };
    let after = NewBreach {
        assessment: BreachAssessment {
            occurred_at: Some(datetime!(2026-11-28 10:00 UTC)),
            ..assessment()
        },
        ..new_breach()
    };
    let nobody = NewBreach {
        assessment: BreachAssessment {
            subject_categories: BTreeSet::new(),
            ..assessment()
        },
        ..new_breach()
    };
    for (new, expected) in [
        (future, ("knownAt", "instant_in_future")),
        (after, ("occurredAt", "occurred_after_known")),
        (nobody, ("subjectCategories", "category_required")),
    ] {
        let err = w.service.record(&admin(), new).await.unwrap_err();
        assert_eq!(codes(&err), [expected]);
    }
    assert!(
        w.service
            .list(&admin(), None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn the_register_lists_newest_first_by_pages_and_an_unknown_breach_is_not_found() {
    let w = world();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            w.service
                .record(&admin(), new_breach())
                .await
                .unwrap()
                .breach
                .id,
        );
    }
    ids.reverse();
    let first = w.service.list(&admin(), None, 2).await.unwrap();
    let seen: Vec<BreachId> = first.items.iter().map(|b| b.breach.id).collect();
    assert_eq!(seen, ids[..2]);
    let second = w.service.list(&admin(), first.next, 2).await.unwrap();
    let third = w.service.list(&admin(), second.next, 2).await.unwrap();
    assert_eq!(third.items.len(), 1);
    assert_eq!(third.next, None);

    let unknown = BreachId::generate();
    assert!(matches!(
        w.service.read(&admin(), unknown).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        w.service
            .notify_authority(&admin(), unknown, authority(KNOWN))
            .await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn each_notification_is_recorded_once_and_a_late_one_needs_its_reasons() {
    let w = world();
    let id = w
        .service
        .record(&admin(), new_breach())
        .await
        .unwrap()
        .breach
        .id;
    let now = w.fx.clock.now_for_tests();

    let err = w
        .service
        .notify_authority(&admin(), id, authority(datetime!(2026-11-28 08:00 UTC)))
        .await
        .unwrap_err();
    assert_eq!(codes(&err), [("notifiedAt", "notified_before_known")]);
    let notified = w
        .service
        .notify_authority(&admin(), id, authority(now))
        .await
        .unwrap();
    assert_eq!(notified.breach.authority_notification, Some(authority(now)));
    assert!(!notified.breach.is_overdue(now + time::Duration::days(30)));
    let again = w
        .service
        .notify_authority(&admin(), id, authority(now))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "authority_already_notified");

    let people = PeopleNotification {
        at: now,
        means: text("Courriel à chaque compte concerné."),
    };
    w.service
        .notify_people(&admin(), id, people.clone())
        .await
        .unwrap();
    let twice = w
        .service
        .notify_people(&admin(), id, people)
        .await
        .unwrap_err();
    assert_eq!(twice.code(), "people_already_notified");
    let actions = w.fx.audit.actions();
    assert!(actions.ends_with(&["breach_authority_notified", "breach_people_notified"]));

    // Another breach, notified four days after it became known.
    let late_id = w
        .service
        .record(&admin(), new_breach())
        .await
        .unwrap()
        .breach
        .id;
    w.fx.clock.advance(time::Duration::days(3));
    let late = w.fx.clock.now_for_tests();
    let err = w
        .service
        .notify_authority(&admin(), late_id, authority(late))
        .await
        .unwrap_err();
    assert_eq!(codes(&err), [("delayReason", "delay_reason_required")]);
    let with_reasons = AuthorityNotification {
        delay_reason: Some(text("Ampleur connue le 2 décembre seulement.")),
        ..authority(late)
    };
    assert!(
        w.service
            .notify_authority(&admin(), late_id, with_reasons)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_reassessment_replaces_what_is_known() {
    let w = world();
    let id = w
        .service
        .record(&admin(), new_breach())
        .await
        .unwrap()
        .breach
        .id;
    w.fx.clock.advance(time::Duration::hours(5));
    let more = BreachAssessment {
        people_count: 3_400,
        data_categories: BTreeSet::from([DataCategory::Contact, DataCategory::Credentials]),
        ..assessment()
    };

    let updated = w
        .service
        .reassess(&admin(), id, more.clone())
        .await
        .unwrap();

    assert_eq!(updated.breach.assessment, more);
    assert_eq!(updated.breach.updated_at, w.fx.clock.now_for_tests());
    assert_eq!(w.fx.audit.actions().last(), Some(&"breach_reassessed"));
}

#[tokio::test]
async fn a_change_that_lost_a_race_is_a_conflict() {
    let w = world();
    let recorded = w.service.record(&admin(), new_breach()).await.unwrap();
    let mut register = MockBreachRegister::new();
    let found = RegisteredBreach {
        breach: recorded.breach.clone(),
        affected_accounts: 0,
    };
    register
        .expect_find()
        .returning(move |_| Ok(Some(found.clone())));
    register.expect_update().returning(|_, _| Ok(false));
    let service = BreachService::new(BreachPorts {
        breaches: Arc::new(register),
        users: w.fx.users.clone(),
        journal: w.journal.clone(),
        cipher: w.fx.cipher.clone(),
        audit: w.fx.audit.clone(),
        clock: w.fx.clock.clone(),
    });

    let err = service
        .notify_authority(&admin(), recorded.breach.id, authority(KNOWN))
        .await
        .unwrap_err();

    assert_eq!(err.code(), "breach_changed");
}

#[tokio::test]
async fn accounts_are_attached_all_or_nothing_and_their_addresses_read_with_a_journal_entry_each() {
    let w = world();
    let lea = w.fx.citizen("lea", PASSWORD).await.unwrap().user_id;
    let tom = w.fx.citizen("tom", PASSWORD).await.unwrap().user_id;
    let colleague = w.fx.citizen("camille", PASSWORD).await.unwrap().user_id;
    let mut record = w.fx.users.find(colleague).await.unwrap().unwrap();
    record.role = Role::Administrator;
    w.fx.users.update(&record).await.unwrap();
    let who = admin();
    let id = w
        .service
        .record(&who, new_breach())
        .await
        .unwrap()
        .breach
        .id;

    let unknown = UserId::generate();
    let err = w
        .service
        .attach(&who, id, vec![lea, unknown])
        .await
        .unwrap_err();
    assert_eq!(codes(&err), [("userIds", "unknown_account")]);
    let AppError::Invalid(violations) = &err else {
        unreachable!()
    };
    assert!(
        violations[0]
            .message
            .contains(&unknown.as_uuid().to_string())
    );
    assert_eq!(w.service.read(&who, id).await.unwrap().affected_accounts, 0);
    let empty = w.service.attach(&who, id, Vec::new()).await.unwrap_err();
    assert_eq!(codes(&empty), [("userIds", "no_account")]);

    let attached = w
        .service
        .attach(&who, id, vec![lea, tom, lea])
        .await
        .unwrap();
    assert_eq!(attached.affected_accounts, 2);
    let again = w
        .service
        .attach(&who, id, vec![tom, colleague])
        .await
        .unwrap();
    assert_eq!(again.affected_accounts, 3);
    assert_eq!(
        w.fx.audit.entries().last().unwrap().event.detail,
        format!("breach={} added=1", id.as_uuid())
    );

    let reason = AccessReason::parse("Violation 2026-11 : information des personnes").unwrap();
    let list = w.service.contacts(&who, id, reason.clone()).await.unwrap();

    let addresses: Vec<(UserId, Result<String, Withheld>)> = list
        .contacts
        .iter()
        .map(|c| (c.id, c.email.clone().map(|e| e.as_str().to_owned())))
        .collect();
    let mut expected = vec![
        (lea, Ok("lea@exemple.fr".to_owned())),
        (tom, Ok("tom@exemple.fr".to_owned())),
        (colleague, Err(Withheld::Role)),
    ];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(addresses, expected);
    let journal = w.journal.all();
    assert_eq!(journal.len(), 2, "one entry per address read");
    for entry in &journal {
        assert_eq!(entry.staff, who.user_id);
        assert_eq!(entry.reason, reason);
        assert_eq!(entry.fields, [PersonalField::Email]);
    }
    let audited = w.fx.audit.entries().pop().unwrap();
    assert_eq!(audited.event.action, "breach_contacts_read");
    assert_eq!(
        audited.event.detail,
        format!("breach={} read=2", id.as_uuid())
    );
}

#[tokio::test]
async fn nothing_is_shown_when_the_journal_cannot_be_written() {
    let w = world();
    let lea = w.fx.citizen("lea", PASSWORD).await.unwrap().user_id;
    let id = w
        .service
        .record(&admin(), new_breach())
        .await
        .unwrap()
        .breach
        .id;
    w.service.attach(&admin(), id, vec![lea]).await.unwrap();
    w.journal.set_down(true);

    let err = w
        .service
        .contacts(&admin(), id, AccessReason::parse("Information").unwrap())
        .await
        .unwrap_err();

    assert!(matches!(err, AppError::Unavailable(_)));
    assert_eq!(
        w.fx.audit.actions().last(),
        Some(&"breach_accounts_attached")
    );
}
