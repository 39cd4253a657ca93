//! The identity use cases on in-memory fakes: registration, verification,
//! login, throttling, sessions and refresh rotation, passwords, two-factor
//! authentication, roles and suspensions, key rotation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_application::AppError;
use rr_application::services::identity::{
    LoginOutcome, NewAccount, ProfileChanges, StaffAccount, TokenPair,
};
use rr_application::test_util::{FakeTotp, IdentityFixture, identity_fixture};
use rr_domain::credentials::Password;
use rr_domain::identity::{AuthenticatedActor, CountryCode, Email, PersonName, Role, Username};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

fn account(email: &str, username: &str) -> NewAccount {
    NewAccount {
        email: Email::parse(email).unwrap(),
        username: Username::parse(username).unwrap(),
        first_name: PersonName::parse("Léa").unwrap(),
        last_name: PersonName::parse("Martin").unwrap(),
        country: CountryCode::parse("FR").unwrap(),
        phone: None,
        region: None,
        password: Password::new(PASSWORD),
        accepted_policy_version: "2026-11".into(),
        age_declaration: true,
    }
}

fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

async fn registered_and_verified(fx: &IdentityFixture, address: &str, username: &str) {
    fx.service
        .register(account(address, username))
        .await
        .unwrap();
    let token = fx
        .outbox
        .last_token_for(address)
        .expect("a verification link");
    fx.service.verify_email(&token).await.unwrap();
}

async fn logged_in(fx: &IdentityFixture, address: &str) -> TokenPair {
    match fx
        .service
        .login(&email(address), &Password::new(PASSWORD), Some("tests"))
        .await
        .unwrap()
    {
        LoginOutcome::Tokens(pair) => pair,
        LoginOutcome::SecondFactorRequired { .. } => panic!("no second factor expected"),
    }
}

async fn actor(fx: &IdentityFixture, pair: &TokenPair) -> AuthenticatedActor {
    fx.service.authenticate(&pair.access_token).await.unwrap()
}

fn code(err: &AppError) -> &'static str {
    err.code()
}

#[tokio::test]
async fn a_registered_account_must_verify_its_email_before_logging_in() {
    let fx = identity_fixture();
    fx.service
        .register(account("lea@exemple.fr", "lea"))
        .await
        .unwrap();

    let err = fx
        .service
        .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
        .await
        .unwrap_err();
    assert_eq!(code(&err), "email_not_verified");

    let token = fx.outbox.last_token_for("lea@exemple.fr").unwrap();
    fx.service.verify_email(&token).await.unwrap();
    let pair = logged_in(&fx, "lea@exemple.fr").await;
    assert_eq!(actor(&fx, &pair).await.role, Role::Citizen);
    assert_eq!(
        code(&fx.service.verify_email(&token).await.unwrap_err()),
        "invalid_or_expired_token"
    );
    assert!(fx.audit.actions().contains(&"account_registered"));
}

#[tokio::test]
async fn registering_a_known_email_answers_the_same_and_warns_the_owner() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;

    fx.service
        .register(account("LEA@exemple.fr", "someone-else"))
        .await
        .unwrap();

    assert_eq!(fx.users.all().len(), 1);
    let last = fx.outbox.sent().pop().unwrap();
    assert_eq!(last.subject, "Tentative d'inscription avec votre adresse");
}

#[tokio::test]
async fn a_taken_username_is_a_conflict_whatever_its_case() {
    let fx = identity_fixture();
    fx.service
        .register(account("lea@exemple.fr", "Lea"))
        .await
        .unwrap();

    let err = fx
        .service
        .register(account("autre@exemple.fr", "lEA"))
        .await
        .unwrap_err();

    assert_eq!(code(&err), "username_taken");
}

#[tokio::test]
async fn the_password_policy_says_which_rule_failed() {
    let fx = identity_fixture();
    let cases = [
        ("Court1!", "password_too_short"),
        ("abcdefghijklm", "password_missing_character_classes"),
        ("MonPassword2026!", "password_too_predictable"),
        ("Lea-est-la-2026!", "password_too_predictable"),
    ];
    for (password, expected) in cases {
        let mut new = account("lea@exemple.fr", "lea");
        new.password = Password::new(password);
        let AppError::Invalid(violations) = fx.service.register(new).await.unwrap_err() else {
            panic!("{password} should be refused");
        };
        assert_eq!(violations[0].field, "password");
        assert_eq!(violations[0].code, expected, "{password}");
    }
}

#[tokio::test]
async fn a_long_passphrase_passes_without_every_character_class() {
    let fx = identity_fixture();
    let mut new = account("lea@exemple.fr", "lea");
    new.password = Password::new("velours orage cerise lanterne galop");

    fx.service.register(new).await.unwrap();
}

#[tokio::test]
async fn the_policy_version_and_the_age_declaration_are_required() {
    let fx = identity_fixture();
    let mut new = account("lea@exemple.fr", "lea");
    new.accepted_policy_version = "2020-01".into();
    new.age_declaration = false;

    let AppError::Invalid(violations) = fx.service.register(new).await.unwrap_err() else {
        panic!("expected a validation failure");
    };
    let fields: Vec<_> = violations.iter().map(|v| v.field).collect();
    assert_eq!(fields, ["acceptedPolicyVersion", "ageDeclaration"]);
}

#[tokio::test]
async fn unknown_emails_and_wrong_passwords_are_indistinguishable() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;

    let unknown = fx
        .service
        .login(&email("nobody@exemple.fr"), &Password::new(PASSWORD), None)
        .await
        .unwrap_err();
    let wrong = fx
        .service
        .login(
            &email("lea@exemple.fr"),
            &Password::new("Wrong-Password-1!"),
            None,
        )
        .await
        .unwrap_err();

    assert_eq!(code(&unknown), "invalid_credentials");
    assert_eq!(code(&wrong), "invalid_credentials");
}

#[tokio::test]
async fn repeated_failures_slow_down_then_lock_known_and_unknown_emails_alike() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    for address in ["lea@exemple.fr", "nobody@exemple.fr"] {
        for _ in 0..3 {
            let err = fx
                .service
                .login(&email(address), &Password::new("Wrong-Password-1!"), None)
                .await
                .unwrap_err();
            assert_eq!(code(&err), "invalid_credentials");
        }
        let _ = fx
            .service
            .login(&email(address), &Password::new("Wrong-Password-1!"), None)
            .await;
        let err = fx
            .service
            .login(&email(address), &Password::new(PASSWORD), None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                AppError::TooManyAttempts {
                    retry_after_secs: 1..
                }
            ),
            "{address}: {err:?}"
        );
    }
    fx.clock.advance(time::Duration::seconds(2));
    logged_in(&fx, "lea@exemple.fr").await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_its_session() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let first = logged_in(&fx, "lea@exemple.fr").await;

    let second = fx.service.refresh(&first.refresh_token).await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.session_id, first.session_id);

    let err = fx.service.refresh(&first.refresh_token).await.unwrap_err();
    assert_eq!(code(&err), "invalid_refresh_token");
    assert_eq!(
        code(&fx.service.refresh(&second.refresh_token).await.unwrap_err()),
        "invalid_refresh_token"
    );
    assert_eq!(
        code(
            &fx.service
                .authenticate(&second.access_token)
                .await
                .unwrap_err()
        ),
        "session_revoked"
    );
    assert!(fx.audit.actions().contains(&"refresh_token_reused"));
}

#[tokio::test]
async fn logout_everywhere_ends_every_session() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let phone = logged_in(&fx, "lea@exemple.fr").await;
    let laptop = logged_in(&fx, "lea@exemple.fr").await;
    let me = actor(&fx, &laptop).await;
    assert_eq!(fx.service.sessions(&me).await.unwrap().len(), 2);

    assert_eq!(fx.service.logout_everywhere(&me).await.unwrap(), 2);

    fx.clock.advance(time::Duration::seconds(31));
    assert!(fx.service.authenticate(&phone.access_token).await.is_err());
    assert!(fx.service.refresh(&laptop.refresh_token).await.is_err());
}

#[tokio::test]
async fn one_session_is_revoked_only_by_its_owner() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    registered_and_verified(&fx, "tom@exemple.fr", "tom").await;
    let lea = logged_in(&fx, "lea@exemple.fr").await;
    let tom = actor(&fx, &logged_in(&fx, "tom@exemple.fr").await).await;

    assert_eq!(
        code(
            &fx.service
                .revoke_session(&tom, lea.session_id)
                .await
                .unwrap_err()
        ),
        "not_found"
    );

    let lea_actor = actor(&fx, &lea).await;
    fx.service
        .revoke_session(&lea_actor, lea.session_id)
        .await
        .unwrap();
    assert_eq!(
        code(
            &fx.service
                .authenticate(&lea.access_token)
                .await
                .unwrap_err()
        ),
        "session_revoked"
    );
}

#[tokio::test]
async fn changing_the_password_revokes_the_other_sessions() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let other = logged_in(&fx, "lea@exemple.fr").await;
    let current = logged_in(&fx, "lea@exemple.fr").await;
    let me = actor(&fx, &current).await;

    fx.service
        .change_password(
            &me,
            &Password::new(PASSWORD),
            &Password::new("Nouveau-Jardin-77?"),
        )
        .await
        .unwrap();

    assert!(fx.service.refresh(&other.refresh_token).await.is_err());
    assert!(fx.service.refresh(&current.refresh_token).await.is_ok());
    let err = fx
        .service
        .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
        .await
        .unwrap_err();
    assert_eq!(code(&err), "invalid_credentials");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let session = logged_in(&fx, "lea@exemple.fr").await;
    let sent_before = fx.outbox.sent().len();

    fx.service
        .request_password_reset(&email("nobody@exemple.fr"))
        .await
        .unwrap();
    assert_eq!(
        fx.outbox.sent().len(),
        sent_before,
        "no mail for an unknown address"
    );
    fx.service
        .request_password_reset(&email("lea@exemple.fr"))
        .await
        .unwrap();
    let token = fx.outbox.last_token_for("lea@exemple.fr").unwrap();

    fx.service
        .reset_password(&token, &Password::new("Nouveau-Jardin-77?"))
        .await
        .unwrap();

    assert!(fx.service.refresh(&session.refresh_token).await.is_err());
    let again = fx
        .service
        .reset_password(&token, &Password::new("Encore-Autre-88?"))
        .await
        .unwrap_err();
    assert_eq!(code(&again), "invalid_or_expired_token");
}

#[tokio::test]
async fn two_factor_enrolment_then_login_with_a_code_or_a_recovery_code() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let me = actor(&fx, &logged_in(&fx, "lea@exemple.fr").await).await;
    fx.service.begin_totp(&me).await.unwrap();
    let wrong = fx.service.confirm_totp(&me, "000000").await.unwrap_err();
    assert_eq!(code(&wrong), "invalid_second_factor");
    let codes = fx
        .service
        .confirm_totp(&me, &FakeTotp::code_at(fx.clock.now_for_tests()))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);

    fx.clock.advance(time::Duration::seconds(30));
    let LoginOutcome::SecondFactorRequired { challenge } = fx
        .service
        .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
        .await
        .unwrap()
    else {
        panic!("a second factor is required");
    };
    let now_code = FakeTotp::code_at(fx.clock.now_for_tests());
    fx.service
        .login_second_factor(&challenge, &now_code, None)
        .await
        .unwrap();

    let LoginOutcome::SecondFactorRequired { challenge } = fx
        .service
        .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
        .await
        .unwrap()
    else {
        panic!("a second factor is required");
    };
    let replay = fx
        .service
        .login_second_factor(&challenge, &now_code, None)
        .await
        .unwrap_err();
    assert_eq!(
        code(&replay),
        "invalid_second_factor",
        "a TOTP code is accepted once"
    );

    for attempt in 0..2 {
        let LoginOutcome::SecondFactorRequired { challenge } = fx
            .service
            .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
            .await
            .unwrap()
        else {
            panic!("a second factor is required");
        };
        let result = fx
            .service
            .login_second_factor(&challenge, &codes[0].to_lowercase(), None)
            .await;
        assert_eq!(result.is_ok(), attempt == 0, "a recovery code works once");
    }
}

#[tokio::test]
async fn staff_need_two_factor_and_only_super_administrators_change_roles() {
    let fx = identity_fixture();
    let staff = |address: &str, username: &str, role| StaffAccount {
        email: email(address),
        username: Username::parse(username).unwrap(),
        first_name: PersonName::parse("Camille").unwrap(),
        last_name: PersonName::parse("Durand").unwrap(),
        country: CountryCode::parse("FR").unwrap(),
        role,
    };
    let root = fx
        .service
        .bootstrap_account(
            staff("root@exemple.fr", "root", Role::SuperAdministrator),
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let lea_pair = logged_in(&fx, "lea@exemple.fr").await;
    let lea = actor(&fx, &lea_pair).await;
    let root_actor = actor(&fx, &logged_in(&fx, "root@exemple.fr").await).await;
    assert_eq!(root_actor.user_id, root);

    let err = fx
        .service
        .change_role(&root_actor, lea.user_id, Role::Moderator)
        .await
        .unwrap_err();
    assert_eq!(code(&err), "two_factor_required");
    let err = fx
        .service
        .change_role(&lea, root, Role::Citizen)
        .await
        .unwrap_err();
    assert_eq!(code(&err), "forbidden");

    fx.service.begin_totp(&root_actor).await.unwrap();
    fx.service
        .confirm_totp(&root_actor, &FakeTotp::code_at(fx.clock.now_for_tests()))
        .await
        .unwrap();
    let root_actor = AuthenticatedActor {
        two_factor: true,
        ..root_actor
    };
    assert_eq!(
        code(
            &fx.service
                .change_role(&root_actor, root, Role::Citizen)
                .await
                .unwrap_err()
        ),
        "forbidden"
    );
    fx.service
        .change_role(&root_actor, lea.user_id, Role::Moderator)
        .await
        .unwrap();

    // The old token names the old role: it stops working once the check expires.
    assert!(
        fx.service
            .authenticate(&lea_pair.access_token)
            .await
            .is_ok(),
        "still cached"
    );
    fx.clock.advance(time::Duration::seconds(31));
    assert_eq!(
        code(
            &fx.service
                .authenticate(&lea_pair.access_token)
                .await
                .unwrap_err()
        ),
        "session_revoked"
    );
    let renewed = fx.service.refresh(&lea_pair.refresh_token).await.unwrap();
    assert_eq!(actor(&fx, &renewed).await.role, Role::Moderator);
    assert!(fx.audit.actions().contains(&"role_changed"));
}

#[tokio::test]
async fn a_suspended_citizen_is_logged_out_and_cannot_log_in() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let lea_pair = logged_in(&fx, "lea@exemple.fr").await;
    let lea = actor(&fx, &lea_pair).await;
    let admin = AuthenticatedActor {
        user_id: rr_domain::identity::UserId::generate(),
        session_id: rr_domain::identity::SessionId::generate(),
        role: Role::Administrator,
        two_factor: true,
    };

    let err = fx
        .service
        .suspend(&admin, lea.user_id, "  ", None)
        .await
        .unwrap_err();
    assert_eq!(code(&err), "validation_failed");
    fx.service
        .suspend(&admin, lea.user_id, "Messages haineux répétés", None)
        .await
        .unwrap();

    assert!(fx.service.refresh(&lea_pair.refresh_token).await.is_err());
    fx.clock.advance(time::Duration::seconds(31));
    assert_eq!(
        code(
            &fx.service
                .authenticate(&lea_pair.access_token)
                .await
                .unwrap_err()
        ),
        "session_revoked"
    );
    let err = fx
        .service
        .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
        .await
        .unwrap_err();
    assert_eq!(code(&err), "account_suspended");

    fx.service.reactivate(&admin, lea.user_id).await.unwrap();
    logged_in(&fx, "lea@exemple.fr").await;
}

#[tokio::test]
async fn changing_the_email_requires_verifying_it_again() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    registered_and_verified(&fx, "tom@exemple.fr", "tom").await;
    let me = actor(&fx, &logged_in(&fx, "lea@exemple.fr").await).await;

    let taken = ProfileChanges {
        email: Some(email("tom@exemple.fr")),
        ..ProfileChanges::default()
    };
    assert_eq!(
        code(&fx.service.update_me(&me, taken).await.unwrap_err()),
        "email_taken"
    );

    let view = fx
        .service
        .update_me(
            &me,
            ProfileChanges {
                email: Some(email("lea.martin@exemple.fr")),
                last_name: Some(PersonName::parse("Martin-Roux").unwrap()),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(view.email.as_str(), "lea.martin@exemple.fr");
    assert!(!view.email_verified);
    assert_eq!(view.last_name.as_str(), "Martin-Roux");
    assert!(fx.outbox.last_token_for("lea.martin@exemple.fr").is_some());
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_every_data_key_and_keeps_data_readable() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    registered_and_verified(&fx, "tom@exemple.fr", "tom").await;
    let me = actor(&fx, &logged_in(&fx, "lea@exemple.fr").await).await;
    fx.cipher.set_current("k2");

    let rewrapped = fx.service.rotate_master_key(1, |_| {}).await.unwrap();

    assert_eq!(rewrapped, 2);
    assert!(fx.users.all().iter().all(|u| u.data_key.key_id.0 == "k2"));
    assert_eq!(
        fx.service.me(&me).await.unwrap().email.as_str(),
        "lea@exemple.fr"
    );
    assert_eq!(
        fx.service.rotate_master_key(10, |_| {}).await.unwrap(),
        0,
        "a second run has nothing to do"
    );
}

#[tokio::test]
async fn a_citizen_may_disable_two_factor_but_staff_may_not() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let me = actor(&fx, &logged_in(&fx, "lea@exemple.fr").await).await;
    fx.service.begin_totp(&me).await.unwrap();
    fx.service
        .confirm_totp(&me, &FakeTotp::code_at(fx.clock.now_for_tests()))
        .await
        .unwrap();
    fx.clock.advance(time::Duration::seconds(30));

    let wrong = fx
        .service
        .disable_totp(
            &me,
            &Password::new("Faux-Mot-2026!"),
            &FakeTotp::code_at(fx.clock.now_for_tests()),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "invalid_credentials");
    fx.service
        .disable_totp(
            &me,
            &Password::new(PASSWORD),
            &FakeTotp::code_at(fx.clock.now_for_tests()),
        )
        .await
        .unwrap();
    assert!(matches!(
        fx.service
            .login(&email("lea@exemple.fr"), &Password::new(PASSWORD), None)
            .await
            .unwrap(),
        LoginOutcome::Tokens(_)
    ));

    let root = AuthenticatedActor {
        user_id: rr_domain::identity::UserId::generate(),
        session_id: rr_domain::identity::SessionId::generate(),
        role: Role::SuperAdministrator,
        two_factor: true,
    };
    fx.service
        .change_role(&root, me.user_id, Role::Moderator)
        .await
        .unwrap();
    let err = fx
        .service
        .disable_totp(&me, &Password::new(PASSWORD), "000000")
        .await
        .unwrap_err();
    assert_eq!(code(&err), "two_factor_mandatory");
}

#[tokio::test]
async fn a_new_verification_link_replaces_the_previous_one() {
    let fx = identity_fixture();
    fx.service
        .register(account("lea@exemple.fr", "lea"))
        .await
        .unwrap();
    let first = fx.outbox.last_token_for("lea@exemple.fr").unwrap();

    fx.service
        .resend_verification(&email("lea@exemple.fr"))
        .await
        .unwrap();
    fx.service
        .resend_verification(&email("nobody@exemple.fr"))
        .await
        .unwrap();

    let second = fx.outbox.last_token_for("lea@exemple.fr").unwrap();
    assert_ne!(first, second);
    assert_eq!(
        code(&fx.service.verify_email(&first).await.unwrap_err()),
        "invalid_or_expired_token"
    );
    fx.service.verify_email(&second).await.unwrap();
    assert!(
        fx.outbox
            .sent()
            .iter()
            .all(|m| m.to.as_str() != "nobody@exemple.fr")
    );
}

#[tokio::test]
async fn an_invited_staff_member_sets_a_password_through_the_link() {
    let fx = identity_fixture();
    let root = AuthenticatedActor {
        user_id: rr_domain::identity::UserId::generate(),
        session_id: rr_domain::identity::SessionId::generate(),
        role: Role::SuperAdministrator,
        two_factor: true,
    };
    let invited = StaffAccount {
        email: email("camille@exemple.fr"),
        username: Username::parse("camille").unwrap(),
        first_name: PersonName::parse("Camille").unwrap(),
        last_name: PersonName::parse("Durand").unwrap(),
        country: CountryCode::parse("FR").unwrap(),
        role: Role::Moderator,
    };

    fx.service.create_account(&root, invited).await.unwrap();
    let token = fx
        .outbox
        .last_token_for("camille@exemple.fr")
        .expect("an invitation link");
    fx.service
        .reset_password(&token, &Password::new(PASSWORD))
        .await
        .unwrap();

    let pair = logged_in(&fx, "camille@exemple.fr").await;
    let camille = actor(&fx, &pair).await;
    assert_eq!(camille.role, Role::Moderator);
    assert!(
        !camille.two_factor,
        "staff must still enable two-factor authentication"
    );
}

#[tokio::test]
async fn a_citizen_objects_to_statistics_and_withdraws_the_objection() {
    let fx = identity_fixture();
    registered_and_verified(&fx, "lea@exemple.fr", "lea").await;
    let me = actor(&fx, &logged_in(&fx, "lea@exemple.fr").await).await;
    assert!(!fx.service.me(&me).await.unwrap().statistics_objection);

    for objects in [true, false] {
        let view = fx
            .service
            .update_me(
                &me,
                ProfileChanges {
                    statistics_objection: Some(objects),
                    ..ProfileChanges::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(view.statistics_objection, objects);
        let stored = rr_application::ports::UserRepository::find(fx.users.as_ref(), me.user_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.statistics_objection, objects);
    }
    let unchanged = fx
        .service
        .update_me(&me, ProfileChanges::default())
        .await
        .unwrap();
    assert!(!unchanged.statistics_objection, "absent means unchanged");
}

#[tokio::test]
async fn a_citizen_gives_a_region_and_consents_to_communications_then_withdraws() {
    use rr_domain::identity::Region;

    let fx = identity_fixture();
    fx.service
        .register(NewAccount {
            region: Some(Region::Bretagne),
            ..account("lea@exemple.fr", "lea")
        })
        .await
        .unwrap();
    let token = fx.outbox.last_token_for("lea@exemple.fr").unwrap();
    fx.service.verify_email(&token).await.unwrap();
    let me = actor(&fx, &logged_in(&fx, "lea@exemple.fr").await).await;
    let view = fx.service.me(&me).await.unwrap();
    assert_eq!(view.region, Some(Region::Bretagne), "given at registration");
    assert!(!view.communications_consent, "off unless given");

    let changed = fx
        .service
        .update_me(
            &me,
            ProfileChanges {
                region: Some(Some(Region::OutsideFrance)),
                communications_consent: Some(true),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.region, Some(Region::OutsideFrance));
    assert!(changed.communications_consent);
    let stored = rr_application::ports::UserRepository::find(fx.users.as_ref(), me.user_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.region, Some(Region::OutsideFrance));
    assert!(stored.communications_consent);

    let unchanged = fx
        .service
        .update_me(&me, ProfileChanges::default())
        .await
        .unwrap();
    assert_eq!(
        unchanged.region,
        Some(Region::OutsideFrance),
        "absent means unchanged"
    );
    let withdrawn = fx
        .service
        .update_me(
            &me,
            ProfileChanges {
                region: Some(None),
                communications_consent: Some(false),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(withdrawn.region, None);
    assert!(!withdrawn.communications_consent);
    let consents: Vec<String> = fx
        .audit
        .entries()
        .into_iter()
        .filter(|e| e.event.action == "profile_rectified")
        .map(|e| e.event.detail)
        .filter(|detail| detail.contains("communications_consent"))
        .collect();
    assert_eq!(
        consents,
        [
            "fields=region communications_consent=true",
            "fields=region communications_consent=false"
        ],
        "each change of consent is recorded with its time (and the region changed too)"
    );
}
