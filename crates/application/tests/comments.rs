//! Comments on in-memory fakes: threads and their pages, replies and their
//! notifications, the depth bound, edits and tombstones by their authors,
//! moderators' mark, what each viewer reads of withheld comments, the write
//! budget, and the error paths on mocks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::ports::{
    CommentRecord, CommentRepository, MockCommentRepository, ResourceRecord, ResourceRepository,
};
use rr_application::services::comments::{CommentContent, CommentPage, CommentView, NewComment};
use rr_application::services::{
    CommentPolicy, CommentPorts, CommentService, Rate, WriteLimitPolicy, WriteLimiter,
};
use rr_application::test_util::{
    FakeComments, FakeResources, IdentityFixture, RecordingNotifier, identity_fixture,
};
use rr_application::{AppError, RepositoryError};
use rr_domain::Uuid;
use rr_domain::community::{CommentBody, CommentId, CommentState, NotificationKind};
use rr_domain::identity::{Actor, AuthenticatedActor, Role};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    resources: Arc<FakeResources>,
    comments: Arc<FakeComments>,
    notifier: Arc<RecordingNotifier>,
    service: CommentService,
}

fn world_with(policy: CommentPolicy, limits: Option<WriteLimitPolicy>) -> World {
    let fx = identity_fixture();
    let resources = Arc::new(FakeResources::default());
    let comments = Arc::new(FakeComments::new(fx.users.clone()));
    let notifier = Arc::new(RecordingNotifier::default());
    let write_limits = match limits {
        Some(policy) => WriteLimiter::new(&policy, fx.clock.clone()),
        None => WriteLimiter::unlimited(fx.clock.clone()),
    };
    let service = CommentService::new(
        CommentPorts {
            comments: comments.clone(),
            resources: resources.clone(),
            users: fx.users.clone(),
            notifier: notifier.clone(),
            write_limits: Arc::new(write_limits),
            clock: fx.clock.clone(),
        },
        policy,
    );
    World {
        fx,
        resources,
        comments,
        notifier,
        service,
    }
}

fn world() -> World {
    world_with(CommentPolicy::default(), None)
}

async fn citizen(w: &World, name: &str) -> AuthenticatedActor {
    w.fx.citizen(name, PASSWORD).await.unwrap()
}

/// A registered account acting as a moderator, with or without 2FA.
async fn moderator(w: &World, name: &str, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        role: Role::Moderator,
        two_factor,
        ..citizen(w, name).await
    }
}

/// A resource of `author`'s, stored as is.
async fn resource(
    w: &World,
    author: &AuthenticatedActor,
    visibility: Visibility,
    state: Lifecycle,
) -> ResourceId {
    let seeded = |n| ReferenceId::from_uuid(Uuid::from_u128(n));
    let now = w.fx.clock.now_for_tests();
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author: author.user_id,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1),
        resource_type: seeded(2),
        relation_types: vec![seeded(3)],
        external_link: None,
        visibility,
        state,
        shared_with: Vec::new(),
        created_at: now,
        updated_at: now,
        published_at: Some(now),
        deleted_at: None,
        version: 0,
    };
    w.resources.insert(&record).await.unwrap();
    record.id
}

async fn public(w: &World, author: &AuthenticatedActor) -> ResourceId {
    resource(w, author, Visibility::Public, Lifecycle::Published).await
}

fn new(text: &str, parent: Option<CommentId>) -> NewComment {
    NewComment {
        body: CommentBody::parse(text).unwrap(),
        parent,
        as_moderator: false,
    }
}

async fn post(
    w: &World,
    who: &AuthenticatedActor,
    on: ResourceId,
    text: &str,
    parent: Option<CommentId>,
) -> CommentView {
    // Each comment a little later than the last, as in life.
    w.fx.clock.advance(time::Duration::seconds(1));
    w.service.post(who, on, new(text, parent)).await.unwrap()
}

async fn page(w: &World, viewer: &Actor, on: ResourceId) -> CommentPage {
    w.service.thread(viewer, on, None, None).await.unwrap()
}

/// The text of each comment of a page as `viewer` reads it, `[withheld]` or
/// `[deleted]` otherwise.
fn texts(page: &CommentPage) -> Vec<String> {
    page.items
        .iter()
        .map(|c| match &c.content {
            CommentContent::Full { body, .. } => body.as_str().to_owned(),
            CommentContent::Withheld => "[withheld]".to_owned(),
            CommentContent::Deleted => "[deleted]".to_owned(),
        })
        .collect()
}

fn code(err: &AppError) -> String {
    match err {
        AppError::Invalid(violations) => violations[0].code.to_owned(),
        other => other.code().to_owned(),
    }
}

/// Sets a stored comment's state, as moderation would.
fn set_state(w: &World, id: CommentId, state: CommentState) {
    let mut comment = w.comments.all().into_iter().find(|c| c.id == id).unwrap();
    comment.state = state;
    w.comments.put(comment);
}

#[tokio::test]
async fn a_thread_shows_top_level_comments_oldest_first_each_followed_by_its_replies() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;

    let a = post(&w, &lea, on, "A", None).await;
    let b = post(&w, &tom, on, "B", None).await;
    let a1 = post(&w, &tom, on, "A1", Some(a.id)).await;
    post(&w, &lea, on, "B1", Some(b.id)).await;
    post(&w, &lea, on, "A1a", Some(a1.id)).await;
    post(&w, &lea, on, "A2", Some(a.id)).await;

    let read = page(&w, &Actor::Visitor, on).await;

    assert_eq!(texts(&read), ["A", "A1", "A1a", "A2", "B", "B1"]);
    assert_eq!(
        read.items.iter().map(|c| c.depth).collect::<Vec<_>>(),
        [0, 1, 2, 1, 0, 1]
    );
    assert_eq!(read.items[1].parent, Some(a.id));
    assert_eq!(read.next, None);
    let CommentContent::Full {
        author,
        is_author,
        as_moderator,
        edited_at,
        ..
    } = &read.items[1].content
    else {
        panic!("visible")
    };
    assert_eq!(author.as_str(), "tom");
    assert!(!is_author, "a visitor wrote nothing");
    assert!(!as_moderator);
    assert_eq!(*edited_at, None);
}

#[tokio::test]
async fn pages_of_top_level_comments_follow_each_other_with_their_replies() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    for n in 0..5 {
        let top = post(&w, &lea, on, &format!("T{n}"), None).await;
        post(&w, &lea, on, &format!("R{n}"), Some(top.id)).await;
    }

    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let read = w
            .service
            .thread(&Actor::Visitor, on, after, Some(2))
            .await
            .unwrap();
        pages += 1;
        seen.extend(texts(&read));
        match read.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        ["T0", "R0", "T1", "R1", "T2", "R2", "T3", "R3", "T4", "R4"]
    );
    let clamped = w
        .service
        .thread(&Actor::Visitor, on, None, Some(1_000))
        .await
        .unwrap();
    assert_eq!(clamped.items.len(), 10, "a page is at most max_page_size");
}

#[tokio::test]
async fn a_reply_tells_the_parents_author_ids_only_and_never_oneself() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;
    let first = post(&w, &lea, on, "Question ?", None).await;

    let answer = post(&w, &tom, on, "Réponse secrète", Some(first.id)).await;
    post(&w, &lea, on, "Merci", Some(answer.id)).await;
    post(&w, &lea, on, "Et aussi", Some(first.id)).await;

    assert_eq!(
        w.notifier.sent_to(lea.user_id),
        [NotificationKind::CommentReply {
            resource: on,
            parent: first.id,
            reply: answer.id,
        }],
        "her own reply to her comment tells her nothing"
    );
    assert_eq!(w.notifier.sent_to(tom.user_id).len(), 1);
}

#[tokio::test]
async fn replies_go_no_deeper_than_the_policy() {
    let w = world_with(
        CommentPolicy {
            max_depth: 2,
            ..CommentPolicy::default()
        },
        None,
    );
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    let top = post(&w, &lea, on, "0", None).await;
    let one = post(&w, &lea, on, "1", Some(top.id)).await;
    let two = post(&w, &lea, on, "2", Some(one.id)).await;
    assert_eq!(two.depth, 2);

    let err = w
        .service
        .post(&lea, on, new("3", Some(two.id)))
        .await
        .unwrap_err();

    assert_eq!(code(&err), "thread_too_deep");
    assert_eq!(w.comments.all().len(), 3);
    assert_eq!(
        CommentService::new(
            CommentPorts {
                comments: w.comments.clone(),
                resources: w.resources.clone(),
                users: w.fx.users.clone(),
                notifier: w.notifier.clone(),
                write_limits: Arc::new(WriteLimiter::unlimited(w.fx.clock.clone())),
                clock: w.fx.clock.clone(),
            },
            CommentPolicy {
                max_depth: 40,
                page_size: 500,
                max_page_size: 0,
            },
        )
        .policy(),
        CommentPolicy {
            max_depth: CommentPolicy::DEEPEST,
            page_size: 1,
            max_page_size: 1,
        },
        "the policy is kept within what the store can cascade"
    );
}

#[tokio::test]
async fn a_parent_is_a_visible_comment_of_the_same_resource() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    let elsewhere = public(&w, &lea).await;
    let there = post(&w, &lea, elsewhere, "Ailleurs", None).await;

    for parent in [there.id, CommentId::generate()] {
        let err = w
            .service
            .post(&lea, on, new("Réponse", Some(parent)))
            .await
            .unwrap_err();
        assert_eq!(code(&err), "unknown_parent");
        assert!(matches!(err, AppError::Invalid(ref v) if v[0].field == "parentId"));
    }

    for state in [
        CommentState::Held,
        CommentState::Hidden {
            reason: "Insultant".into(),
        },
    ] {
        let parent = post(&w, &lea, on, "Parent", None).await;
        set_state(&w, parent.id, state);
        let err = w
            .service
            .post(&lea, on, new("Réponse", Some(parent.id)))
            .await
            .unwrap_err();
        assert_eq!(code(&err), "parent_unavailable");
    }
    let gone = post(&w, &lea, on, "Parti", None).await;
    w.service.delete(&lea, gone.id).await.unwrap();
    let err = w
        .service
        .post(&lea, on, new("Réponse", Some(gone.id)))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "parent_unavailable");
}

#[tokio::test]
async fn only_resources_the_caller_sees_and_published_ones_take_comments() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let private = resource(&w, &lea, Visibility::Private, Lifecycle::Published).await;
    let restricted = resource(&w, &lea, Visibility::Restricted, Lifecycle::Published).await;

    for on in [private, ResourceId::generate()] {
        let err = w
            .service
            .post(&tom, on, new("Bonjour", None))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound), "{err:?}");
        let err = w
            .service
            .thread(&Actor::User(tom), on, None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound), "{err:?}");
    }
    assert!(matches!(
        w.service
            .thread(&Actor::Visitor, restricted, None, None)
            .await,
        Err(AppError::NotFound)
    ));
    post(&w, &tom, restricted, "Les inscrits commentent", None).await;
    post(&w, &lea, private, "Une note pour moi", None).await;

    for state in [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Suspended {
            reason: "Doublon".into(),
        },
        Lifecycle::Archived,
    ] {
        let name = state.name();
        let closed = resource(&w, &lea, Visibility::Public, state).await;
        let err = w
            .service
            .post(&lea, closed, new("Bonjour", None))
            .await
            .unwrap_err();
        assert_eq!(code(&err), "comments_closed", "{name}");
        assert!(
            page(&w, &Actor::User(lea), closed).await.items.is_empty(),
            "its author still reads its thread ({name})"
        );
    }
}

#[tokio::test]
async fn only_moderators_with_two_factor_speak_as_moderators() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    let first = post(&w, &lea, on, "Question", None).await;
    let as_moderator = |parent| NewComment {
        as_moderator: true,
        ..new("Rappel de la charte", parent)
    };

    let err = w
        .service
        .post(&lea, on, as_moderator(None))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "forbidden");
    let without = moderator(&w, "modo_sans", false).await;
    let err = w
        .service
        .post(&without, on, as_moderator(None))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "two_factor_required");

    let modo = moderator(&w, "modo", true).await;
    let reply = w
        .service
        .post(&modo, on, as_moderator(Some(first.id)))
        .await
        .unwrap();

    let read = page(&w, &Actor::Visitor, on).await;
    assert_eq!(read.items[1].id, reply.id);
    assert!(matches!(
        read.items[1].content,
        CommentContent::Full {
            as_moderator: true,
            ..
        }
    ));
    assert!(matches!(
        read.items[0].content,
        CommentContent::Full {
            as_moderator: false,
            ..
        }
    ));
    let plain = post(&w, &modo, on, "En citoyen", None).await;
    assert!(matches!(
        plain.content,
        CommentContent::Full {
            as_moderator: false,
            ..
        }
    ));
}

#[tokio::test]
async fn its_author_edits_a_visible_comment_which_is_marked_edited() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;
    let posted = post(&w, &lea, on, "Premier jet", None).await;
    w.fx.clock.advance(time::Duration::minutes(5));
    let at = w.fx.clock.now_for_tests();

    let edited = w
        .service
        .edit(
            &lea,
            posted.id,
            CommentBody::parse("Version revue").unwrap(),
        )
        .await
        .unwrap();

    let CommentContent::Full {
        body,
        edited_at,
        is_author,
        ..
    } = &edited.content
    else {
        panic!("visible")
    };
    assert_eq!(body.as_str(), "Version revue");
    assert_eq!(*edited_at, Some(at));
    assert!(is_author);
    assert_eq!(edited.created_at, posted.created_at);
    let stored = w.comments.all().pop().unwrap();
    assert_eq!(stored.version, 1);

    w.fx.clock.advance(time::Duration::minutes(5));
    w.service
        .edit(
            &lea,
            posted.id,
            CommentBody::parse("Version revue").unwrap(),
        )
        .await
        .unwrap();
    let same = w.comments.all().pop().unwrap();
    assert_eq!(
        (same.version, same.edited_at),
        (1, Some(at)),
        "the same text again changes nothing"
    );

    let err = w
        .service
        .edit(&tom, posted.id, CommentBody::parse("Pas à moi").unwrap())
        .await
        .unwrap_err();
    assert_eq!(code(&err), "forbidden");
    let modo = moderator(&w, "modo", true).await;
    let err = w
        .service
        .edit(&modo, posted.id, CommentBody::parse("Pas à moi").unwrap())
        .await
        .unwrap_err();
    assert_eq!(code(&err), "forbidden", "moderators hide, they do not edit");
    let err = w
        .service
        .edit(
            &lea,
            CommentId::generate(),
            CommentBody::parse("x").unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "not_found");
}

#[tokio::test]
async fn held_hidden_and_deleted_comments_keep_their_text() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    for state in [
        CommentState::Held,
        CommentState::Hidden {
            reason: "Insultant".into(),
        },
    ] {
        let posted = post(&w, &lea, on, "Texte signalé", None).await;
        set_state(&w, posted.id, state);
        let err = w
            .service
            .edit(&lea, posted.id, CommentBody::parse("Autre").unwrap())
            .await
            .unwrap_err();
        assert_eq!(code(&err), "invalid_transition");
    }
    let gone = post(&w, &lea, on, "Parti", None).await;
    w.service.delete(&lea, gone.id).await.unwrap();
    let err = w
        .service
        .edit(&lea, gone.id, CommentBody::parse("Revenu").unwrap())
        .await
        .unwrap_err();
    assert_eq!(code(&err), "invalid_transition");
}

#[tokio::test]
async fn a_deleted_comment_is_a_tombstone_without_text_that_keeps_its_replies() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;
    let top = post(&w, &lea, on, "Mon adresse est 3 rue des Lilas", None).await;
    post(&w, &tom, on, "Attention à vos données", Some(top.id)).await;

    let err = w.service.delete(&tom, top.id).await.unwrap_err();
    assert_eq!(code(&err), "forbidden");
    w.service.delete(&lea, top.id).await.unwrap();

    let stored = w
        .comments
        .all()
        .into_iter()
        .find(|c| c.id == top.id)
        .unwrap();
    assert_eq!(stored.state, CommentState::Deleted);
    assert_eq!(stored.body, None, "nothing of the text is kept");
    let modo = moderator(&w, "modo", true).await;
    for viewer in [Actor::Visitor, Actor::User(lea), Actor::User(modo)] {
        let read = page(&w, &viewer, on).await;
        assert_eq!(
            texts(&read),
            ["[deleted]", "Attention à vos données"],
            "{viewer:?}"
        );
    }
    let err = w.service.delete(&lea, top.id).await.unwrap_err();
    assert_eq!(code(&err), "invalid_transition");
}

#[tokio::test]
async fn withheld_comments_are_read_by_their_author_and_moderators_only() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;
    let top = post(&w, &tom, on, "Propos injurieux", None).await;
    let reply = post(&w, &lea, on, "Réponse visible", Some(top.id)).await;
    let answered = post(&w, &tom, on, "Réponse injurieuse", Some(reply.id)).await;
    set_state(
        &w,
        top.id,
        CommentState::Hidden {
            reason: "Insultes".into(),
        },
    );
    set_state(&w, answered.id, CommentState::Held);
    let modo = moderator(&w, "modo", true).await;
    let unverified = moderator(&w, "modo_sans", false).await;

    for viewer in [Actor::Visitor, Actor::User(lea), Actor::User(unverified)] {
        let read = page(&w, &viewer, on).await;
        assert_eq!(
            texts(&read),
            ["[withheld]", "Réponse visible", "[withheld]"],
            "{viewer:?}"
        );
        let debug = format!("{read:?}");
        for secret in ["Insultes", "\"tom\""] {
            assert!(!debug.contains(secret), "{secret} leaks to {viewer:?}");
        }
        assert_eq!(read.items[1].parent, Some(top.id), "the thread stays whole");
    }

    for viewer in [Actor::User(tom), Actor::User(modo)] {
        let read = page(&w, &viewer, on).await;
        assert_eq!(
            texts(&read),
            ["Propos injurieux", "Réponse visible", "Réponse injurieuse"]
        );
        assert!(matches!(
            &read.items[0].content,
            CommentContent::Full { state: CommentState::Hidden { reason }, .. } if reason == "Insultes"
        ));
        assert!(matches!(
            &read.items[2].content,
            CommentContent::Full {
                state: CommentState::Held,
                ..
            }
        ));
    }
}

#[tokio::test]
async fn posting_spends_the_authors_budget_first() {
    let w = world_with(
        CommentPolicy::default(),
        Some(WriteLimitPolicy {
            comments: vec![Rate::per_minute(2)],
            ..WriteLimitPolicy::default()
        }),
    );
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;
    w.service.post(&lea, on, new("1", None)).await.unwrap();
    w.service.post(&lea, on, new("2", None)).await.unwrap();

    let err = w
        .service
        .post(&lea, ResourceId::generate(), new("3", None))
        .await
        .unwrap_err();

    assert!(
        matches!(
            err,
            AppError::WriteRateLimited {
                retry_after_secs: 30
            }
        ),
        "{err:?}"
    );
    assert_eq!(w.comments.all().len(), 2);
    w.service.post(&tom, on, new("Moi", None)).await.unwrap();
}

/// A service on a mocked comment store.
fn on_mock(w: &World, comments: MockCommentRepository) -> CommentService {
    CommentService::new(
        CommentPorts {
            comments: Arc::new(comments),
            resources: w.resources.clone(),
            users: w.fx.users.clone(),
            notifier: w.notifier.clone(),
            write_limits: Arc::new(WriteLimiter::unlimited(w.fx.clock.clone())),
            clock: w.fx.clock.clone(),
        },
        CommentPolicy::default(),
    )
}

#[tokio::test]
async fn a_concurrent_change_is_an_edit_conflict() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    let posted = post(&w, &lea, on, "Texte", None).await;
    let stored = w.comments.all().pop().unwrap();
    let mut comments = MockCommentRepository::new();
    comments
        .expect_find()
        .returning(move |_| Ok(Some(stored.clone())));
    comments
        .expect_update()
        .withf(|_, expected| *expected == 0)
        .returning(|_, _| Err(RepositoryError::Conflict("version moved".into())));
    let service = on_mock(&w, comments);

    let err = service
        .edit(&lea, posted.id, CommentBody::parse("Autre").unwrap())
        .await
        .unwrap_err();
    assert_eq!(code(&err), "edit_conflict");
    let err = service.delete(&lea, posted.id).await.unwrap_err();
    assert_eq!(code(&err), "edit_conflict");
}

#[tokio::test]
async fn nobody_is_told_of_a_reply_that_was_not_stored() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let on = public(&w, &lea).await;
    let parent = post(&w, &lea, on, "Question", None).await;
    let stored: CommentRecord = w.comments.all().pop().unwrap();
    let mut comments = MockCommentRepository::new();
    comments
        .expect_find()
        .returning(move |_| Ok(Some(stored.clone())));
    comments
        .expect_insert()
        .returning(|_| Err(RepositoryError::Unavailable("down".into())));
    let service = on_mock(&w, comments);

    let err = service
        .post(&tom, on, new("Réponse", Some(parent.id)))
        .await
        .unwrap_err();

    assert_eq!(code(&err), "service_unavailable");
    assert!(w.notifier.sent().is_empty());
}

#[tokio::test]
async fn an_unavailable_store_is_unavailable_to_readers() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    let mut comments = MockCommentRepository::new();
    comments
        .expect_thread_page()
        .returning(|_, _, _| Err(RepositoryError::Unavailable("down".into())));

    let err = on_mock(&w, comments)
        .thread(&Actor::Visitor, on, None, None)
        .await
        .unwrap_err();

    assert_eq!(code(&err), "service_unavailable");
}

#[tokio::test]
async fn the_fake_store_refuses_what_the_real_one_refuses() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let on = public(&w, &lea).await;
    let posted = post(&w, &lea, on, "Texte", None).await;
    let mut stored = w.comments.all().pop().unwrap();
    let store: &dyn CommentRepository = w.comments.as_ref();

    assert!(matches!(
        store.insert(&stored).await,
        Err(RepositoryError::Conflict(_))
    ));
    stored.state = CommentState::Held;
    store.update(&stored, 0).await.unwrap();
    assert!(matches!(
        store.update(&stored, 0).await,
        Err(RepositoryError::Conflict(_))
    ));
    assert_eq!(store.find(posted.id).await.unwrap().unwrap().version, 1);
}
