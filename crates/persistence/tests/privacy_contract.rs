//! Contracts of `PrivacyPolicyRepository` and `ConsentRepository`, passed by
//! the sea-orm adapters on the real migrations on every engine and by the
//! in-memory fakes of `rr_application::test_util`: the seeded first version,
//! publication and its conflicts, the version in force at an instant; an
//! account's first choices recorded with it, choices appended with the
//! account's state in step, the restriction set and lifted. Then, on the
//! adapters alone: the history goes with its account, and every query that
//! shows content to others leaves a restricted author's out (catalogue,
//! resource by id, comment threads, the dashboard's lists and tallies).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::sync::Arc;

use rr_application::RepositoryError;
use rr_application::ports::{
    CatalogueAudience, CatalogueQuery, CatalogueSort, CommentRecord, ConsentRepository,
    PrivacyPolicyRepository, ProgressList, ResourceRecord, UserRepository,
};
use rr_application::test_util::{FakePrivacyPolicies, FakeUsers};
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::identity::{AuthenticatedActor, Role, SessionId, UserId};
use rr_domain::privacy::{ConsentRecord, PolicyDocument, PolicyText, PolicyVersion, Purpose};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, user};
use time::macros::datetime;

fn version(raw: &str) -> PolicyVersion {
    PolicyVersion::parse(raw).unwrap()
}

fn document(raw: &str, seconds: i64) -> PolicyDocument {
    PolicyDocument {
        version: version(raw),
        published_at: later(seconds),
        text: PolicyText::parse(&format!("# Politique\n\nVersion {raw}.")).unwrap(),
    }
}

fn choice(purpose: Purpose, granted: bool, raw: &str, seconds: i64) -> ConsentRecord {
    ConsentRecord {
        purpose,
        granted,
        policy_version: version(raw),
        at: later(seconds),
    }
}

/// The stores under test.
struct Subject {
    policies: Arc<dyn PrivacyPolicyRepository>,
    consents: Arc<dyn ConsentRepository>,
    users: Arc<dyn UserRepository>,
}

impl Subject {
    fn database(db: &Database) -> Self {
        Self {
            policies: db.privacy_policies(),
            consents: db.consents(),
            users: db.users(),
        }
    }

    fn fake() -> Self {
        let users = Arc::new(FakeUsers::default());
        Self {
            policies: Arc::new(FakePrivacyPolicies::default()),
            consents: users.clone(),
            users,
        }
    }

    async fn citizen(&self, n: u8) -> UserId {
        let user = user(n);
        self.users.insert(&user).await.unwrap();
        user.id
    }
}

/// The contract's cases, each run on the adapters and on the fakes.
mod cases {
    use super::*;

    pub async fn the_first_version_is_in_force_and_a_later_one_replaces_it(s: Subject) {
        let first = s.policies.current(now()).await.unwrap().unwrap();
        assert_eq!(first.version, version("2026-11"));
        assert_eq!(first.published_at, datetime!(2026-11-29 00:00 UTC));
        assert!(first.text.as_str().starts_with("# Politique"));

        s.policies.publish(&document("2027-01", 60)).await.unwrap();

        assert_eq!(
            s.policies
                .current(later(59))
                .await
                .unwrap()
                .unwrap()
                .version,
            version("2026-11"),
            "not in force before its publication"
        );
        let current = s.policies.current(later(60)).await.unwrap().unwrap();
        assert_eq!(current, document("2027-01", 60));
        assert_eq!(
            s.policies.find(&version("2026-11")).await.unwrap(),
            Some(first.clone()),
            "past versions stay readable"
        );
        assert_eq!(s.policies.find(&version("2027-1")).await.unwrap(), None);
        assert_eq!(
            s.policies.list().await.unwrap(),
            [
                (version("2027-01"), later(60)),
                (version("2026-11"), first.published_at)
            ]
        );
    }

    pub async fn a_taken_version_or_instant_is_a_conflict(s: Subject) {
        s.policies.publish(&document("2027-01", 60)).await.unwrap();
        for taken in [document("2027-01", 120), document("2027-02", 60)] {
            assert!(matches!(
                s.policies.publish(&taken).await,
                Err(RepositoryError::Conflict(_))
            ));
        }
        assert_eq!(s.policies.list().await.unwrap().len(), 2);
    }

    pub async fn an_accounts_first_choices_are_recorded_with_it(s: Subject) {
        let mut sam = user(2);
        sam.communications_consent = true;
        sam.statistics_objection = true;
        s.users.insert(&sam).await.unwrap();
        let lea = s.citizen(1).await;

        assert_eq!(
            s.consents.history(sam.id).await.unwrap(),
            [
                ConsentRecord {
                    at: now(),
                    ..choice(Purpose::TermsAndPolicy, true, "2026-11", 0)
                },
                choice(Purpose::Communications, true, "2026-11", 0),
                choice(Purpose::Statistics, false, "2026-11", 0),
            ]
        );
        assert_eq!(s.consents.history(lea).await.unwrap().len(), 3);
        assert!(
            s.consents
                .history(UserId::generate())
                .await
                .unwrap()
                .is_empty()
        );
    }

    pub async fn choices_are_appended_with_the_accounts_state(s: Subject) {
        let lea = s.citizen(1).await;
        let sam = s.citizen(2).await;
        s.policies.publish(&document("2027-01", 10)).await.unwrap();

        let choices = [
            choice(Purpose::TermsAndPolicy, true, "2027-01", 20),
            choice(Purpose::Communications, true, "2027-01", 20),
            choice(Purpose::Statistics, false, "2027-01", 20),
        ];
        assert!(s.consents.record(lea, &choices).await.unwrap());
        let account = s.users.find(lea).await.unwrap().unwrap();
        assert_eq!(account.policy_version, "2027-01");
        assert!(account.communications_consent);
        assert!(account.statistics_objection);
        assert_eq!(s.consents.history(lea).await.unwrap()[3..], choices);

        let withdrawn = [
            choice(Purpose::Communications, false, "2027-01", 30),
            choice(Purpose::Statistics, true, "2027-01", 30),
        ];
        assert!(s.consents.record(lea, &withdrawn).await.unwrap());
        let account = s.users.find(lea).await.unwrap().unwrap();
        assert_eq!(account.policy_version, "2027-01");
        assert!(!account.communications_consent);
        assert!(!account.statistics_objection);
        let history = s.consents.history(lea).await.unwrap();
        assert_eq!(history.len(), 8, "oldest first, nothing rewritten");
        assert_eq!(history[6..], withdrawn);

        let other = s.users.find(sam).await.unwrap().unwrap();
        assert_eq!(
            other.policy_version, "2026-11",
            "another account is untouched"
        );
        assert_eq!(s.consents.history(sam).await.unwrap().len(), 3);
    }

    pub async fn an_unknown_account_or_withdrawn_terms_change_nothing(s: Subject) {
        let lea = s.citizen(1).await;
        let ghost = UserId::generate();
        let comms = [choice(Purpose::Communications, true, "2026-11", 5)];
        assert!(!s.consents.record(ghost, &comms).await.unwrap());
        assert!(s.consents.history(ghost).await.unwrap().is_empty());

        let refused = [
            choice(Purpose::Communications, true, "2026-11", 5),
            choice(Purpose::TermsAndPolicy, false, "2026-11", 5),
        ];
        assert!(matches!(
            s.consents.record(lea, &refused).await,
            Err(RepositoryError::Internal(_))
        ));
        assert!(
            !s.users
                .find(lea)
                .await
                .unwrap()
                .unwrap()
                .communications_consent
        );
        assert_eq!(s.consents.history(lea).await.unwrap().len(), 3);
    }

    pub async fn a_restriction_is_set_and_lifted(s: Subject) {
        let lea = s.citizen(1).await;
        assert!(
            s.consents
                .set_restriction(lea, Some(later(5)))
                .await
                .unwrap()
        );
        assert_eq!(
            s.users.find(lea).await.unwrap().unwrap().restricted_since,
            Some(later(5))
        );
        // A plain update of the account leaves it.
        let mut account = s.users.find(lea).await.unwrap().unwrap();
        account.restricted_since = None;
        account.failed_logins = 1;
        s.users.update(&account).await.unwrap();
        let stored = s.users.find(lea).await.unwrap().unwrap();
        assert_eq!(
            (stored.failed_logins, stored.restricted_since),
            (1, Some(later(5)))
        );

        assert!(s.consents.set_restriction(lea, None).await.unwrap());
        assert_eq!(
            s.users.find(lea).await.unwrap().unwrap().restricted_since,
            None
        );
        assert!(
            !s.consents
                .set_restriction(UserId::generate(), Some(later(5)))
                .await
                .unwrap()
        );
    }
}

macro_rules! on_the_adapters_and_the_fakes {
    ($($name:ident),+ $(,)?) => {
        mod fake {
            $(
                #[tokio::test]
                async fn $name() {
                    super::cases::$name(super::Subject::fake()).await;
                }
            )+
        }
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let test_db = rr_persistence::testing::TestDatabase::sqlite();
                    let db = super::support::migrated(&test_db).await;
                    super::cases::$name(super::Subject::database(&db)).await;
                }
            )+
        }
        mod mariadb {
            $(
                #[tokio::test]
                async fn $name() {
                    match rr_persistence::testing::TestDatabase::mariadb().await {
                        Some(test_db) => {
                            let db = super::support::migrated(&test_db).await;
                            super::cases::$name(super::Subject::database(&db)).await;
                        }
                        None => eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped"),
                    }
                }
            )+
        }
    };
}

on_the_adapters_and_the_fakes!(
    the_first_version_is_in_force_and_a_later_one_replaces_it,
    a_taken_version_or_instant_is_a_conflict,
    an_accounts_first_choices_are_recorded_with_it,
    choices_are_appended_with_the_accounts_state,
    an_unknown_account_or_withdrawn_terms_change_nothing,
    a_restriction_is_set_and_lifted,
);

/// The adapters' own cases.
mod adapter {
    use super::*;

    fn seeded(kind: u8, position: u8) -> ReferenceId {
        ReferenceId::from_uuid(
            uuid::Uuid::parse_str(&format!(
                "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
            ))
            .unwrap(),
        )
    }

    fn id_literal(id: uuid::Uuid) -> String {
        format!("X'{}'", id.simple())
    }

    async fn resource(db: &Database, author: UserId) -> ResourceId {
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
        record.id
    }

    async fn comment(db: &Database, resource: ResourceId, author: UserId, seconds: i64) {
        let id = CommentId::generate();
        db.comments()
            .insert(&CommentRecord {
                id,
                resource,
                parent: None,
                root: id,
                depth: 0,
                author,
                body: Some(CommentBody::parse("Merci !").unwrap()),
                as_moderator: false,
                state: CommentState::Visible,
                created_at: later(seconds),
                edited_at: None,
                updated_at: later(seconds),
                version: 0,
            })
            .await
            .unwrap();
    }

    fn actor(user: UserId) -> AuthenticatedActor {
        AuthenticatedActor {
            user_id: user,
            session_id: SessionId::generate(),
            role: Role::Citizen,
            two_factor: false,
        }
    }

    fn catalogue(audience: CatalogueAudience) -> CatalogueQuery {
        CatalogueQuery {
            audience,
            category: None,
            resource_type: None,
            relation_types: Vec::new(),
            author: None,
            created_from: None,
            created_before: None,
            text: None,
            sort: CatalogueSort::Newest,
            after: None,
            limit: 100,
        }
    }

    pub async fn the_history_goes_with_its_account(test_db: TestDatabase) {
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let sql = format!("DELETE FROM users WHERE id = {}", id_literal(lea.as_uuid()));
        assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);
        assert!(s.consents.history(lea).await.unwrap().is_empty());
    }

    pub async fn a_restricted_authors_content_is_read_as_such_and_left_out_of_lists(
        test_db: TestDatabase,
    ) {
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let sam = s.citizen(2).await;
        let leas = resource(&db, lea).await;
        let sams = resource(&db, sam).await;
        comment(&db, sams, lea, 1).await;
        comment(&db, sams, sam, 2).await;
        let engagement = db.engagement();
        for resource in [leas, sams] {
            engagement
                .add_favourite(sam, resource, now())
                .await
                .unwrap();
            engagement
                .add_favourite(lea, resource, now())
                .await
                .unwrap();
        }

        assert!(
            s.consents
                .set_restriction(lea, Some(later(10)))
                .await
                .unwrap()
        );

        // The catalogue, for visitors and members, leaves Léa's resource out.
        for audience in [CatalogueAudience::Visitor, CatalogueAudience::Member(sam)] {
            let listed: Vec<ResourceId> = db
                .catalogue()
                .search(&catalogue(audience))
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.id)
                .collect();
            assert_eq!(listed, [sams], "{audience:?}");
        }
        // A read by id says the author is restricted (the use cases decide).
        let (_, author) = db
            .resources()
            .find_with_author(leas)
            .await
            .unwrap()
            .unwrap();
        assert!(author.unwrap().restricted);
        let (_, author) = db
            .resources()
            .find_with_author(sams)
            .await
            .unwrap()
            .unwrap();
        assert!(!author.unwrap().restricted);
        // So does a thread, per comment.
        let thread = db.comments().thread_page(sams, None, 10).await.unwrap();
        let flags: Vec<bool> = thread.iter().map(|c| c.author_restricted).collect();
        assert_eq!(flags, [true, false]);
        // Sam's dashboard leaves Léa's resource out; Léa's own keeps it.
        let sams_list: Vec<ResourceId> = engagement
            .list(&actor(sam), ProgressList::Favourites, None, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|item| item.resource)
            .collect();
        assert_eq!(sams_list, [sams]);
        let tallies = engagement.tallies(&actor(sam)).await.unwrap();
        assert_eq!(tallies.iter().map(|t| t.favourites).sum::<u64>(), 1);
        let leas_list = engagement
            .list(&actor(lea), ProgressList::Favourites, None, 10)
            .await
            .unwrap();
        assert_eq!(
            leas_list.len(),
            2,
            "her own resource stays in her own lists"
        );

        // Lifted: everything is back.
        assert!(s.consents.set_restriction(lea, None).await.unwrap());
        let listed = db
            .catalogue()
            .search(&catalogue(CatalogueAudience::Visitor))
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);
        let tallies = engagement.tallies(&actor(sam)).await.unwrap();
        assert_eq!(tallies.iter().map(|t| t.favourites).sum::<u64>(), 2);
    }

    /// Migration 000010 goes down alone (its tables and the restriction go,
    /// accounts stay) and, up again, gives existing accounts their state as
    /// their first choices.
    pub async fn the_migration_goes_down_and_back_up_with_the_accounts_choices(
        test_db: TestDatabase,
    ) {
        let db = support::migrated(&test_db).await;
        let mut lea = user(1);
        lea.communications_consent = true;
        lea.statistics_objection = true;
        lea.updated_at = later(60);
        db.users().insert(&lea).await.unwrap();
        let count = |sql: &'static str| {
            let url = test_db.url().to_owned();
            async move { rr_persistence::testing::query(&url, sql).await.unwrap()[0][0].clone() }
        };
        let from_000010 = db
            .migration_status()
            .await
            .unwrap()
            .iter()
            .rev()
            .take_while(|m| !m.name.contains("_000009_"))
            .filter(|m| m.applied)
            .count();
        db.migrate_down(Some(u32::try_from(from_000010).unwrap()))
            .await
            .unwrap();
        let tables = rr_persistence::testing::query(
            test_db.url(),
            if test_db.engine() == rr_persistence::Engine::Sqlite {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name IN ('consents', 'privacy_policies')"
            } else {
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME IN ('consents', 'privacy_policies')"
            },
        )
        .await
        .unwrap();
        assert!(tables.is_empty(), "{tables:?}");
        assert_eq!(
            count("SELECT COUNT(*) FROM users").await,
            "1",
            "accounts stay"
        );

        db.migrate_up(None).await.unwrap();

        assert_eq!(
            db.consents().history(lea.id).await.unwrap(),
            [
                choice(Purpose::TermsAndPolicy, true, "2026-11", 0),
                choice(Purpose::Communications, true, "2026-11", 60),
                choice(Purpose::Statistics, false, "2026-11", 60),
            ]
        );
        let account = db.users().find(lea.id).await.unwrap().unwrap();
        assert_eq!(account.restricted_since, None);
        assert_eq!(
            db.privacy_policies().list().await.unwrap().len(),
            1,
            "the first version, once"
        );
    }

    pub async fn a_restricted_accounts_events_are_not_written(test_db: TestDatabase) {
        use rr_application::ports::{Consultation, Search, StatisticsRecorder};
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let sam = s.citizen(2).await;
        let read = resource(&db, sam).await;
        assert!(s.consents.set_restriction(lea, Some(now())).await.unwrap());
        let statistics = db.statistics(100);
        for viewer in [lea, sam] {
            statistics.consulted(Consultation {
                resource: read,
                viewer: Some(viewer),
                at: later(1),
            });
            statistics.searched(Search {
                searcher: Some(viewer),
                at: later(1),
                category: None,
                resource_type: None,
                with_text: true,
            });
        }

        let report = statistics.flush().await.unwrap();

        assert_eq!(
            (report.consultations, report.searches, report.left_out),
            (1, 1, 2)
        );
    }

    on_every_engine!(
        a_restricted_accounts_events_are_not_written,
        the_migration_goes_down_and_back_up_with_the_accounts_choices,
        the_history_goes_with_its_account,
        a_restricted_authors_content_is_read_as_such_and_left_out_of_lists,
    );
}
