//! The resource use cases on in-memory fakes: creation checks, visibility as
//! 404, editing back to review, sharing, submission, deletion and restoration.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::AppError;
use rr_application::services::resources::{NewResource, ResourceChanges};
use rr_application::services::{
    Rate, ResourcePorts, ResourceService, WriteLimitPolicy, WriteLimiter,
};
use rr_application::test_util::{
    FakeCatalogue, FakeResources, IdentityFixture, InMemoryReferenceData, RecordingStatistics,
    identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::identity::{Actor, AuthenticatedActor, Role, SessionId, UserId, Username};
use rr_domain::reference::{Category, Label, ReferenceId, RelationType, ResourceType, Slug};
use rr_domain::resource::{Body, Lifecycle, Summary, Title, Visibility};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    service: ResourceService,
    statistics: Arc<RecordingStatistics>,
    category: ReferenceId,
    closed_category: ReferenceId,
    kind: ReferenceId,
    relation: ReferenceId,
}

fn id(n: u128) -> ReferenceId {
    ReferenceId::from_uuid(Uuid::from_u128(n))
}

fn world() -> World {
    world_with(&WriteLimitPolicy::default())
}

/// A world whose accounts create resources within `limits`.
fn world_with(limits: &WriteLimitPolicy) -> World {
    let fx = identity_fixture();
    let category = |n, slug: &str, active| Category {
        id: id(n),
        slug: Slug::parse(slug).unwrap(),
        label: Label::parse(slug).unwrap(),
        position: 1,
        active,
    };
    let reference = InMemoryReferenceData::new(
        vec![
            category(1, "parentalite", true),
            category(2, "ancienne", false),
        ],
        vec![RelationType {
            id: id(3),
            slug: Slug::parse("famille").unwrap(),
            label: Label::parse("Famille").unwrap(),
            position: 1,
        }],
        vec![ResourceType {
            id: id(4),
            slug: Slug::parse("article").unwrap(),
            label: Label::parse("Article").unwrap(),
            position: 1,
        }],
    );
    let resources = Arc::new(FakeResources::default());
    let statistics = Arc::new(RecordingStatistics::default());
    let service = ResourceService::new(ResourcePorts {
        catalogue: Arc::new(FakeCatalogue::new(resources.clone(), fx.users.clone())),
        statistics: statistics.clone(),
        moderation_log: Arc::new(rr_application::test_util::FakeModeration::new(
            resources.clone(),
            fx.users.clone(),
        )),
        notifier: Arc::new(rr_application::test_util::RecordingNotifier::default()),
        resources,
        users: fx.users.clone(),
        reference_data: Arc::new(reference),
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
        write_limits: Arc::new(WriteLimiter::new(limits, fx.clock.clone())),
    });
    World {
        fx,
        service,
        statistics,
        category: id(1),
        closed_category: id(2),
        kind: id(4),
        relation: id(3),
    }
}

async fn citizen(w: &World, name: &str) -> AuthenticatedActor {
    w.fx.citizen(name, PASSWORD).await.unwrap()
}

fn new(w: &World, visibility: Visibility) -> NewResource {
    NewResource {
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("# Écouter\n\nD'abord écouter.").unwrap(),
        category: w.category,
        resource_type: w.kind,
        relation_types: vec![w.relation, w.relation],
        external_link: None,
        visibility,
        shared_with: Vec::new(),
    }
}

fn staff(role: Role) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role,
        two_factor: true,
    }
}

fn code(err: &AppError) -> &'static str {
    err.code()
}

#[tokio::test]
async fn a_new_resource_is_a_draft_seen_by_its_author_only() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;

    let created = w
        .service
        .create(&lea, new(&w, Visibility::Public))
        .await
        .unwrap();

    assert_eq!(created.record.state, Lifecycle::Draft);
    assert_eq!(
        created.record.relation_types,
        vec![w.relation],
        "duplicates are dropped"
    );
    assert_eq!(created.author.as_str(), "lea");
    let id = created.record.id;
    assert!(w.service.get(&Actor::User(lea), id).await.is_ok());
    assert_eq!(
        code(&w.service.get(&Actor::User(tom), id).await.unwrap_err()),
        "not_found"
    );
    assert_eq!(
        code(&w.service.get(&Actor::Visitor, id).await.unwrap_err()),
        "not_found"
    );
}

#[tokio::test]
async fn the_classification_is_checked_field_by_field() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let mut bad = new(&w, Visibility::Private);
    bad.category = w.closed_category;
    bad.resource_type = id(99);
    bad.relation_types = vec![];

    let AppError::Invalid(violations) = w.service.create(&lea, bad).await.unwrap_err() else {
        panic!("expected a validation failure");
    };
    let codes: Vec<_> = violations.iter().map(|v| (v.field, v.code)).collect();
    assert_eq!(
        codes,
        [
            ("categoryId", "inactive_category"),
            ("resourceTypeId", "unknown_resource_type"),
            ("relationTypeIds", "relation_type_required")
        ]
    );
}

#[tokio::test]
async fn a_public_resource_goes_through_review_and_back_after_an_edit() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let id = w
        .service
        .create(&lea, new(&w, Visibility::Public))
        .await
        .unwrap()
        .record
        .id;

    let submitted = w.service.submit(&lea, id).await.unwrap();
    assert_eq!(submitted.record.state, Lifecycle::PendingReview);
    assert!(
        w.service.get(&Actor::Visitor, id).await.is_err(),
        "not before approval"
    );
    assert!(
        w.service
            .get(&Actor::User(staff(Role::Moderator)), id)
            .await
            .is_ok(),
        "reviewers see it"
    );
    assert_eq!(
        code(&w.service.submit(&lea, id).await.unwrap_err()),
        "invalid_transition"
    );

    let edited = w
        .service
        .update(
            &lea,
            id,
            ResourceChanges {
                title: Some(Title::parse("Parler avec son ado").unwrap()),
                ..ResourceChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.record.state, Lifecycle::PendingReview);
}

#[tokio::test]
async fn private_and_shared_resources_publish_without_review_to_their_audience() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let zoe = citizen(&w, "zoe").await;
    let mut shared = new(&w, Visibility::Shared);
    shared.shared_with = vec![Username::parse("tom").unwrap()];
    let id = w.service.create(&lea, shared).await.unwrap().record.id;

    let published = w.service.submit(&lea, id).await.unwrap();

    assert_eq!(published.record.state, Lifecycle::Published);
    assert!(published.record.published_at.is_some());
    assert_eq!(
        published
            .shared_with
            .iter()
            .map(Username::as_str)
            .collect::<Vec<_>>(),
        ["tom"]
    );
    let seen_by_tom = w.service.get(&Actor::User(tom), id).await.unwrap();
    assert!(
        seen_by_tom.shared_with.is_empty(),
        "only the author sees the sharing list"
    );
    assert!(w.service.get(&Actor::User(zoe), id).await.is_err());
    assert!(
        w.service
            .get(&Actor::User(staff(Role::Administrator)), id)
            .await
            .is_err(),
        "staff never see shared ones"
    );
    // Tom's reading is a consultation; Léa reading her own, and refusals, are not.
    w.service.get(&Actor::User(lea), id).await.unwrap();
    let consultations = w.statistics.consultations();
    assert_eq!(consultations.len(), 1, "{consultations:?}");
    assert_eq!(consultations[0].resource, id);
    assert_eq!(consultations[0].viewer, Some(tom.user_id));

    let unshared = ResourceChanges {
        shared_with: Some(vec![]),
        ..ResourceChanges::default()
    };
    w.service.update(&lea, id, unshared).await.unwrap();
    assert!(
        w.service.get(&Actor::User(tom), id).await.is_err(),
        "removed from the list"
    );
}

#[tokio::test]
async fn sharing_lists_are_checked() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let mut public = new(&w, Visibility::Public);
    public.shared_with = vec![Username::parse("tom").unwrap()];
    let err = w.service.create(&lea, public).await.unwrap_err();
    assert!(
        matches!(&err, AppError::Invalid(v) if v[0].code == "sharing_requires_shared_visibility")
    );

    let mut shared = new(&w, Visibility::Shared);
    shared.shared_with = vec![
        Username::parse("inconnu").unwrap(),
        Username::parse("lea").unwrap(),
    ];
    let AppError::Invalid(violations) = w.service.create(&lea, shared).await.unwrap_err() else {
        panic!("expected a validation failure");
    };
    assert_eq!(
        violations.iter().map(|v| v.code).collect::<Vec<_>>(),
        ["unknown_username", "cannot_share_with_self"]
    );
}

#[tokio::test]
async fn only_the_author_edits_and_others_learn_nothing() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let id = w
        .service
        .create(&lea, new(&w, Visibility::Private))
        .await
        .unwrap()
        .record
        .id;
    w.service.submit(&lea, id).await.unwrap();

    let err = w
        .service
        .update(&tom, id, ResourceChanges::default())
        .await
        .unwrap_err();
    assert_eq!(code(&err), "not_found");
    assert_eq!(
        code(&w.service.delete(&tom, id).await.unwrap_err()),
        "not_found"
    );
}

#[tokio::test]
async fn a_deleted_resource_is_restored_by_an_administrator_within_thirty_days() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let first = w
        .service
        .create(&lea, new(&w, Visibility::Public))
        .await
        .unwrap()
        .record
        .id;
    let second = w
        .service
        .create(&lea, new(&w, Visibility::Public))
        .await
        .unwrap()
        .record
        .id;
    w.service.delete(&lea, first).await.unwrap();
    w.service.delete(&lea, second).await.unwrap();
    assert!(
        w.service.get(&Actor::User(lea), first).await.is_err(),
        "gone for its author"
    );
    assert_eq!(w.service.mine(&lea, None, 10).await.unwrap().len(), 0);

    let admin = staff(Role::Administrator);
    assert_eq!(
        code(&w.service.restore(&lea, first).await.unwrap_err()),
        "not_found"
    );
    let restored = w.service.restore(&admin, first).await.unwrap();
    assert_eq!(restored.record.state, Lifecycle::Draft);

    w.fx.clock.advance(time::Duration::days(31));
    assert_eq!(
        code(&w.service.restore(&admin, second).await.unwrap_err()),
        "not_found"
    );
    assert!(w.fx.audit.actions().contains(&"resource_restored"));
}

#[tokio::test]
async fn an_update_from_a_stale_version_is_a_conflict() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let id = w
        .service
        .create(&lea, new(&w, Visibility::Private))
        .await
        .unwrap()
        .record
        .id;
    w.service.archive(&lea, id).await.unwrap();

    let err = w
        .service
        .update(&lea, id, ResourceChanges::default())
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        "forbidden",
        "an archived resource cannot be edited"
    );
    let back = w.service.unarchive(&lea, id).await.unwrap();
    assert_eq!(back.record.state, Lifecycle::Draft);
    assert_eq!(back.record.version, 2);
}

#[tokio::test]
async fn listing_ones_own_resources_pages_without_repeats() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    for _ in 0..5 {
        w.service
            .create(&lea, new(&w, Visibility::Private))
            .await
            .unwrap();
    }

    let first = w.service.mine(&lea, None, 2).await.unwrap();
    let second = w
        .service
        .mine(&lea, Some(first[1].record.id), 2)
        .await
        .unwrap();
    let third = w
        .service
        .mine(&lea, Some(second[1].record.id), 2)
        .await
        .unwrap();

    let ids: Vec<_> = first
        .iter()
        .chain(&second)
        .chain(&third)
        .map(|v| v.record.id)
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(
        ids.windows(2).all(|p| p[0] > p[1]),
        "newest first, no repeats"
    );
}

#[tokio::test]
async fn visitors_pages_are_reused_for_their_time_and_members_always_read_afresh() {
    let fx = identity_fixture();
    let mut catalogue = rr_application::ports::MockResourceCatalogue::new();
    // Two visitor requests within the time (one query), one after it, two
    // from a member, and another visitor question.
    catalogue
        .expect_search()
        .times(5)
        .returning(|_| Ok(Vec::new()));
    let resources = Arc::new(FakeResources::default());
    let service = ResourceService::new(ResourcePorts {
        moderation_log: Arc::new(rr_application::test_util::FakeModeration::new(
            resources.clone(),
            fx.users.clone(),
        )),
        notifier: Arc::new(rr_application::test_util::RecordingNotifier::default()),
        resources,
        catalogue: Arc::new(catalogue),
        statistics: Arc::new(RecordingStatistics::default()),
        users: fx.users.clone(),
        reference_data: Arc::new(InMemoryReferenceData::default()),
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
        write_limits: Arc::new(WriteLimiter::unlimited(fx.clock.clone())),
    })
    .with_visitor_pages(std::time::Duration::from_secs(2), 100);
    let request = || rr_application::services::resources::CatalogueRequest {
        limit: 20,
        ..Default::default()
    };

    service.catalogue(&Actor::Visitor, request()).await.unwrap();
    fx.clock.advance(time::Duration::seconds(1));
    service.catalogue(&Actor::Visitor, request()).await.unwrap();
    fx.clock.advance(time::Duration::seconds(1));
    service.catalogue(&Actor::Visitor, request()).await.unwrap();
    let member = Actor::User(staff(Role::Citizen));
    service.catalogue(&member, request()).await.unwrap();
    service.catalogue(&member, request()).await.unwrap();
    service
        .catalogue(
            &Actor::Visitor,
            rr_application::services::resources::CatalogueRequest {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

/// A public resource of Léa's, submitted for review.
async fn pending(w: &World) -> (AuthenticatedActor, rr_domain::resource::ResourceId) {
    let lea = citizen(w, "lea").await;
    let id = w
        .service
        .create(&lea, new(w, Visibility::Public))
        .await
        .unwrap()
        .record
        .id;
    w.service.submit(&lea, id).await.unwrap();
    (lea, id)
}

#[tokio::test]
async fn moderators_approve_reject_suspend_and_reinstate_with_their_reasons_recorded() {
    use rr_application::services::resources::Decision;
    let w = world();
    let (lea, id) = pending(&w).await;
    let moderator = staff(Role::Moderator);

    let rejected = w
        .service
        .decide(
            &moderator,
            id,
            Decision::Reject {
                reason: "Lien mort".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rejected.record.state,
        Lifecycle::Rejected {
            reason: "Lien mort".into()
        }
    );
    let seen_by_lea = w.service.get(&Actor::User(lea), id).await.unwrap();
    assert_eq!(
        seen_by_lea.record.state, rejected.record.state,
        "the author sees why"
    );
    w.service.submit(&lea, id).await.unwrap();

    let approved = w
        .service
        .decide(&moderator, id, Decision::Approve)
        .await
        .unwrap();
    assert_eq!(approved.record.state, Lifecycle::Published);
    assert!(approved.record.published_at.is_some());
    assert!(w.service.get(&Actor::Visitor, id).await.is_ok());

    let suspended = w
        .service
        .decide(
            &moderator,
            id,
            Decision::Suspend {
                reason: "Signalements".into(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        suspended.record.state,
        Lifecycle::Suspended { .. }
    ));
    assert!(w.service.get(&Actor::Visitor, id).await.is_err());
    let reinstated = w
        .service
        .decide(&moderator, id, Decision::Reinstate)
        .await
        .unwrap();
    assert_eq!(reinstated.record.state, Lifecycle::Published);

    let decisions: Vec<_> =
        w.fx.audit
            .entries()
            .into_iter()
            .filter(|e| e.event.action.starts_with("resource_"))
            .collect();
    let actions: Vec<&str> = decisions.iter().map(|e| e.event.action).collect();
    assert_eq!(
        actions,
        [
            "resource_rejected",
            "resource_approved",
            "resource_suspended",
            "resource_reinstated"
        ]
    );
    assert!(
        decisions
            .iter()
            .all(|e| e.event.actor == Some(moderator.user_id))
    );
    assert!(decisions[0].event.detail.contains("Lien mort"));
    assert!(decisions[2].event.detail.contains("Signalements"));
}

#[tokio::test]
async fn only_staff_with_two_factor_decide_never_on_their_own_nor_from_the_wrong_state() {
    use rr_application::services::resources::Decision;
    let w = world();
    let (lea, id) = pending(&w).await;
    let moderator = staff(Role::Moderator);
    let without_two_factor = AuthenticatedActor {
        two_factor: false,
        ..staff(Role::Administrator)
    };
    let tom = citizen(&w, "tom").await;

    assert_eq!(
        code(
            &w.service
                .decide(&lea, id, Decision::Approve)
                .await
                .unwrap_err()
        ),
        "forbidden",
        "an author does not approve their own"
    );
    assert_eq!(
        code(
            &w.service
                .decide(&tom, id, Decision::Approve)
                .await
                .unwrap_err()
        ),
        "not_found",
        "a citizen does not see it"
    );
    assert_eq!(
        code(
            &w.service
                .decide(&without_two_factor, id, Decision::Approve)
                .await
                .unwrap_err()
        ),
        "not_found",
        "nor does staff without two-factor authentication"
    );
    for reason in ["", " Lien mort", &"x".repeat(1_001)] {
        let refused = w
            .service
            .decide(
                &moderator,
                id,
                Decision::Reject {
                    reason: reason.into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(&refused), "validation_failed", "{reason:?}");
    }
    assert_eq!(
        code(
            &w.service
                .decide(&moderator, id, Decision::Reinstate)
                .await
                .unwrap_err()
        ),
        "invalid_transition"
    );
    w.service
        .decide(&moderator, id, Decision::Approve)
        .await
        .unwrap();
    assert_eq!(
        code(
            &w.service
                .decide(&without_two_factor, id, Decision::Approve)
                .await
                .unwrap_err()
        ),
        "two_factor_required"
    );
    assert_eq!(
        code(
            &w.service
                .decide(&tom, id, Decision::Suspend { reason: "x".into() })
                .await
                .unwrap_err()
        ),
        "forbidden"
    );

    // Two moderators deciding at once: exactly one wins.
    let other = staff(Role::Moderator);
    let (a, b) = tokio::join!(
        w.service
            .decide(&moderator, id, Decision::Suspend { reason: "A".into() }),
        w.service
            .decide(&other, id, Decision::Suspend { reason: "B".into() }),
    );
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1);
}

#[tokio::test]
async fn creating_too_many_resources_is_refused_until_the_budget_refills() {
    let w = world_with(&WriteLimitPolicy {
        resources: vec![Rate::per_hour(2)],
        ..WriteLimitPolicy::default()
    });
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    for _ in 0..2 {
        w.service
            .create(&lea, new(&w, Visibility::Private))
            .await
            .unwrap();
    }

    let err = w
        .service
        .create(&lea, new(&w, Visibility::Private))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::WriteRateLimited {
                retry_after_secs: 1_800
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        w.service.mine(&lea, None, 10).await.unwrap().len(),
        2,
        "nothing was stored"
    );
    w.service
        .create(&tom, new(&w, Visibility::Private))
        .await
        .expect("another account has its own budget");

    w.fx.clock.advance(time::Duration::minutes(30));
    w.service
        .create(&lea, new(&w, Visibility::Private))
        .await
        .expect("one creation came back after half an hour");
}
