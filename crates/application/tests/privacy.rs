//! The privacy use cases on in-memory fakes: the policy's versions and their
//! publication, the write gate on a new version, consents and their history
//! in step with the profile, and what restricting an account does to
//! visibility, writes, notifications and statistics (and objecting, to
//! statistics and mail).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::AppError;
use rr_application::ports::{ProgressList, ResourceRecord, ResourceRepository};
use rr_application::services::comments::{CommentContent, NewComment};
use rr_application::services::identity::{LoginOutcome, NewAccount, ProfileChanges};
use rr_application::services::privacy::{ConsentChanges, NewPolicy};
use rr_application::services::resources::CatalogueRequest;
use rr_application::services::statistics::{StatisticsFilters, StatisticsRequest};
use rr_application::services::{
    CommentPolicy, CommentPorts, CommentService, EngagementPorts, EngagementService,
    NotificationPolicy, NotificationPorts, NotificationService, PrivacyPorts, PrivacyService,
    ResourcePorts, ResourceService, StatisticsPolicy, StatisticsPorts, StatisticsService,
    WriteLimiter,
};
use rr_application::test_util::{
    FakeCatalogue, FakeComments, FakeEngagement, FakeModeration, FakeNotifications, FakeResources,
    FakeStatisticsQuery, IdentityFixture, InMemoryReferenceData, RecordingStatistics,
    StatisticsEvent, identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::community::{CommentBody, NotificationKind};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    Actor, AuthenticatedActor, CountryCode, Email, PersonName, Role, SessionId, UserId, Username,
};
use rr_domain::privacy::{PolicyText, PolicyVersion, Purpose};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_domain::statistics::{Grouping, Measure, Period, Tally};
use time::macros::date;

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    privacy: PrivacyService,
    resources: Arc<FakeResources>,
    resource_service: ResourceService,
    comments: CommentService,
    inboxes: Arc<FakeNotifications>,
    notifications: NotificationService,
    engagement: EngagementService,
    events: Arc<FakeStatisticsQuery>,
    statistics: StatisticsService,
}

fn world() -> World {
    let fx = identity_fixture();
    let resources = Arc::new(FakeResources::default());
    let inboxes = Arc::new(FakeNotifications::new(fx.users.clone(), resources.clone()));
    let notifications = NotificationService::new(
        NotificationPorts {
            notifications: inboxes.clone(),
            users: fx.users.clone(),
            mailer: fx.outbox.clone(),
            cipher: fx.cipher.clone(),
            clock: fx.clock.clone(),
        },
        NotificationPolicy::default(),
    );
    let notifier = Arc::new(notifications.clone());
    let write_limits = Arc::new(WriteLimiter::unlimited(fx.clock.clone()));
    let resource_service = ResourceService::new(ResourcePorts {
        resources: resources.clone(),
        catalogue: Arc::new(FakeCatalogue::new(resources.clone(), fx.users.clone())),
        statistics: Arc::new(RecordingStatistics::default()),
        users: fx.users.clone(),
        reference_data: Arc::new(InMemoryReferenceData::default()),
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
        write_limits: write_limits.clone(),
        moderation_log: Arc::new(FakeModeration::new(resources.clone(), fx.users.clone())),
        notifier: notifier.clone(),
    });
    let comments = CommentService::new(
        CommentPorts {
            comments: Arc::new(FakeComments::new(fx.users.clone())),
            resources: resources.clone(),
            users: fx.users.clone(),
            notifier,
            write_limits,
            clock: fx.clock.clone(),
        },
        CommentPolicy::default(),
    );
    let engagement = EngagementService::new(EngagementPorts {
        resources: resources.clone(),
        users: fx.users.clone(),
        engagement: Arc::new(FakeEngagement::new(resources.clone(), fx.users.clone())),
        clock: fx.clock.clone(),
    });
    let events = Arc::new(FakeStatisticsQuery::new(fx.users.clone()));
    let statistics = StatisticsService::new(
        StatisticsPorts {
            query: events.clone(),
            reference_data: Arc::new(InMemoryReferenceData::default()),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        StatisticsPolicy::default(),
    );
    let privacy = PrivacyService::new(
        PrivacyPorts {
            policies: fx.policies.clone(),
            consents: fx.users.clone(),
            users: fx.users.clone(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        fx.service.clone(),
    );
    World {
        fx,
        privacy,
        resources,
        resource_service,
        comments,
        inboxes,
        notifications,
        engagement,
        events,
        statistics,
    }
}

/// A registered, verified citizen and a fresh access token of theirs.
async fn citizen(w: &World, name: &str) -> (AuthenticatedActor, String) {
    let actor = w.fx.citizen(name, PASSWORD).await.unwrap();
    let email = Email::parse(&format!("{name}@exemple.fr")).unwrap();
    let LoginOutcome::Tokens(pair) =
        w.fx.service
            .login(&email, &Password::new(PASSWORD), None)
            .await
            .unwrap()
    else {
        panic!("no second factor for a citizen");
    };
    (actor, pair.access_token)
}

fn admin(two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role: Role::Administrator,
        two_factor,
    }
}

fn version(raw: &str) -> PolicyVersion {
    PolicyVersion::parse(raw).unwrap()
}

fn new_policy(raw: &str) -> NewPolicy {
    NewPolicy {
        version: version(raw),
        text: PolicyText::parse(&format!("# Politique\n\nVersion {raw}.")).unwrap(),
    }
}

async fn publish(w: &World, raw: &str) {
    w.fx.clock.advance(time::Duration::seconds(1));
    w.privacy
        .publish_policy(&admin(true), new_policy(raw))
        .await
        .unwrap();
}

fn accept(raw: &str) -> ConsentChanges {
    ConsentChanges {
        accept_policy: Some(version(raw)),
        ..ConsentChanges::default()
    }
}

fn registration(name: &str, accepted: &str) -> NewAccount {
    NewAccount {
        email: Email::parse(&format!("{name}@exemple.fr")).unwrap(),
        username: Username::parse(name).unwrap(),
        first_name: PersonName::parse("Léa").unwrap(),
        last_name: PersonName::parse("Martin").unwrap(),
        country: CountryCode::parse("FR").unwrap(),
        phone: None,
        region: None,
        password: Password::new(PASSWORD),
        accepted_policy_version: accepted.into(),
        age_declaration: true,
    }
}

/// A published public resource of `author`'s.
async fn published(w: &World, author: UserId) -> ResourceId {
    let now = w.fx.clock.now_for_tests();
    let reference = ReferenceId::from_uuid(Uuid::from_u128(1));
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: reference,
        resource_type: reference,
        relation_types: vec![reference],
        external_link: None,
        visibility: Visibility::Public,
        state: Lifecycle::Published,
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

fn browse() -> CatalogueRequest {
    CatalogueRequest {
        category: None,
        resource_type: None,
        relation_types: Vec::new(),
        author: None,
        created_from: None,
        created_before: None,
        text: None,
        sort: rr_application::ports::CatalogueSort::Newest,
        after: None,
        limit: 20,
    }
}

#[tokio::test]
async fn registration_records_the_first_choices_under_the_policy_in_force() {
    let w = world();
    let (lea, _) = citizen(&w, "lea").await;

    let view = w.privacy.consents(&lea).await.unwrap();

    assert_eq!(view.current_version, version("2026-11"));
    assert_eq!(view.accepted_version, "2026-11");
    assert!(!view.acceptance_required);
    let states: Vec<(Purpose, bool)> = view
        .purposes
        .iter()
        .map(|p| (p.purpose, p.granted))
        .collect();
    assert_eq!(
        states,
        [
            (Purpose::TermsAndPolicy, true),
            (Purpose::Communications, false),
            (Purpose::Statistics, true)
        ],
        "communications off unless given, statistics counted unless objected to"
    );
    assert_eq!(view.history.len(), 3);
    assert!(
        view.history
            .iter()
            .all(|c| c.policy_version == version("2026-11"))
    );
    assert_eq!(view.restricted_since, None);
}

#[tokio::test]
async fn publication_is_for_administrators_with_two_factor_and_versions_never_change() {
    let w = world();
    let (lea, _) = citizen(&w, "lea").await;
    for (actor, code) in [(lea, "forbidden"), (admin(false), "two_factor_required")] {
        let refused = w
            .privacy
            .publish_policy(&actor, new_policy("2027-01"))
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(c)) if c == code),
            "{refused:?}"
        );
    }

    publish(&w, "2027-01").await;

    let current = w.privacy.current_policy().await.unwrap();
    assert_eq!(current.version, version("2027-01"));
    assert_eq!(current.published_at, w.fx.clock.now_for_tests());
    assert!(w.fx.audit.actions().contains(&"privacy_policy_published"));
    let again = w
        .privacy
        .publish_policy(&admin(true), new_policy("2027-01"))
        .await;
    assert!(matches!(
        again,
        Err(AppError::ConflictWith("policy_version_exists"))
    ));
    assert_eq!(
        w.privacy.policy(&version("2026-11")).await.unwrap().version,
        version("2026-11"),
        "a past version stays readable"
    );
    assert!(matches!(
        w.privacy.policy(&version("1999-01")).await,
        Err(AppError::NotFound)
    ));
    let versions: Vec<PolicyVersion> = w
        .privacy
        .policy_versions()
        .await
        .unwrap()
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    assert_eq!(versions, [version("2027-01"), version("2026-11")]);
}

#[tokio::test]
async fn a_new_policy_holds_writes_until_accepted_and_reads_stay_open() {
    let w = world();
    let (lea, token) = citizen(&w, "lea").await;
    let (_, other_session) = citizen_session(&w, "lea").await;
    assert!(w.fx.service.authenticate_write(&token).await.is_ok());

    publish(&w, "2027-01").await;

    for token in [&token, &other_session] {
        assert!(matches!(
            w.fx.service.authenticate_write(token).await,
            Err(AppError::Forbidden("consent_required"))
        ));
        assert!(
            w.fx.service.authenticate(token).await.is_ok(),
            "reads stay open"
        );
    }
    let view = w.privacy.consents(&lea).await.unwrap();
    assert!(view.acceptance_required);
    assert_eq!(view.current_version, version("2027-01"));
    let stale = w.privacy.update_consents(&lea, accept("2026-11")).await;
    assert!(
        matches!(&stale, Err(AppError::Invalid(v)) if v[0].code == "policy_version_mismatch"),
        "{stale:?}"
    );
    // A registration must accept the version in force too.
    let refused = w.fx.service.register(registration("sam", "2026-11")).await;
    assert!(
        matches!(&refused, Err(AppError::Invalid(v)) if v[0].code == "policy_version_mismatch")
    );
    w.fx.service
        .register(registration("sam", "2027-01"))
        .await
        .unwrap();

    let view = w
        .privacy
        .update_consents(&lea, accept("2027-01"))
        .await
        .unwrap();

    assert!(!view.acceptance_required);
    assert_eq!(view.history[0].purpose, Purpose::TermsAndPolicy);
    assert_eq!(view.history[0].policy_version, version("2027-01"));
    for token in [&token, &other_session] {
        assert!(
            w.fx.service.authenticate_write(token).await.is_ok(),
            "every session of the account, at once on this process"
        );
    }
    assert!(w.fx.audit.actions().contains(&"consents_changed"));
}

/// Another login of an existing citizen: a second session.
async fn citizen_session(w: &World, name: &str) -> (AuthenticatedActor, String) {
    let email = Email::parse(&format!("{name}@exemple.fr")).unwrap();
    let LoginOutcome::Tokens(pair) =
        w.fx.service
            .login(&email, &Password::new(PASSWORD), None)
            .await
            .unwrap()
    else {
        panic!("no second factor for a citizen");
    };
    let actor = w.fx.service.authenticate(&pair.access_token).await.unwrap();
    (actor, pair.access_token)
}

#[tokio::test]
async fn a_version_published_elsewhere_holds_writes_within_the_check_interval() {
    let w = world();
    let (_, token) = citizen(&w, "lea").await;
    assert!(w.fx.service.authenticate_write(&token).await.is_ok());
    // Published by another node: straight into the store.
    w.fx.clock.advance(time::Duration::seconds(1));
    let document = rr_domain::privacy::PolicyDocument {
        version: version("2027-01"),
        published_at: w.fx.clock.now_for_tests(),
        text: PolicyText::parse("# Politique").unwrap(),
    };
    use rr_application::ports::PrivacyPolicyRepository;
    w.fx.policies.publish(&document).await.unwrap();

    assert!(
        w.fx.service.authenticate_write(&token).await.is_ok(),
        "this node still trusts what it read"
    );
    w.fx.clock.advance(time::Duration::seconds(31));
    assert!(matches!(
        w.fx.service.authenticate_write(&token).await,
        Err(AppError::Forbidden("consent_required"))
    ));
}

#[tokio::test]
async fn consents_are_recorded_with_their_history_and_agree_with_the_profile() {
    let w = world();
    let (lea, _) = citizen(&w, "lea").await;
    let empty = w
        .privacy
        .update_consents(&lea, ConsentChanges::default())
        .await;
    assert!(matches!(&empty, Err(AppError::Invalid(v)) if v[0].code == "consent_choice_required"));

    let view = w
        .privacy
        .update_consents(
            &lea,
            ConsentChanges {
                communications: Some(true),
                statistics: Some(false),
                ..ConsentChanges::default()
            },
        )
        .await
        .unwrap();

    assert_eq!(
        view.history.len(),
        5,
        "two choices added to the first three"
    );
    // Newest first: the choices of one request in reverse order of recording.
    assert_eq!(
        (view.history[0].purpose, view.history[0].granted),
        (Purpose::Statistics, false)
    );
    assert_eq!(
        (view.history[1].purpose, view.history[1].granted),
        (Purpose::Communications, true)
    );
    let me = w.fx.service.me(&lea).await.unwrap();
    assert!(me.communications_consent);
    assert!(
        me.statistics_objection,
        "the profile says what the consents say"
    );

    // The same choice again records nothing.
    let same = w
        .privacy
        .update_consents(
            &lea,
            ConsentChanges {
                communications: Some(true),
                ..ConsentChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(same.history.len(), 5);

    // A change through the profile lands in the history too.
    w.fx.service
        .update_me(
            &lea,
            ProfileChanges {
                statistics_objection: Some(false),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();
    let view = w.privacy.consents(&lea).await.unwrap();
    assert_eq!(view.history.len(), 6);
    assert_eq!(
        (view.history[0].purpose, view.history[0].granted),
        (Purpose::Statistics, true)
    );
    let statistics = &view.purposes[2];
    assert!(statistics.granted);
    assert_eq!(statistics.since, Some(w.fx.clock.now_for_tests()));
}

#[tokio::test]
async fn a_restriction_hides_content_and_freezes_writes_until_lifted() {
    let w = world();
    let (lea, token) = citizen(&w, "lea").await;
    let (sam, _) = citizen(&w, "sam").await;
    let leas = published(&w, lea.user_id).await;
    let sams = published(&w, sam.user_id).await;
    w.comments
        .post(
            &lea,
            sams,
            NewComment {
                body: CommentBody::parse("Merci pour ces pistes.").unwrap(),
                parent: None,
                as_moderator: false,
            },
        )
        .await
        .unwrap();
    w.engagement.add_favourite(&sam, leas).await.unwrap();
    let as_sam = Actor::User(sam);

    let view = w.privacy.restrict(&lea).await.unwrap();
    assert!(view.restricted_since.is_some());

    assert!(matches!(
        w.resource_service.get(&as_sam, leas).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        w.resource_service.get(&Actor::Visitor, leas).await,
        Err(AppError::NotFound)
    ));
    assert!(
        w.resource_service
            .get(&Actor::User(lea), leas)
            .await
            .is_ok()
    );
    let listed: Vec<ResourceId> = w
        .resource_service
        .catalogue(&Actor::Visitor, browse())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(listed, [sams]);
    let thread = w.comments.thread(&as_sam, sams, None, None).await.unwrap();
    assert_eq!(thread.items[0].content, CommentContent::Withheld);
    let own = w
        .comments
        .thread(&Actor::User(lea), sams, None, None)
        .await
        .unwrap();
    assert!(matches!(own.items[0].content, CommentContent::Full { .. }));
    assert!(matches!(
        w.engagement.add_favourite(&sam, leas).await,
        Err(AppError::NotFound)
    ));
    let favourites = w
        .engagement
        .list(&sam, ProgressList::Favourites, None, 10)
        .await
        .unwrap();
    assert!(favourites.items.is_empty(), "gone from others' dashboards");
    assert!(matches!(
        w.fx.service.authenticate_write(&token).await,
        Err(AppError::Forbidden("account_restricted"))
    ));
    assert!(
        w.fx.service.authenticate(&token).await.is_ok(),
        "reads stay open"
    );
    // Asking again changes nothing and audits nothing more.
    w.privacy.restrict(&lea).await.unwrap();
    let restrictions =
        w.fx.audit
            .actions()
            .into_iter()
            .filter(|a| *a == "processing_restricted")
            .count();
    assert_eq!(restrictions, 1);

    let view = w.privacy.lift_restriction(&lea).await.unwrap();

    assert_eq!(view.restricted_since, None);
    assert!(w.resource_service.get(&as_sam, leas).await.is_ok());
    let thread = w.comments.thread(&as_sam, sams, None, None).await.unwrap();
    assert!(matches!(
        thread.items[0].content,
        CommentContent::Full { .. }
    ));
    assert!(w.fx.service.authenticate_write(&token).await.is_ok());
    assert!(
        w.fx.audit
            .actions()
            .contains(&"processing_restriction_lifted")
    );
}

#[tokio::test]
async fn a_restricted_account_is_told_nothing_but_security_mail() {
    let w = world();
    let (lea, _) = citizen(&w, "lea").await;
    let resource = published(&w, lea.user_id).await;
    w.privacy
        .update_consents(
            &lea,
            ConsentChanges {
                communications: Some(true),
                ..ConsentChanges::default()
            },
        )
        .await
        .unwrap();
    w.privacy.restrict(&lea).await.unwrap();
    let mails = w.fx.outbox.sent().len();
    use rr_application::ports::Notifier;

    w.notifications
        .notify(lea.user_id, NotificationKind::ResourceApproved { resource })
        .await;

    assert!(w.inboxes.all().is_empty(), "no notification kept");
    assert_eq!(w.fx.outbox.sent().len(), mails, "no mail");
    let email = Email::parse("lea@exemple.fr").unwrap();
    w.fx.service.request_password_reset(&email).await.unwrap();
    assert_eq!(
        w.fx.outbox.sent().len(),
        mails + 1,
        "security mail still goes"
    );

    w.privacy.lift_restriction(&lea).await.unwrap();
    w.notifications
        .notify(lea.user_id, NotificationKind::ResourceApproved { resource })
        .await;
    assert_eq!(w.inboxes.all().len(), 1);
    assert_eq!(w.fx.outbox.sent().len(), mails + 2, "mailed with consent");

    // Withdrawing the consent (objecting to communications) stops the mail.
    w.privacy
        .update_consents(
            &lea,
            ConsentChanges {
                communications: Some(false),
                ..ConsentChanges::default()
            },
        )
        .await
        .unwrap();
    w.notifications
        .notify(lea.user_id, NotificationKind::ResourceApproved { resource })
        .await;
    assert_eq!(w.inboxes.all().len(), 2);
    assert_eq!(w.fx.outbox.sent().len(), mails + 2);
}

#[tokio::test]
async fn restriction_and_objection_take_people_out_of_statistics() {
    let w = world();
    let mut people = Vec::new();
    for n in 0..12 {
        let (actor, _) = citizen(&w, &format!("citoyen{n}")).await;
        w.events.record(StatisticsEvent::new(
            Measure::Favourites,
            time::macros::datetime!(2026-10-10 10:00 UTC),
            Some(actor.user_id),
        ));
        people.push(actor);
    }
    let favourites = async || {
        let report = w
            .statistics
            .report(
                &admin(true),
                StatisticsRequest {
                    measures: Some(vec![Measure::Favourites]),
                    period: Period::new(
                        date!(2026 - 10 - 01),
                        date!(2026 - 11 - 01),
                        Grouping::Month,
                    )
                    .unwrap(),
                    filters: StatisticsFilters::default(),
                },
            )
            .await
            .unwrap();
        report.rows[0].figures
    };
    let counted = |n| {
        Some(Tally {
            events: n,
            people: n,
        })
    };
    assert_eq!(favourites().await, counted(12));

    w.privacy.restrict(&people[0]).await.unwrap();
    assert_eq!(favourites().await, counted(11), "restricted: not counted");
    w.privacy.lift_restriction(&people[0]).await.unwrap();
    assert_eq!(favourites().await, counted(12));

    let object = ConsentChanges {
        statistics: Some(false),
        ..ConsentChanges::default()
    };
    w.privacy.update_consents(&people[1], object).await.unwrap();
    assert_eq!(favourites().await, counted(11), "objected: not counted");
    w.privacy.restrict(&people[1]).await.unwrap();
    w.privacy.lift_restriction(&people[1]).await.unwrap();
    assert_eq!(
        favourites().await,
        counted(11),
        "lifting a restriction keeps the objection"
    );
}
