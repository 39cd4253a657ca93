//! The moderation use cases on in-memory fakes: reports and the threshold
//! that holds content, the queue, decisions on resources and comments (with
//! the log, resolved reports and authors told), dismissals, the log for
//! administrators, and who may do what.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::AppError;
use rr_application::ports::{CommentRecord, MockCommentRepository, ResourceRecord};
use rr_application::services::moderation::{LogRequest, NewReport, QueueRequest, ReportTarget};
use rr_application::services::resources::Decision;
use rr_application::services::{
    ModerationPolicy, ModerationPorts, ModerationService, Rate, ResourcePorts, ResourceService,
    WriteLimitPolicy, WriteLimiter,
};
use rr_application::test_util::{
    FakeCatalogue, FakeComments, FakeModeration, FakeResources, IdentityFixture,
    InMemoryReferenceData, RecordingNotifier, RecordingStatistics, identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::community::{
    CommentBody, CommentId, CommentState, ContentKind, ContentRef, ModerationAction,
    NotificationKind, ReportGrounds, ReportReason, ReportStatus, ReportText,
};
use rr_domain::identity::{AuthenticatedActor, Role, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    resources: Arc<FakeResources>,
    comments: Arc<FakeComments>,
    moderation: Arc<FakeModeration>,
    notifier: Arc<RecordingNotifier>,
    service: ModerationService,
}

fn world_with(policy: ModerationPolicy, limits: &WriteLimitPolicy) -> World {
    let fx = identity_fixture();
    let resources = Arc::new(FakeResources::default());
    let comments = Arc::new(FakeComments::new(fx.users.clone()));
    let moderation = Arc::new(FakeModeration::new(resources.clone(), fx.users.clone()));
    let notifier = Arc::new(RecordingNotifier::default());
    let write_limits = Arc::new(WriteLimiter::new(limits, fx.clock.clone()));
    let authoring = ResourceService::new(ResourcePorts {
        resources: resources.clone(),
        catalogue: Arc::new(FakeCatalogue::new(resources.clone(), fx.users.clone())),
        statistics: Arc::new(RecordingStatistics::default()),
        users: fx.users.clone(),
        reference_data: Arc::new(InMemoryReferenceData::default()),
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
        write_limits: write_limits.clone(),
        moderation_log: moderation.clone(),
        notifier: notifier.clone(),
    });
    let service = ModerationService::new(
        ModerationPorts {
            reports: moderation.clone(),
            log: moderation.clone(),
            queue: moderation.clone(),
            resources: resources.clone(),
            comments: comments.clone(),
            users: fx.users.clone(),
            notifier: notifier.clone(),
            audit: fx.audit.clone(),
            write_limits,
            clock: fx.clock.clone(),
        },
        policy,
        authoring,
    );
    World {
        fx,
        resources,
        comments,
        moderation,
        notifier,
        service,
    }
}

fn world() -> World {
    world_with(ModerationPolicy::default(), &WriteLimitPolicy::default())
}

fn category(n: u128) -> ReferenceId {
    ReferenceId::from_uuid(Uuid::from_u128(n))
}

impl World {
    async fn citizen(&self, name: &str) -> AuthenticatedActor {
        self.fx.citizen(name, PASSWORD).await.unwrap()
    }

    /// A registered account acting as `role`, with or without two-factor
    /// authentication (the session gate would say so).
    async fn staff(&self, name: &str, role: Role, two_factor: bool) -> AuthenticatedActor {
        AuthenticatedActor {
            role,
            two_factor,
            ..self.citizen(name).await
        }
    }

    async fn moderator(&self, name: &str) -> AuthenticatedActor {
        self.staff(name, Role::Moderator, true).await
    }

    /// A resource of `author`'s, stored as is, in category 1.
    async fn resource(
        &self,
        author: &AuthenticatedActor,
        visibility: Visibility,
        state: Lifecycle,
    ) -> ResourceRecord {
        self.resource_in(author, visibility, state, category(1), &[])
            .await
    }

    async fn resource_in(
        &self,
        author: &AuthenticatedActor,
        visibility: Visibility,
        state: Lifecycle,
        in_category: ReferenceId,
        shared_with: &[&AuthenticatedActor],
    ) -> ResourceRecord {
        let now = self.fx.clock.now_for_tests();
        let record = ResourceRecord {
            id: ResourceId::generate(),
            author: author.user_id,
            title: Title::parse("Parler à son ado").unwrap(),
            summary: Summary::parse("Quelques pistes.").unwrap(),
            body: Body::parse("D'abord écouter.").unwrap(),
            category: in_category,
            resource_type: category(4),
            relation_types: vec![category(3)],
            external_link: None,
            visibility,
            published_at: (state == Lifecycle::Published).then_some(now),
            state,
            shared_with: shared_with.iter().map(|a| a.user_id).collect(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 0,
        };
        use rr_application::ports::ResourceRepository;
        self.resources.insert(&record).await.unwrap();
        record
    }

    async fn published(&self, author: &AuthenticatedActor) -> ResourceRecord {
        self.resource(author, Visibility::Public, Lifecycle::Published)
            .await
    }

    fn comment(
        &self,
        author: &AuthenticatedActor,
        resource: &ResourceRecord,
        state: CommentState,
    ) -> CommentRecord {
        let now = self.fx.clock.now_for_tests();
        let id = CommentId::generate();
        let comment = CommentRecord {
            id,
            resource: resource.id,
            parent: None,
            root: id,
            depth: 0,
            author: author.user_id,
            body: Some(CommentBody::parse("Tu n'y connais rien, tais-toi.").unwrap()),
            as_moderator: false,
            state,
            created_at: now,
            edited_at: None,
            updated_at: now,
            version: 0,
        };
        self.comments.put(comment.clone());
        comment
    }

    async fn state_of(&self, id: ResourceId) -> Lifecycle {
        use rr_application::ports::ResourceRepository;
        self.resources.find(id).await.unwrap().unwrap().state
    }

    fn comment_state(&self, id: CommentId) -> CommentState {
        self.comments
            .all()
            .into_iter()
            .find(|c| c.id == id)
            .unwrap()
            .state
    }

    async fn report(
        &self,
        reporter: &AuthenticatedActor,
        target: ReportTarget,
        reason: ReportReason,
    ) -> Result<rr_application::ports::ReportRecord, AppError> {
        let text = (reason == ReportReason::Other)
            .then(|| ReportText::parse("Publicité déguisée.").unwrap());
        self.service
            .report(
                reporter,
                NewReport {
                    target,
                    grounds: ReportGrounds::new(reason, text).unwrap(),
                },
            )
            .await
    }

    fn actions(&self) -> Vec<ModerationAction> {
        self.moderation
            .log_entries()
            .iter()
            .map(|e| e.action)
            .collect()
    }

    fn queue_request(&self) -> QueueRequest {
        QueueRequest {
            kind: None,
            category: None,
            reason: None,
            after: None,
            limit: 20,
        }
    }
}

fn code(result: Result<impl std::fmt::Debug, AppError>) -> &'static str {
    result.unwrap_err().code()
}

// ───────────────────────────── reports and the threshold ─────────────────────────────

#[tokio::test]
async fn three_distinct_reports_hold_a_published_resource_and_tell_its_author() {
    let w = world();
    let author = w.citizen("auteur").await;
    let resource = w.published(&author).await;
    let target = ReportTarget::Resource(resource.id);

    for (name, reason) in [("lea", ReportReason::Spam), ("tom", ReportReason::Scam)] {
        let reporter = w.citizen(name).await;
        let report = w.report(&reporter, target, reason).await.unwrap();
        assert_eq!(report.status, ReportStatus::Open);
        assert_eq!(report.target, ContentRef::Resource(resource.id));
    }
    assert_eq!(w.state_of(resource.id).await, Lifecycle::Published);
    assert!(w.notifier.sent().is_empty());

    let third = w.citizen("ines").await;
    w.report(&third, target, ReportReason::Other).await.unwrap();

    assert_eq!(w.state_of(resource.id).await, Lifecycle::PendingReview);
    let entries = w.moderation.log_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, ModerationAction::ResourceHeld);
    assert_eq!(
        entries[0].actor, None,
        "the threshold held it, not a person"
    );
    assert_eq!(
        w.notifier.sent_to(author.user_id),
        [NotificationKind::ContentHidden {
            target: ContentRef::Resource(resource.id),
            reason: None
        }]
    );
    assert!(w.fx.audit.actions().contains(&"resource_held"));
    assert!(
        w.moderation
            .reports()
            .iter()
            .all(|r| r.status == ReportStatus::Open),
        "a hold decides nothing: the reports wait for a moderator"
    );
}

#[tokio::test]
async fn the_threshold_is_configurable() {
    let w = world_with(
        ModerationPolicy {
            report_threshold: 1,
        },
        &WriteLimitPolicy::default(),
    );
    let author = w.citizen("auteur").await;
    let resource = w.published(&author).await;
    let lea = w.citizen("lea").await;

    w.report(
        &lea,
        ReportTarget::Resource(resource.id),
        ReportReason::HateSpeech,
    )
    .await
    .unwrap();

    assert_eq!(w.state_of(resource.id).await, Lifecycle::PendingReview);
}

#[tokio::test]
async fn a_citizen_reports_an_item_once_and_never_their_own() {
    let w = world();
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let resource = w.published(&author).await;
    let target = ReportTarget::Resource(resource.id);

    w.report(&lea, target, ReportReason::Spam).await.unwrap();
    assert_eq!(
        code(w.report(&lea, target, ReportReason::Harassment).await),
        "already_reported"
    );
    assert_eq!(
        code(w.report(&author, target, ReportReason::Spam).await),
        "cannot_report_own"
    );
    assert_eq!(w.moderation.reports().len(), 1);
}

#[tokio::test]
async fn only_published_public_or_restricted_content_the_reporter_sees_is_reported() {
    let w = world();
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let private = w
        .resource(&author, Visibility::Private, Lifecycle::Published)
        .await;
    let shared = w
        .resource_in(
            &author,
            Visibility::Shared,
            Lifecycle::Published,
            category(1),
            &[&lea],
        )
        .await;
    let pending = w
        .resource(&author, Visibility::Public, Lifecycle::PendingReview)
        .await;
    let restricted = w
        .resource(&author, Visibility::Restricted, Lifecycle::Published)
        .await;
    let report = |who, id| w.report(who, ReportTarget::Resource(id), ReportReason::Spam);

    assert_eq!(code(report(&lea, private.id).await), "not_found");
    assert_eq!(
        code(report(&lea, pending.id).await),
        "not_found",
        "citizens do not see it"
    );
    assert_eq!(
        code(report(&lea, ResourceId::generate()).await),
        "not_found"
    );
    assert_eq!(
        code(report(&lea, shared.id).await),
        "not_reportable",
        "moderators never see shared resources"
    );
    assert_eq!(
        code(report(&moderator, pending.id).await),
        "not_reportable",
        "already waiting for review"
    );
    report(&lea, restricted.id).await.unwrap();
}

#[tokio::test]
async fn three_reports_hold_a_comment_which_then_cannot_be_reported() {
    let w = world();
    let author = w.citizen("auteur").await;
    let writer = w.citizen("ecrivain").await;
    let resource = w.published(&author).await;
    let comment = w.comment(&writer, &resource, CommentState::Visible);
    let target = ReportTarget::Comment(comment.id);

    assert_eq!(
        code(w.report(&writer, target, ReportReason::Spam).await),
        "cannot_report_own"
    );
    for name in ["lea", "tom", "ines"] {
        let reporter = w.citizen(name).await;
        let report = w
            .report(&reporter, target, ReportReason::Harassment)
            .await
            .unwrap();
        assert_eq!(
            report.target,
            ContentRef::Comment {
                comment: comment.id,
                resource: resource.id
            }
        );
    }

    assert_eq!(w.comment_state(comment.id), CommentState::Held);
    assert_eq!(w.actions(), [ModerationAction::CommentHeld]);
    assert_eq!(
        w.notifier.sent_to(writer.user_id),
        [NotificationKind::ContentHidden {
            target: ContentRef::Comment {
                comment: comment.id,
                resource: resource.id
            },
            reason: None
        }]
    );
    assert!(
        w.notifier.sent_to(author.user_id).is_empty(),
        "the resource's author is not concerned"
    );
    let late = w.citizen("paul").await;
    assert_eq!(
        code(w.report(&late, target, ReportReason::Spam).await),
        "not_reportable"
    );
    assert_eq!(
        code(
            w.report(
                &late,
                ReportTarget::Comment(CommentId::generate()),
                ReportReason::Spam
            )
            .await
        ),
        "not_found"
    );
}

#[tokio::test]
async fn reports_spend_the_reporters_write_budget() {
    let w = world_with(
        ModerationPolicy::default(),
        &WriteLimitPolicy {
            reports: vec![Rate::per_hour(1)],
            ..WriteLimitPolicy::default()
        },
    );
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let first = w.published(&author).await;
    let second = w.published(&author).await;

    w.report(&lea, ReportTarget::Resource(first.id), ReportReason::Spam)
        .await
        .unwrap();
    assert_eq!(
        code(
            w.report(&lea, ReportTarget::Resource(second.id), ReportReason::Spam)
                .await
        ),
        "write_rate_limited"
    );
}

// ───────────────────────────── the queue ─────────────────────────────

#[tokio::test]
async fn only_moderators_with_two_factor_authentication_read_the_queue() {
    let w = world();
    let lea = w.citizen("lea").await;
    let without = w.staff("modo", Role::Moderator, false).await;
    let admin = w.staff("admin", Role::Administrator, true).await;

    assert_eq!(
        code(w.service.queue(&lea, w.queue_request()).await),
        "forbidden"
    );
    assert_eq!(
        code(w.service.queue(&without, w.queue_request()).await),
        "two_factor_required"
    );
    w.service.queue(&admin, w.queue_request()).await.unwrap();
}

#[tokio::test]
async fn the_queue_lists_pending_and_reported_content_oldest_first_with_filters() {
    let w = world();
    let author = w.citizen("auteur").await;
    let writer = w.citizen("ecrivain").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let minute = time::Duration::minutes(1);

    let pending = w
        .resource(&author, Visibility::Public, Lifecycle::PendingReview)
        .await;
    w.fx.clock.advance(minute);
    let reported = w
        .resource_in(
            &author,
            Visibility::Public,
            Lifecycle::Published,
            category(2),
            &[],
        )
        .await;
    w.report(
        &lea,
        ReportTarget::Resource(reported.id),
        ReportReason::Spam,
    )
    .await
    .unwrap();
    w.fx.clock.advance(minute);
    let comment = w.comment(&writer, &reported, CommentState::Visible);
    w.report(
        &lea,
        ReportTarget::Comment(comment.id),
        ReportReason::Harassment,
    )
    .await
    .unwrap();
    // Neither in the queue: a draft, and the moderator's own resource.
    w.resource(&author, Visibility::Public, Lifecycle::Draft)
        .await;
    w.resource(&moderator, Visibility::Public, Lifecycle::PendingReview)
        .await;

    let page = w
        .service
        .queue(&moderator, w.queue_request())
        .await
        .unwrap();
    let targets: Vec<ContentRef> = page.items.iter().map(|i| i.target()).collect();
    assert_eq!(
        targets,
        [
            ContentRef::Resource(pending.id),
            ContentRef::Resource(reported.id),
            ContentRef::Comment {
                comment: comment.id,
                resource: reported.id
            },
        ]
    );
    assert!(page.items[0].reports.is_empty());
    assert_eq!(page.items[1].reports.len(), 1);
    assert_eq!(
        page.items[2].reports[0].grounds.reason(),
        ReportReason::Harassment
    );
    assert_eq!(page.next, None);

    let only = |request: QueueRequest| async {
        w.service
            .queue(&moderator, request)
            .await
            .unwrap()
            .items
            .iter()
            .map(|i| i.target())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        only(QueueRequest {
            kind: Some(ContentKind::Comment),
            ..w.queue_request()
        })
        .await,
        [targets[2]]
    );
    assert_eq!(
        only(QueueRequest {
            category: Some(category(2)),
            ..w.queue_request()
        })
        .await,
        targets[1..]
    );
    assert_eq!(
        only(QueueRequest {
            reason: Some(ReportReason::Spam),
            ..w.queue_request()
        })
        .await,
        [targets[1]]
    );

    let first = w
        .service
        .queue(
            &moderator,
            QueueRequest {
                limit: 2,
                ..w.queue_request()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let rest = w
        .service
        .queue(
            &moderator,
            QueueRequest {
                after: first.next,
                ..w.queue_request()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.items.iter().map(|i| i.target()).collect::<Vec<_>>(),
        [targets[2]]
    );
}

// ───────────────────────────── decisions on resources ─────────────────────────────

#[tokio::test]
async fn approving_a_held_resource_publishes_it_resolves_its_reports_and_tells_its_author() {
    let w = world_with(
        ModerationPolicy {
            report_threshold: 1,
        },
        &WriteLimitPolicy::default(),
    );
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let resource = w.published(&author).await;
    w.report(
        &lea,
        ReportTarget::Resource(resource.id),
        ReportReason::Spam,
    )
    .await
    .unwrap();

    let view = w
        .service
        .decide_resource(&moderator, resource.id, Decision::Approve)
        .await
        .unwrap();

    assert_eq!(view.record.state, Lifecycle::Published);
    assert_eq!(
        w.actions(),
        [
            ModerationAction::ResourceHeld,
            ModerationAction::ResourceApproved
        ]
    );
    let decision = &w.moderation.log_entries()[1];
    assert_eq!(decision.actor, Some(moderator.user_id));
    assert!(
        w.moderation
            .reports()
            .iter()
            .all(|r| r.status == ReportStatus::Resolved && r.closed_by == Some(moderator.user_id))
    );
    assert_eq!(
        w.notifier.sent_to(author.user_id).last(),
        Some(&NotificationKind::ResourceApproved {
            resource: resource.id
        })
    );
    let queue = w
        .service
        .queue(&moderator, w.queue_request())
        .await
        .unwrap();
    assert!(queue.items.is_empty(), "decided: out of the queue");
}

#[tokio::test]
async fn rejecting_and_suspending_tell_the_author_why() {
    let w = world();
    let author = w.citizen("auteur").await;
    let moderator = w.moderator("modo").await;
    let pending = w
        .resource(&author, Visibility::Public, Lifecycle::PendingReview)
        .await;
    let published = w.published(&author).await;

    w.service
        .decide_resource(
            &moderator,
            pending.id,
            Decision::Reject {
                reason: "Lien mort.".into(),
            },
        )
        .await
        .unwrap();
    w.service
        .decide_resource(
            &moderator,
            published.id,
            Decision::Suspend {
                reason: "Contenu trompeur.".into(),
            },
        )
        .await
        .unwrap();

    assert_eq!(
        w.notifier.sent_to(author.user_id),
        [
            NotificationKind::ResourceRejected {
                resource: pending.id,
                reason: "Lien mort.".into()
            },
            NotificationKind::ResourceSuspended {
                resource: published.id,
                reason: "Contenu trompeur.".into()
            },
        ]
    );
    let reasons: Vec<Option<String>> = w
        .moderation
        .log_entries()
        .into_iter()
        .map(|e| e.reason)
        .collect();
    assert_eq!(
        reasons,
        [
            Some("Lien mort.".to_owned()),
            Some("Contenu trompeur.".to_owned())
        ]
    );
}

#[tokio::test]
async fn of_two_moderators_deciding_at_once_exactly_one_wins() {
    let w = world();
    let author = w.citizen("auteur").await;
    let first = w.moderator("modo").await;
    let second = w.moderator("modo2").await;
    let resource = w
        .resource(&author, Visibility::Public, Lifecycle::PendingReview)
        .await;

    let (a, b) = tokio::join!(
        w.service
            .decide_resource(&first, resource.id, Decision::Approve),
        w.service.decide_resource(
            &second,
            resource.id,
            Decision::Reject {
                reason: "Hors sujet.".into()
            }
        ),
    );

    let outcomes = [a.map(|_| ()), b.map(|_| ())];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    let loser = outcomes.into_iter().find_map(Result::err).unwrap();
    assert!(
        matches!(
            loser,
            AppError::ConflictWith("edit_conflict" | "invalid_transition")
        ),
        "{loser:?}"
    );
    assert_eq!(w.moderation.log_entries().len(), 1, "one decision logged");
    assert_eq!(w.notifier.sent_to(author.user_id).len(), 1, "told once");
}

// ───────────────────────────── decisions on comments ─────────────────────────────

#[tokio::test]
async fn hiding_and_restoring_a_comment_resolve_its_reports_and_tell_its_author() {
    let w = world();
    let author = w.citizen("auteur").await;
    let writer = w.citizen("ecrivain").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let resource = w.published(&author).await;
    let comment = w.comment(&writer, &resource, CommentState::Visible);
    let target = ContentRef::Comment {
        comment: comment.id,
        resource: resource.id,
    };
    w.report(
        &lea,
        ReportTarget::Comment(comment.id),
        ReportReason::Harassment,
    )
    .await
    .unwrap();

    let hidden = w
        .service
        .hide_comment(&moderator, comment.id, "Insultant.".into())
        .await
        .unwrap();
    assert_eq!(
        hidden.state,
        CommentState::Hidden {
            reason: "Insultant.".into()
        }
    );
    assert_eq!(hidden.version, 1);
    assert_eq!(w.moderation.reports()[0].status, ReportStatus::Resolved);

    let restored = w
        .service
        .restore_comment(&moderator, comment.id)
        .await
        .unwrap();
    assert_eq!(restored.state, CommentState::Visible);
    assert_eq!(w.comment_state(comment.id), CommentState::Visible);
    assert_eq!(
        w.notifier.sent_to(writer.user_id),
        [
            NotificationKind::ContentHidden {
                target,
                reason: Some("Insultant.".into())
            },
            NotificationKind::ContentRestored { target },
        ]
    );
    assert_eq!(
        w.actions(),
        [
            ModerationAction::CommentHidden,
            ModerationAction::CommentRestored
        ]
    );
    assert!(w.fx.audit.actions().contains(&"comment_hidden"));
}

#[tokio::test]
async fn comment_decisions_refuse_citizens_their_own_comments_bad_reasons_and_stale_states() {
    let w = world();
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let without = w.staff("modo2", Role::Moderator, false).await;
    let resource = w.published(&author).await;
    let comment = w.comment(&lea, &resource, CommentState::Visible);
    let own = w.comment(&moderator, &resource, CommentState::Visible);
    let hide = |who, id, reason: &str| w.service.hide_comment(who, id, reason.to_owned());

    assert_eq!(code(hide(&lea, comment.id, "x").await), "forbidden");
    assert_eq!(code(hide(&author, comment.id, "x").await), "forbidden");
    assert_eq!(
        code(hide(&without, comment.id, "x").await),
        "two_factor_required"
    );
    assert_eq!(code(hide(&moderator, own.id, "x").await), "forbidden");
    assert_eq!(
        code(hide(&moderator, CommentId::generate(), "x").await),
        "not_found"
    );
    for bad in ["", " padded", &"x".repeat(1_001)] {
        assert_eq!(
            code(hide(&moderator, comment.id, bad).await),
            "validation_failed"
        );
    }
    assert_eq!(
        code(w.service.restore_comment(&moderator, comment.id).await),
        "invalid_transition"
    );
    hide(&moderator, comment.id, "Hors charte.").await.unwrap();
    assert_eq!(
        code(hide(&moderator, comment.id, "Encore.").await),
        "invalid_transition"
    );
}

#[tokio::test]
async fn a_comment_changed_under_a_decision_is_an_edit_conflict() {
    let w = world();
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let resource = w.published(&author).await;
    let comment = w.comment(&lea, &resource, CommentState::Visible);
    let mut comments = MockCommentRepository::new();
    let stored = comment.clone();
    comments
        .expect_find()
        .returning(move |_| Ok(Some(stored.clone())));
    comments
        .expect_update()
        .returning(|_, _| Err(rr_application::RepositoryError::Conflict("moved".into())));
    let racing = ModerationService::new(
        ModerationPorts {
            reports: w.moderation.clone(),
            log: w.moderation.clone(),
            queue: w.moderation.clone(),
            resources: w.resources.clone(),
            comments: Arc::new(comments),
            users: w.fx.users.clone(),
            notifier: w.notifier.clone(),
            audit: w.fx.audit.clone(),
            write_limits: Arc::new(WriteLimiter::unlimited(w.fx.clock.clone())),
            clock: w.fx.clock.clone(),
        },
        ModerationPolicy::default(),
        ResourceService::new(ResourcePorts {
            resources: w.resources.clone(),
            catalogue: Arc::new(FakeCatalogue::new(w.resources.clone(), w.fx.users.clone())),
            statistics: Arc::new(RecordingStatistics::default()),
            users: w.fx.users.clone(),
            reference_data: Arc::new(InMemoryReferenceData::default()),
            audit: w.fx.audit.clone(),
            clock: w.fx.clock.clone(),
            write_limits: Arc::new(WriteLimiter::unlimited(w.fx.clock.clone())),
            moderation_log: w.moderation.clone(),
            notifier: w.notifier.clone(),
        }),
    );

    let err = racing
        .hide_comment(&moderator, comment.id, "Hors charte.".into())
        .await
        .unwrap_err();

    assert_eq!(err.code(), "edit_conflict");
    assert!(w.moderation.log_entries().is_empty(), "nothing logged");
    assert!(w.notifier.sent().is_empty(), "nobody told");
}

// ───────────────────────────── dismissals ─────────────────────────────

#[tokio::test]
async fn dismissing_a_report_closes_it_once_and_logs_the_note() {
    let w = world();
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let resource = w.published(&author).await;
    let report = w
        .report(
            &lea,
            ReportTarget::Resource(resource.id),
            ReportReason::Spam,
        )
        .await
        .unwrap();

    assert_eq!(
        code(w.service.dismiss(&lea, report.id, None).await),
        "forbidden"
    );
    let Err(AppError::Invalid(violations)) = w
        .service
        .dismiss(&moderator, report.id, Some(" ".into()))
        .await
    else {
        panic!("a blank note is refused");
    };
    assert_eq!(
        (violations[0].field, violations[0].code),
        ("note", "invalid_reason")
    );
    let dismissed = w
        .service
        .dismiss(&moderator, report.id, Some("Critique, pas du spam.".into()))
        .await
        .unwrap();
    assert_eq!(dismissed.status, ReportStatus::Dismissed);
    assert_eq!(dismissed.closed_by, Some(moderator.user_id));
    assert_eq!(
        code(w.service.dismiss(&moderator, report.id, None).await),
        "report_closed"
    );
    assert_eq!(
        code(
            w.service
                .dismiss(&moderator, rr_domain::community::ReportId::generate(), None)
                .await
        ),
        "not_found"
    );
    let entries = w.moderation.log_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, ModerationAction::ReportDismissed);
    assert_eq!(entries[0].report, Some(report.id));
    assert_eq!(entries[0].reason.as_deref(), Some("Critique, pas du spam."));
    assert_eq!(w.state_of(resource.id).await, Lifecycle::Published);
    assert!(
        w.notifier.sent().is_empty(),
        "nobody is told of a dismissal"
    );
}

#[tokio::test]
async fn dismissing_the_last_report_of_a_held_comment_restores_it_but_a_held_resource_waits() {
    let w = world_with(
        ModerationPolicy {
            report_threshold: 1,
        },
        &WriteLimitPolicy::default(),
    );
    let author = w.citizen("auteur").await;
    let writer = w.citizen("ecrivain").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let resource = w.published(&author).await;
    let other = w.published(&author).await;
    let comment = w.comment(&writer, &other, CommentState::Visible);
    let on_resource = w
        .report(
            &lea,
            ReportTarget::Resource(resource.id),
            ReportReason::Spam,
        )
        .await
        .unwrap();
    let on_comment = w
        .report(&lea, ReportTarget::Comment(comment.id), ReportReason::Spam)
        .await
        .unwrap();
    assert_eq!(w.comment_state(comment.id), CommentState::Held);

    w.service
        .dismiss(&moderator, on_comment.id, None)
        .await
        .unwrap();
    w.service
        .dismiss(&moderator, on_resource.id, None)
        .await
        .unwrap();

    assert_eq!(w.comment_state(comment.id), CommentState::Visible);
    assert_eq!(
        w.notifier.sent_to(writer.user_id).last(),
        Some(&NotificationKind::ContentRestored {
            target: on_comment.target
        })
    );
    assert_eq!(
        w.state_of(resource.id).await,
        Lifecycle::PendingReview,
        "its author may have edited it since: a moderator approves it"
    );
    let queue = w
        .service
        .queue(&moderator, w.queue_request())
        .await
        .unwrap();
    assert_eq!(
        queue.items.iter().map(|i| i.target()).collect::<Vec<_>>(),
        [ContentRef::Resource(resource.id)]
    );
}

#[tokio::test]
async fn a_moderator_does_not_dismiss_reports_on_their_own_content() {
    let w = world();
    let moderator = w.moderator("modo").await;
    let lea = w.citizen("lea").await;
    let resource = w.published(&moderator).await;
    let report = w
        .report(
            &lea,
            ReportTarget::Resource(resource.id),
            ReportReason::Spam,
        )
        .await
        .unwrap();

    assert_eq!(
        code(w.service.dismiss(&moderator, report.id, None).await),
        "forbidden"
    );
}

// ───────────────────────────── the log ─────────────────────────────

#[tokio::test]
async fn administrators_read_the_log_newest_first_with_filters_and_pages() {
    let w = world();
    let author = w.citizen("auteur").await;
    let lea = w.citizen("lea").await;
    let moderator = w.moderator("modo").await;
    let admin = w.staff("admin", Role::Administrator, true).await;
    let start = w.fx.clock.now_for_tests();
    let resource = w.published(&author).await;
    let comment = w.comment(&lea, &resource, CommentState::Visible);
    w.service
        .hide_comment(&moderator, comment.id, "Insultant.".into())
        .await
        .unwrap();
    w.fx.clock.advance(time::Duration::hours(1));
    let middle = w.fx.clock.now_for_tests();
    w.service
        .decide_resource(
            &moderator,
            resource.id,
            Decision::Suspend {
                reason: "Trompeur.".into(),
            },
        )
        .await
        .unwrap();
    let request = || LogRequest {
        action: None,
        actor: None,
        kind: None,
        from: None,
        to: None,
        after: None,
        limit: 20,
    };
    let actions = |page: rr_application::services::moderation::LogPage| {
        page.entries
            .into_iter()
            .map(|e| e.entry.action)
            .collect::<Vec<_>>()
    };

    let all = w.service.moderation_log(&admin, request()).await.unwrap();
    assert_eq!(
        all.entries[0].actor_name,
        Some(Username::parse("modo").unwrap())
    );
    assert_eq!(
        actions(all),
        [
            ModerationAction::ResourceSuspended,
            ModerationAction::CommentHidden
        ]
    );
    let only =
        |r: LogRequest| async { actions(w.service.moderation_log(&admin, r).await.unwrap()) };
    assert_eq!(
        only(LogRequest {
            kind: Some(ContentKind::Comment),
            ..request()
        })
        .await,
        [ModerationAction::CommentHidden]
    );
    assert_eq!(
        only(LogRequest {
            action: Some(ModerationAction::ResourceSuspended),
            ..request()
        })
        .await,
        [ModerationAction::ResourceSuspended]
    );
    assert_eq!(
        only(LogRequest {
            from: Some(start),
            to: Some(middle),
            ..request()
        })
        .await,
        [ModerationAction::CommentHidden]
    );
    assert_eq!(
        only(LogRequest {
            actor: Some(Username::parse("modo").unwrap()),
            ..request()
        })
        .await
        .len(),
        2
    );
    assert!(
        only(LogRequest {
            actor: Some(Username::parse("personne").unwrap()),
            ..request()
        })
        .await
        .is_empty()
    );
    let first = w
        .service
        .moderation_log(
            &admin,
            LogRequest {
                limit: 1,
                ..request()
            },
        )
        .await
        .unwrap();
    assert!(first.next.is_some());
    assert_eq!(
        only(LogRequest {
            after: first.next,
            ..request()
        })
        .await,
        [ModerationAction::CommentHidden]
    );
    assert_eq!(
        code(
            w.service
                .moderation_log(
                    &admin,
                    LogRequest {
                        from: Some(middle),
                        to: Some(start),
                        ..request()
                    }
                )
                .await
        ),
        "validation_failed"
    );
}

#[tokio::test]
async fn the_log_is_for_administrators_with_two_factor_authentication() {
    let w = world();
    let moderator = w.moderator("modo").await;
    let without = w.staff("admin", Role::Administrator, false).await;
    let request = LogRequest {
        action: None,
        actor: None,
        kind: None,
        from: None,
        to: None,
        after: None,
        limit: 20,
    };

    assert_eq!(
        code(w.service.moderation_log(&moderator, request.clone()).await),
        "forbidden"
    );
    assert_eq!(
        code(w.service.moderation_log(&without, request).await),
        "two_factor_required"
    );
}
