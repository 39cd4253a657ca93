//! The retention purge on in-memory fakes: a dry run counts and changes
//! nothing; a run warns inactive citizens once, erases those warned long
//! enough ago through the erasure use case, deletes what is past its period
//! and records it; a second run changes nothing more; staff and restricted
//! accounts are left alone; a refused mail is retried; the register states
//! the periods the purge applies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::ports::{
    ConsentRepository, DataExportRepository, Expiring, Mailer, ResourceRecord, ResourceRepository,
    UserRepository,
};
use rr_application::services::retention::{PurgeAction, PurgeMode, PurgeReport};
use rr_application::services::{
    DataExportPolicy, ErasurePolicy, NotificationPolicy, NotificationPorts, NotificationService,
    RetentionPolicy, RetentionPorts, RetentionService,
};
use rr_application::test_util::{
    FailingMailer, FakeDataExports, FakeNotifications, FakeResources, FakeRetentionStore,
    IdentityFixture, data_export_fixture, erasure_fixture, identity_fixture,
    idle_attachment_service,
};
use rr_domain::Uuid;
use rr_domain::community::NotificationKind;
use rr_domain::compliance::{RetentionCategory, RetentionPeriods, RetentionTerm, Span};
use rr_domain::identity::{DataExport, ExportOrigin, ExportStatus, Role, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    id: IdentityFixture,
    exports: Arc<FakeDataExports>,
    store: Arc<FakeRetentionStore>,
    inboxes: Arc<FakeNotifications>,
    resources: Arc<FakeResources>,
    service: RetentionService,
}

fn policy() -> RetentionPolicy {
    RetentionPolicy {
        frontend_url: "https://rr.exemple.fr".into(),
        ..RetentionPolicy::default()
    }
}

fn world_with(mailer: Option<Arc<dyn Mailer>>) -> World {
    let id = identity_fixture();
    let exports = data_export_fixture(&id, DataExportPolicy::default());
    let erasure = erasure_fixture(
        &id,
        idle_attachment_service(),
        exports.service.clone(),
        ErasurePolicy::default(),
    );
    let resources = Arc::new(FakeResources::default());
    let inboxes = Arc::new(FakeNotifications::new(id.users.clone(), resources.clone()));
    let notifications = NotificationService::new(
        NotificationPorts {
            notifications: inboxes.clone(),
            users: id.users.clone(),
            mailer: id.outbox.clone(),
            cipher: id.cipher.clone(),
            clock: id.clock.clone(),
        },
        NotificationPolicy::default(),
    );
    let store = Arc::new(FakeRetentionStore::new(
        id.users.clone(),
        inboxes.clone(),
        exports.exports.clone(),
    ));
    let service = RetentionService::new(
        RetentionPorts {
            store: store.clone(),
            users: id.users.clone(),
            exports: exports.exports.clone(),
            mailer: mailer.unwrap_or_else(|| id.outbox.clone()),
            cipher: id.cipher.clone(),
            audit: id.audit.clone(),
            clock: id.clock.clone(),
        },
        policy(),
        notifications,
        erasure.service,
    );
    World {
        exports: exports.exports,
        id,
        store,
        inboxes,
        resources,
        service,
    }
}

fn world() -> World {
    world_with(None)
}

impl World {
    async fn citizen(&self, name: &str) -> UserId {
        self.id.citizen(name, PASSWORD).await.unwrap().user_id
    }

    fn advance_days(&self, days: i64) {
        self.id.clock.advance(time::Duration::days(days));
    }

    fn now(&self) -> time::OffsetDateTime {
        self.id.clock.now_for_tests()
    }

    fn mails_to(&self, name: &str) -> usize {
        let to = format!("{name}@exemple.fr");
        self.id
            .outbox
            .sent()
            .iter()
            .filter(|m| m.to.as_str() == to && m.subject.contains("supprimé"))
            .count()
    }

    async fn exists(&self, id: UserId) -> bool {
        self.id.users.find(id).await.unwrap().is_some()
    }

    async fn set(&self, id: UserId, change: impl FnOnce(&mut rr_domain::identity::UserRecord)) {
        let users = &self.id.users;
        let mut record = users.find(id).await.unwrap().unwrap();
        change(&mut record);
        users.update(&record).await.unwrap();
    }

    async fn notify(&self, recipient: UserId) {
        let now = self.now();
        let reference = ReferenceId::from_uuid(Uuid::from_u128(1));
        let record = ResourceRecord {
            id: ResourceId::generate(),
            author: recipient,
            title: Title::parse("Parler à son ado").unwrap(),
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
        self.resources.insert(&record).await.unwrap();
        let notifier: &dyn rr_application::ports::Notifier = &NotificationService::new(
            NotificationPorts {
                notifications: self.inboxes.clone(),
                users: self.id.users.clone(),
                mailer: self.id.outbox.clone(),
                cipher: self.id.cipher.clone(),
                clock: self.id.clock.clone(),
            },
            NotificationPolicy::default(),
        );
        notifier
            .notify(
                recipient,
                NotificationKind::ResourceApproved {
                    resource: record.id,
                },
            )
            .await;
    }

    /// A bit of everything, old and young, around `now`; exports of `owner`.
    async fn fill(&self, owner: UserId) {
        let now = self.now();
        let days = |n: i64| now - time::Duration::days(n);
        for (age, status) in [
            (400, ExportStatus::Expired),
            (10, ExportStatus::Downloaded),
            (400, ExportStatus::Requested),
        ] {
            let mut export = DataExport::request(owner, owner, ExportOrigin::Person, days(age));
            export.status = status;
            self.exports.insert(&export).await.unwrap();
        }
        for what in [
            Expiring::EndedSessions,
            Expiring::OneTimeTokens,
            Expiring::StaffAccesses,
        ] {
            self.store.add(what, days(400));
            self.store.add(what, days(31));
            self.store.add(what, days(1));
        }
        // Username reservations by their end: two ended, one still holding.
        self.store.add(Expiring::UsernameReservations, days(31));
        self.store.add(Expiring::UsernameReservations, days(1));
        self.store.add(Expiring::UsernameReservations, days(-10));
        for n in [500, 370, 100] {
            self.store.add_audit_entry(days(n));
        }
        // Events of the months more than 25 months back go.
        let kept_from = self.kept_from();
        for day in [
            kept_from - time::Duration::days(16),
            kept_from.previous_day().unwrap(),
            kept_from,
        ] {
            self.store.add_event(day);
        }
    }

    fn kept_from(&self) -> time::Date {
        RetentionPeriods::default().statistics_kept_from(self.now().date())
    }
}

fn counts(report: &PurgeReport) -> Vec<(PurgeAction, u64)> {
    report.lines.iter().map(|l| (l.action, l.count)).collect()
}

fn count(report: &PurgeReport, action: PurgeAction) -> u64 {
    report.line(action).unwrap().count
}

#[tokio::test]
async fn a_dry_run_counts_everything_and_changes_nothing() {
    let w = world();
    let lea = w.citizen("lea").await;
    w.notify(lea).await;
    w.advance_days(3 * 365 - 20);
    let tom = w.citizen("tom").await;
    w.fill(lea).await;
    let audit_before = w.id.audit.entries().len();
    let mails_before = w.id.outbox.sent().len();

    let report = w.service.purge(PurgeMode::DryRun).await.unwrap();

    assert_eq!(report.mode, PurgeMode::DryRun);
    assert_eq!(count(&report, PurgeAction::WarnInactiveAccounts), 1, "lea");
    assert_eq!(count(&report, PurgeAction::EraseInactiveAccounts), 0);
    assert_eq!(count(&report, PurgeAction::DeleteEndedSessions), 2);
    assert_eq!(count(&report, PurgeAction::DeleteOneTimeTokens), 2);
    assert_eq!(count(&report, PurgeAction::DeleteStaffAccesses), 1);
    assert_eq!(count(&report, PurgeAction::DeleteNotifications), 1);
    assert_eq!(count(&report, PurgeAction::DeleteExportRecords), 1);
    assert_eq!(count(&report, PurgeAction::AggregateStatistics), 2);
    assert_eq!(count(&report, PurgeAction::DeleteAuditEntries), 2);
    assert_eq!(count(&report, PurgeAction::ReleaseUsernames), 2);
    assert_eq!(report.failures(), 0);
    // Nothing changed.
    assert_eq!(w.id.audit.entries().len(), audit_before);
    assert_eq!(w.id.outbox.sent().len(), mails_before);
    assert_eq!(w.store.warned_at(lea), None);
    assert_eq!(w.store.left(Expiring::EndedSessions), 3);
    assert_eq!(w.store.left(Expiring::UsernameReservations), 3);
    assert_eq!(w.store.audit().0.len(), 3);
    assert_eq!(w.store.events().0.len(), 3);
    assert_eq!(w.inboxes.all().len(), 1);
    assert_eq!(w.exports.all().len(), 3);
    assert!(w.exists(lea).await && w.exists(tom).await);
    // And a second dry run says the same.
    assert_eq!(
        counts(&w.service.purge(PurgeMode::DryRun).await.unwrap()),
        counts(&report)
    );
}

#[tokio::test]
async fn a_run_does_what_the_dry_run_said_and_a_second_run_changes_nothing_more() {
    let w = world();
    let lea = w.citizen("lea").await;
    w.notify(lea).await;
    w.advance_days(3 * 365 - 20);
    w.fill(lea).await;
    let dry = w.service.purge(PurgeMode::DryRun).await.unwrap();

    let first = w.service.purge(PurgeMode::Apply).await.unwrap();

    assert_eq!(counts(&first), counts(&dry));
    assert_eq!(w.mails_to("lea"), 1);
    assert_eq!(w.store.warned_at(lea), Some(w.now()));
    assert_eq!(w.store.left(Expiring::EndedSessions), 1);
    assert_eq!(w.store.left(Expiring::OneTimeTokens), 1);
    assert_eq!(w.store.left(Expiring::StaffAccesses), 2);
    assert_eq!(
        w.store.left(Expiring::UsernameReservations),
        1,
        "the reservation still running"
    );
    assert!(w.inboxes.all().is_empty());
    assert_eq!(w.exports.all().len(), 2, "the live one and the young one");
    let kept_from = w.kept_from();
    assert_eq!(w.store.events(), (vec![kept_from], Some(kept_from)));
    let (audit, anchor) = w.store.audit();
    assert_eq!((audit.len(), anchor), (1, Some(2)));
    let actions = w.id.audit.actions();
    assert!(actions.contains(&"audit_log_purged"));
    assert_eq!(actions.last(), Some(&"retention_purged"));
    let recorded = w.id.audit.entries();
    let purged = recorded
        .iter()
        .find(|e| e.event.action == "audit_log_purged")
        .unwrap();
    assert!(
        purged.event.detail.starts_with("through=2 hash="),
        "{}",
        purged.event.detail
    );
    let entries = recorded.len();

    let second = w.service.purge(PurgeMode::Apply).await.unwrap();

    assert!(
        second.lines.iter().all(|l| l.count == 0 && l.failed == 0),
        "{second:?}"
    );
    assert_eq!(w.id.audit.entries().len(), entries, "nothing to record");
    assert_eq!(w.mails_to("lea"), 1, "warned once");
    assert!(w.exists(lea).await);
}

#[tokio::test]
async fn an_inactive_citizen_is_warned_once_then_erased_after_the_notice_unless_they_come_back() {
    let w = world();
    let lea = w.citizen("lea").await;
    let tom = w.citizen("tom").await;
    // Created on 2026-11-29: three years is 2029-11-29, 1,096 days later
    // (2028 is a leap year); the notice starts 30 days before, and the
    // erasure comes 30 days after the warning.
    w.advance_days(1_066);
    assert_eq!(
        count(
            &w.service.purge(PurgeMode::Apply).await.unwrap(),
            PurgeAction::WarnInactiveAccounts
        ),
        0,
        "not a day early"
    );
    w.advance_days(1);
    w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!((w.mails_to("lea"), w.mails_to("tom")), (1, 1));
    let mail = w.id.outbox.sent().last().unwrap().clone();
    assert!(mail.body.contains("https://rr.exemple.fr/connexion"));
    assert!(
        mail.body.contains("à partir du 30 novembre 2029"),
        "{}",
        mail.body
    );
    assert!(!mail.body.contains("Martin") && !mail.body.contains("tom"));

    // Tom logs in during the notice: his warning no longer counts.
    w.advance_days(10);
    w.store.record_activity(tom, w.now());
    w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(w.mails_to("lea"), 1, "not twice");

    // Twenty days into the notice, nobody is erased.
    w.advance_days(10);
    let report = w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(count(&report, PurgeAction::EraseInactiveAccounts), 0);
    assert!(w.exists(lea).await);

    // Three years inactive and the notice over: lea is erased, tom is not.
    w.advance_days(11);
    let report = w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(count(&report, PurgeAction::EraseInactiveAccounts), 1);
    assert!(!w.exists(lea).await);
    assert!(w.exists(tom).await);
    let erased =
        w.id.audit
            .entries()
            .into_iter()
            .find(|e| e.event.action == "account_erased")
            .unwrap();
    assert_eq!(erased.event.subject, Some(lea));
    assert_eq!(erased.event.actor, None, "the system erased it");
    assert!(
        erased
            .event
            .detail
            .contains("by=system reason=inactive_account")
    );
    assert!(erased.event.detail.contains("content=anonymise"));

    // Tom, inactive again for the whole period, is warned again.
    w.advance_days(3 * 365);
    w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(w.mails_to("tom"), 2);
}

#[tokio::test]
async fn a_late_warning_still_gives_the_whole_notice() {
    let w = world();
    let lea = w.citizen("lea").await;
    // The purge did not run for months.
    w.advance_days(4 * 365);

    let first = w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(count(&first, PurgeAction::WarnInactiveAccounts), 1);
    assert_eq!(count(&first, PurgeAction::EraseInactiveAccounts), 0);

    w.advance_days(30);
    w.service.purge(PurgeMode::Apply).await.unwrap();
    assert!(w.exists(lea).await, "exactly 30 days: not yet");
    w.advance_days(1);
    let later = w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(count(&later, PurgeAction::EraseInactiveAccounts), 1);
    assert!(!w.exists(lea).await);
}

#[tokio::test]
async fn staff_and_restricted_accounts_are_neither_warned_nor_erased() {
    let w = world();
    let modo = w.citizen("modo").await;
    let lea = w.citizen("lea").await;
    w.set(modo, |u| u.role = Role::Moderator).await;
    w.id.users
        .set_restriction(lea, Some(w.now()))
        .await
        .unwrap();
    w.advance_days(4 * 365);

    let report = w.service.purge(PurgeMode::Apply).await.unwrap();

    assert_eq!(count(&report, PurgeAction::WarnInactiveAccounts), 0);
    assert_eq!(w.mails_to("modo") + w.mails_to("lea"), 0);
    assert!(w.exists(modo).await && w.exists(lea).await);
}

#[tokio::test]
async fn a_refused_mail_is_counted_as_a_failure_and_retried_next_run() {
    let failing = Arc::new(FailingMailer::default());
    let w = world_with(Some(failing.clone()));
    let lea = w.citizen("lea").await;
    w.advance_days(3 * 365);

    let report = w.service.purge(PurgeMode::Apply).await.unwrap();

    let line = report.line(PurgeAction::WarnInactiveAccounts).unwrap();
    assert_eq!((line.count, line.failed), (0, 1));
    assert_eq!(report.failures(), 1);
    assert_eq!(w.store.warned_at(lea), None, "not warned: retried");
    let again = w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(
        again
            .line(PurgeAction::WarnInactiveAccounts)
            .unwrap()
            .failed,
        1
    );
    // Never erased without a warning.
    w.advance_days(365);
    let later = w.service.purge(PurgeMode::Apply).await.unwrap();
    assert_eq!(count(&later, PurgeAction::EraseInactiveAccounts), 0);
    assert!(w.exists(lea).await);
}

#[tokio::test]
async fn the_register_states_the_periods_the_purge_applies() {
    let w = world();
    let report = w.service.purge(PurgeMode::DryRun).await.unwrap();
    let register = w.service.policy().register();
    let periods = w.service.policy().periods;
    let now = w.now();

    for line in &report.lines {
        let stated: Vec<Span> = register
            .configured_periods()
            .into_iter()
            .filter(|(_, category, _)| *category == line.action.category())
            .map(|(_, _, span)| span)
            .collect();
        assert_eq!(stated, [line.span], "{:?}", line.action);
    }
    // The cut-offs are those periods back from now.
    let before = |action| report.line(action).unwrap().before;
    assert_eq!(
        before(PurgeAction::DeleteAuditEntries),
        now - time::Duration::days(365)
    );
    assert_eq!(
        before(PurgeAction::EraseInactiveAccounts),
        Span::Years(3).before(now)
    );
    assert_eq!(
        before(PurgeAction::WarnInactiveAccounts),
        Span::Years(3).before(now) + time::Duration::days(30)
    );
    assert_eq!(before(PurgeAction::ReleaseUsernames), now);
    assert_eq!(
        before(PurgeAction::AggregateStatistics).date(),
        periods.statistics_kept_from(now.date())
    );
    // Every period the purge applies is one of its lines.
    let applied: Vec<RetentionCategory> =
        report.lines.iter().map(|l| l.action.category()).collect();
    for category in RetentionCategory::ALL.into_iter().filter(|c| c.purged()) {
        assert!(applied.contains(&category), "{category:?}");
    }
    assert!(
        register
            .activities
            .iter()
            .any(|a| a.retention.iter().any(|r| matches!(
                r.term,
                RetentionTerm::Configured {
                    span: Span::Years(3),
                    ..
                }
            )))
    );
    assert_eq!(periods, RetentionPeriods::default());
}
