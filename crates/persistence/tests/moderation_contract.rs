//! Contract of `ReportRepository`, `ModerationLog` and `ModerationQueue` on
//! the real migrations, on every engine: one report per citizen and item,
//! counts of open reports that concurrent filings agree on, dismissals and
//! decisions that close reports once, the log's filters and pages, and the
//! queue's order, filters and pages. Then the moderation use cases on these
//! repositories: of two moderators deciding at once, exactly one wins.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use rr_application::RepositoryError;
use rr_application::ports::{
    CommentRecord, Filed, ModerationEntry, ModerationLogQuery, QueueQuery, ReportRecord,
    ResourceRecord,
};
use rr_application::services::moderation::QueueRequest;
use rr_application::services::resources::Decision;
use rr_application::services::{
    ModerationPolicy, ModerationPorts, ModerationService, ResourcePorts, ResourceService,
    WriteLimiter,
};
use rr_application::test_util::{
    InMemoryReferenceData, RecordingNotifier, RecordingStatistics, SettableClock,
};
use rr_domain::community::{
    CommentBody, CommentId, CommentState, ContentKind, ContentRef, ModerationAction, ReportGrounds,
    ReportId, ReportReason, ReportStatus, ReportText,
};
use rr_domain::identity::{AuthenticatedActor, Role, SessionId, UserId, UserRecord};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;
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

fn resource(
    author: UserId,
    visibility: Visibility,
    state: Lifecycle,
    category: u8,
) -> ResourceRecord {
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1, category),
        resource_type: seeded(3, 2),
        relation_types: vec![seeded(2, 1)],
        external_link: None,
        visibility,
        published_at: (state == Lifecycle::Published).then(now),
        state,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: now(),
        deleted_at: None,
        version: 0,
    }
}

async fn stored_resource(
    db: &Database,
    author: UserId,
    visibility: Visibility,
    state: Lifecycle,
    category: u8,
) -> ResourceRecord {
    let record = resource(author, visibility, state, category);
    db.resources().insert(&record).await.unwrap();
    record
}

async fn published(db: &Database, author: UserId) -> ResourceRecord {
    stored_resource(db, author, Visibility::Public, Lifecycle::Published, 7).await
}

async fn stored_comment(db: &Database, author: UserId, resource: ResourceId) -> CommentRecord {
    let id = CommentId::generate();
    let comment = CommentRecord {
        id,
        resource,
        parent: None,
        root: id,
        depth: 0,
        author,
        body: Some(CommentBody::parse("Tu n'y connais rien.").unwrap()),
        as_moderator: false,
        state: CommentState::Visible,
        created_at: now(),
        edited_at: None,
        updated_at: now(),
        version: 0,
    };
    db.comments().insert(&comment).await.unwrap();
    comment
}

fn report(
    reporter: UserId,
    target: ContentRef,
    reason: ReportReason,
    at: time::OffsetDateTime,
) -> ReportRecord {
    let text = (reason == ReportReason::Other).then(|| ReportText::parse("Publicité.").unwrap());
    ReportRecord {
        id: ReportId::generate(),
        reporter,
        target,
        grounds: ReportGrounds::new(reason, text).unwrap(),
        status: ReportStatus::Open,
        created_at: at,
        closed_at: None,
        closed_by: None,
        note: None,
    }
}

async fn users(db: &Database, from: u8, count: u8) -> Vec<UserRecord> {
    let mut users = Vec::new();
    for n in from..from + count {
        users.push(stored_user(db, n).await);
    }
    users
}

fn entry(
    action: ModerationAction,
    actor: Option<UserId>,
    target: ContentRef,
    at: time::OffsetDateTime,
) -> ModerationEntry {
    ModerationEntry {
        action,
        actor,
        target,
        report: None,
        reason: Some("Raison.".into()),
        at,
    }
}

fn comment_target(comment: &CommentRecord) -> ContentRef {
    ContentRef::Comment {
        comment: comment.id,
        resource: comment.resource,
    }
}

// ───────────────────────────── reports ─────────────────────────────

async fn filing_counts_open_reports_and_refuses_a_second_report_by_the_same_citizen(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let reports = db.reports();
    let author = stored_user(&db, 1).await;
    let people = users(&db, 2, 3).await;
    let resource = published(&db, author.id).await;
    let target = ContentRef::Resource(resource.id);

    let mut filed = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let record = report(person.id, target, ReportReason::Other, later(i as i64));
        let outcome = reports.file(&record).await.unwrap();
        assert_eq!(
            outcome,
            Filed::Stored {
                open_reports: i as u64 + 1
            }
        );
        filed.push(record);
    }
    assert_eq!(
        reports.find(filed[0].id).await.unwrap(),
        Some(filed[0].clone())
    );
    assert_eq!(reports.find(ReportId::generate()).await.unwrap(), None);

    let again = report(people[0].id, target, ReportReason::Spam, later(9));
    assert_eq!(reports.file(&again).await.unwrap(), Filed::Duplicate);
    assert_eq!(reports.find(again.id).await.unwrap(), None);
    assert_eq!(reports.open_count(&target).await.unwrap(), 3);

    // The same citizen may report a comment of that resource.
    let comment = stored_comment(&db, author.id, resource.id).await;
    let on_comment = report(
        people[0].id,
        comment_target(&comment),
        ReportReason::Spam,
        now(),
    );
    assert_eq!(
        reports.file(&on_comment).await.unwrap(),
        Filed::Stored { open_reports: 1 }
    );
    assert_eq!(
        reports.find(on_comment.id).await.unwrap().unwrap().target,
        comment_target(&comment)
    );

    let nowhere = report(
        people[0].id,
        ContentRef::Resource(ResourceId::generate()),
        ReportReason::Spam,
        now(),
    );
    assert!(matches!(
        reports.file(&nowhere).await,
        Err(RepositoryError::Conflict(_))
    ));
    let nobody = report(UserId::generate(), target, ReportReason::Spam, now());
    assert!(matches!(
        reports.file(&nobody).await,
        Err(RepositoryError::Conflict(_))
    ));
}

/// The threshold works only if concurrent filings count distinct numbers:
/// each counts every filing committed before it.
async fn concurrent_filings_each_count_a_distinct_number(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let author = stored_user(&db, 1).await;
    let people = users(&db, 2, 8).await;
    let resource = published(&db, author.id).await;
    let target = ContentRef::Resource(resource.id);

    let tasks: Vec<_> = people
        .iter()
        .map(|person| {
            let reports = db.reports();
            let record = report(person.id, target, ReportReason::Spam, now());
            tokio::spawn(async move { reports.file(&record).await })
        })
        .collect();
    let mut counts = BTreeSet::new();
    for task in tasks {
        match task.await.unwrap().unwrap() {
            Filed::Stored { open_reports } => assert!(counts.insert(open_reports)),
            Filed::Duplicate => panic!("distinct reporters"),
        }
    }

    assert_eq!(counts, (1..=8).collect());
}

async fn a_report_is_dismissed_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let reports = db.reports();
    let author = stored_user(&db, 1).await;
    let lea = stored_user(&db, 2).await;
    let moderators = users(&db, 3, 2).await;
    let resource = published(&db, author.id).await;
    let target = ContentRef::Resource(resource.id);
    let record = report(lea.id, target, ReportReason::Harassment, now());
    reports.file(&record).await.unwrap();

    let (a, b) = tokio::join!(
        reports.dismiss(
            record.id,
            moderators[0].id,
            later(5),
            Some("Non fondé.".into())
        ),
        reports.dismiss(record.id, moderators[1].id, later(5), None),
    );

    assert_eq!(
        [a.unwrap(), b.unwrap()].iter().filter(|d| **d).count(),
        1,
        "exactly one dismissal"
    );
    let stored = reports.find(record.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ReportStatus::Dismissed);
    assert_eq!(stored.closed_at, Some(later(5)));
    assert!(stored.closed_by.is_some());
    assert_eq!(reports.open_count(&target).await.unwrap(), 0);
    assert!(
        !reports
            .dismiss(record.id, moderators[0].id, later(6), None)
            .await
            .unwrap()
    );
    assert!(
        !reports
            .dismiss(ReportId::generate(), moderators[0].id, later(6), None)
            .await
            .unwrap()
    );
}

// ───────────────────────────── the log ─────────────────────────────

async fn a_decision_resolves_the_open_reports_of_its_content_only(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let reports = db.reports();
    let log = db.moderation_log();
    let author = stored_user(&db, 1).await;
    let people = users(&db, 2, 3).await;
    let moderator = stored_user(&db, 9).await;
    let resource = published(&db, author.id).await;
    let other = published(&db, author.id).await;
    let comment = stored_comment(&db, author.id, resource.id).await;
    let target = ContentRef::Resource(resource.id);
    let open = report(people[0].id, target, ReportReason::Spam, now());
    let dismissed = report(people[1].id, target, ReportReason::Spam, now());
    let on_other = report(
        people[0].id,
        ContentRef::Resource(other.id),
        ReportReason::Spam,
        now(),
    );
    let on_comment = report(
        people[0].id,
        comment_target(&comment),
        ReportReason::Spam,
        now(),
    );
    for r in [&open, &dismissed, &on_other, &on_comment] {
        reports.file(r).await.unwrap();
    }
    reports
        .dismiss(dismissed.id, moderator.id, later(1), None)
        .await
        .unwrap();

    // Neither a hold nor a dismissal decides on the content.
    log.record(&entry(
        ModerationAction::ResourceHeld,
        None,
        target,
        later(2),
    ))
    .await
    .unwrap();
    log.record(&ModerationEntry {
        report: Some(dismissed.id),
        ..entry(
            ModerationAction::ReportDismissed,
            Some(moderator.id),
            target,
            later(2),
        )
    })
    .await
    .unwrap();
    assert_eq!(reports.open_count(&target).await.unwrap(), 1);

    let first = log
        .record(&entry(
            ModerationAction::ResourceSuspended,
            Some(moderator.id),
            target,
            later(3),
        ))
        .await
        .unwrap();

    let status = |id| {
        let reports = reports.clone();
        async move { reports.find(id).await.unwrap().unwrap() }
    };
    let resolved = status(open.id).await;
    assert_eq!(resolved.status, ReportStatus::Resolved);
    assert_eq!(resolved.closed_at, Some(later(3)));
    assert_eq!(resolved.closed_by, Some(moderator.id));
    assert_eq!(status(dismissed.id).await.status, ReportStatus::Dismissed);
    assert_eq!(status(on_other.id).await.status, ReportStatus::Open);
    assert_eq!(
        status(on_comment.id).await.status,
        ReportStatus::Open,
        "the resource's decision is not its comments'"
    );
    let next = log
        .record(&entry(
            ModerationAction::CommentHidden,
            Some(moderator.id),
            comment_target(&comment),
            later(4),
        ))
        .await
        .unwrap();
    assert!(next > first, "ids increase");
    assert_eq!(status(on_comment.id).await.status, ReportStatus::Resolved);
}

async fn the_log_lists_newest_first_with_filters_and_pages(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let log = db.moderation_log();
    let author = stored_user(&db, 1).await;
    let modo = stored_user(&db, 2).await;
    let other = stored_user(&db, 3).await;
    let resource = published(&db, author.id).await;
    let comment = stored_comment(&db, author.id, resource.id).await;
    let target = ContentRef::Resource(resource.id);
    let recorded = [
        entry(ModerationAction::ResourceHeld, None, target, later(0)),
        entry(
            ModerationAction::ResourceApproved,
            Some(modo.id),
            target,
            later(10),
        ),
        entry(
            ModerationAction::CommentHidden,
            Some(other.id),
            comment_target(&comment),
            later(20),
        ),
        entry(
            ModerationAction::ResourceSuspended,
            Some(modo.id),
            target,
            later(30),
        ),
    ];
    let mut ids = Vec::new();
    for e in &recorded {
        ids.push(log.record(e).await.unwrap());
    }
    let query = || ModerationLogQuery {
        action: None,
        actor: None,
        kind: None,
        from: None,
        before: None,
        after: None,
        limit: 10,
    };
    let list = |q: ModerationLogQuery| {
        let log = log.clone();
        async move {
            log.list(&q)
                .await
                .unwrap()
                .into_iter()
                .map(|l| l.entry.action)
                .collect::<Vec<_>>()
        }
    };

    let all = log.list(&query()).await.unwrap();
    assert_eq!(
        all.iter().map(|l| l.id).collect::<Vec<_>>(),
        ids.iter().rev().copied().collect::<Vec<_>>()
    );
    assert_eq!(all[0].entry, recorded[3]);
    assert_eq!(all[0].actor_name, Some(modo.username.clone()));
    assert_eq!(all[3].actor_name, None, "an automatic hold has no actor");
    assert_eq!(all[1].entry.target, comment_target(&comment));

    assert_eq!(
        list(ModerationLogQuery {
            action: Some(ModerationAction::ResourceApproved),
            ..query()
        })
        .await,
        [ModerationAction::ResourceApproved]
    );
    assert_eq!(
        list(ModerationLogQuery {
            actor: Some(modo.id),
            ..query()
        })
        .await,
        [
            ModerationAction::ResourceSuspended,
            ModerationAction::ResourceApproved
        ]
    );
    assert_eq!(
        list(ModerationLogQuery {
            kind: Some(ContentKind::Comment),
            ..query()
        })
        .await,
        [ModerationAction::CommentHidden]
    );
    assert_eq!(
        list(ModerationLogQuery {
            from: Some(later(10)),
            before: Some(later(30)),
            ..query()
        })
        .await,
        [
            ModerationAction::CommentHidden,
            ModerationAction::ResourceApproved
        ],
        "from is inclusive, before exclusive"
    );
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = log
            .list(&ModerationLogQuery {
                after,
                limit: 1,
                ..query()
            })
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        walked.push(last.entry.action);
    }
    assert_eq!(walked, list(query()).await);
}

// ───────────────────────────── the queue ─────────────────────────────

async fn the_queue_merges_pending_and_reported_content_oldest_first(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let reports = db.reports();
    let queue = db.moderation_queue();
    let author = stored_user(&db, 1).await;
    let people = users(&db, 2, 2).await;

    // Pending since 10 s, reported at 20 s (one entry, with its report).
    let mut pending = resource(author.id, Visibility::Public, Lifecycle::PendingReview, 3);
    pending.updated_at = later(10);
    db.resources().insert(&pending).await.unwrap();
    // Reported at 5 s and 30 s: waits since 5 s.
    let reported = stored_resource(
        &db,
        author.id,
        Visibility::Restricted,
        Lifecycle::Published,
        7,
    )
    .await;
    // A comment reported at 15 s.
    let comment = stored_comment(&db, author.id, reported.id).await;
    // Pending since 25 s, never reported.
    let mut later_pending = resource(author.id, Visibility::Public, Lifecycle::PendingReview, 7);
    later_pending.updated_at = later(25);
    db.resources().insert(&later_pending).await.unwrap();
    // Never listed: a private resource pending (cannot be), a draft, a
    // reported resource since made private, a dismissed report.
    stored_resource(&db, author.id, Visibility::Public, Lifecycle::Draft, 7).await;
    let withdrawn =
        stored_resource(&db, author.id, Visibility::Public, Lifecycle::Published, 7).await;
    let dismissed = published(&db, author.id).await;
    for (who, target, reason, at) in [
        (0, ContentRef::Resource(reported.id), ReportReason::Spam, 5),
        (
            0,
            ContentRef::Resource(pending.id),
            ReportReason::HateSpeech,
            20,
        ),
        (1, ContentRef::Resource(reported.id), ReportReason::Scam, 30),
        (0, comment_target(&comment), ReportReason::Harassment, 15),
        (0, ContentRef::Resource(withdrawn.id), ReportReason::Spam, 1),
    ] {
        reports
            .file(&report(people[who].id, target, reason, later(at)))
            .await
            .unwrap();
    }
    let closed = report(
        people[0].id,
        ContentRef::Resource(dismissed.id),
        ReportReason::Spam,
        later(2),
    );
    reports.file(&closed).await.unwrap();
    reports
        .dismiss(closed.id, people[1].id, later(3), None)
        .await
        .unwrap();
    let mut private = withdrawn.clone();
    private.visibility = Visibility::Private;
    assert!(db.resources().update(&private).await.unwrap());

    let query = || QueueQuery {
        kind: None,
        category: None,
        reason: None,
        after: None,
        limit: 10,
    };
    let targets = |q: QueueQuery| {
        let queue = queue.clone();
        async move {
            queue
                .page(&q)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.target)
                .collect::<Vec<_>>()
        }
    };

    let all = queue.page(&query()).await.unwrap();
    let expected = [
        ContentRef::Resource(reported.id),
        ContentRef::Resource(pending.id),
        comment_target(&comment),
        ContentRef::Resource(later_pending.id),
    ];
    assert_eq!(all.iter().map(|e| e.target).collect::<Vec<_>>(), expected);
    assert_eq!(
        all.iter().map(|e| e.since).collect::<Vec<_>>(),
        [later(5), later(10), later(15), later(25)]
    );
    let reasons: Vec<ReportReason> = all[0].reports.iter().map(|r| r.grounds.reason()).collect();
    assert_eq!(
        reasons,
        [ReportReason::Spam, ReportReason::Scam],
        "oldest first"
    );
    assert_eq!(
        all[1].reports.len(),
        1,
        "a pending resource comes with its reports"
    );
    assert!(all[3].reports.is_empty());

    assert_eq!(
        targets(QueueQuery {
            kind: Some(ContentKind::Comment),
            ..query()
        })
        .await,
        [expected[2]]
    );
    assert_eq!(
        targets(QueueQuery {
            kind: Some(ContentKind::Resource),
            ..query()
        })
        .await,
        [expected[0], expected[1], expected[3]]
    );
    assert_eq!(
        targets(QueueQuery {
            category: Some(seeded(1, 3)),
            ..query()
        })
        .await,
        [expected[1]]
    );
    assert_eq!(
        targets(QueueQuery {
            reason: Some(ReportReason::Scam),
            ..query()
        })
        .await,
        [expected[0]]
    );
    assert_eq!(
        targets(QueueQuery {
            reason: Some(ReportReason::HateSpeech),
            ..query()
        })
        .await,
        [expected[1]]
    );

    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = queue
            .page(&QueueQuery {
                after,
                limit: 1,
                ..query()
            })
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.cursor());
        walked.push(last.target);
    }
    assert_eq!(walked, expected, "pages of one walk the same queue");
}

// ───────────────────────────── the use cases on these repositories ─────────────────────────────

fn actor(user: &UserRecord, role: Role) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: user.id,
        session_id: SessionId::generate(),
        role,
        two_factor: true,
    }
}

fn service(db: &Database, notifier: Arc<RecordingNotifier>) -> ModerationService {
    let clock = Arc::new(SettableClock::new(later(60)));
    let limits = Arc::new(WriteLimiter::unlimited(clock.clone()));
    let resources = ResourceService::new(ResourcePorts {
        resources: db.resources(),
        catalogue: db.catalogue(),
        statistics: Arc::new(RecordingStatistics::default()),
        users: db.users(),
        reference_data: Arc::new(InMemoryReferenceData::default()),
        audit: db.audit_log(),
        clock: clock.clone(),
        write_limits: limits.clone(),
        moderation_log: db.moderation_log(),
        notifier: notifier.clone(),
    });
    ModerationService::new(
        ModerationPorts {
            reports: db.reports(),
            log: db.moderation_log(),
            queue: db.moderation_queue(),
            resources: db.resources(),
            comments: db.comments(),
            users: db.users(),
            notifier,
            audit: db.audit_log(),
            write_limits: limits,
            clock,
        },
        ModerationPolicy::default(),
        resources,
    )
}

async fn of_two_moderators_deciding_at_once_exactly_one_wins(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let notifier = Arc::new(RecordingNotifier::default());
    let moderation = service(&db, notifier.clone());
    let author = stored_user(&db, 1).await;
    let first = actor(&stored_user(&db, 2).await, Role::Moderator);
    let second = actor(&stored_user(&db, 3).await, Role::Moderator);
    let pending = stored_resource(
        &db,
        author.id,
        Visibility::Public,
        Lifecycle::PendingReview,
        7,
    )
    .await;
    let commented = published(&db, author.id).await;
    let comment = stored_comment(&db, author.id, commented.id).await;

    for round in 0..3 {
        let resource_race = {
            let (a, b) = (moderation.clone(), moderation.clone());
            let id = pending.id;
            let one =
                tokio::spawn(async move { a.decide_resource(&first, id, Decision::Approve).await });
            let two = tokio::spawn(async move {
                b.decide_resource(
                    &second,
                    id,
                    Decision::Reject {
                        reason: "Hors sujet.".into(),
                    },
                )
                .await
            });
            [
                one.await.unwrap().map(|_| ()),
                two.await.unwrap().map(|_| ()),
            ]
        };
        let comment_race = {
            let (a, b) = (moderation.clone(), moderation.clone());
            let id = comment.id;
            let one =
                tokio::spawn(async move { a.hide_comment(&first, id, "Insultant.".into()).await });
            let two =
                tokio::spawn(
                    async move { b.hide_comment(&second, id, "Hors charte.".into()).await },
                );
            [
                one.await.unwrap().map(|_| ()),
                two.await.unwrap().map(|_| ()),
            ]
        };
        for outcomes in [resource_race, comment_race] {
            let wins = outcomes.iter().filter(|o| o.is_ok()).count();
            let conflicts = outcomes
                .iter()
                .filter(|o| {
                    matches!(
                        o,
                        Err(rr_application::AppError::ConflictWith(
                            "edit_conflict" | "invalid_transition"
                        ))
                    )
                })
                .count();
            assert_eq!((wins, conflicts), (1, 1), "round {round}: {outcomes:?}");
        }
        // Back to the start for the next round.
        let mut again = db.resources().find(pending.id).await.unwrap().unwrap();
        again.state = Lifecycle::PendingReview;
        assert!(db.resources().update(&again).await.unwrap());
        moderation
            .restore_comment(&first, comment.id)
            .await
            .unwrap();
    }

    let decisions = db
        .moderation_log()
        .list(&ModerationLogQuery {
            action: None,
            actor: None,
            kind: None,
            from: None,
            before: None,
            after: None,
            limit: 100,
        })
        .await
        .unwrap();
    assert_eq!(decisions.len(), 3 * 3, "one per won race, and each restore");
    assert_eq!(notifier.sent_to(author.id).len(), 3 * 3);
    let queue = moderation
        .queue(
            &first,
            QueueRequest {
                kind: None,
                category: None,
                reason: None,
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(queue.items.len(), 1, "the resource, pending again");
}

on_every_engine!(
    filing_counts_open_reports_and_refuses_a_second_report_by_the_same_citizen,
    concurrent_filings_each_count_a_distinct_number,
    a_report_is_dismissed_once,
    a_decision_resolves_the_open_reports_of_its_content_only,
    the_log_lists_newest_first_with_filters_and_pages,
    the_queue_merges_pending_and_reported_content_oldest_first,
    of_two_moderators_deciding_at_once_exactly_one_wins,
);
