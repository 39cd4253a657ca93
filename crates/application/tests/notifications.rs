//! Notifications on in-memory fakes: each notification kept in its
//! recipient's inbox; mail only with consent to communications, a confirmed
//! address and an active account, never quoting a comment or a reason; a
//! mail or a store that fails is logged (without the address), never
//! returned; the inbox's pages, unread count and reading rules; the purge.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rr_application::ports::{
    InboxFilter, Mailer, MockNotificationRepository, NotificationRepository, Notifier,
    ResourceRecord, ResourceRepository, UserRepository,
};
use rr_application::services::{NotificationPolicy, NotificationPorts, NotificationService};
use rr_application::test_util::{
    FailingMailer, FakeNotifications, FakeResources, IdentityFixture, UnavailableStore,
    identity_fixture,
};
use rr_application::{AppError, RepositoryError};
use rr_domain::Uuid;
use rr_domain::community::{CommentId, ContentRef, NotificationId, NotificationKind};
use rr_domain::identity::{AccountStatus, AuthenticatedActor, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

/// Words of a moderator's reason, to look for in mail.
const REASON: &str = "Lien cassé vers le site de la CAF";

struct World {
    fx: IdentityFixture,
    resources: Arc<FakeResources>,
    inboxes: Arc<FakeNotifications>,
    service: NotificationService,
}

fn service_on(
    fx: &IdentityFixture,
    notifications: Arc<dyn NotificationRepository>,
    mailer: Arc<dyn Mailer>,
    policy: NotificationPolicy,
) -> NotificationService {
    NotificationService::new(
        NotificationPorts {
            notifications,
            users: fx.users.clone(),
            mailer,
            cipher: fx.cipher.clone(),
            clock: fx.clock.clone(),
        },
        policy,
    )
}

fn policy() -> NotificationPolicy {
    NotificationPolicy {
        frontend_url: "https://rr.exemple.fr".into(),
        ..NotificationPolicy::default()
    }
}

fn world() -> World {
    let fx = identity_fixture();
    let resources = Arc::new(FakeResources::default());
    let inboxes = Arc::new(FakeNotifications::new(fx.users.clone(), resources.clone()));
    let service = service_on(&fx, inboxes.clone(), fx.outbox.clone(), policy());
    World {
        fx,
        resources,
        inboxes,
        service,
    }
}

async fn citizen(w: &World, name: &str) -> AuthenticatedActor {
    w.fx.citizen(name, PASSWORD).await.unwrap()
}

/// Gives or withdraws `user`'s consent to communications (recorded in the
/// consent history with the account's state, as the port requires).
async fn consent(w: &World, user: UserId, given: bool) {
    use rr_application::ports::ConsentRepository;
    use rr_domain::privacy::{ConsentRecord, PolicyVersion, Purpose};
    let choice = ConsentRecord {
        purpose: Purpose::Communications,
        granted: given,
        policy_version: PolicyVersion::parse("2026-11").unwrap(),
        at: w.fx.clock.now_for_tests(),
    };
    assert!(w.fx.users.record(user, &[choice]).await.unwrap());
}

/// A stored resource of `author`'s.
async fn resource(w: &World, author: UserId) -> ResourceId {
    let now = w.fx.clock.now_for_tests();
    let reference = ReferenceId::from_uuid(Uuid::from_u128(1));
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler de santé mentale à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: reference,
        resource_type: reference,
        relation_types: vec![reference],
        external_link: None,
        visibility: Visibility::Public,
        state: Lifecycle::PendingReview,
        shared_with: Vec::new(),
        created_at: now,
        updated_at: now,
        published_at: None,
        deleted_at: None,
        version: 0,
    };
    w.resources.insert(&record).await.unwrap();
    record.id
}

/// Every kind, about `resource`, each reason being [`REASON`].
fn every_kind(resource: ResourceId) -> Vec<NotificationKind> {
    let comment = ContentRef::Comment {
        comment: CommentId::generate(),
        resource,
    };
    vec![
        NotificationKind::ResourceApproved { resource },
        NotificationKind::ResourceRejected {
            resource,
            reason: REASON.into(),
        },
        NotificationKind::ResourceSuspended {
            resource,
            reason: REASON.into(),
        },
        NotificationKind::ResourceReinstated { resource },
        NotificationKind::CommentReply {
            resource,
            parent: CommentId::generate(),
            reply: CommentId::generate(),
        },
        NotificationKind::ContentHidden {
            target: comment,
            reason: None,
        },
        NotificationKind::ContentHidden {
            target: comment,
            reason: Some(REASON.into()),
        },
        NotificationKind::ContentHidden {
            target: ContentRef::Resource(resource),
            reason: Some(REASON.into()),
        },
        NotificationKind::ContentRestored { target: comment },
        NotificationKind::ContentRestored {
            target: ContentRef::Resource(resource),
        },
    ]
}

fn rejection(resource: ResourceId) -> NotificationKind {
    NotificationKind::ResourceRejected {
        resource,
        reason: REASON.into(),
    }
}

/// What the service logs while `work` runs, as text.
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `work` with every event of this thread written to the returned logs.
async fn logged<F: std::future::Future<Output = ()>>(work: F) -> Logs {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || Capture(sink.clone()))
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    work.await;
    drop(guard);
    Logs(buffer)
}

// ───────────────────────────── telling ─────────────────────────────

#[tokio::test]
async fn every_kind_reaches_the_inbox_and_without_consent_nothing_is_mailed() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    let mails = w.fx.outbox.sent().len();

    for kind in every_kind(resource) {
        w.service.notify(lea.user_id, kind).await;
    }

    let sent = every_kind(resource);
    let kept = w.inboxes.all();
    assert_eq!(
        kept.iter().map(|n| n.kind.code()).collect::<Vec<_>>(),
        sent.iter().map(NotificationKind::code).collect::<Vec<_>>()
    );
    for (notification, kind) in kept.iter().zip(&sent) {
        assert_eq!(notification.recipient, lea.user_id);
        assert_eq!(notification.read_at, None);
        assert_eq!(notification.created_at, w.fx.clock.now_for_tests());
        assert_eq!(notification.kind.resource(), resource);
        assert_eq!(notification.kind.reason(), kind.reason());
    }
    assert_eq!(w.fx.outbox.sent().len(), mails, "no consent, no mail");
}

#[tokio::test]
async fn with_consent_each_notification_sends_one_short_mail_that_quotes_nothing() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    consent(&w, lea.user_id, true).await;
    let resource = resource(&w, lea.user_id).await;
    let before = w.fx.outbox.sent().len();

    for kind in every_kind(resource) {
        w.service.notify(lea.user_id, kind).await;
    }

    let mails = w.fx.outbox.sent()[before..].to_vec();
    assert_eq!(mails.len(), every_kind(resource).len());
    for mail in mails {
        assert_eq!(mail.to.as_str(), "lea@exemple.fr");
        assert!(!mail.subject.is_empty());
        assert!(
            mail.body
                .contains("https://rr.exemple.fr/compte/notifications"),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("retirer ce consentement"));
        for secret in [REASON, "santé mentale", "Parler de"] {
            assert!(!mail.body.contains(secret), "{}", mail.body);
            assert!(!mail.subject.contains(secret), "{}", mail.subject);
        }
        assert!(!mail.body.contains(&resource.as_uuid().to_string()));
    }
}

#[tokio::test]
async fn withdrawn_consent_stops_the_mail_not_the_inbox() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    consent(&w, lea.user_id, true).await;
    w.service.notify(lea.user_id, rejection(resource)).await;
    let mails = w.fx.outbox.sent().len();

    consent(&w, lea.user_id, false).await;
    w.service.notify(lea.user_id, rejection(resource)).await;

    assert_eq!(w.fx.outbox.sent().len(), mails);
    assert_eq!(w.inboxes.all().len(), 2);
}

#[tokio::test]
async fn no_mail_to_an_unconfirmed_address_nor_to_a_suspended_account() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    consent(&w, lea.user_id, true).await;
    let mut record = w.fx.users.find(lea.user_id).await.unwrap().unwrap();
    record.email_verified_at = None;
    w.fx.users.update(&record).await.unwrap();
    let mails = w.fx.outbox.sent().len();

    w.service.notify(lea.user_id, rejection(resource)).await;
    assert_eq!(w.fx.outbox.sent().len(), mails, "address not confirmed");

    record.email_verified_at = Some(w.fx.clock.now_for_tests());
    record.status = AccountStatus::Suspended {
        reason: "Spam".into(),
        until: None,
    };
    w.fx.users.update(&record).await.unwrap();
    w.service.notify(lea.user_id, rejection(resource)).await;
    assert_eq!(w.fx.outbox.sent().len(), mails, "account suspended");

    assert_eq!(w.inboxes.all().len(), 2, "both kept in the inbox");
}

#[tokio::test]
async fn a_mail_that_cannot_be_sent_is_logged_without_the_address_and_not_returned() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    consent(&w, lea.user_id, true).await;
    let resource = resource(&w, lea.user_id).await;
    let relay = Arc::new(FailingMailer::default());
    let service = service_on(&w.fx, w.inboxes.clone(), relay.clone(), policy());

    let logs = logged(service.notify(lea.user_id, rejection(resource))).await;

    assert_eq!(relay.attempts(), 1);
    assert_eq!(w.inboxes.all().len(), 1, "the notification is kept");
    let text = logs.text();
    assert!(text.contains("notification mail not sent"), "{text}");
    assert!(text.contains("resource_rejected"), "{text}");
    assert!(!text.contains("lea@exemple.fr"), "{text}");
    assert!(!text.contains(REASON), "{text}");
}

#[tokio::test]
async fn a_notification_that_cannot_be_kept_is_logged_and_not_mailed() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    consent(&w, lea.user_id, true).await;
    let resource = resource(&w, lea.user_id).await;
    let service = service_on(
        &w.fx,
        Arc::new(UnavailableStore),
        w.fx.outbox.clone(),
        policy(),
    );
    let mails = w.fx.outbox.sent().len();

    let logs = logged(service.notify(lea.user_id, rejection(resource))).await;

    assert!(logs.text().contains("notification lost"), "{}", logs.text());
    assert!(!logs.text().contains(REASON));
    assert_eq!(w.fx.outbox.sent().len(), mails);
}

#[tokio::test]
async fn an_unknown_recipient_keeps_nothing_and_gets_nothing() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    let mails = w.fx.outbox.sent().len();

    let logs = logged(w.service.notify(UserId::generate(), rejection(resource))).await;

    assert!(w.inboxes.all().is_empty());
    assert_eq!(w.fx.outbox.sent().len(), mails);
    assert!(logs.text().contains("notification lost"));
}

// ───────────────────────────── the inbox ─────────────────────────────

#[tokio::test]
async fn pages_are_newest_first_bounded_chained_and_carry_the_unread_count() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    for _ in 0..5 {
        w.service
            .notify(lea.user_id, NotificationKind::ResourceApproved { resource })
            .await;
    }
    let mut all: Vec<NotificationId> = w.inboxes.all().iter().map(|n| n.id).collect();
    all.reverse();

    let first = w
        .service
        .inbox(&lea, InboxFilter::All, None, 2)
        .await
        .unwrap();
    assert_eq!(
        first.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        all[..2]
    );
    assert_eq!(first.next, Some(all[1]));
    assert_eq!(first.unread, 5);
    let last = w
        .service
        .inbox(&lea, InboxFilter::All, Some(all[2]), 2)
        .await
        .unwrap();
    assert_eq!(
        last.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        all[3..]
    );
    assert_eq!(last.next, None, "nothing after the last page");

    let one = w
        .service
        .inbox(&lea, InboxFilter::All, None, 0)
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1, "a limit below 1 is 1");
    let mut repository = MockNotificationRepository::new();
    repository
        .expect_page()
        .withf(|_, _, _, limit| *limit == 101)
        .returning(|_, _, _, _| Ok(Vec::new()));
    repository.expect_unread_count().returning(|_| Ok(0));
    let bounded = service_on(&w.fx, Arc::new(repository), w.fx.outbox.clone(), policy());
    bounded
        .inbox(&lea, InboxFilter::Unread, None, 10_000)
        .await
        .unwrap();
}

#[tokio::test]
async fn nobody_reads_or_marks_another_accounts_notifications() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let tom = citizen(&w, "tom").await;
    let resource = resource(&w, lea.user_id).await;
    w.service.notify(lea.user_id, rejection(resource)).await;
    let leas = w.inboxes.all()[0].id;

    let toms = w
        .service
        .inbox(&tom, InboxFilter::All, None, 100)
        .await
        .unwrap();
    assert!(toms.items.is_empty());
    assert_eq!(toms.unread, 0);
    assert!(matches!(
        w.service.mark_read(&tom, leas).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(w.service.mark_all_read(&tom).await.unwrap(), 0);

    assert_eq!(w.service.unread_count(&lea).await.unwrap(), 1);
}

#[tokio::test]
async fn reading_one_keeps_its_first_reading_and_reading_all_counts_the_unread() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    for _ in 0..3 {
        w.service.notify(lea.user_id, rejection(resource)).await;
    }
    let ids: Vec<NotificationId> = w.inboxes.all().iter().map(|n| n.id).collect();
    let first_reading = w.fx.clock.now_for_tests();

    w.service.mark_read(&lea, ids[0]).await.unwrap();
    w.fx.clock.advance(time::Duration::minutes(5));
    w.service.mark_read(&lea, ids[0]).await.unwrap();
    assert!(matches!(
        w.service.mark_read(&lea, NotificationId::generate()).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(w.service.unread_count(&lea).await.unwrap(), 2);

    assert_eq!(w.service.mark_all_read(&lea).await.unwrap(), 2);
    let unread = w
        .service
        .inbox(&lea, InboxFilter::Unread, None, 100)
        .await
        .unwrap();
    assert!(unread.items.is_empty());
    assert_eq!(unread.unread, 0);
    let stored = w.inboxes.all();
    assert_eq!(stored[0].read_at, Some(first_reading));
    assert_eq!(stored[1].read_at, Some(w.fx.clock.now_for_tests()));
}

#[tokio::test]
async fn a_store_that_fails_fails_the_inbox_use_cases() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let service = service_on(
        &w.fx,
        Arc::new(UnavailableStore),
        w.fx.outbox.clone(),
        policy(),
    );

    assert!(matches!(
        service.inbox(&lea, InboxFilter::All, None, 10).await,
        Err(AppError::Unavailable(_))
    ));
    assert!(matches!(
        service.mark_read(&lea, NotificationId::generate()).await,
        Err(AppError::Unavailable(_))
    ));
    assert!(matches!(
        service.mark_all_read(&lea).await,
        Err(AppError::Unavailable(_))
    ));
    assert!(matches!(
        service.purge_expired().await,
        Err(AppError::Unavailable(_))
    ));
}

// ───────────────────────────── retention ─────────────────────────────

#[tokio::test]
async fn the_purge_deletes_what_is_older_than_the_retention() {
    let w = world();
    let lea = citizen(&w, "lea").await;
    let resource = resource(&w, lea.user_id).await;
    let service = service_on(
        &w.fx,
        w.inboxes.clone(),
        w.fx.outbox.clone(),
        NotificationPolicy {
            retention: Duration::from_secs(30 * 24 * 3600),
            ..policy()
        },
    );
    service.notify(lea.user_id, rejection(resource)).await;
    w.fx.clock.advance(time::Duration::days(10));
    service.notify(lea.user_id, rejection(resource)).await;
    let young = w.inboxes.all()[1].clone();

    w.fx.clock.advance(time::Duration::days(20));
    assert_eq!(service.purge_expired().await.unwrap(), 0, "exactly 30 days");
    w.fx.clock.advance(time::Duration::seconds(1));
    assert_eq!(service.purge_expired().await.unwrap(), 1);

    assert_eq!(w.inboxes.all(), [young]);
}

#[tokio::test]
async fn the_purge_goes_in_batches_until_one_is_short() {
    let w = world();
    let now = w.fx.clock.now_for_tests();
    let mut repository = MockNotificationRepository::new();
    let mut rounds = [1_000_u64, 1_000, 7].into_iter();
    repository
        .expect_purge_sent_before()
        .times(3)
        .withf(move |before, limit| *before == now - time::Duration::days(365) && *limit == 1_000)
        .returning(move |_, _| Ok(rounds.next().unwrap()));
    let service = service_on(
        &w.fx,
        Arc::new(repository),
        w.fx.outbox.clone(),
        NotificationPolicy::default(),
    );

    assert_eq!(service.purge_expired().await.unwrap(), 2_007);
}

#[tokio::test]
async fn a_failed_purge_round_reports_the_failure() {
    let w = world();
    let mut repository = MockNotificationRepository::new();
    repository
        .expect_purge_sent_before()
        .returning(|_, _| Err(RepositoryError::Internal("disk full".into())));
    let service = service_on(
        &w.fx,
        Arc::new(repository),
        w.fx.outbox.clone(),
        NotificationPolicy::default(),
    );

    assert!(matches!(
        service.purge_expired().await,
        Err(AppError::Internal(_))
    ));
}
