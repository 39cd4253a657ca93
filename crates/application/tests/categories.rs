//! Category administration on an in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::services::ReferenceDataService;
use rr_application::test_util::InMemoryReferenceData;
use rr_domain::identity::{AuthenticatedActor, Role, SessionId, UserId};
use rr_domain::reference::{Label, Slug};

fn actor(role: Role, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn service() -> ReferenceDataService {
    ReferenceDataService::new(Arc::new(InMemoryReferenceData::default()))
}

#[tokio::test]
async fn administrators_add_rename_and_deactivate_categories() {
    let service = service();
    let admin = actor(Role::Administrator, true);

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
