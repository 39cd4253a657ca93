//! Contract of `DataExportRepository`, passed by the sea-orm adapter on the
//! real migrations on every engine and by the in-memory fake of
//! `rr_application::test_util`: round trips, one live export per person and
//! origin, claims that one worker wins, transitions that happen once, the
//! archives due for removal, lists, and the deletion of closed records. The
//! cascades are the adapter's alone.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::sync::Arc;

use rr_application::RepositoryError;
use rr_application::ports::{DataExportRepository, UserRepository};
use rr_application::test_util::{FakeDataExports, FakeUsers};
use rr_domain::identity::{
    DataExport, ExportFailure, ExportId, ExportOrigin, ExportStatus, StoredArchive, UserId,
};
use rr_domain::resource::BlobDigest;
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, user};
use time::Duration;

/// A store and the accounts it checks.
struct Subject {
    store: Arc<dyn DataExportRepository>,
    users: Arc<dyn UserRepository>,
}

impl Subject {
    fn database(db: &Database) -> Self {
        Self {
            store: db.data_exports(),
            users: db.users(),
        }
    }

    fn fake() -> Self {
        let users = Arc::new(FakeUsers::default());
        Self {
            store: Arc::new(FakeDataExports::new(users.clone())),
            users,
        }
    }

    async fn citizen(&self, n: u8) -> UserId {
        let user = user(n);
        self.users.insert(&user).await.unwrap();
        user.id
    }

    /// A stored request by `person` about themselves at `now()` + `seconds`.
    async fn requested(&self, person: UserId, seconds: i64) -> DataExport {
        let export = DataExport::request(person, person, ExportOrigin::Person, later(seconds));
        self.store.insert(&export).await.unwrap();
        export
    }

    async fn get(&self, id: ExportId) -> DataExport {
        self.store.find(id).await.unwrap().unwrap()
    }

    /// `export` claimed, produced and stored ready at `at`.
    async fn ready(&self, export: &DataExport, at: time::OffsetDateTime) -> DataExport {
        let mut claimed = self
            .store
            .claim(export.id, at, at - Duration::minutes(15))
            .await
            .unwrap()
            .unwrap();
        claimed
            .mark_ready(
                archive(claimed.id.as_uuid().as_bytes()[15]),
                at,
                Duration::days(7),
            )
            .unwrap();
        assert!(self.store.finish(&claimed).await.unwrap());
        claimed
    }
}

fn archive(n: u8) -> StoredArchive {
    StoredArchive {
        digest: BlobDigest::from_sha256([n; 32]),
        stored_bytes: 1_040 + u64::from(n),
        content_bytes: 1_000 + u64::from(n),
    }
}

mod cases {
    use super::*;

    pub async fn an_export_is_stored_and_read_back_as_it_goes(s: Subject) {
        let lea = s.citizen(1).await;
        let export = s.requested(lea, 0).await;
        assert_eq!(s.get(export.id).await, export);
        assert_eq!(s.store.find(ExportId::generate()).await.unwrap(), None);

        let ready = s.ready(&export, later(5)).await;
        let stored = s.get(export.id).await;
        assert_eq!(stored, ready, "every field, instants to the microsecond");
        assert_eq!(stored.attempts, 1);
        assert_eq!(stored.started_at, Some(later(5)));
        assert_eq!(stored.expires_at, Some(later(5) + Duration::days(7)));

        let staff = s.citizen(2).await;
        let mut failed = DataExport::request(lea, staff, ExportOrigin::Staff, later(6));
        s.store.insert(&failed).await.unwrap();
        let claimed = s
            .store
            .claim(failed.id, later(7), later(0))
            .await
            .unwrap()
            .unwrap();
        failed.started_at = claimed.started_at;
        failed.attempts = 1;
        failed
            .mark_failed(ExportFailure::TooLarge, later(8))
            .unwrap();
        assert!(s.store.finish(&failed).await.unwrap());
        assert_eq!(s.get(failed.id).await, failed);
    }

    pub async fn a_person_has_one_live_export_of_each_origin(s: Subject) {
        let lea = s.citizen(1).await;
        let staff = s.citizen(2).await;
        let first = s.requested(lea, 0).await;
        let again = DataExport::request(lea, lea, ExportOrigin::Person, later(1));
        assert!(matches!(
            s.store.insert(&again).await,
            Err(RepositoryError::Conflict(_))
        ));
        let by_staff = DataExport::request(lea, staff, ExportOrigin::Staff, later(1));
        s.store.insert(&by_staff).await.unwrap();
        let tom = s.citizen(3).await;
        s.requested(tom, 1).await;
        let nobody = DataExport::request(UserId::generate(), lea, ExportOrigin::Staff, later(1));
        assert!(matches!(
            s.store.insert(&nobody).await,
            Err(RepositoryError::Conflict(_))
        ));

        // Ready is live too; downloaded is not.
        s.ready(&first, later(2)).await;
        assert!(s.store.insert(&again).await.is_err());
        assert!(s.store.mark_downloaded(first.id, later(3)).await.unwrap());
        s.store.insert(&again).await.unwrap();
    }

    pub async fn a_ready_export_past_its_end_gives_way_to_a_new_request(s: Subject) {
        let lea = s.citizen(1).await;
        let first = s.requested(lea, 0).await;
        s.ready(&first, later(0)).await;
        let end = later(0) + Duration::days(7);
        let early = DataExport::request(lea, lea, ExportOrigin::Person, end - Duration::SECOND);
        assert!(s.store.insert(&early).await.is_err());
        let on_time = DataExport::request(lea, lea, ExportOrigin::Person, end);
        s.store.insert(&on_time).await.unwrap();
        let old = s.get(first.id).await;
        assert_eq!(old.status, ExportStatus::Expired);
        assert!(old.archive.is_some(), "left for the sweep");
        let due = s.store.archives_due(end, end, 10).await.unwrap();
        assert_eq!(due.iter().map(|e| e.id).collect::<Vec<_>>(), [first.id]);
    }

    pub async fn one_claimant_wins_and_a_dead_claim_goes_stale(s: Subject) {
        let lea = s.citizen(1).await;
        let tom = s.citizen(2).await;
        let first = s.requested(lea, 0).await;
        let second = s.requested(tom, 1).await;
        let stale = |at: time::OffsetDateTime| at - Duration::minutes(15);

        assert_eq!(
            s.store
                .claimable(later(10), stale(later(10)), 10)
                .await
                .unwrap(),
            [first.id, second.id],
            "oldest first"
        );
        assert_eq!(
            s.store
                .claimable(later(1), stale(later(1)), 10)
                .await
                .unwrap(),
            [first.id],
            "one just requested is left to its request"
        );
        assert_eq!(
            s.store
                .claimable(later(10), stale(later(10)), 1)
                .await
                .unwrap(),
            [first.id]
        );
        let claimed = s
            .store
            .claim(first.id, later(10), stale(later(10)))
            .await
            .unwrap();
        assert_eq!(claimed.unwrap().attempts, 1);
        assert_eq!(
            s.store
                .claim(first.id, later(11), stale(later(11)))
                .await
                .unwrap(),
            None,
            "claimed and not stale"
        );
        assert_eq!(
            s.store
                .claimable(later(11), stale(later(11)), 10)
                .await
                .unwrap(),
            [second.id]
        );
        let much_later = later(10) + Duration::minutes(16);
        assert_eq!(
            s.store
                .claimable(much_later, stale(much_later), 10)
                .await
                .unwrap(),
            [first.id, second.id]
        );
        let retaken = s
            .store
            .claim(first.id, much_later, stale(much_later))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(retaken.attempts, 2);
        assert_eq!(retaken.started_at, Some(much_later));

        s.ready(&second, much_later).await;
        assert_eq!(
            s.store
                .claim(second.id, much_later, much_later + Duration::days(1))
                .await
                .unwrap(),
            None,
            "no longer requested"
        );
        assert_eq!(
            s.store
                .claimable(much_later, much_later + Duration::days(1), 10)
                .await
                .unwrap(),
            [first.id]
        );
    }

    pub async fn a_production_is_finished_once_and_downloaded_once(s: Subject) {
        let lea = s.citizen(1).await;
        let export = s.requested(lea, 0).await;
        let ready = s.ready(&export, later(1)).await;
        assert!(!s.store.finish(&ready).await.unwrap(), "finished already");
        let mut failed = ready.clone();
        failed.status = ExportStatus::Failed;
        assert!(!s.store.finish(&failed).await.unwrap());

        let end = later(1) + Duration::days(7);
        assert!(
            !s.store.mark_downloaded(export.id, end).await.unwrap(),
            "too late"
        );
        assert!(s.store.mark_downloaded(export.id, later(2)).await.unwrap());
        assert!(
            !s.store.mark_downloaded(export.id, later(3)).await.unwrap(),
            "once"
        );
        let downloaded = s.get(export.id).await;
        assert_eq!(downloaded.status, ExportStatus::Downloaded);
        assert_eq!(downloaded.downloaded_at, Some(later(2)));
        assert!(downloaded.archive.is_some(), "until removed");

        let other = s.requested(s.citizen(2).await, 0).await;
        assert!(
            !s.store.mark_downloaded(other.id, later(1)).await.unwrap(),
            "not ready"
        );
    }

    pub async fn archives_are_due_when_expired_downloaded_long_ago_or_failed(s: Subject) {
        let mut exports = Vec::new();
        for n in 1..=4 {
            let person = s.citizen(n).await;
            let export = s.requested(person, 0).await;
            exports.push(s.ready(&export, later(0)).await);
        }
        let [expiring, downloaded, recent, unread] = exports.try_into().unwrap();
        let end = later(0) + Duration::days(7);
        s.store
            .mark_downloaded(downloaded.id, later(10))
            .await
            .unwrap();
        s.store
            .mark_downloaded(recent.id, end - Duration::SECOND)
            .await
            .unwrap();

        let before_end = s
            .store
            .archives_due(end - Duration::SECOND, later(11), 10)
            .await
            .unwrap();
        assert_eq!(
            before_end.iter().map(|e| e.id).collect::<Vec<_>>(),
            [downloaded.id],
            "downloaded before the grace cut-off; nothing expired yet"
        );
        let mut due: Vec<ExportId> = s
            .store
            .archives_due(end, later(11), 10)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        due.sort();
        let mut expected = vec![expiring.id, downloaded.id, unread.id];
        expected.sort();
        assert_eq!(due, expected, "the recent download is in its grace");

        for id in &due {
            s.store.archive_removed(*id).await.unwrap();
        }
        assert_eq!(s.store.archives_due(end, later(11), 10).await.unwrap(), []);
        let expired = s.get(expiring.id).await;
        assert_eq!(expired.status, ExportStatus::Expired);
        assert_eq!(expired.archive, None);
        let gone = s.get(downloaded.id).await;
        assert_eq!(gone.status, ExportStatus::Downloaded, "stays downloaded");
        assert_eq!(gone.archive, None);
        assert!(s.get(recent.id).await.archive.is_some());
    }

    pub async fn a_person_lists_theirs_and_what_they_asked_for(s: Subject) {
        let lea = s.citizen(1).await;
        let staff = s.citizen(2).await;
        let tom = s.citizen(3).await;
        let mut leas = Vec::new();
        for i in 0..5 {
            let export = s.requested(lea, i).await;
            s.ready(&export, later(i)).await;
            s.store.mark_downloaded(export.id, later(i)).await.unwrap();
            leas.push(export.id);
        }
        let for_lea = DataExport::request(lea, staff, ExportOrigin::Staff, later(10));
        s.store.insert(&for_lea).await.unwrap();
        let for_tom = DataExport::request(tom, staff, ExportOrigin::Staff, later(11));
        s.store.insert(&for_tom).await.unwrap();
        leas.push(for_lea.id);
        leas.reverse();

        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s.store.list_for(lea, after, 4).await.unwrap();
            seen.extend(page.iter().map(|e| e.id));
            if page.len() < 4 {
                break;
            }
            after = page.last().map(|e| e.id);
        }
        assert_eq!(seen, leas, "newest first, every one once");
        let staffs: Vec<ExportId> = s
            .store
            .list_for(staff, None, 10)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(staffs, [for_tom.id, for_lea.id]);
        assert_eq!(
            s.store
                .list_for(tom, None, 10)
                .await
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            [for_tom.id]
        );
    }

    pub async fn closed_records_without_archive_are_deleted_after_their_time(s: Subject) {
        let lea = s.citizen(1).await;
        let tom = s.citizen(2).await;
        let old = s.requested(lea, 0).await;
        s.ready(&old, later(0)).await;
        s.store.mark_downloaded(old.id, later(1)).await.unwrap();
        let live = s.requested(tom, 0).await;

        assert_eq!(
            s.store.delete_closed_before(later(100)).await.unwrap(),
            0,
            "its archive is still stored"
        );
        s.store.archive_removed(old.id).await.unwrap();
        assert_eq!(s.store.delete_closed_before(later(0)).await.unwrap(), 0);
        assert_eq!(s.store.delete_closed_before(later(100)).await.unwrap(), 1);
        assert_eq!(s.store.find(old.id).await.unwrap(), None);
        assert!(s.store.find(live.id).await.unwrap().is_some(), "live");
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
    an_export_is_stored_and_read_back_as_it_goes,
    a_person_has_one_live_export_of_each_origin,
    a_ready_export_past_its_end_gives_way_to_a_new_request,
    one_claimant_wins_and_a_dead_claim_goes_stale,
    a_production_is_finished_once_and_downloaded_once,
    archives_are_due_when_expired_downloaded_long_ago_or_failed,
    a_person_lists_theirs_and_what_they_asked_for,
    closed_records_without_archive_are_deleted_after_their_time,
);

/// The adapter's own: exports go with the person's account, and outlive
/// the staff account that asked for them.
mod adapter {
    use super::*;

    fn id_literal(id: uuid::Uuid) -> String {
        format!("X'{}'", id.simple())
    }

    async fn exports_go_with_their_person_and_outlive_their_requester(test_db: TestDatabase) {
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let staff = s.citizen(2).await;
        let tom = s.citizen(3).await;
        let leas = s.requested(lea, 0).await;
        let for_tom = DataExport::request(tom, staff, ExportOrigin::Staff, now());
        s.store.insert(&for_tom).await.unwrap();

        for gone in [lea, staff] {
            let sql = format!(
                "DELETE FROM users WHERE id = {}",
                id_literal(gone.as_uuid())
            );
            assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);
        }

        assert_eq!(s.store.find(leas.id).await.unwrap(), None);
        let kept = s.get(for_tom.id).await;
        assert_eq!(kept.requested_by, None, "the staff account is gone");
        assert_eq!(kept.origin, ExportOrigin::Staff);
    }

    async fn the_database_refuses_a_live_flag_at_odds_with_the_status(test_db: TestDatabase) {
        let db = support::migrated(&test_db).await;
        let s = Subject::database(&db);
        let lea = s.citizen(1).await;
        let export = s.requested(lea, 0).await;
        let sql = format!(
            "UPDATE data_exports SET status = 'failed' WHERE id = {}",
            id_literal(export.id.as_uuid())
        );
        assert!(execute(test_db.url(), &sql).await.is_err());
    }

    on_every_engine!(
        exports_go_with_their_person_and_outlive_their_requester,
        the_database_refuses_a_live_flag_at_odds_with_the_status,
    );
}
