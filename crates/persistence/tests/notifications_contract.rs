//! Contract of `NotificationRepository`, passed by the sea-orm adapter on the
//! real migrations on every engine and by the in-memory fake of
//! `rr_application::test_util`: every kind stored and read back, conflicts,
//! newest-first keyset pages, separate inboxes, the first reading kept, and
//! the purge by age. The cascades and corrupt rows are the adapter's alone.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::sync::Arc;

use rr_application::RepositoryError;
use rr_application::ports::{
    InboxFilter, NotificationRepository, ResourceRecord, ResourceRepository, UserRepository,
};
use rr_application::test_util::{FakeNotifications, FakeResources, FakeUsers};
use rr_domain::community::{CommentId, ContentRef, Notification, NotificationId, NotificationKind};
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, user};

/// A store and the accounts and resources it checks.
struct Subject {
    store: Arc<dyn NotificationRepository>,
    users: Arc<dyn UserRepository>,
    resources: Arc<dyn ResourceRepository>,
}

impl Subject {
    fn database(db: &Database) -> Self {
        Self {
            store: db.notifications(),
            users: db.users(),
            resources: db.resources(),
        }
    }

    fn fake() -> Self {
        let users = Arc::new(FakeUsers::default());
        let resources = Arc::new(FakeResources::default());
        Self {
            store: Arc::new(FakeNotifications::new(users.clone(), resources.clone())),
            users,
            resources,
        }
    }

    /// A stored citizen, told apart by `n`.
    async fn citizen(&self, n: u8) -> UserId {
        let user = user(n);
        self.users.insert(&user).await.unwrap();
        user.id
    }

    /// A stored resource of `author`'s.
    async fn resource(&self, author: UserId) -> ResourceId {
        let record = resource(author);
        self.resources.insert(&record).await.unwrap();
        record.id
    }

    /// A stored notification of `recipient`'s about `resource`, sent at
    /// `now()` moved by `seconds`.
    async fn approval(
        &self,
        recipient: UserId,
        resource: ResourceId,
        seconds: i64,
    ) -> Notification {
        let notification = Notification::new(
            recipient,
            NotificationKind::ResourceApproved { resource },
            later(seconds),
        );
        self.store.insert(&notification).await.unwrap();
        notification
    }

    async fn all(&self, recipient: UserId, filter: InboxFilter) -> Vec<Notification> {
        self.store
            .page(recipient, filter, None, 1_000)
            .await
            .unwrap()
    }
}

/// A seeded reference id (see the reference data migration).
fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

fn resource(author: UserId) -> ResourceRecord {
    ResourceRecord {
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
    }
}

/// One notification of every kind (and both targets where a kind has two)
/// about `resource`.
fn every_kind(resource: ResourceId) -> Vec<NotificationKind> {
    let comment = ContentRef::Comment {
        comment: CommentId::generate(),
        resource,
    };
    vec![
        NotificationKind::ResourceApproved { resource },
        NotificationKind::ResourceRejected {
            resource,
            reason: "Le lien ne fonctionne plus.\nMerci de le corriger.".into(),
        },
        NotificationKind::ResourceSuspended {
            resource,
            reason: "Propos contraires à la charte « respect ».".into(),
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
            target: ContentRef::Resource(resource),
            reason: Some("Injurieux".into()),
        },
        NotificationKind::ContentRestored { target: comment },
        NotificationKind::ContentRestored {
            target: ContentRef::Resource(resource),
        },
    ]
}

/// The contract's cases, each run on the adapter and on the fake.
mod cases {
    use super::*;

    pub async fn every_kind_is_stored_and_read_back_newest_first(s: Subject) {
        let lea = s.citizen(1).await;
        let resource = s.resource(lea).await;
        let mut sent = Vec::new();
        for (i, kind) in every_kind(resource).into_iter().enumerate() {
            let notification = Notification::new(lea, kind, later(i64::try_from(i).unwrap()));
            s.store.insert(&notification).await.unwrap();
            sent.push(notification);
        }
        let read = sent[2].clone().read(later(60));
        assert!(s.store.mark_read(lea, read.id, later(60)).await.unwrap());
        sent[2] = read;

        let inbox = s.all(lea, InboxFilter::All).await;

        sent.reverse();
        assert_eq!(inbox, sent);
    }

    pub async fn unknown_recipients_resources_and_taken_ids_are_conflicts(s: Subject) {
        let lea = s.citizen(1).await;
        let resource = s.resource(lea).await;
        let kind = NotificationKind::ResourceApproved { resource };

        let nobody = Notification::new(UserId::generate(), kind.clone(), now());
        assert!(matches!(
            s.store.insert(&nobody).await,
            Err(RepositoryError::Conflict(_))
        ));
        let nothing = Notification::new(
            lea,
            NotificationKind::ResourceApproved {
                resource: ResourceId::generate(),
            },
            now(),
        );
        assert!(matches!(
            s.store.insert(&nothing).await,
            Err(RepositoryError::Conflict(_))
        ));
        let first = s.approval(lea, resource, 0).await;
        assert!(matches!(
            s.store.insert(&first).await,
            Err(RepositoryError::Conflict(_))
        ));

        assert_eq!(s.all(lea, InboxFilter::All).await, [first]);
    }

    pub async fn keyset_pages_cover_every_notification_once(s: Subject) {
        let lea = s.citizen(1).await;
        let resource = s.resource(lea).await;
        let mut sent = Vec::new();
        for i in 0..23 {
            sent.push(s.approval(lea, resource, i).await.id);
        }
        // Every third one read: the unread pages skip them.
        for id in sent.iter().step_by(3) {
            s.store.mark_read(lea, *id, later(100)).await.unwrap();
        }
        sent.reverse();

        for (filter, expected) in [
            (InboxFilter::All, sent.clone()),
            (
                InboxFilter::Unread,
                sent.iter()
                    .copied()
                    .filter(|id| !sent.iter().rev().step_by(3).any(|read| read == id))
                    .collect(),
            ),
        ] {
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let page = s.store.page(lea, filter, after, 5).await.unwrap();
                assert!(page.len() <= 5);
                seen.extend(page.iter().map(|n| n.id));
                match page.last() {
                    Some(last) if page.len() == 5 => after = Some(last.id),
                    _ => break,
                }
            }
            assert_eq!(seen, expected, "{filter:?}");
        }

        // A position need not be a notification, nor exist.
        let before_all = NotificationId::from_uuid(uuid::Uuid::nil());
        assert!(
            s.store
                .page(lea, InboxFilter::All, Some(before_all), 5)
                .await
                .unwrap()
                .is_empty()
        );
        let after_all = NotificationId::generate();
        assert_eq!(
            s.store
                .page(lea, InboxFilter::All, Some(after_all), 3)
                .await
                .unwrap()
                .iter()
                .map(|n| n.id)
                .collect::<Vec<_>>(),
            sent[..3]
        );
    }

    pub async fn no_call_reaches_another_inbox(s: Subject) {
        let lea = s.citizen(1).await;
        let tom = s.citizen(2).await;
        let resource = s.resource(lea).await;
        let leas = s.approval(lea, resource, 0).await;
        let toms = s.approval(tom, resource, 1).await;

        assert_eq!(
            s.all(lea, InboxFilter::All).await,
            std::slice::from_ref(&leas)
        );
        assert_eq!(s.all(tom, InboxFilter::Unread).await, [toms]);
        assert!(!s.store.mark_read(tom, leas.id, later(5)).await.unwrap());
        assert_eq!(s.store.mark_all_read(tom, later(5)).await.unwrap(), 1);

        assert_eq!(s.all(lea, InboxFilter::All).await, [leas]);
        assert_eq!(s.store.unread_count(lea).await.unwrap(), 1);
        assert_eq!(s.store.unread_count(tom).await.unwrap(), 0);
        assert_eq!(s.store.unread_count(UserId::generate()).await.unwrap(), 0);
    }

    pub async fn reading_again_keeps_the_first_reading(s: Subject) {
        let lea = s.citizen(1).await;
        let resource = s.resource(lea).await;
        let first = s.approval(lea, resource, 0).await;
        let second = s.approval(lea, resource, 1).await;
        assert_eq!(s.store.unread_count(lea).await.unwrap(), 2);

        assert!(s.store.mark_read(lea, first.id, later(10)).await.unwrap());
        assert!(s.store.mark_read(lea, first.id, later(20)).await.unwrap());
        assert!(
            !s.store
                .mark_read(lea, NotificationId::generate(), later(20))
                .await
                .unwrap()
        );

        assert_eq!(s.store.unread_count(lea).await.unwrap(), 1);
        assert_eq!(
            s.all(lea, InboxFilter::All).await,
            [second.clone(), first.read(later(10))]
        );
        assert_eq!(s.all(lea, InboxFilter::Unread).await, [second]);
    }

    pub async fn marking_all_read_counts_the_unread_and_keeps_earlier_readings(s: Subject) {
        let lea = s.citizen(1).await;
        let resource = s.resource(lea).await;
        let first = s.approval(lea, resource, 0).await;
        let second = s.approval(lea, resource, 1).await;
        let third = s.approval(lea, resource, 2).await;
        s.store.mark_read(lea, second.id, later(10)).await.unwrap();

        assert_eq!(s.store.mark_all_read(lea, later(20)).await.unwrap(), 2);
        assert_eq!(s.store.mark_all_read(lea, later(30)).await.unwrap(), 0);

        assert_eq!(s.store.unread_count(lea).await.unwrap(), 0);
        assert!(s.all(lea, InboxFilter::Unread).await.is_empty());
        assert_eq!(
            s.all(lea, InboxFilter::All).await,
            [
                third.read(later(20)),
                second.read(later(10)),
                first.read(later(20))
            ]
        );
    }

    pub async fn the_purge_deletes_the_oldest_first_in_batches(s: Subject) {
        let lea = s.citizen(1).await;
        let tom = s.citizen(2).await;
        let resource = s.resource(lea).await;
        // Sent out of order: the purge goes by age, not by id.
        let young = s.approval(lea, resource, 50).await;
        let oldest = s.approval(tom, resource, -30).await;
        let old = s.approval(lea, resource, -20).await;
        let older = s.approval(lea, resource, -25).await;
        s.store.mark_read(lea, old.id, later(0)).await.unwrap();

        // Older than -20 s: the oldest and the older; a batch of one takes
        // the oldest.
        assert_eq!(s.store.purge_sent_before(later(-20), 1).await.unwrap(), 1);
        assert_eq!(s.all(tom, InboxFilter::All).await, []);
        assert_eq!(
            s.all(lea, InboxFilter::All).await,
            [older, old.read(later(0)), young.clone()]
        );
        drop(oldest);

        assert_eq!(s.store.purge_sent_before(later(0), 10).await.unwrap(), 2);
        assert_eq!(s.store.purge_sent_before(later(0), 10).await.unwrap(), 0);

        assert_eq!(s.all(lea, InboxFilter::All).await, [young]);
        assert_eq!(s.store.unread_count(lea).await.unwrap(), 1);
    }
}

/// Declares each case on every engine (through the adapter) and on the fake.
macro_rules! contract {
    ($($name:ident),+ $(,)?) => {
        $(
            async fn $name(test_db: TestDatabase) {
                let db = support::migrated(&test_db).await;
                cases::$name(Subject::database(&db)).await;
            }
        )+
        on_every_engine!($($name),+);
        mod fake {
            $(
                #[tokio::test]
                async fn $name() {
                    super::cases::$name(super::Subject::fake()).await;
                }
            )+
        }
    };
}

contract!(
    every_kind_is_stored_and_read_back_newest_first,
    unknown_recipients_resources_and_taken_ids_are_conflicts,
    keyset_pages_cover_every_notification_once,
    no_call_reaches_another_inbox,
    reading_again_keeps_the_first_reading,
    marking_all_read_counts_the_unread_and_keeps_earlier_readings,
    the_purge_deletes_the_oldest_first_in_batches,
);

/// The adapter's own: an inbox goes with its account, a notification with
/// its resource, and a row that makes no notification is an error.
mod adapter {
    use super::*;

    fn id_literal(id: uuid::Uuid) -> String {
        format!("X'{}'", id.simple())
    }

    async fn an_inbox_goes_with_its_account_and_a_notification_with_its_resource(
        test_db: TestDatabase,
    ) {
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let tom = s.citizen(2).await;
        let leas = s.resource(lea).await;
        let toms = s.resource(tom).await;
        s.approval(tom, leas, 0).await;
        let kept = s.approval(tom, toms, 1).await;
        s.approval(lea, toms, 2).await;

        let sql = format!(
            "DELETE FROM resources WHERE id = {}",
            id_literal(leas.as_uuid())
        );
        assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);
        let sql = format!("DELETE FROM users WHERE id = {}", id_literal(lea.as_uuid()));
        assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);

        assert_eq!(s.all(tom, InboxFilter::All).await, [kept]);
        assert_eq!(s.all(lea, InboxFilter::All).await, []);
        assert_eq!(
            s.store.purge_sent_before(later(1_000), 100).await.unwrap(),
            1
        );
    }

    async fn a_row_that_makes_no_notification_is_an_internal_error(test_db: TestDatabase) {
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let resource = s.resource(lea).await;
        let approval = s.approval(lea, resource, 0).await;

        let sql = format!(
            "UPDATE notifications SET kind = 'resource_rejected' WHERE id = {}",
            id_literal(approval.id.as_uuid())
        );
        assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);

        assert!(matches!(
            s.store.page(lea, InboxFilter::All, None, 10).await,
            Err(RepositoryError::Internal(_))
        ));
        // Counting and marking read no row's content: they still work.
        assert_eq!(s.store.unread_count(lea).await.unwrap(), 1);
        assert!(s.store.mark_read(lea, approval.id, later(1)).await.unwrap());
    }

    on_every_engine!(
        an_inbox_goes_with_its_account_and_a_notification_with_its_resource,
        a_row_that_makes_no_notification_is_an_internal_error,
    );
}
