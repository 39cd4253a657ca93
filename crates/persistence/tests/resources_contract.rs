//! Contract of `ResourceRepository` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::HashSet;

use rr_application::RepositoryError;
use rr_application::ports::ResourceRecord;
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, ExternalLink, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, stored_user};

/// A seeded category (1 to 13), relation type (1 to 6) or resource type (1 to 8),
/// by its kind digit and position (see the reference data migration).
fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

fn category(position: u8) -> ReferenceId {
    seeded(1, position)
}

fn relation_type(position: u8) -> ReferenceId {
    seeded(2, position)
}

fn resource_type(position: u8) -> ReferenceId {
    seeded(3, position)
}

fn unknown_reference() -> ReferenceId {
    ReferenceId::from_uuid(uuid::Uuid::now_v7())
}

/// A published public article by `author`, with a link, microsecond instants
/// and relation types out of their display order.
fn resource(author: UserId) -> ResourceRecord {
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.\nÀ essayer en famille.").unwrap(),
        body: Body::parse("# Pistes\n\n- écouter\t- reformuler 😀").unwrap(),
        category: category(7),
        resource_type: resource_type(2),
        relation_types: vec![relation_type(3), relation_type(1), relation_type(6)],
        external_link: Some(
            ExternalLink::parse("https://www.service-public.fr/particuliers?a=b#c").unwrap(),
        ),
        visibility: Visibility::Public,
        state: Lifecycle::Published,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: later(60),
        published_at: Some(later(120)),
        deleted_at: None,
        version: 0,
    }
}

/// `resource(author)`, stored.
async fn stored(db: &Database, author: UserId) -> ResourceRecord {
    let resource = resource(author);
    db.resources().insert(&resource).await.unwrap();
    resource
}

/// Shares come back ordered by user id: sharing is a set.
fn sorted(mut users: Vec<UserId>) -> Vec<UserId> {
    users.sort();
    users
}

fn is_conflict<T: std::fmt::Debug>(result: Result<T, RepositoryError>) -> bool {
    matches!(result, Err(RepositoryError::Conflict(_)))
}

/// The `X'…'` literal of an id, which both engines read as the stored bytes.
fn id_literal(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

async fn every_field_round_trips(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friends = [stored_user(&db, 2).await.id, stored_user(&db, 3).await.id];
    let mut shared = resource(lea.id);
    shared.visibility = Visibility::Shared;
    shared.shared_with = sorted(friends.to_vec());
    shared.version = 7;
    let mut bare = resource(lea.id);
    bare.external_link = None;
    bare.visibility = Visibility::Private;
    bare.state = Lifecycle::Deleted;
    bare.published_at = None;
    bare.deleted_at = Some(later(3_600));
    bare.relation_types = vec![relation_type(2)];
    bare.category = category(13);
    bare.resource_type = resource_type(8);

    for record in [&shared, &bare] {
        db.resources().insert(record).await.unwrap();
    }

    assert_eq!(
        db.resources().find(shared.id).await.unwrap(),
        Some(shared.clone())
    );
    assert_eq!(db.resources().find(bare.id).await.unwrap(), Some(bare));
    assert_eq!(
        db.resources().find(ResourceId::generate()).await.unwrap(),
        None
    );
}

async fn shares_come_back_as_a_set_ordered_by_user_id(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let mut friends = Vec::new();
    for n in 2..6 {
        friends.push(stored_user(&db, n).await.id);
    }
    let mut shared = resource(lea.id);
    shared.visibility = Visibility::Shared;
    shared.shared_with = sorted(friends.clone());
    shared.shared_with.reverse();

    db.resources().insert(&shared).await.unwrap();

    let found = db.resources().find(shared.id).await.unwrap().unwrap();
    assert_eq!(found.shared_with, sorted(friends));
}

async fn every_lifecycle_state_round_trips_with_its_reason(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let states = [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Published,
        Lifecycle::Rejected {
            reason: "Lien mort, merci de le corriger.".into(),
        },
        Lifecycle::Suspended {
            reason: "Signalements répétés".into(),
        },
        Lifecycle::Archived,
        Lifecycle::Deleted,
    ];
    for (state, visibility) in states.into_iter().zip(
        [
            Visibility::Public,
            Visibility::Restricted,
            Visibility::Private,
            Visibility::Shared,
        ]
        .into_iter()
        .cycle(),
    ) {
        let mut record = resource(lea.id);
        record.state = state;
        record.visibility = visibility;

        db.resources().insert(&record).await.unwrap();

        assert_eq!(db.resources().find(record.id).await.unwrap(), Some(record));
    }
}

async fn unknown_references_are_conflicts_and_store_nothing(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friend = stored_user(&db, 2).await;
    let corruptions: [fn(&mut ResourceRecord); 6] = [
        |r| r.author = UserId::generate(),
        |r| r.category = unknown_reference(),
        |r| r.resource_type = unknown_reference(),
        |r| r.relation_types.push(unknown_reference()),
        |r| r.shared_with.push(UserId::generate()),
        |r| r.relation_types.push(r.relation_types[0]),
    ];
    for corrupt in corruptions {
        let mut record = resource(lea.id);
        record.visibility = Visibility::Shared;
        record.shared_with = vec![friend.id];
        corrupt(&mut record);

        assert!(is_conflict(db.resources().insert(&record).await));
        assert_eq!(db.resources().find(record.id).await.unwrap(), None);
    }
    assert_eq!(
        db.resources()
            .list_by_author(lea.id, None, 10)
            .await
            .unwrap(),
        []
    );
    let raw = support::identity::raw(&test_db).await;
    for table in ["resource_relation_types", "resource_shares"] {
        let rows = sea_orm::ConnectionTrait::query_all_raw(
            &raw,
            sea_orm::Statement::from_string(
                raw.get_database_backend(),
                format!("SELECT * FROM {table}"),
            ),
        )
        .await
        .unwrap();
        assert!(rows.is_empty(), "{table} keeps nothing");
    }
}

async fn inserting_one_id_twice_is_a_conflict(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let first = stored(&db, lea.id).await;
    let mut again = resource(lea.id);
    again.id = first.id;
    again.title = Title::parse("Un autre titre").unwrap();

    assert!(is_conflict(db.resources().insert(&again).await));
    assert_eq!(db.resources().find(first.id).await.unwrap(), Some(first));
}

async fn an_update_replaces_every_mutable_field_and_bumps_the_version(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friends = [stored_user(&db, 2).await.id, stored_user(&db, 3).await.id];
    let mut original = resource(lea.id);
    original.visibility = Visibility::Shared;
    original.shared_with = vec![friends[0]];
    db.resources().insert(&original).await.unwrap();

    let edited = ResourceRecord {
        title: Title::parse("Parler à son enfant").unwrap(),
        summary: Summary::parse("D'autres pistes.").unwrap(),
        body: Body::parse("Tout a changé.").unwrap(),
        category: category(1),
        resource_type: resource_type(8),
        relation_types: vec![relation_type(5), relation_type(2)],
        external_link: None,
        visibility: Visibility::Shared,
        state: Lifecycle::Suspended {
            reason: "Signalé".into(),
        },
        shared_with: vec![friends[1]],
        updated_at: later(600),
        published_at: Some(later(300)),
        deleted_at: Some(later(900)),
        ..original.clone()
    };

    assert!(db.resources().update(&edited).await.unwrap());

    let expected = ResourceRecord {
        version: 1,
        ..edited.clone()
    };
    assert_eq!(
        db.resources().find(original.id).await.unwrap(),
        Some(expected.clone())
    );

    let back = ResourceRecord {
        relation_types: original.relation_types.clone(),
        shared_with: Vec::new(),
        external_link: original.external_link.clone(),
        state: Lifecycle::Draft,
        ..expected
    };
    assert!(db.resources().update(&back).await.unwrap());
    assert_eq!(
        db.resources().find(original.id).await.unwrap(),
        Some(ResourceRecord { version: 2, ..back })
    );
}

async fn an_update_never_changes_the_id_author_or_creation(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let other = stored_user(&db, 2).await;
    let original = stored(&db, lea.id).await;

    let hijack = ResourceRecord {
        author: other.id,
        created_at: later(9_999),
        ..original.clone()
    };
    assert!(db.resources().update(&hijack).await.unwrap());

    assert_eq!(
        db.resources().find(original.id).await.unwrap(),
        Some(ResourceRecord {
            version: 1,
            ..original
        })
    );
    assert_eq!(
        db.resources()
            .list_by_author(other.id, None, 10)
            .await
            .unwrap(),
        []
    );
}

async fn a_stale_version_is_refused_and_changes_nothing(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friend = stored_user(&db, 2).await;
    let original = stored(&db, lea.id).await;
    let current = ResourceRecord {
        title: Title::parse("Première modification").unwrap(),
        ..original.clone()
    };
    assert!(db.resources().update(&current).await.unwrap());

    let stale = ResourceRecord {
        title: Title::parse("Modification perdue").unwrap(),
        relation_types: vec![relation_type(4)],
        visibility: Visibility::Shared,
        shared_with: vec![friend.id],
        ..original.clone()
    };
    assert!(!db.resources().update(&stale).await.unwrap());
    let ahead = ResourceRecord {
        version: 5,
        ..stale.clone()
    };
    assert!(!db.resources().update(&ahead).await.unwrap());

    assert_eq!(
        db.resources().find(original.id).await.unwrap(),
        Some(ResourceRecord {
            version: 1,
            ..current
        })
    );
}

async fn updating_a_missing_resource_returns_false(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let never_stored = resource(lea.id);

    assert!(!db.resources().update(&never_stored).await.unwrap());
    assert_eq!(db.resources().find(never_stored.id).await.unwrap(), None);
}

async fn an_update_with_unknown_references_is_a_conflict_and_changes_nothing(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friend = stored_user(&db, 2).await;
    let mut original = resource(lea.id);
    original.visibility = Visibility::Shared;
    original.shared_with = vec![friend.id];
    db.resources().insert(&original).await.unwrap();
    let corruptions: [fn(&mut ResourceRecord); 4] = [
        |r| r.category = unknown_reference(),
        |r| r.resource_type = unknown_reference(),
        |r| r.relation_types = vec![relation_type(2), unknown_reference()],
        |r| r.shared_with = vec![UserId::generate()],
    ];
    for corrupt in corruptions {
        let mut edited = ResourceRecord {
            title: Title::parse("Modification refusée").unwrap(),
            ..original.clone()
        };
        corrupt(&mut edited);

        assert!(is_conflict(db.resources().update(&edited).await));
        assert_eq!(
            db.resources().find(original.id).await.unwrap(),
            Some(original.clone())
        );
    }
}

async fn of_concurrent_updates_from_one_version_exactly_one_wins(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let original = stored(&db, lea.id).await;

    let updates = (0..8u8).map(|n| {
        let resources = db.resources();
        let edited = ResourceRecord {
            title: Title::parse(&format!("Version numéro {n}")).unwrap(),
            relation_types: vec![relation_type(n % 6 + 1)],
            ..original.clone()
        };
        async move { resources.update(&edited).await.unwrap() }
    });
    let won = futures_util::future::join_all(updates).await;

    assert_eq!(won.iter().filter(|&&w| w).count(), 1, "{won:?}");
    let winner = u8::try_from(won.iter().position(|&w| w).unwrap()).unwrap();
    let stored = db.resources().find(original.id).await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.title.as_str(), format!("Version numéro {winner}"));
    assert_eq!(stored.relation_types, [relation_type(winner % 6 + 1)]);
}

async fn an_author_lists_their_resources_newest_first_without_deleted_ones(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let other = stored_user(&db, 2).await;
    let mut kept = Vec::new();
    for n in 0..7 {
        let mut record = resource(lea.id);
        if n == 3 {
            record.state = Lifecycle::Deleted;
            record.deleted_at = Some(later(10));
        } else if n == 4 {
            record.state = Lifecycle::Archived;
            kept.push(record.clone());
        } else {
            kept.push(record.clone());
        }
        db.resources().insert(&record).await.unwrap();
        stored(&db, other.id).await;
    }
    kept.sort_by_key(|r| std::cmp::Reverse(r.id));

    let listed = db
        .resources()
        .list_by_author(lea.id, None, 100)
        .await
        .unwrap();

    assert_eq!(listed, kept);
    assert_eq!(
        db.resources()
            .list_by_author(lea.id, None, 2)
            .await
            .unwrap(),
        kept[..2]
    );
    assert_eq!(
        db.resources()
            .list_by_author(lea.id, None, 0)
            .await
            .unwrap(),
        []
    );
    assert_eq!(
        db.resources()
            .list_by_author(UserId::generate(), None, 10)
            .await
            .unwrap(),
        []
    );
}

async fn keyset_pages_cover_every_resource_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let mut expected = Vec::new();
    for _ in 0..7 {
        expected.push(stored(&db, lea.id).await.id);
    }
    expected.sort_by_key(|&id| std::cmp::Reverse(id));

    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = db
            .resources()
            .list_by_author(lea.id, after, 3)
            .await
            .unwrap();
        assert!(page.len() <= 3);
        if page.is_empty() {
            break;
        }
        pages += 1;
        after = page.last().map(|r| r.id);
        seen.extend(page.into_iter().map(|r| r.id));
    }

    assert_eq!(pages, 3);
    assert_eq!(seen, expected, "no repeat, no gap, newest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);
    let after_unknown = ResourceId::from_uuid(uuid::Uuid::max());
    assert_eq!(
        db.resources()
            .list_by_author(lea.id, Some(after_unknown), 100)
            .await
            .unwrap()
            .len(),
        7,
        "`after` need not be an existing resource"
    );
}

async fn a_corrupt_stored_row_is_an_internal_error(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let tamperings = [
        "title = 'ab'",
        "title = ' Parler à son ado'",
        "state = 'rejected', state_reason = NULL",
        "state = 'draft', state_reason = 'pourquoi ?'",
        "external_link = 'javascript:alert(1)'",
        "version = -1",
    ];
    for (n, tampering) in (1..).zip(tamperings) {
        let author = stored_user(&db, n).await;
        let record = stored(&db, author.id).await;

        let sql = format!(
            "UPDATE resources SET {tampering} WHERE id = {}",
            id_literal(record.id.as_uuid())
        );
        assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1, "{sql}");

        assert!(
            matches!(
                db.resources().find(record.id).await,
                Err(RepositoryError::Internal(_))
            ),
            "{tampering}"
        );
        assert!(matches!(
            db.resources().list_by_author(author.id, None, 10).await,
            Err(RepositoryError::Internal(_))
        ));
    }
}

async fn the_schema_refuses_unknown_states_and_visibilities(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    stored(&db, lea.id).await;

    assert!(
        execute(test_db.url(), "UPDATE resources SET state = 'hidden'")
            .await
            .is_err()
    );
    assert!(
        execute(test_db.url(), "UPDATE resources SET visibility = 'friends'")
            .await
            .is_err()
    );
}

async fn an_author_cannot_be_deleted_but_a_shared_with_account_can(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friends = [stored_user(&db, 2).await.id, stored_user(&db, 3).await.id];
    let mut record = resource(lea.id);
    record.visibility = Visibility::Shared;
    record.shared_with = sorted(friends.to_vec());
    db.resources().insert(&record).await.unwrap();
    let delete_user =
        |id: UserId| format!("DELETE FROM users WHERE id = {}", id_literal(id.as_uuid()));

    assert!(execute(test_db.url(), &delete_user(lea.id)).await.is_err());
    assert_eq!(
        execute(test_db.url(), &delete_user(friends[0]))
            .await
            .unwrap(),
        1
    );

    let found = db.resources().find(record.id).await.unwrap().unwrap();
    assert_eq!(found.shared_with, [friends[1]]);
    assert_eq!(found.author, lea.id);
}

async fn the_read_path_returns_the_same_record_with_its_authors_username(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let friends = [stored_user(&db, 2).await.id, stored_user(&db, 3).await.id];
    let public = stored(&db, lea.id).await;
    let mut shared = resource(lea.id);
    shared.visibility = Visibility::Shared;
    shared.shared_with = sorted(friends.to_vec());
    db.resources().insert(&shared).await.unwrap();

    for record in [public, shared] {
        let (found, author) = db
            .resources()
            .find_with_author(record.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, record, "relation types in order, shares as a set");
        assert_eq!(
            author,
            Some(rr_application::ports::ResourceAuthor {
                username: lea.username.clone(),
                restricted: false,
            })
        );
    }
    assert!(
        db.resources()
            .find_with_author(ResourceId::generate())
            .await
            .unwrap()
            .is_none()
    );
}

on_every_engine!(
    the_read_path_returns_the_same_record_with_its_authors_username,
    every_field_round_trips,
    shares_come_back_as_a_set_ordered_by_user_id,
    every_lifecycle_state_round_trips_with_its_reason,
    unknown_references_are_conflicts_and_store_nothing,
    inserting_one_id_twice_is_a_conflict,
    an_update_replaces_every_mutable_field_and_bumps_the_version,
    an_update_never_changes_the_id_author_or_creation,
    a_stale_version_is_refused_and_changes_nothing,
    updating_a_missing_resource_returns_false,
    an_update_with_unknown_references_is_a_conflict_and_changes_nothing,
    of_concurrent_updates_from_one_version_exactly_one_wins,
    an_author_lists_their_resources_newest_first_without_deleted_ones,
    keyset_pages_cover_every_resource_once,
    a_corrupt_stored_row_is_an_internal_error,
    the_schema_refuses_unknown_states_and_visibilities,
    an_author_cannot_be_deleted_but_a_shared_with_account_can,
);
