//! Category administration on an in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use std::time::Duration;

use rr_application::services::ReferenceDataService;
use rr_application::test_util::{InMemoryReferenceData, SettableClock};
use rr_domain::identity::{AuthenticatedActor, Role, SessionId, UserId};
use rr_domain::reference::{Label, Slug};
use time::OffsetDateTime;

fn actor(role: Role, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

/// A service that keeps its public lists for an hour: the changes made
/// through it must show at once all the same.
fn service() -> ReferenceDataService {
    ReferenceDataService::new(Arc::new(InMemoryReferenceData::default())).with_memory(
        Duration::from_secs(3600),
        Arc::new(SettableClock::new(OffsetDateTime::UNIX_EPOCH)),
    )
}

#[tokio::test]
async fn administrators_add_rename_and_deactivate_categories() {
    let service = service();
    let admin = actor(Role::Administrator, true);
    assert!(service.public_categories().await.unwrap().is_empty());

    let created = service
        .create_category(
            &admin,
            Slug::parse("solidarite").unwrap(),
            Label::parse("Solidarité").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(service.public_categories().await.unwrap().len(), 1);

    let renamed = service
        .change_category(
            &admin,
            created.id,
            Some(Label::parse("Solidarités").unwrap()),
            Some(false),
        )
        .await
        .unwrap();
    assert_eq!(renamed.label.as_str(), "Solidarités");
    assert_eq!(
        renamed.slug.as_str(),
        "solidarite",
        "the slug never changes"
    );
    assert!(
        service.public_categories().await.unwrap().is_empty(),
        "inactive ones leave the public list"
    );
    assert_eq!(
        service.all_categories(&admin).await.unwrap().len(),
        1,
        "administrators still see it"
    );

    let again = service
        .create_category(
            &admin,
            Slug::parse("solidarite").unwrap(),
            Label::parse("Autre").unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "slug_taken");
}

#[tokio::test]
async fn only_administrators_with_two_factor_manage_categories() {
    let service = service();
    let slug = || Slug::parse("test").unwrap();
    let label = || Label::parse("Test").unwrap();

    for (role, two_factor, code) in [
        (Role::Citizen, false, "forbidden"),
        (Role::Moderator, true, "forbidden"),
        (Role::Administrator, false, "two_factor_required"),
    ] {
        let err = service
            .create_category(&actor(role, two_factor), slug(), label())
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "{role:?}");
        assert_eq!(
            service
                .all_categories(&actor(role, two_factor))
                .await
                .unwrap_err()
                .code(),
            code
        );
    }
    assert!(
        service
            .create_category(&actor(Role::SuperAdministrator, true), slug(), label())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn another_process_sees_a_change_once_its_kept_list_expires() {
    let store = Arc::new(InMemoryReferenceData::default());
    let clock = Arc::new(SettableClock::new(OffsetDateTime::UNIX_EPOCH));
    let reader = ReferenceDataService::new(store.clone())
        .with_memory(Duration::from_secs(10), clock.clone());
    let writer = ReferenceDataService::new(store);
    assert!(reader.public_categories().await.unwrap().is_empty());

    writer
        .create_category(
            &actor(Role::Administrator, true),
            Slug::parse("loisirs").unwrap(),
            Label::parse("Loisirs").unwrap(),
        )
        .await
        .unwrap();

    clock.advance(time::Duration::seconds(9));
    assert!(
        reader.public_categories().await.unwrap().is_empty(),
        "kept for 10 s"
    );
    clock.advance(time::Duration::seconds(1));
    assert_eq!(reader.public_categories().await.unwrap().len(), 1);
    assert_eq!(
        writer.public_categories().await.unwrap().len(),
        1,
        "a service without memory reads every time"
    );
}
