//! Favourites and progress on in-memory fakes: idempotence, the favourite
//! count, visibility as 404, the dashboard's counts and lists, keyset pages,
//! resources that drop out of sight, and the error paths on mocks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::AppError;
use rr_application::RepositoryError;
use rr_application::ports::{
    MockEngagementRepository, ProgressCursor, ProgressList, ProgressMark, ResourceRepository,
};
use rr_application::services::resources::{NewResource, ResourceChanges};
use rr_application::services::{
    EngagementPorts, EngagementService, ResourcePorts, ResourceService, WriteLimiter,
};
use rr_application::test_util::{
    FakeCatalogue, FakeEngagement, FakeResources, IdentityFixture, InMemoryReferenceData,
    RecordingStatistics, UnavailableStore, identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::identity::{AuthenticatedActor, Role, Username};
use rr_domain::reference::{Category, Label, ReferenceId, RelationType, ResourceType, Slug};
use rr_domain::resource::{Body, ResourceId, Summary, Title, Visibility};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

fn id(n: u128) -> ReferenceId {
    ReferenceId::from_uuid(Uuid::from_u128(n))
}

const FAMILY: u128 = 1;
const HEALTH: u128 = 2;
const ARTICLE: u128 = 10;
const VIDEO: u128 = 11;

struct World {
    fx: IdentityFixture,
    resources: Arc<FakeResources>,
    engagement: Arc<FakeEngagement>,
    authoring: ResourceService,
    service: EngagementService,
}

fn reference() -> Arc<InMemoryReferenceData> {
    let category = |n, slug: &str| Category {
        id: id(n),
        slug: Slug::parse(slug).unwrap(),
        label: Label::parse(slug).unwrap(),
        position: 1,
        active: true,
    };
    let kind = |n, slug: &str| ResourceType {
        id: id(n),
        slug: Slug::parse(slug).unwrap(),
        label: Label::parse(slug).unwrap(),
        position: 1,
    };
    Arc::new(InMemoryReferenceData::new(
        vec![category(FAMILY, "famille"), category(HEALTH, "sante")],
        vec![RelationType {
            id: id(3),
            slug: Slug::parse("soi").unwrap(),
            label: Label::parse("Soi").unwrap(),
            position: 1,
        }],
        vec![kind(ARTICLE, "article"), kind(VIDEO, "video")],
    ))
}

fn world() -> World {
    let fx = identity_fixture();
    let resources = Arc::new(FakeResources::default());
    let engagement = Arc::new(FakeEngagement::new(resources.clone(), fx.users.clone()));
    let authoring = ResourceService::new(ResourcePorts {
        moderation_log: Arc::new(rr_application::test_util::FakeModeration::new(
            resources.clone(),
            fx.users.clone(),
        )),
        notifier: Arc::new(rr_application::test_util::RecordingNotifier::default()),
        resources: resources.clone(),
        catalogue: Arc::new(FakeCatalogue::new(resources.clone(), fx.users.clone())),
        statistics: Arc::new(RecordingStatistics::default()),
        users: fx.users.clone(),
        reference_data: reference(),
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
        write_limits: Arc::new(WriteLimiter::unlimited(fx.clock.clone())),
    });
    let service = EngagementService::new(EngagementPorts {
        resources: resources.clone(),
        users: fx.users.clone(),
        engagement: engagement.clone(),
        clock: fx.clock.clone(),
    });
    World {
        fx,
        resources,
        engagement,
        authoring,
        service,
    }
}

async fn citizen(w: &World, name: &str) -> AuthenticatedActor {
    w.fx.citizen(name, PASSWORD).await.unwrap()
}

/// A published resource of `author`'s: private, or shared with `with`.
async fn published(
    w: &World,
    author: &AuthenticatedActor,
    with: &[&str],
    category: u128,
    kind: u128,
) -> ResourceId {
    let visibility = if with.is_empty() {
        Visibility::Private
    } else {
        Visibility::Shared
    };
    let created = w
        .authoring
        .create(
            author,
            NewResource {
                title: Title::parse("Parler à son ado").unwrap(),
                summary: Summary::parse("Quelques pistes.").unwrap(),
                body: Body::parse("D'abord écouter.").unwrap(),
                category: id(category),
                resource_type: id(kind),
                relation_types: vec![id(3)],
                external_link: None,
                visibility,
                shared_with: with.iter().map(|n| Username::parse(n).unwrap()).collect(),
            },
        )
        .await
        .unwrap();
    w.authoring
        .submit(author, created.record.id)
        .await
        .unwrap()
        .record
        .id
}

fn code(err: &AppError) -> &'static str {
    err.code()
}

#[tokio::test]
async fn favourites_are_idempotent_and_counted_exactly() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let zoe = citizen(&w, "zoe").await;
    let id = published(&w, &lea, &["tom", "zoe"], FAMILY, ARTICLE).await;

    assert!(w.service.add_favourite(&tom, id).await.unwrap());
    assert!(!w.service.add_favourite(&tom, id).await.unwrap(), "twice");
    assert_eq!(w.engagement.favourite_count(id), 1);
    assert!(w.service.add_favourite(&zoe, id).await.unwrap());
    assert_eq!(w.engagement.favourite_count(id), 2);

    assert!(w.service.remove_favourite(&tom, id).await.unwrap());
    assert!(!w.service.remove_favourite(&tom, id).await.unwrap());
    assert_eq!(w.engagement.favourite_count(id), 1);
    let page = w
        .service
        .list(&zoe, ProgressList::Favourites, None, 10)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].favourite_count, 1);
    assert_eq!(page.items[0].author.as_str(), "lea");
}

#[tokio::test]
async fn what_one_may_not_see_is_not_found_and_never_stored() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let private = published(&w, &lea, &[], FAMILY, ARTICLE).await;
    // A store that fails every call it gets: none must reach it.
    let guarded = EngagementService::new(EngagementPorts {
        resources: w.resources.clone(),
        users: w.fx.users.clone(),
        engagement: Arc::new(MockEngagementRepository::new()),
        clock: w.fx.clock.clone(),
    });

    for target in [private, ResourceId::generate()] {
        assert_eq!(
            code(&guarded.add_favourite(&tom, target).await.unwrap_err()),
            "not_found"
        );
        assert_eq!(
            code(&guarded.remove_favourite(&tom, target).await.unwrap_err()),
            "not_found"
        );
        for mark in [ProgressMark::Exploited, ProgressMark::SetAside] {
            for on in [true, false] {
                assert_eq!(
                    code(&guarded.set_mark(&tom, target, mark, on).await.unwrap_err()),
                    "not_found"
                );
            }
        }
    }
    assert!(
        w.service.add_favourite(&lea, private).await.unwrap(),
        "its author may"
    );
}

#[tokio::test]
async fn marks_are_idempotent_independent_and_keep_their_first_date() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let id = published(&w, &lea, &[], FAMILY, ARTICLE).await;
    let first = w.fx.clock.now_for_tests();

    assert!(
        w.service
            .set_mark(&lea, id, ProgressMark::Exploited, true)
            .await
            .unwrap()
    );
    w.fx.clock.advance(time::Duration::minutes(5));
    assert!(
        !w.service
            .set_mark(&lea, id, ProgressMark::Exploited, true)
            .await
            .unwrap()
    );
    assert!(
        w.service
            .set_mark(&lea, id, ProgressMark::SetAside, true)
            .await
            .unwrap()
    );

    let exploited = w
        .service
        .list(&lea, ProgressList::Exploited, None, 10)
        .await
        .unwrap();
    assert_eq!(exploited.items[0].marked_at, first, "the first date stays");
    assert!(
        w.service
            .set_mark(&lea, id, ProgressMark::Exploited, false)
            .await
            .unwrap()
    );
    assert!(
        !w.service
            .set_mark(&lea, id, ProgressMark::Exploited, false)
            .await
            .unwrap()
    );
    let dashboard = w.service.dashboard(&lea, 10).await.unwrap();
    assert_eq!(dashboard.totals.exploited, 0);
    assert_eq!(dashboard.totals.set_aside, 1, "the other mark stays");
    assert_eq!(dashboard.set_aside.items.len(), 1);
}

#[tokio::test]
async fn the_dashboard_counts_by_category_and_by_type() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let family_article = published(&w, &lea, &[], FAMILY, ARTICLE).await;
    let family_video = published(&w, &lea, &[], FAMILY, VIDEO).await;
    let health_video = published(&w, &lea, &[], HEALTH, VIDEO).await;
    for id in [family_article, family_video, health_video] {
        w.service.add_favourite(&lea, id).await.unwrap();
    }
    w.service
        .set_mark(&lea, family_video, ProgressMark::Exploited, true)
        .await
        .unwrap();
    w.service
        .set_mark(&lea, health_video, ProgressMark::SetAside, true)
        .await
        .unwrap();

    let dashboard = w.service.dashboard(&lea, 2).await.unwrap();

    let by_category: Vec<_> = dashboard
        .by_category
        .iter()
        .map(|c| {
            (
                c.id,
                c.counts.favourites,
                c.counts.exploited,
                c.counts.set_aside,
            )
        })
        .collect();
    assert_eq!(by_category, [(id(FAMILY), 2, 1, 0), (id(HEALTH), 1, 0, 1)]);
    let by_type: Vec<_> = dashboard
        .by_resource_type
        .iter()
        .map(|t| {
            (
                t.id,
                t.counts.favourites,
                t.counts.exploited,
                t.counts.set_aside,
            )
        })
        .collect();
    assert_eq!(by_type, [(id(ARTICLE), 1, 0, 0), (id(VIDEO), 2, 1, 1)]);
    assert_eq!(
        (
            dashboard.totals.favourites,
            dashboard.totals.exploited,
            dashboard.totals.set_aside
        ),
        (3, 1, 1)
    );
    assert_eq!(dashboard.favourites.items.len(), 2, "the first page");
    assert!(dashboard.favourites.next.is_some());
    assert!(dashboard.exploited.next.is_none());
}

#[tokio::test]
async fn pages_cover_every_item_once_even_when_marked_at_the_same_instant() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let mut expected = Vec::new();
    for n in 0..7 {
        let id = published(&w, &lea, &[], FAMILY, ARTICLE).await;
        w.service.add_favourite(&lea, id).await.unwrap();
        expected.push(id);
        if n % 3 == 0 {
            // Some share an instant: the id breaks the tie.
            w.fx.clock.advance(time::Duration::seconds(1));
        }
    }

    let mut seen = Vec::new();
    let mut after: Option<ProgressCursor> = None;
    loop {
        let page = w
            .service
            .list(&lea, ProgressList::Favourites, after, 3)
            .await
            .unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items.iter().map(|i| i.resource));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }

    let mut newest_first = expected.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "no repeat, no gap, most recent first");
}

#[tokio::test]
async fn a_resource_out_of_sight_drops_out_and_comes_back() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let shared = published(&w, &lea, &["tom"], HEALTH, VIDEO).await;
    let archived = published(&w, &lea, &["tom"], FAMILY, ARTICLE).await;
    for id in [shared, archived] {
        w.service.add_favourite(&tom, id).await.unwrap();
        w.service
            .set_mark(&tom, id, ProgressMark::SetAside, true)
            .await
            .unwrap();
    }

    let unshare = ResourceChanges {
        shared_with: Some(vec![]),
        ..ResourceChanges::default()
    };
    w.authoring.update(&lea, shared, unshare).await.unwrap();
    w.authoring.archive(&lea, archived).await.unwrap();

    let dashboard = w.service.dashboard(&tom, 10).await.unwrap();
    assert_eq!(dashboard.totals.favourites, 0);
    assert_eq!(dashboard.totals.set_aside, 0);
    assert!(dashboard.by_category.is_empty());
    assert!(dashboard.favourites.items.is_empty());
    assert_eq!(
        code(&w.service.remove_favourite(&tom, shared).await.unwrap_err()),
        "not_found"
    );

    let reshare = ResourceChanges {
        shared_with: Some(vec![Username::parse("tom").unwrap()]),
        ..ResourceChanges::default()
    };
    w.authoring.update(&lea, shared, reshare).await.unwrap();
    let back = w
        .service
        .list(&tom, ProgressList::Favourites, None, 10)
        .await
        .unwrap();
    assert_eq!(
        back.items.iter().map(|i| i.resource).collect::<Vec<_>>(),
        [shared]
    );
}

#[tokio::test]
async fn reviewers_see_what_they_review_in_their_lists() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let mut moderator = citizen(&w, "mod").await;
    let id = published(&w, &lea, &["mod"], FAMILY, ARTICLE).await;
    moderator.role = Role::Moderator;
    moderator.two_factor = true;
    w.service.add_favourite(&moderator, id).await.unwrap();

    let mut record = w.resources.find(id).await.unwrap().unwrap();
    record.visibility = Visibility::Restricted;
    record.state = rr_domain::resource::Lifecycle::PendingReview;
    assert!(w.resources.update(&record).await.unwrap());
    assert_eq!(
        w.service
            .dashboard(&moderator, 10)
            .await
            .unwrap()
            .totals
            .favourites,
        1,
        "a moderator sees a restricted resource under review"
    );
    moderator.two_factor = false;
    assert_eq!(
        w.service
            .dashboard(&moderator, 10)
            .await
            .unwrap()
            .totals
            .favourites,
        0,
        "not without two-factor authentication"
    );
}

#[tokio::test]
async fn a_store_that_is_down_is_unavailable() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let id = published(&w, &lea, &[], FAMILY, ARTICLE).await;
    let down = EngagementService::new(EngagementPorts {
        resources: w.resources.clone(),
        users: w.fx.users.clone(),
        engagement: Arc::new(UnavailableStore),
        clock: w.fx.clock.clone(),
    });

    assert_eq!(
        code(&down.add_favourite(&lea, id).await.unwrap_err()),
        "service_unavailable"
    );
    assert_eq!(
        code(&down.dashboard(&lea, 10).await.unwrap_err()),
        "service_unavailable"
    );
}

#[tokio::test]
async fn a_resource_gone_between_check_and_write_is_not_found() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let id = published(&w, &lea, &[], FAMILY, ARTICLE).await;
    let mut store = MockEngagementRepository::new();
    store
        .expect_add_favourite()
        .returning(|_, _, _| Err(RepositoryError::Conflict("purged".into())));
    store
        .expect_set_mark()
        .returning(|_, _, _, _, _| Err(RepositoryError::Conflict("purged".into())));
    let racing = EngagementService::new(EngagementPorts {
        resources: w.resources.clone(),
        users: w.fx.users.clone(),
        engagement: Arc::new(store),
        clock: w.fx.clock.clone(),
    });

    assert_eq!(
        code(&racing.add_favourite(&lea, id).await.unwrap_err()),
        "not_found"
    );
    assert_eq!(
        code(
            &racing
                .set_mark(&lea, id, ProgressMark::Exploited, true)
                .await
                .unwrap_err()
        ),
        "not_found"
    );
}

#[tokio::test]
async fn a_page_is_between_one_and_a_hundred_items() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let mut store = MockEngagementRepository::new();
    store
        .expect_list()
        .withf(|_, list, after, limit| {
            *list == ProgressList::SetAside && after.is_none() && *limit == 101
        })
        .times(1)
        .returning(|_, _, _, _| Ok(Vec::new()));
    store
        .expect_list()
        .withf(|_, _, _, limit| *limit == 2)
        .times(1)
        .returning(|_, _, _, _| Ok(Vec::new()));
    let service = EngagementService::new(EngagementPorts {
        resources: w.resources.clone(),
        users: w.fx.users.clone(),
        engagement: Arc::new(store),
        clock: w.fx.clock.clone(),
    });

    let page = service
        .list(&lea, ProgressList::SetAside, None, 1_000)
        .await
        .unwrap();
    assert!(page.items.is_empty() && page.next.is_none());
    service
        .list(&lea, ProgressList::Exploited, None, 0)
        .await
        .unwrap();
}
