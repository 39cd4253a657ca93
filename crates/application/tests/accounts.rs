//! Account administration on in-memory fakes: who may list and read accounts,
//! the lists (prefix, role, standing, pages, exact email), the detail with
//! its personal data, and the staff access journal every read feeds and the
//! person reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_application::AppError;
use rr_application::ports::{Standing, StandingFilter};
use rr_application::services::accounts::{AccountLookup, AccountPage, AccountSearch};
use rr_application::services::identity::{ProfileChanges, StaffAccount};
use rr_application::test_util::{
    AccountAdminFixture, IdentityFixture, account_admin_fixture, identity_fixture,
};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    AccessReason, AuthenticatedActor, CountryCode, Email, PersonName, PersonalField, PhoneNumber,
    Role, SessionId, UserId, Username, UsernamePrefix,
};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    admin: AccountAdminFixture,
}

fn world() -> World {
    let fx = identity_fixture();
    let admin = account_admin_fixture(&fx);
    World { fx, admin }
}

/// A staff (or citizen) account created from the command line; the actor as
/// the session gate would see it, with or without two-factor authentication.
async fn staff(w: &World, username: &str, role: Role, two_factor: bool) -> AuthenticatedActor {
    let id =
        w.fx.service
            .bootstrap_account(
                StaffAccount {
                    email: Email::parse(&format!("{username}@exemple.fr")).unwrap(),
                    username: Username::parse(username).unwrap(),
                    first_name: PersonName::parse("Camille").unwrap(),
                    last_name: PersonName::parse("Durand").unwrap(),
                    country: CountryCode::parse("FR").unwrap(),
                    role,
                },
                &Password::new(PASSWORD),
            )
            .await
            .unwrap();
    AuthenticatedActor {
        user_id: id,
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

async fn citizen(w: &World, name: &str) -> AuthenticatedActor {
    w.fx.citizen(name, PASSWORD).await.unwrap()
}

fn reason(text: &str) -> AccessReason {
    AccessReason::parse(text).unwrap()
}

fn directory(prefix: Option<&str>, after: Option<&str>, limit: u64) -> AccountSearch {
    AccountSearch {
        lookup: AccountLookup::Directory {
            username_prefix: prefix.map(|p| UsernamePrefix::parse(p).unwrap()),
            after: after.map(|a| Username::parse(a).unwrap()),
        },
        role: None,
        standing: None,
        limit,
    }
}

fn by_email(address: &str) -> AccountSearch {
    AccountSearch {
        lookup: AccountLookup::ByEmail {
            email: Email::parse(address).unwrap(),
            reason: reason("Demande d'assistance n° 2026-1142"),
        },
        role: None,
        standing: None,
        limit: 20,
    }
}

fn names(page: &AccountPage) -> Vec<&str> {
    page.items.iter().map(|a| a.username.as_str()).collect()
}

#[tokio::test]
async fn only_administrators_with_two_factor_list_and_read_accounts() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let moderator = staff(&w, "modo", Role::Moderator, true).await;
    let admin_without = staff(&w, "admin1", Role::Administrator, false).await;
    let cases = [
        (lea, "forbidden"),
        (moderator, "forbidden"),
        (admin_without, "two_factor_required"),
    ];
    for (actor, code) in cases {
        let err = w
            .admin
            .service
            .search(&actor, directory(None, None, 20))
            .await
            .unwrap_err();
        assert_eq!(err.code(), code);
        let err = w
            .admin
            .service
            .detail(&actor, lea.user_id, reason("Vérification"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), code);
    }
    assert!(w.admin.journal.all().is_empty());
}

#[tokio::test]
async fn the_list_goes_by_username_prefix_in_keyset_pages_and_opens_nothing() {
    let w = world();
    let admin = staff(&w, "admin", Role::Administrator, true).await;
    for name in ["Lea", "leon", "lea_m", "tom", "Leonie"] {
        citizen(&w, name).await;
    }

    let first = w
        .admin
        .service
        .search(&admin, directory(Some("LE"), None, 2))
        .await
        .unwrap();
    assert_eq!(names(&first), ["Lea", "lea_m"]);
    let after = first.next.clone().expect("a next page");
    let second = w
        .admin
        .service
        .search(&admin, directory(Some("le"), Some(after.as_str()), 2))
        .await
        .unwrap();
    assert_eq!(names(&second), ["leon", "Leonie"]);
    let third = w
        .admin
        .service
        .search(
            &admin,
            directory(Some("le"), Some(second.next.unwrap().as_str()), 2),
        )
        .await
        .unwrap();
    assert!(third.items.is_empty() && third.next.is_none());

    let everyone = w
        .admin
        .service
        .search(&admin, directory(None, None, 100))
        .await
        .unwrap();
    assert_eq!(
        names(&everyone),
        ["admin", "Lea", "lea_m", "leon", "Leonie", "tom"]
    );
    assert!(everyone.next.is_none(), "a short page is the last");
    assert!(
        w.admin.journal.all().is_empty(),
        "a list reads no personal data"
    );
    assert!(!w.fx.audit.actions().contains(&"personal_data_read"));
}

#[tokio::test]
async fn role_and_standing_filter_the_list_and_a_past_suspension_counts_as_active() {
    let w = world();
    let admin = staff(&w, "admin", Role::Administrator, true).await;
    staff(&w, "modo", Role::Moderator, true).await;
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let end = w.fx.clock.now_for_tests() + time::Duration::days(7);
    w.fx.service
        .suspend(&admin, lea.user_id, "Messages insultants", Some(end))
        .await
        .unwrap();
    w.fx.service
        .suspend(&admin, tom.user_id, "Spam", None)
        .await
        .unwrap();

    let search = |role, standing| AccountSearch {
        role,
        standing,
        ..directory(None, None, 20)
    };
    let moderators = w
        .admin
        .service
        .search(&admin, search(Some(Role::Moderator), None))
        .await
        .unwrap();
    assert_eq!(names(&moderators), ["modo"]);
    let suspended = w
        .admin
        .service
        .search(&admin, search(None, Some(StandingFilter::Suspended)))
        .await
        .unwrap();
    assert_eq!(names(&suspended), ["lea", "tom"]);
    assert_eq!(
        suspended.items[0].standing,
        Standing::Suspended { until: Some(end) }
    );
    assert_eq!(
        suspended.items[1].standing,
        Standing::Suspended { until: None }
    );

    w.fx.clock.advance(time::Duration::days(8));
    let suspended = w
        .admin
        .service
        .search(&admin, search(None, Some(StandingFilter::Suspended)))
        .await
        .unwrap();
    assert_eq!(names(&suspended), ["tom"]);
    let active = w
        .admin
        .service
        .search(
            &admin,
            search(Some(Role::Citizen), Some(StandingFilter::Active)),
        )
        .await
        .unwrap();
    assert_eq!(names(&active), ["lea"]);
    assert_eq!(active.items[0].standing, Standing::Active);
}

#[tokio::test]
async fn an_exact_email_finds_the_one_account_and_is_journaled() {
    let w = world();
    let admin = staff(&w, "admin", Role::Administrator, true).await;
    let lea = citizen(&w, "lea").await;
    citizen(&w, "leon").await;

    let found = w
        .admin
        .service
        .search(&admin, by_email("  LEA@Exemple.fr "))
        .await
        .unwrap();
    assert_eq!(names(&found), ["lea"]);
    assert!(found.next.is_none());
    let journal = w.admin.journal.all();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].subject, lea.user_id);
    assert_eq!(journal[0].staff, admin.user_id);
    assert_eq!(journal[0].fields, [PersonalField::Email]);
    assert_eq!(
        journal[0].reason.as_str(),
        "Demande d'assistance n° 2026-1142"
    );

    let unknown = w
        .admin
        .service
        .search(&admin, by_email("personne@exemple.fr"))
        .await
        .unwrap();
    assert!(unknown.items.is_empty());
    let filtered_out = w
        .admin
        .service
        .search(
            &admin,
            AccountSearch {
                role: Some(Role::Moderator),
                ..by_email("lea@exemple.fr")
            },
        )
        .await
        .unwrap();
    assert!(filtered_out.items.is_empty());
    assert_eq!(
        w.admin.journal.all().len(),
        1,
        "what is not shown is not journaled"
    );
}

#[tokio::test]
async fn the_detail_opens_the_personal_data_journals_it_and_the_person_sees_it() {
    let w = world();
    let admin = staff(&w, "camille", Role::Administrator, true).await;
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    w.fx.service
        .update_me(
            &lea,
            ProfileChanges {
                phone: Some(Some(PhoneNumber::parse("+33612345678").unwrap())),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();

    let detail = w
        .admin
        .service
        .detail(
            &admin,
            lea.user_id,
            reason("Demande d'assistance n° 2026-1142"),
        )
        .await
        .unwrap();
    assert_eq!(detail.username.as_str(), "lea");
    assert_eq!(detail.profile.email.as_str(), "lea@exemple.fr");
    assert_eq!(detail.profile.first_name.as_str(), "Léa");
    assert_eq!(detail.profile.last_name.as_str(), "Martin");
    assert_eq!(detail.profile.country.as_str(), "FR");
    assert_eq!(
        detail.profile.phone.as_ref().map(PhoneNumber::as_str),
        Some("+33612345678")
    );
    assert_eq!(detail.fields_read, PersonalField::ALL);
    assert_eq!(detail.standing, Standing::Active);
    assert!(detail.email_verified);
    assert!(w.fx.audit.actions().contains(&"personal_data_read"));

    w.fx.clock.advance(time::Duration::minutes(5));
    let tom_detail = w
        .admin
        .service
        .detail(&admin, tom.user_id, reason("Contrôle"))
        .await
        .unwrap();
    assert_eq!(
        tom_detail.fields_read,
        [
            PersonalField::Email,
            PersonalField::FirstName,
            PersonalField::LastName,
            PersonalField::Country
        ],
        "no phone, nothing read of it"
    );

    let log = w.admin.service.access_log(&lea, None, 20).await.unwrap();
    assert_eq!(log.items.len(), 1, "only hers");
    let entry = &log.items[0];
    assert_eq!(entry.staff_username.as_str(), "camille");
    assert_eq!(entry.access.staff_role, Role::Administrator);
    assert_eq!(
        entry.access.reason.as_str(),
        "Demande d'assistance n° 2026-1142"
    );
    assert_eq!(entry.access.fields, PersonalField::ALL);
    assert_eq!(
        entry.access.at,
        w.fx.clock.now_for_tests() - time::Duration::minutes(5)
    );
    assert!(
        w.admin
            .service
            .access_log(&admin, None, 20)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn the_access_log_is_newest_first_in_keyset_pages() {
    let w = world();
    let admin = staff(&w, "camille", Role::Administrator, true).await;
    let lea = citizen(&w, "lea").await;
    for n in 0..5 {
        w.admin
            .service
            .detail(&admin, lea.user_id, reason(&format!("Dossier {n}")))
            .await
            .unwrap();
        w.fx.clock.advance(time::Duration::seconds(1));
    }

    let mut reasons = Vec::new();
    let mut after = None;
    loop {
        let page = w.admin.service.access_log(&lea, after, 2).await.unwrap();
        reasons.extend(page.items.iter().map(|e| e.access.reason.to_string()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        reasons,
        [
            "Dossier 4",
            "Dossier 3",
            "Dossier 2",
            "Dossier 1",
            "Dossier 0"
        ]
    );
}

#[tokio::test]
async fn staff_read_down_the_hierarchy_only() {
    let w = world();
    let admin = staff(&w, "admin", Role::Administrator, true).await;
    let other_admin = staff(&w, "admin2", Role::Administrator, true).await;
    let moderator = staff(&w, "modo", Role::Moderator, true).await;
    let root = staff(&w, "root", Role::SuperAdministrator, true).await;
    let why = || reason("Audit interne");

    assert!(
        w.admin
            .service
            .detail(&admin, moderator.user_id, why())
            .await
            .is_ok()
    );
    for target in [other_admin.user_id, root.user_id, admin.user_id] {
        assert_eq!(
            w.admin
                .service
                .detail(&admin, target, why())
                .await
                .unwrap_err()
                .code(),
            "forbidden"
        );
    }
    assert!(
        w.admin
            .service
            .detail(&root, other_admin.user_id, why())
            .await
            .is_ok()
    );
    assert_eq!(
        w.admin
            .service
            .detail(&root, root.user_id, why())
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(w.admin.journal.all().len(), 2, "refusals read nothing");
    assert!(matches!(
        w.admin
            .service
            .detail(&admin, UserId::generate(), why())
            .await
            .unwrap_err(),
        AppError::NotFound
    ));
}

#[tokio::test]
async fn nothing_is_shown_when_the_journal_cannot_be_written() {
    let w = world();
    let admin = staff(&w, "admin", Role::Administrator, true).await;
    let lea = citizen(&w, "lea").await;
    w.admin.journal.set_down(true);

    let err = w
        .admin
        .service
        .detail(&admin, lea.user_id, reason("Vérification"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "service_unavailable");
    let err = w
        .admin
        .service
        .search(&admin, by_email("lea@exemple.fr"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "service_unavailable");
    assert!(!w.fx.audit.actions().contains(&"personal_data_read"));
}
