//! Contract of `CommentRepository` on the real migrations, on every engine:
//! round trips, references checked, thread order and keyset pages of
//! top-level comments, optimistic concurrency, and tombstones that keep no
//! text in the stored row.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::RepositoryError;
use rr_application::ports::{CommentRecord, ResourceRecord, ThreadCursor};
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute, query};
use support::identity::{later, now, stored_user};

fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

async fn stored_resource(db: &Database, author: UserId) -> ResourceRecord {
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1, 7),
        resource_type: seeded(3, 2),
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
    };
    db.resources().insert(&record).await.unwrap();
    record
}

fn body(text: &str) -> Option<CommentBody> {
    Some(CommentBody::parse(text).unwrap())
}

/// A visible top-level comment posted `seconds` after `now()`.
fn top(resource: ResourceId, author: UserId, text: &str, seconds: i64) -> CommentRecord {
    let id = CommentId::generate();
    CommentRecord {
        id,
        resource,
        parent: None,
        root: id,
        depth: 0,
        author,
        body: body(text),
        as_moderator: false,
        state: CommentState::Visible,
        created_at: later(seconds),
        edited_at: None,
        updated_at: later(seconds),
        version: 0,
    }
}

/// A visible reply to `parent`, posted `seconds` after `now()`.
fn reply(parent: &CommentRecord, author: UserId, text: &str, seconds: i64) -> CommentRecord {
    CommentRecord {
        parent: Some(parent.id),
        root: parent.root,
        depth: parent.depth + 1,
        ..top(parent.resource, author, text, seconds)
    }
}

fn id_literal(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

/// The texts of a page, in order (`-` for a tombstone).
fn texts(page: &[rr_application::ports::ThreadComment]) -> Vec<String> {
    page.iter()
        .map(|c| {
            c.comment
                .body
                .as_ref()
                .map_or_else(|| "-".to_owned(), |b| b.as_str().to_owned())
        })
        .collect()
}

async fn a_comment_comes_back_as_stored(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let first = top(
        resource.id,
        lea.id,
        "Merci pour ce partage\net ces pistes.",
        1,
    );
    let mut answer = reply(&first, lea.id, "Avec plaisir !", 2);
    answer.as_moderator = true;
    answer.state = CommentState::Hidden {
        reason: "Hors sujet".into(),
    };
    answer.edited_at = Some(later(3));
    answer.version = 4;

    db.comments().insert(&first).await.unwrap();
    db.comments().insert(&answer).await.unwrap();

    assert_eq!(db.comments().find(first.id).await.unwrap(), Some(first));
    assert_eq!(db.comments().find(answer.id).await.unwrap(), Some(answer));
    assert_eq!(
        db.comments().find(CommentId::generate()).await.unwrap(),
        None
    );
}

async fn missing_references_and_taken_ids_are_conflicts(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let comments = db.comments();
    let first = top(resource.id, lea.id, "Premier", 1);
    comments.insert(&first).await.unwrap();

    let cases = [
        (
            "unknown resource",
            top(ResourceId::generate(), lea.id, "x", 2),
        ),
        (
            "unknown author",
            top(resource.id, UserId::generate(), "x", 2),
        ),
        (
            "unknown parent",
            CommentRecord {
                parent: Some(CommentId::generate()),
                depth: 1,
                ..top(resource.id, lea.id, "x", 2)
            },
        ),
        ("taken id", first.clone()),
    ];
    for (case, record) in cases {
        assert!(
            matches!(
                comments.insert(&record).await,
                Err(RepositoryError::Conflict(_))
            ),
            "{case}"
        );
    }
    assert_eq!(
        query(test_db.url(), "SELECT COUNT(*) FROM comments")
            .await
            .unwrap()[0][0],
        "1"
    );
}

async fn a_page_holds_whole_threads_in_thread_order(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let tom = stored_user(&db, 2).await;
    let resource = stored_resource(&db, lea.id).await;
    let elsewhere = stored_resource(&db, lea.id).await;
    let comments = db.comments();

    let a = top(resource.id, lea.id, "A", 10);
    let b = top(resource.id, tom.id, "B", 20);
    let a1 = reply(&a, tom.id, "A1", 30);
    let a2 = reply(&a, lea.id, "A2", 40);
    let a1x = reply(&a1, lea.id, "A1x", 50);
    let a1y = reply(&a1, tom.id, "A1y", 35);
    let b1 = reply(&b, lea.id, "B1", 25);
    let a1xz = reply(&a1x, tom.id, "A1xz", 60);
    let other = top(elsewhere.id, lea.id, "ailleurs", 5);
    // Inserted out of order: the page's order is the repository's doing.
    for record in [&b, &a, &other, &a1, &b1, &a2, &a1x, &a1xz, &a1y] {
        comments.insert(record).await.unwrap();
    }
    let mut deleted = a1.clone();
    deleted.state = CommentState::Deleted;
    deleted.body = None;
    comments.update(&deleted, 0).await.unwrap();

    let page = comments.thread_page(resource.id, None, 10).await.unwrap();

    assert_eq!(
        texts(&page),
        ["A", "-", "A1y", "A1x", "A1xz", "A2", "B", "B1"],
        "replies follow their parent depth first, siblings oldest first; a \
         tombstone keeps its place"
    );
    assert_eq!(page[0].author_name, lea.username);
    assert_eq!(page[1].author_name, tom.username);
    assert_eq!(page[1].comment.state, CommentState::Deleted);
    assert_eq!(page[4].comment.depth, 3);
    assert_eq!(page[4].comment.root, a.id);
    assert!(
        comments
            .thread_page(ResourceId::generate(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        comments
            .thread_page(resource.id, None, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn keyset_pages_cover_every_top_level_comment_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let comments = db.comments();
    let mut expected = Vec::new();
    for n in 0..7 {
        // Three pairs posted in the same microsecond: the id breaks the tie.
        let record = top(resource.id, lea.id, &format!("T{n}"), n / 2);
        comments.insert(&record).await.unwrap();
        comments
            .insert(&reply(&record, lea.id, &format!("R{n}"), 100))
            .await
            .unwrap();
        expected.push(record);
    }
    expected.sort_by_key(|c| (c.created_at, c.id));

    let mut seen = Vec::new();
    let mut after: Option<ThreadCursor> = None;
    loop {
        let page = comments.thread_page(resource.id, after, 3).await.unwrap();
        let tops: Vec<&CommentRecord> = page
            .iter()
            .map(|c| &c.comment)
            .filter(|c| c.depth == 0)
            .collect();
        assert!(tops.len() <= 3);
        for pair in page.chunks(2) {
            assert_eq!(pair[1].comment.parent, Some(pair[0].comment.id));
        }
        let Some(last) = tops.last() else { break };
        after = Some(last.cursor());
        seen.extend(tops.into_iter().map(|c| c.id));
    }

    assert_eq!(seen, expected.iter().map(|c| c.id).collect::<Vec<_>>());
}

async fn of_concurrent_updates_from_one_version_exactly_one_wins(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let original = top(resource.id, lea.id, "Original", 1);
    db.comments().insert(&original).await.unwrap();

    let updates = (0..8u8).map(|n| {
        let comments = db.comments();
        let hidden = CommentRecord {
            state: CommentState::Hidden {
                reason: format!("Décision {n}"),
            },
            updated_at: later(10),
            ..original.clone()
        };
        async move { comments.update(&hidden, 0).await }
    });
    let results = futures_util::future::join_all(updates).await;

    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(()) | Err(RepositoryError::Conflict(_))))
    );
    let stored = db.comments().find(original.id).await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(
        stored.state,
        CommentState::Hidden {
            reason: format!("Décision {}", winners[0])
        }
    );
}

async fn a_stale_or_unknown_comment_is_not_updated(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let comments = db.comments();
    let original = top(resource.id, lea.id, "Original", 1);
    comments.insert(&original).await.unwrap();
    let edited = CommentRecord {
        body: body("Corrigé"),
        edited_at: Some(later(5)),
        updated_at: later(5),
        ..original.clone()
    };
    comments.update(&edited, 0).await.unwrap();

    let stale = CommentRecord {
        body: body("Autre version"),
        ..original.clone()
    };
    assert!(matches!(
        comments.update(&stale, 0).await,
        Err(RepositoryError::Conflict(_))
    ));
    assert!(matches!(
        comments.update(&top(resource.id, lea.id, "x", 1), 0).await,
        Err(RepositoryError::Conflict(_))
    ));
    let stored = comments.find(original.id).await.unwrap().unwrap();
    assert_eq!(
        stored,
        CommentRecord {
            version: 1,
            ..edited
        },
        "immutable fields stay and the refused update changed nothing"
    );
}

async fn a_tombstone_keeps_no_text_in_the_stored_row(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let comments = db.comments();
    let secret = "Mon numéro est le 06 12 34 56 78";
    let original = top(resource.id, lea.id, secret, 1);
    comments.insert(&original).await.unwrap();

    let tombstone = CommentRecord {
        state: CommentState::Deleted,
        body: None,
        updated_at: later(2),
        ..original.clone()
    };
    comments.update(&tombstone, 0).await.unwrap();

    let raw = query(
        test_db.url(),
        &format!(
            "SELECT body, state, state_reason FROM comments WHERE id = {}",
            id_literal(original.id.as_uuid())
        ),
    )
    .await
    .unwrap();
    assert_eq!(raw, [["NULL", "deleted", "NULL"]]);
    let dump = rr_persistence::testing::dump_database(test_db.url())
        .await
        .unwrap();
    assert!(!dump.contains("06 12 34"), "no copy of the text anywhere");
    assert_eq!(
        comments.find(original.id).await.unwrap(),
        Some(CommentRecord {
            version: 1,
            ..tombstone
        })
    );
    let with_text = format!(
        "UPDATE comments SET body = 'revenant' WHERE id = {}",
        id_literal(original.id.as_uuid())
    );
    assert!(
        execute(test_db.url(), &with_text).await.is_err(),
        "the database refuses a tombstone with a text"
    );
}

async fn a_corrupt_row_is_an_internal_error(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let comments = db.comments();
    let record = top(resource.id, lea.id, "Bonjour", 1);
    comments.insert(&record).await.unwrap();
    let sql = format!(
        "UPDATE comments SET body = '  Bonjour' WHERE id = {}",
        id_literal(record.id.as_uuid())
    );
    assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);

    assert!(matches!(
        comments.find(record.id).await,
        Err(RepositoryError::Internal(_))
    ));
    assert!(matches!(
        comments.thread_page(resource.id, None, 10).await,
        Err(RepositoryError::Internal(_))
    ));
}

async fn a_purged_resource_takes_its_thread(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let comments = db.comments();
    let mut parent = top(resource.id, lea.id, "Racine", 1);
    comments.insert(&parent).await.unwrap();
    for n in 0..5 {
        let next = reply(&parent, lea.id, &format!("Niveau {n}"), n + 2);
        comments.insert(&next).await.unwrap();
        parent = next;
    }

    let sql = format!(
        "DELETE FROM resources WHERE id = {}",
        id_literal(resource.id.as_uuid())
    );
    assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);

    assert_eq!(
        query(test_db.url(), "SELECT COUNT(*) FROM comments")
            .await
            .unwrap()[0][0],
        "0"
    );
}

async fn kept_pages_never_outlive_a_write_through_any_handle(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    db.cache_comment_threads(std::time::Duration::from_secs(60), 100);
    let lea = stored_user(&db, 1).await;
    let resource = stored_resource(&db, lea.id).await;
    let (reader, moderation) = (db.comments(), db.comments());
    let original = top(resource.id, lea.id, "Propos injurieux", 1);
    reader.insert(&original).await.unwrap();
    assert_eq!(
        texts(&reader.thread_page(resource.id, None, 10).await.unwrap()),
        ["Propos injurieux"]
    );
    let behind_its_back = format!(
        "UPDATE comments SET body = 'Changé en base' WHERE id = {}",
        id_literal(original.id.as_uuid())
    );
    assert_eq!(execute(test_db.url(), &behind_its_back).await.unwrap(), 1);
    assert_eq!(
        texts(&reader.thread_page(resource.id, None, 10).await.unwrap()),
        ["Propos injurieux"],
        "the page is kept: another process's change shows when it expires"
    );

    let hidden = CommentRecord {
        state: CommentState::Hidden {
            reason: "Insultes".into(),
        },
        ..original.clone()
    };
    moderation.update(&hidden, 0).await.unwrap();

    let page = reader.thread_page(resource.id, None, 10).await.unwrap();
    assert_eq!(
        page[0].comment.state,
        CommentState::Hidden {
            reason: "Insultes".into()
        },
        "a write through another handle drops the page at once"
    );
    let tombstone = CommentRecord {
        state: CommentState::Deleted,
        body: None,
        ..hidden
    };
    reader.update(&tombstone, 1).await.unwrap();
    assert_eq!(
        texts(&reader.thread_page(resource.id, None, 10).await.unwrap()),
        ["-"]
    );
}

on_every_engine!(
    kept_pages_never_outlive_a_write_through_any_handle,
    a_comment_comes_back_as_stored,
    missing_references_and_taken_ids_are_conflicts,
    a_page_holds_whole_threads_in_thread_order,
    keyset_pages_cover_every_top_level_comment_once,
    of_concurrent_updates_from_one_version_exactly_one_wins,
    a_stale_or_unknown_comment_is_not_updated,
    a_tombstone_keeps_no_text_in_the_stored_row,
    a_corrupt_row_is_an_internal_error,
    a_purged_resource_takes_its_thread,
);
