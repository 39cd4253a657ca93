//! Erasure on in-memory fakes: what the holder must prove, what the
//! transaction is asked to do, the username reserved then freed, the tokens
//! refused, the audit, the orphaned attachment content, and the entry point
//! staff and retention use without a password.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_application::AppError;
use rr_application::ports::{BlobStore, ErasureOutcome};
use rr_application::services::ErasurePolicy;
use rr_application::services::identity::{NewAccount, ProfileChanges, StaffAccount};
use rr_application::services::{AttachmentPolicy, DataExportPolicy};
use rr_application::test_util::{
    AttachmentFixture, ChunkSource, DataExportFixture, ErasureFixture, FakeResources, FakeTotp,
    IdentityFixture, attachment_fixture, data_export_fixture, erasure_fixture, identity_fixture,
};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    AuthenticatedActor, CountryCode, Email, PersonName, Role, SessionId, UserId, Username,
};
use rr_domain::subject_rights::{ContentChoice, ERASED_AUTHOR, ErasureAuthority, ErasureReason};
use time::Duration;

const PASSWORD: &str = "Tournesol-Bleu-2026!";

/// The identity fixture, erasure on it, and the attachments it cleans.
struct Fx {
    identity: IdentityFixture,
    erasure: ErasureFixture,
    attachments: AttachmentFixture,
    exports: DataExportFixture,
}

fn fixture() -> Fx {
    let identity = identity_fixture();
    let attachments = attachment_fixture(
        std::sync::Arc::new(FakeResources::default()),
        identity.clock.clone(),
        AttachmentPolicy::default(),
    );
    let exports = data_export_fixture(&identity, DataExportPolicy::default());
    let erasure = erasure_fixture(
        &identity,
        attachments.service.clone(),
        exports.service.clone(),
        ErasurePolicy::default(),
    );
    Fx {
        identity,
        erasure,
        attachments,
        exports,
    }
}

async fn citizen(fx: &Fx, name: &str) -> AuthenticatedActor {
    fx.identity.citizen(name, PASSWORD).await.unwrap()
}

/// Turns two-factor authentication on for `actor`; returns its recovery
/// codes. The clock moves past the step of the confirming code.
async fn with_two_factor(fx: &Fx, actor: &AuthenticatedActor) -> Vec<String> {
    fx.identity.service.begin_totp(actor).await.unwrap();
    let code = FakeTotp::code_at(fx.identity.clock.now_for_tests());
    let codes = fx
        .identity
        .service
        .confirm_totp(actor, &code)
        .await
        .unwrap();
    fx.identity.clock.advance(Duration::seconds(30));
    codes
}

async fn erase_me(
    fx: &Fx,
    actor: &AuthenticatedActor,
    password: &str,
    code: Option<&str>,
) -> Result<(), AppError> {
    fx.erasure
        .service
        .erase_me(
            actor,
            &Password::new(password),
            code,
            ContentChoice::Anonymise,
        )
        .await
        .map(|_| ())
}

fn exists(fx: &Fx, id: UserId) -> bool {
    fx.identity.users.all().iter().any(|u| u.id == id)
}

fn new_account(username: &str, email: &str) -> NewAccount {
    NewAccount {
        email: Email::parse(email).unwrap(),
        username: Username::parse(username).unwrap(),
        first_name: PersonName::parse("Léo").unwrap(),
        last_name: PersonName::parse("Petit").unwrap(),
        country: CountryCode::parse("FR").unwrap(),
        phone: None,
        region: None,
        password: Password::new(PASSWORD),
        accepted_policy_version: "2026-11".into(),
        age_declaration: true,
    }
}

#[tokio::test]
async fn a_wrong_password_erases_nothing() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;

    let refused = erase_me(&fx, &lea, "not the password", None).await;

    assert!(matches!(
        refused,
        Err(AppError::Unauthenticated("invalid_credentials"))
    ));
    assert!(fx.erasure.store.plans().is_empty());
    assert!(exists(&fx, lea.user_id));
    assert!(fx.identity.audit.actions().contains(&"confirmation_failed"));
}

#[tokio::test]
async fn repeated_wrong_passwords_are_slowed_down() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    for _ in 0..3 {
        let refused = erase_me(&fx, &lea, "not the password", None).await;
        assert!(matches!(refused, Err(AppError::Unauthenticated(_))));
    }

    let slowed = erase_me(&fx, &lea, PASSWORD, None).await;

    assert!(
        matches!(slowed, Err(AppError::TooManyAttempts { .. })),
        "{slowed:?}"
    );
    assert!(exists(&fx, lea.user_id));
}

#[tokio::test]
async fn with_two_factor_on_a_code_is_required_and_checked() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    with_two_factor(&fx, &lea).await;

    let missing = erase_me(&fx, &lea, PASSWORD, None).await;
    let blank = erase_me(&fx, &lea, PASSWORD, Some("  ")).await;
    let wrong = erase_me(&fx, &lea, PASSWORD, Some("000000")).await;

    assert!(matches!(
        missing,
        Err(AppError::Forbidden("second_factor_required"))
    ));
    assert!(matches!(
        blank,
        Err(AppError::Forbidden("second_factor_required"))
    ));
    assert!(matches!(
        wrong,
        Err(AppError::Unauthenticated("invalid_second_factor"))
    ));
    assert!(exists(&fx, lea.user_id));

    let code = FakeTotp::code_at(fx.identity.clock.now_for_tests());
    erase_me(&fx, &lea, PASSWORD, Some(&code)).await.unwrap();
    assert!(!exists(&fx, lea.user_id));
}

#[tokio::test]
async fn a_recovery_code_serves_as_second_factor() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    let codes = with_two_factor(&fx, &lea).await;

    erase_me(&fx, &lea, PASSWORD, Some(&codes[0]))
        .await
        .unwrap();

    assert!(!exists(&fx, lea.user_id));
}

#[tokio::test]
async fn an_erasure_asks_for_the_account_its_choice_and_a_reservation() {
    let fx = fixture();
    let lea = citizen(&fx, "Lea_M").await;
    let now = fx.identity.clock.now_for_tests();

    let erased = fx
        .erasure
        .service
        .erase_me(&lea, &Password::new(PASSWORD), None, ContentChoice::Delete)
        .await
        .unwrap();

    assert_eq!(erased.subject, lea.user_id);
    let plans = fx.erasure.store.plans();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].subject, lea.user_id);
    assert_eq!(plans[0].content, ContentChoice::Delete);
    assert_eq!(plans[0].at, now);
    assert_eq!(plans[0].reservation.digest, b"uidx:lea_m".to_vec());
    assert_eq!(plans[0].reservation.until, now + Duration::days(30));
    let entry = fx.identity.audit.entries().pop().unwrap();
    assert_eq!(entry.event.action, "account_erased");
    assert_eq!(entry.event.actor, Some(lea.user_id));
    assert_eq!(entry.event.subject, Some(lea.user_id));
    assert!(entry.event.detail.starts_with("by=subject content=delete"));
}

#[tokio::test]
async fn the_erased_accounts_token_is_refused_at_once() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    let token = fx
        .identity
        .service
        .login(
            &Email::parse("lea_m@exemple.fr").unwrap(),
            &Password::new(PASSWORD),
            None,
        )
        .await
        .unwrap();
    let rr_application::services::identity::LoginOutcome::Tokens(pair) = token else {
        panic!("no second factor expected");
    };
    // Both sessions are known to the gate.
    let other = fx
        .identity
        .service
        .authenticate(&pair.access_token)
        .await
        .unwrap();
    assert_eq!(other.user_id, lea.user_id);

    erase_me(&fx, &lea, PASSWORD, None).await.unwrap();

    let refused = fx.identity.service.authenticate(&pair.access_token).await;
    assert!(matches!(
        refused,
        Err(AppError::Unauthenticated("session_revoked"))
    ));
    let login = fx
        .identity
        .service
        .login(
            &Email::parse("lea_m@exemple.fr").unwrap(),
            &Password::new(PASSWORD),
            None,
        )
        .await;
    assert!(matches!(
        login,
        Err(AppError::Unauthenticated("invalid_credentials"))
    ));
}

#[tokio::test]
async fn the_username_is_reserved_then_freed() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    erase_me(&fx, &lea, PASSWORD, None).await.unwrap();

    let taken = fx
        .identity
        .service
        .register(new_account("LEA_M", "autre@exemple.fr"))
        .await;
    assert!(matches!(
        taken,
        Err(AppError::ConflictWith("username_taken"))
    ));
    let leo = citizen(&fx, "leo_p").await;
    let renamed = fx
        .identity
        .service
        .update_me(
            &leo,
            ProfileChanges {
                username: Some(Username::parse("lea_m").unwrap()),
                ..ProfileChanges::default()
            },
        )
        .await;
    assert!(matches!(
        renamed,
        Err(AppError::ConflictWith("username_taken"))
    ));

    fx.identity.clock.advance(Duration::days(30));
    fx.identity
        .service
        .register(new_account("lea_m", "autre@exemple.fr"))
        .await
        .unwrap();
}

#[tokio::test]
async fn staff_accounts_are_not_erased() {
    let fx = fixture();
    let id = fx
        .identity
        .service
        .bootstrap_account(
            StaffAccount {
                email: Email::parse("camille@exemple.fr").unwrap(),
                username: Username::parse("camille").unwrap(),
                first_name: PersonName::parse("Camille").unwrap(),
                last_name: PersonName::parse("Durand").unwrap(),
                country: CountryCode::parse("FR").unwrap(),
                role: Role::Moderator,
            },
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    let moderator = AuthenticatedActor {
        user_id: id,
        session_id: SessionId::generate(),
        role: Role::Moderator,
        two_factor: false,
    };

    let own = erase_me(&fx, &moderator, PASSWORD, None).await;
    let by_rule = fx
        .erasure
        .service
        .erase(
            id,
            ErasureAuthority::System {
                reason: ErasureReason::parse("inactive_account").unwrap(),
            },
            ContentChoice::Delete,
        )
        .await;

    assert!(matches!(own, Err(AppError::Forbidden("staff_account"))));
    assert!(matches!(by_rule, Err(AppError::Forbidden("staff_account"))));
    assert!(exists(&fx, id));
}

#[tokio::test]
async fn the_platform_erases_without_a_password_and_says_why() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    fx.erasure.store.set_outcome(ErasureOutcome {
        resources_deleted: 2,
        resources_kept: 1,
        comments_anonymised: 5,
        ..ErasureOutcome::default()
    });

    let erased = fx
        .erasure
        .service
        .erase(
            lea.user_id,
            ErasureAuthority::System {
                reason: ErasureReason::parse("inactive_account").unwrap(),
            },
            ContentChoice::Anonymise,
        )
        .await
        .unwrap();

    assert_eq!(erased.outcome.resources_kept, 1);
    assert!(!exists(&fx, lea.user_id));
    let entry = fx.identity.audit.entries().pop().unwrap();
    assert_eq!(entry.event.action, "account_erased");
    assert_eq!(entry.event.actor, None);
    assert_eq!(
        entry.event.detail,
        "by=system reason=inactive_account content=anonymise resources_deleted=2 \
         resources_kept=1 comments_anonymised=5 comments_emptied=0 reports_kept=0"
    );
}

#[tokio::test]
async fn nobody_and_the_erased_author_cannot_be_erased() {
    let fx = fixture();
    for subject in [UserId::generate(), ERASED_AUTHOR] {
        let refused = fx
            .erasure
            .service
            .erase(
                subject,
                ErasureAuthority::System {
                    reason: ErasureReason::parse("inactive_account").unwrap(),
                },
                ContentChoice::Delete,
            )
            .await;
        assert!(matches!(refused, Err(AppError::NotFound)), "{subject:?}");
    }
    assert!(fx.erasure.store.plans().is_empty());
}

#[tokio::test]
async fn a_store_that_fails_leaves_the_account_and_the_log_alone() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    fx.erasure.store.set_down(true);

    let failed = erase_me(&fx, &lea, PASSWORD, None).await;

    assert!(matches!(failed, Err(AppError::Unavailable(_))));
    assert!(exists(&fx, lea.user_id));
    assert!(!fx.identity.audit.actions().contains(&"account_erased"));
    assert!(fx.erasure.reservations.is_empty());
}

#[tokio::test]
async fn attachment_content_nobody_uses_any_more_is_removed() {
    let fx = fixture();
    let lea = citizen(&fx, "lea_m").await;
    let blobs = &fx.attachments.blobs;
    let orphan = blobs
        .put(Box::new(ChunkSource::new(b"%PDF-1.7 lea's file", 8)), 1_000)
        .await
        .unwrap();
    fx.erasure.store.set_outcome(ErasureOutcome {
        blobs: vec![orphan.digest.clone()],
        ..ErasureOutcome::default()
    });

    erase_me(&fx, &lea, PASSWORD, None).await.unwrap();

    assert!(blobs.get(&orphan.digest).is_none());
}

#[tokio::test]
async fn the_persons_export_archives_go_with_the_account() {
    let fx = fixture();
    let lea = citizen(&fx, "lea").await;
    let other = citizen(&fx, "hugo").await;
    for actor in [&lea, &other] {
        let export = fx.exports.service.request(actor).await.unwrap();
        assert!(
            export.archive.is_some(),
            "a small account's archive is made at once"
        );
    }
    assert_eq!(fx.exports.archives.len(), 2);

    erase_me(&fx, &lea, PASSWORD, None).await.unwrap();

    assert_eq!(
        fx.exports.archives.len(),
        1,
        "only the other person's archive is left"
    );
}
