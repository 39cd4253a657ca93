//! Contract of `EngagementRepository` on the real migrations, on every engine:
//! idempotent changes, an exact favourite count (concurrency included), the
//! marks, keyset pages, and reads that agree with `can_view` on every
//! visibility, state and viewer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::BTreeSet;

use rr_application::RepositoryError;
use rr_application::ports::{ProgressCursor, ProgressList, ProgressMark, ResourceRecord};
use rr_domain::identity::{Actor, AuthenticatedActor, Role, SessionId, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{
    Body, Lifecycle, ResourceFacts, ResourceId, Summary, Title, Visibility, can_view,
};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use support::identity::{later, now, stored_user};

/// A seeded category (1 to 13) or resource type (kind 3, 1 to 8), by position.
fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

/// A published public resource by `author`, in category `category` and of
/// resource type `kind` (seeded positions).
fn resource(author: UserId, category: u8, kind: u8) -> ResourceRecord {
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1, category),
        resource_type: seeded(3, kind),
        relation_types: vec![seeded(2, 1)],
        external_link: None,
        visibility: Visibility::Public,
        state: Lifecycle::Published,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: now(),
        published_at: Some(now()),
        deleted_at: None,
        version: 0,
    }
}

async fn stored(db: &Database, author: UserId) -> ResourceRecord {
    let record = resource(author, 7, 2);
    db.resources().insert(&record).await.unwrap();
    record
}

fn actor(user: UserId, role: Role, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: user,
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn citizen(user: UserId) -> AuthenticatedActor {
    actor(user, Role::Citizen, false)
}

fn id_literal(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

async fn scalar(raw: &DatabaseConnection, sql: &str) -> i64 {
    raw.query_one_raw(Statement::from_string(
        raw.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

async fn favourite_count(raw: &DatabaseConnection, id: ResourceId) -> i64 {
    scalar(
        raw,
        &format!(
            "SELECT favourite_count FROM resources WHERE id = {}",
            id_literal(id.as_uuid())
        ),
    )
    .await
}

async fn ids(db: &Database, viewer: &AuthenticatedActor, list: ProgressList) -> Vec<ResourceId> {
    db.engagement()
        .list(viewer, list, None, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|item| item.resource)
        .collect()
}

async fn favourites_are_idempotent_and_the_count_exact(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let raw = support::identity::raw(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let tom = stored_user(&db, 2).await;
    let record = stored(&db, lea.id).await;
    let store = db.engagement();

    assert!(store.add_favourite(tom.id, record.id, now()).await.unwrap());
    assert!(
        !store
            .add_favourite(tom.id, record.id, later(60))
            .await
            .unwrap()
    );
    assert_eq!(favourite_count(&raw, record.id).await, 1);
    assert!(store.add_favourite(lea.id, record.id, now()).await.unwrap());
    assert_eq!(favourite_count(&raw, record.id).await, 2);

    let listed = store
        .list(&citizen(tom.id), ProgressList::Favourites, None, 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].marked_at,
        now(),
        "the first date, to the microsecond"
    );
    assert_eq!(listed[0].favourite_count, 2);
    assert_eq!(listed[0].author, lea.username);
    assert_eq!(listed[0].title, record.title);
    assert_eq!(listed[0].summary, record.summary);
    assert_eq!(
        (listed[0].category, listed[0].resource_type),
        (record.category, record.resource_type)
    );

    assert!(store.remove_favourite(tom.id, record.id).await.unwrap());
    assert!(!store.remove_favourite(tom.id, record.id).await.unwrap());
    assert!(
        !store
            .remove_favourite(tom.id, ResourceId::generate())
            .await
            .unwrap()
    );
    assert_eq!(favourite_count(&raw, record.id).await, 1);
    assert!(
        ids(&db, &citizen(tom.id), ProgressList::Favourites)
            .await
            .is_empty()
    );

    let again = db.resources().find(record.id).await.unwrap().unwrap();
    assert_eq!(again.version, 0, "a favourite is not an edit");
}

async fn unknown_users_and_resources_are_conflicts_and_count_nothing(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let raw = support::identity::raw(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let record = stored(&db, lea.id).await;
    let store = db.engagement();
    let is_conflict =
        |r: Result<bool, RepositoryError>| matches!(r, Err(RepositoryError::Conflict(_)));

    assert!(is_conflict(
        store
            .add_favourite(UserId::generate(), record.id, now())
            .await
    ));
    assert!(is_conflict(
        store
            .add_favourite(lea.id, ResourceId::generate(), now())
            .await
    ));
    for mark in [ProgressMark::Exploited, ProgressMark::SetAside] {
        assert!(is_conflict(
            store
                .set_mark(UserId::generate(), record.id, mark, true, now())
                .await
        ));
        assert!(is_conflict(
            store
                .set_mark(lea.id, ResourceId::generate(), mark, true, now())
                .await
        ));
        assert!(
            !store
                .set_mark(lea.id, ResourceId::generate(), mark, false, now())
                .await
                .unwrap()
        );
    }
    assert_eq!(favourite_count(&raw, record.id).await, 0);
    assert_eq!(scalar(&raw, "SELECT COUNT(*) FROM favourites").await, 0);
    assert_eq!(
        scalar(&raw, "SELECT COUNT(*) FROM resource_progress").await,
        0
    );
}

async fn concurrent_favourites_keep_the_count_exact(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let raw = support::identity::raw(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let record = stored(&db, lea.id).await;
    let mut fans = Vec::new();
    for n in 2..10 {
        fans.push(stored_user(&db, n).await.id);
    }

    // Eight citizens at once, each twice: eight rows, a count of eight.
    let adds = fans.iter().chain(&fans).map(|&fan| {
        let store = db.engagement();
        async move { store.add_favourite(fan, record.id, now()).await.unwrap() }
    });
    let added = futures_util::future::join_all(adds).await;
    assert_eq!(added.iter().filter(|&&a| a).count(), 8, "{added:?}");
    assert_eq!(favourite_count(&raw, record.id).await, 8);

    // Removals racing additions of the same favourites.
    let changes = fans.iter().enumerate().map(|(n, &fan)| {
        let store = db.engagement();
        async move {
            if n % 2 == 0 {
                store.remove_favourite(fan, record.id).await.unwrap();
                store.remove_favourite(fan, record.id).await.unwrap();
            } else {
                store.add_favourite(fan, record.id, now()).await.unwrap();
            }
        }
    });
    futures_util::future::join_all(changes).await;
    assert_eq!(favourite_count(&raw, record.id).await, 4);
    assert_eq!(
        scalar(&raw, "SELECT COUNT(*) FROM favourites").await,
        4,
        "the count is the number of rows"
    );
}

async fn marks_are_idempotent_and_a_row_without_marks_is_removed(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let raw = support::identity::raw(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let record = stored(&db, lea.id).await;
    let store = db.engagement();
    let viewer = citizen(lea.id);
    let set = |mark, on, at| {
        let store = db.engagement();
        async move {
            store
                .set_mark(lea.id, record.id, mark, on, at)
                .await
                .unwrap()
        }
    };

    assert!(set(ProgressMark::Exploited, true, now()).await);
    assert!(!set(ProgressMark::Exploited, true, later(60)).await);
    assert!(set(ProgressMark::SetAside, true, later(120)).await);
    let exploited = store
        .list(&viewer, ProgressList::Exploited, None, 10)
        .await
        .unwrap();
    assert_eq!(exploited[0].marked_at, now(), "the first date stays");
    let set_aside = store
        .list(&viewer, ProgressList::SetAside, None, 10)
        .await
        .unwrap();
    assert_eq!(set_aside[0].marked_at, later(120));

    assert!(set(ProgressMark::Exploited, false, later(180)).await);
    assert!(!set(ProgressMark::Exploited, false, later(240)).await);
    assert!(ids(&db, &viewer, ProgressList::Exploited).await.is_empty());
    assert_eq!(ids(&db, &viewer, ProgressList::SetAside).await, [record.id]);
    assert_eq!(
        scalar(&raw, "SELECT COUNT(*) FROM resource_progress").await,
        1
    );

    assert!(set(ProgressMark::SetAside, false, later(300)).await);
    assert_eq!(
        scalar(&raw, "SELECT COUNT(*) FROM resource_progress").await,
        0,
        "nothing is kept once every mark is off"
    );
    assert!(set(ProgressMark::Exploited, true, later(360)).await);
    assert_eq!(
        store
            .list(&viewer, ProgressList::Exploited, None, 10)
            .await
            .unwrap()[0]
            .marked_at,
        later(360),
        "marked again, dated again"
    );
}

async fn tallies_count_by_category_and_resource_type(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let store = db.engagement();
    let mut records = Vec::new();
    for (category, kind) in [(1, 1), (1, 1), (1, 2), (4, 2)] {
        let record = resource(lea.id, category, kind);
        db.resources().insert(&record).await.unwrap();
        records.push(record);
    }
    for record in &records {
        store.add_favourite(lea.id, record.id, now()).await.unwrap();
    }
    for record in &records[1..3] {
        store
            .set_mark(lea.id, record.id, ProgressMark::Exploited, true, now())
            .await
            .unwrap();
    }
    store
        .set_mark(lea.id, records[3].id, ProgressMark::SetAside, true, now())
        .await
        .unwrap();

    let mut tallies: Vec<_> = store
        .tallies(&citizen(lea.id))
        .await
        .unwrap()
        .into_iter()
        .map(|t| {
            (
                t.category,
                t.resource_type,
                t.favourites,
                t.exploited,
                t.set_aside,
            )
        })
        .collect();
    tallies.sort();

    assert_eq!(
        tallies,
        [
            (seeded(1, 1), seeded(3, 1), 2, 1, 0),
            (seeded(1, 1), seeded(3, 2), 1, 1, 0),
            (seeded(1, 4), seeded(3, 2), 1, 0, 1),
        ]
    );
    assert!(
        store
            .tallies(&citizen(UserId::generate()))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn keyset_pages_cover_every_item_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let store = db.engagement();
    let viewer = citizen(lea.id);
    let mut expected = Vec::new();
    for n in 0..8 {
        let record = stored(&db, lea.id).await;
        // Pairs share an instant: the id, descending, breaks the tie.
        let at = later(n / 2);
        store.add_favourite(lea.id, record.id, at).await.unwrap();
        expected.push((at, record.id));
    }
    expected.sort_by(|a, b| b.cmp(a));

    let mut seen = Vec::new();
    let mut after: Option<ProgressCursor> = None;
    loop {
        let page = store
            .list(&viewer, ProgressList::Favourites, after, 3)
            .await
            .unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some(last.cursor());
        seen.extend(page.iter().map(|i| (i.marked_at, i.resource)));
    }
    assert_eq!(seen, expected, "no repeat, no gap, most recent first");

    let between = ProgressCursor {
        marked_at: later(2),
        resource: ResourceId::from_uuid(uuid::Uuid::max()),
    };
    let rest = store
        .list(&viewer, ProgressList::Favourites, Some(between), 100)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|i| i.resource).collect::<Vec<_>>(),
        expected[2..].iter().map(|(_, id)| *id).collect::<Vec<_>>(),
        "`after` need not be an item"
    );
    assert!(
        store
            .list(&viewer, ProgressList::Favourites, None, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

const VISIBILITIES: [Visibility; 4] = [
    Visibility::Public,
    Visibility::Restricted,
    Visibility::Private,
    Visibility::Shared,
];

fn states() -> [Lifecycle; 7] {
    [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Published,
        Lifecycle::Rejected {
            reason: "Lien mort".into(),
        },
        Lifecycle::Suspended {
            reason: "Signalements".into(),
        },
        Lifecycle::Archived,
        Lifecycle::Deleted,
    ]
}

/// The SQL filter of the lists and tallies is `can_view`'s twin: for viewers
/// of every role (staff with and without two-factor authentication), on
/// resources of every visibility and state that they wrote, that are shared
/// with them, or neither, the lists and tallies hold exactly what `can_view`
/// lets them see.
async fn reads_show_exactly_what_can_view_allows(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let owner = stored_user(&db, 1).await.id;
    let friend = stored_user(&db, 2).await.id;
    let store = db.engagement();
    let roles = [
        (Role::Citizen, false),
        (Role::Moderator, true),
        (Role::Moderator, false),
        (Role::Administrator, true),
        (Role::SuperAdministrator, true),
    ];
    for (n, (role, two_factor)) in (3..).zip(roles) {
        let viewer = actor(stored_user(&db, n).await.id, role, two_factor);
        let mut expected = BTreeSet::new();
        for visibility in VISIBILITIES {
            for state in states() {
                for relation in 0..3 {
                    let mut record = resource(owner, 7, 2);
                    record.visibility = visibility;
                    record.state = state.clone();
                    record.shared_with = vec![friend];
                    match relation {
                        0 => record.author = viewer.user_id,
                        1 => record.shared_with.push(viewer.user_id),
                        _ => {}
                    }
                    db.resources().insert(&record).await.unwrap();
                    store
                        .add_favourite(viewer.user_id, record.id, now())
                        .await
                        .unwrap();
                    store
                        .set_mark(
                            viewer.user_id,
                            record.id,
                            ProgressMark::Exploited,
                            true,
                            now(),
                        )
                        .await
                        .unwrap();
                    store
                        .set_mark(
                            viewer.user_id,
                            record.id,
                            ProgressMark::SetAside,
                            true,
                            now(),
                        )
                        .await
                        .unwrap();
                    let facts = ResourceFacts {
                        author: record.author,
                        visibility: record.visibility,
                        state: &record.state,
                        shared_with: &record.shared_with,
                        author_restricted: false,
                    };
                    if can_view(&Actor::User(viewer), &facts) {
                        expected.insert(record.id);
                    }
                }
            }
        }
        for list in ProgressList::ALL {
            let listed: BTreeSet<_> = ids(&db, &viewer, list).await.into_iter().collect();
            assert_eq!(listed, expected, "{role:?} (2FA {two_factor}) · {list:?}");
        }
        let tallies = store.tallies(&viewer).await.unwrap();
        let expected_count = u64::try_from(expected.len()).unwrap();
        assert_eq!(tallies.len(), 1);
        assert_eq!(
            (
                tallies[0].favourites,
                tallies[0].exploited,
                tallies[0].set_aside
            ),
            (expected_count, expected_count, expected_count),
            "{role:?} (2FA {two_factor})"
        );
    }
}

async fn a_corrupt_row_is_an_internal_error(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let store = db.engagement();
    let viewer = citizen(lea.id);
    let record = stored(&db, lea.id).await;
    store
        .set_mark(lea.id, record.id, ProgressMark::Exploited, true, now())
        .await
        .unwrap();

    let sql = format!(
        "UPDATE resource_progress SET exploited_at = NULL WHERE resource_id = {}",
        id_literal(record.id.as_uuid())
    );
    assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);
    assert!(matches!(
        store.list(&viewer, ProgressList::Exploited, None, 10).await,
        Err(RepositoryError::Internal(_))
    ));
    assert!(matches!(
        store
            .set_mark(lea.id, record.id, ProgressMark::SetAside, true, now())
            .await,
        Err(RepositoryError::Internal(_))
    ));

    store.add_favourite(lea.id, record.id, now()).await.unwrap();
    let sql = format!(
        "UPDATE resources SET title = 'ab' WHERE id = {}",
        id_literal(record.id.as_uuid())
    );
    assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);
    assert!(matches!(
        store
            .list(&viewer, ProgressList::Favourites, None, 10)
            .await,
        Err(RepositoryError::Internal(_))
    ));
}

on_every_engine!(
    favourites_are_idempotent_and_the_count_exact,
    unknown_users_and_resources_are_conflicts_and_count_nothing,
    concurrent_favourites_keep_the_count_exact,
    marks_are_idempotent_and_a_row_without_marks_is_removed,
    tallies_count_by_category_and_resource_type,
    keyset_pages_cover_every_item_once,
    reads_show_exactly_what_can_view_allows,
    a_corrupt_row_is_an_internal_error,
);
