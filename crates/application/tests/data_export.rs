//! Exports of a person's data on in-memory fakes: asked for, produced at
//! once or by the worker, page by page and chunk by chunk, sealed under the
//! person's key, downloaded once by whoever asked, expired and swept; one
//! at a time; staff answering a request; failures; and the history of
//! rectifications the export carries.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_application::AppError;
use rr_application::ports::{ByteSource, ExportRow, ExportValue};
use rr_application::services::DataExportPolicy;
use rr_application::services::identity::{ProfileChanges, StaffAccount};
use rr_application::test_util::{
    DataExportFixture, IdentityFixture, data_export_fixture, identity_fixture,
};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    AuthenticatedActor, CountryCode, DataExport, Email, ExportFailure, ExportId, ExportOrigin,
    ExportStatus, PersonName, PhoneNumber, Role, SessionId, Username,
};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    ex: DataExportFixture,
}

fn world(policy: DataExportPolicy) -> World {
    let fx = identity_fixture();
    let ex = data_export_fixture(&fx, policy);
    World { fx, ex }
}

/// Exports produced at once whatever the size, in small pages and chunks.
fn small_pieces() -> DataExportPolicy {
    DataExportPolicy {
        page_rows: 2,
        chunk_bytes: 64,
        ..DataExportPolicy::default()
    }
}

/// Exports always left to the worker.
fn background() -> DataExportPolicy {
    DataExportPolicy {
        sync_max_rows: 0,
        ..small_pieces()
    }
}

async fn citizen(w: &World, name: &str) -> AuthenticatedActor {
    w.fx.citizen(name, PASSWORD).await.unwrap()
}

async fn staff(w: &World, username: &str, role: Role, two_factor: bool) -> AuthenticatedActor {
    let id =
        w.fx.service
            .bootstrap_account(
                StaffAccount {
                    email: Email::parse(&format!("{username}@exemple.fr")).unwrap(),
                    username: Username::parse(username).unwrap(),
                    first_name: PersonName::parse("Camille").unwrap(),
                    last_name: PersonName::parse("Durand").unwrap(),
                    country: CountryCode::parse("FR").unwrap(),
                    role,
                },
                &Password::new(PASSWORD),
            )
            .await
            .unwrap();
    AuthenticatedActor {
        user_id: id,
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn comment(n: i64) -> ExportRow {
    ExportRow {
        fields: vec![
            ("id", ExportValue::Integer(n)),
            ("body", ExportValue::Text(format!("commentaire numéro {n}"))),
        ],
    }
}

/// `count` comments of `person`'s in the fake personal data.
fn comments(w: &World, person: &AuthenticatedActor, count: i64) {
    for n in 1..=count {
        w.ex.personal_data
            .add("comments", person.user_id, comment(n));
    }
}

async fn read_all(mut source: Box<dyn ByteSource>) -> Result<Vec<u8>, std::io::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = source.next_chunk().await? {
        assert!(!chunk.is_empty(), "chunks are never empty");
        bytes.extend(chunk);
    }
    Ok(bytes)
}

/// The archive of `id`, downloaded by `actor`, as text.
async fn download(w: &World, actor: &AuthenticatedActor, id: ExportId) -> String {
    let download = w.ex.service.download(actor, id).await.unwrap();
    let bytes = read_all(download.content).await.unwrap();
    assert_eq!(
        u64::try_from(bytes.len()).unwrap(),
        download.content_bytes,
        "the announced length is the length sent"
    );
    String::from_utf8(bytes).unwrap()
}

fn stored(w: &World, export: &DataExport) -> Vec<u8> {
    let archive = export.archive.as_ref().expect("a stored archive");
    w.ex.archives
        .get(&archive.digest)
        .expect("the archive's blob")
}

/// Past the time an export just requested is left to its request.
const GRACE: time::Duration = time::Duration::seconds(31);

#[tokio::test]
async fn a_small_account_is_exported_at_once_and_downloaded_once() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    comments(&w, &lea, 5);
    w.ex.personal_data.add("sessions", lea.user_id, comment(99));
    let other = citizen(&w, "marc").await;
    comments(&w, &other, 3);

    let export = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(
        export.status,
        ExportStatus::Ready,
        "produced within the request"
    );
    assert_eq!(export.origin, ExportOrigin::Person);
    assert_eq!(
        export.expires_at,
        Some(w.fx.clock.now_for_tests() + time::Duration::days(7))
    );
    assert!(
        w.ex.personal_data.pages_read() >= 3,
        "5 comments in pages of 2"
    );

    let archive = download(&w, &lea, export.id).await;
    let lines: Vec<&str> = archive.lines().collect();
    assert_eq!(
        lines[0],
        format!("begin {} {} self", export.id, lea.user_id.as_uuid())
    );
    assert_eq!(lines[1], "section profile");
    assert!(
        lines[2].contains("email=lea@exemple.fr;first_name=Léa;last_name=Martin;country=FR"),
        "the profile, opened: {}",
        lines[2]
    );
    assert_eq!(lines[3], "section sessions");
    assert_eq!(lines[5], "section comments");
    let mine: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains(";body=commentaire"))
        .collect();
    assert_eq!(mine.len(), 6, "5 comments and 1 session, nobody else's");
    assert_eq!(*lines.last().unwrap(), "end");

    let again = w.ex.service.download(&lea, export.id).await.err().unwrap();
    assert!(matches!(again, AppError::Gone("export_already_downloaded")));
    assert!(w.ex.archives.is_empty(), "removed once streamed to its end");
    assert!(
        w.ex.journal.all().is_empty(),
        "one's own data is no staff read"
    );
    let after = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(after.status, ExportStatus::Downloaded);
    assert!(after.archive.is_none());
    let actions = w.fx.audit.actions();
    assert!(actions.contains(&"data_export_requested"));
    assert!(actions.contains(&"data_export_downloaded"));
}

#[tokio::test]
async fn the_archive_at_rest_is_sealed_in_chunks_under_the_owners_key() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    comments(&w, &lea, 10);
    let export = w.ex.service.request(&lea).await.unwrap();
    let bytes = stored(&w, &export);
    let text = String::from_utf8_lossy(&bytes);
    // The fake cipher shows what it binds: owner and field of each chunk.
    let owner = lea.user_id.as_uuid().to_string();
    let chunks = text.matches(&format!("data_export:{}:", export.id)).count();
    assert!(chunks > 3, "64-byte chunks: {chunks}");
    assert_eq!(
        text.matches(&format!("{owner}|data_export:{}:", export.id))
            .count(),
        chunks,
        "each chunk bound to its owner"
    );
    assert!(text.contains(&format!("data_export:{}:{}:last", export.id, chunks - 1)));
    assert_eq!(
        export.archive.as_ref().unwrap().stored_bytes,
        u64::try_from(bytes.len()).unwrap()
    );
}

#[tokio::test]
async fn a_large_account_is_left_to_the_worker_which_produces_it_once() {
    let w = world(DataExportPolicy {
        sync_max_rows: 4,
        ..small_pieces()
    });
    let lea = citizen(&w, "lea").await;
    comments(&w, &lea, 5);

    let export = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(export.status, ExportStatus::Requested, "more rows than 4");
    let polled = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(polled.status, ExportStatus::Requested);
    let refused = w.ex.service.download(&lea, export.id).await.err().unwrap();
    assert!(matches!(
        refused,
        AppError::ConflictWith("export_not_ready")
    ));

    assert_eq!(
        w.ex.service.run_pending().await.unwrap(),
        0,
        "left a while to the request that made it"
    );
    w.fx.clock.advance(GRACE);
    assert_eq!(w.ex.service.run_pending().await.unwrap(), 1);
    assert_eq!(w.ex.service.run_pending().await.unwrap(), 0, "once");
    let ready = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(ready.status, ExportStatus::Ready);
    assert_eq!(ready.attempts, 1);
    let archive = download(&w, &lea, export.id).await;
    assert_eq!(archive.matches(";body=commentaire").count(), 5);
}

#[tokio::test]
async fn one_export_at_a_time() {
    let w = world(background());
    let lea = citizen(&w, "lea").await;
    let first = w.ex.service.request(&lea).await.unwrap();
    let err = w.ex.service.request(&lea).await.err().unwrap();
    assert!(
        matches!(err, AppError::ConflictWith("export_pending")),
        "requested"
    );
    w.fx.clock.advance(GRACE);
    w.ex.service.run_pending().await.unwrap();
    let err = w.ex.service.request(&lea).await.err().unwrap();
    assert!(
        matches!(err, AppError::ConflictWith("export_pending")),
        "ready"
    );
    download(&w, &lea, first.id).await;
    let second = w.ex.service.request(&lea).await.unwrap();
    assert_ne!(second.id, first.id);
    let page = w.ex.service.list(&lea, None, 10).await.unwrap();
    assert_eq!(
        page.items.iter().map(|e| e.id).collect::<Vec<_>>(),
        [second.id, first.id],
        "newest first"
    );
    assert_eq!(page.next, None);
    let first_page = w.ex.service.list(&lea, None, 1).await.unwrap();
    assert_eq!(first_page.next, Some(second.id));
    let rest = w.ex.service.list(&lea, first_page.next, 1).await.unwrap();
    assert_eq!(rest.items[0].id, first.id);
}

#[tokio::test]
async fn an_archive_not_downloaded_in_time_expires_and_is_swept() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    let export = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(w.ex.archives.len(), 1);

    w.fx.clock
        .advance(time::Duration::days(7) - time::Duration::SECOND);
    assert_eq!(w.ex.service.expire_due().await.unwrap().archives_removed, 0);
    w.fx.clock.advance(time::Duration::SECOND);
    let seen = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(
        seen.status,
        ExportStatus::Expired,
        "expired before the sweep"
    );
    let err = w.ex.service.download(&lea, export.id).await.err().unwrap();
    assert!(matches!(err, AppError::Gone("export_expired")));
    let again = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(
        again.status,
        ExportStatus::Ready,
        "an expired one is no longer pending"
    );

    let swept = w.ex.service.expire_due().await.unwrap();
    assert_eq!(swept.archives_removed, 1);
    assert_eq!(w.ex.archives.len(), 1, "only the new one's archive is left");
    assert_eq!(w.ex.service.expire_due().await.unwrap().archives_removed, 0);
    let old = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(old.status, ExportStatus::Expired);
    assert!(old.archive.is_none());
}

#[tokio::test]
async fn a_download_broken_off_leaves_its_archive_to_the_sweep() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    comments(&w, &lea, 10);
    let export = w.ex.service.request(&lea).await.unwrap();
    let mut download = w.ex.service.download(&lea, export.id).await.unwrap();
    download.content.next_chunk().await.unwrap();
    drop(download);
    assert_eq!(w.ex.archives.len(), 1, "the transfer did not end");
    let err = w.ex.service.download(&lea, export.id).await.err().unwrap();
    assert!(matches!(err, AppError::Gone("export_already_downloaded")));

    assert_eq!(
        w.ex.service.expire_due().await.unwrap().archives_removed,
        0,
        "grace"
    );
    w.fx.clock
        .advance(time::Duration::hours(1) + time::Duration::SECOND);
    assert_eq!(w.ex.service.expire_due().await.unwrap().archives_removed, 1);
    assert!(w.ex.archives.is_empty());
}

#[tokio::test]
async fn nobody_else_sees_or_downloads_an_export() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    let marc = citizen(&w, "marc").await;
    let export = w.ex.service.request(&lea).await.unwrap();
    for err in [
        w.ex.service.get(&marc, export.id).await.err().unwrap(),
        w.ex.service.download(&marc, export.id).await.err().unwrap(),
        w.ex.service
            .download(&marc, ExportId::generate())
            .await
            .err()
            .unwrap(),
    ] {
        assert!(matches!(err, AppError::NotFound), "{err:?}");
    }
    assert!(
        w.ex.service
            .list(&marc, None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(w.ex.archives.len(), 1, "untouched");
}

#[tokio::test]
async fn staff_answering_a_letter_export_for_the_person_and_alone_download_it() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    let admin = staff(&w, "camille", Role::Administrator, true).await;

    let export = w.ex.service.request_for(&admin, lea.user_id).await.unwrap();
    assert_eq!(export.origin, ExportOrigin::Staff);
    assert_eq!(export.requested_by, Some(admin.user_id));
    assert_eq!(export.status, ExportStatus::Ready);
    let again =
        w.ex.service
            .request_for(&admin, lea.user_id)
            .await
            .err()
            .unwrap();
    assert!(matches!(again, AppError::ConflictWith("export_pending")));
    let own = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(
        own.origin,
        ExportOrigin::Person,
        "the person's own is not blocked"
    );

    let seen = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(seen.id, export.id, "the person sees it exists");
    let err = w.ex.service.download(&lea, export.id).await.err().unwrap();
    assert!(matches!(
        err,
        AppError::Forbidden("export_not_requested_by_you")
    ));
    let demoted = AuthenticatedActor {
        role: Role::Citizen,
        ..admin
    };
    let err =
        w.ex.service
            .download(&demoted, export.id)
            .await
            .err()
            .unwrap();
    assert!(
        matches!(err, AppError::Forbidden("forbidden")),
        "no longer staff"
    );
    assert!(w.ex.journal.all().is_empty(), "nothing read");
    let archive = download(&w, &admin, export.id).await;
    let journaled = w.ex.journal.all();
    assert_eq!(journaled.len(), 1, "a staff read of the person's data");
    assert_eq!(journaled[0].staff, admin.user_id);
    assert_eq!(journaled[0].subject, lea.user_id);
    assert!(
        journaled[0]
            .reason
            .as_str()
            .contains(&export.id.to_string())
    );
    assert!(w.fx.audit.entries().iter().any(|e| {
        e.event.action == "personal_data_read"
            && e.event.subject == Some(lea.user_id)
            && e.event
                .detail
                .starts_with("fields=email,first_name,last_name,country")
    }));
    assert!(archive.starts_with(&format!(
        "begin {} {} staff",
        export.id,
        lea.user_id.as_uuid()
    )));
    assert!(archive.contains("email=lea@exemple.fr"));
    let listed = w.ex.service.list(&admin, None, 10).await.unwrap();
    assert_eq!(
        listed.items.len(),
        1,
        "the staff member's list holds what they asked"
    );
    let requested = w
        .fx
        .audit
        .entries()
        .into_iter()
        .find(|e| e.event.action == "data_export_requested" && e.event.actor == Some(admin.user_id))
        .unwrap();
    assert_eq!(requested.event.subject, Some(lea.user_id));
    assert!(requested.event.detail.ends_with("origin=staff"));
}

#[tokio::test]
async fn only_administrators_with_two_factor_export_someone_else() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    let marc = citizen(&w, "marc").await;
    let moderator = staff(&w, "modo", Role::Moderator, true).await;
    let admin_without = staff(&w, "camille", Role::Administrator, false).await;
    let other_admin = staff(&w, "dominique", Role::Administrator, true).await;
    let cases = [
        (marc, lea.user_id, "forbidden"),
        (moderator, lea.user_id, "forbidden"),
        (admin_without, lea.user_id, "two_factor_required"),
        (other_admin, admin_without.user_id, "forbidden"),
    ];
    for (actor, subject, code) in cases {
        let err =
            w.ex.service
                .request_for(&actor, subject)
                .await
                .err()
                .unwrap();
        assert!(
            matches!(err, AppError::Forbidden(c) if c == code),
            "{err:?}"
        );
    }
    let err =
        w.ex.service
            .request_for(&other_admin, rr_domain::identity::UserId::generate())
            .await
            .err()
            .unwrap();
    assert!(matches!(err, AppError::NotFound));
    assert!(w.ex.exports.all().is_empty());
}

#[tokio::test]
async fn a_failed_production_is_recorded_and_another_may_be_asked_for() {
    let w = world(background());
    let lea = citizen(&w, "lea").await;
    let export = w.ex.service.request(&lea).await.unwrap();
    w.ex.personal_data.set_down(true);
    w.fx.clock.advance(GRACE);
    assert_eq!(w.ex.service.run_pending().await.unwrap(), 1);
    w.ex.personal_data.set_down(false);
    let failed = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(failed.status, ExportStatus::Failed);
    assert_eq!(failed.failure, Some(ExportFailure::Internal));
    assert!(w.ex.archives.is_empty(), "nothing partial kept");
    let err = w.ex.service.download(&lea, export.id).await.err().unwrap();
    assert!(matches!(err, AppError::ConflictWith("export_failed")));
    assert!(w.fx.audit.actions().contains(&"data_export_failed"));
    w.ex.service.request(&lea).await.unwrap();
}

#[tokio::test]
async fn an_archive_beyond_the_cap_fails_as_too_large() {
    let w = world(DataExportPolicy {
        max_archive_bytes: 300,
        ..small_pieces()
    });
    let lea = citizen(&w, "lea").await;
    comments(&w, &lea, 50);
    let export = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(export.status, ExportStatus::Failed);
    assert_eq!(export.failure, Some(ExportFailure::TooLarge));
    assert!(w.ex.archives.is_empty());
}

#[tokio::test]
async fn the_database_failing_during_the_request_leaves_the_export_to_the_worker() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    w.ex.personal_data.set_down(true);
    let export = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(
        export.status,
        ExportStatus::Requested,
        "the estimate failed"
    );
    w.ex.personal_data.set_down(false);
    w.fx.clock.advance(GRACE);
    assert_eq!(w.ex.service.run_pending().await.unwrap(), 1);
    assert_eq!(
        w.ex.service.get(&lea, export.id).await.unwrap().status,
        ExportStatus::Ready
    );
}

#[tokio::test]
async fn a_production_that_died_with_its_node_is_taken_up_again_then_abandoned() {
    let w = world(background());
    let lea = citizen(&w, "lea").await;
    let export = w.ex.service.request(&lea).await.unwrap();
    // Three nodes claim it in turn and die before finishing.
    let timeout = time::Duration::minutes(15);
    for attempt in 1..=3 {
        let now = w.fx.clock.now_for_tests();
        let claimed = rr_application::ports::DataExportRepository::claim(
            w.ex.exports.as_ref(),
            export.id,
            now,
            now - timeout,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(claimed.attempts, attempt);
        assert_eq!(
            w.ex.service.run_pending().await.unwrap(),
            0,
            "claimed, not stale"
        );
        w.fx.clock.advance(timeout + time::Duration::SECOND);
    }
    assert_eq!(w.ex.service.run_pending().await.unwrap(), 1);
    let abandoned = w.ex.service.get(&lea, export.id).await.unwrap();
    assert_eq!(abandoned.status, ExportStatus::Failed);
    assert_eq!(abandoned.attempts, 4);
}

#[tokio::test]
async fn every_rectification_is_audited_with_its_fields_never_their_values() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    w.fx.service
        .update_me(
            &lea,
            ProfileChanges {
                first_name: Some(PersonName::parse("Léonie").unwrap()),
                phone: Some(Some(PhoneNumber::parse("+33 6 12 34 56 78").unwrap())),
                country: Some(CountryCode::parse("FR").unwrap()),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();
    w.fx.service
        .update_me(
            &lea,
            ProfileChanges {
                email: Some(Email::parse("leonie@exemple.fr").unwrap()),
                last_name: Some(PersonName::parse("Martin-Roux").unwrap()),
                phone: Some(None),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();
    let rectifications: Vec<_> =
        w.fx.audit
            .entries()
            .into_iter()
            .filter(|e| e.event.action == "profile_rectified")
            .collect();
    assert_eq!(rectifications.len(), 2, "one entry per correction");
    assert_eq!(rectifications[0].event.detail, "fields=first_name,phone");
    assert_eq!(
        rectifications[1].event.detail,
        "fields=email,last_name,phone email_changed=true"
    );
    for entry in &rectifications {
        assert_eq!(entry.event.subject, Some(lea.user_id));
        for value in ["Léonie", "Martin-Roux", "leonie", "+336", "612345678"] {
            assert!(
                !entry.event.detail.contains(value),
                "{}",
                entry.event.detail
            );
        }
    }
}

#[tokio::test]
async fn pages_and_chunks_bound_what_is_held_at_once() {
    let w = world(DataExportPolicy {
        page_rows: 100,
        chunk_bytes: 1_000,
        ..DataExportPolicy::default()
    });
    let lea = citizen(&w, "lea").await;
    comments(&w, &lea, 1_000);
    let export = w.ex.service.request(&lea).await.unwrap();
    assert_eq!(export.status, ExportStatus::Ready);
    // 1,000 comments read 100 at a time, plus the empty sessions section.
    assert_eq!(w.ex.personal_data.pages_read(), 11);
    let bytes = stored(&w, &export);
    let frames = String::from_utf8_lossy(&bytes)
        .matches(&format!("data_export:{}:", export.id))
        .count();
    let content = usize::try_from(export.archive.as_ref().unwrap().content_bytes).unwrap();
    assert_eq!(
        frames,
        content.div_ceil(1_000),
        "sealed 1,000 bytes at a time"
    );
    assert_eq!(
        download(&w, &lea, export.id)
            .await
            .matches(";body=commentaire")
            .count(),
        1_000
    );
}

#[tokio::test]
async fn erasing_an_account_discards_its_archives_and_only_its_own() {
    let w = world(small_pieces());
    let lea = citizen(&w, "lea").await;
    let marc = citizen(&w, "marc").await;
    let admin = staff(&w, "camille", Role::Administrator, true).await;
    let leas = w.ex.service.request(&lea).await.unwrap();
    w.ex.service.request(&marc).await.unwrap();
    w.ex.service
        .request_for(&admin, marc.user_id)
        .await
        .unwrap();
    assert_eq!(w.ex.archives.len(), 3);

    let report = w.ex.service.discard_archives_of(lea.user_id).await.unwrap();
    assert_eq!(report.archives_removed, 1);
    assert_eq!(w.ex.archives.len(), 2, "marc's two are kept");
    let gone = w.ex.service.get(&lea, leas.id).await.unwrap();
    assert_eq!(gone.status, ExportStatus::Expired);
    assert!(gone.archive.is_none());
    let report =
        w.ex.service
            .discard_archives_of(admin.user_id)
            .await
            .unwrap();
    assert_eq!(
        report.archives_removed, 0,
        "what staff asked about others is not theirs"
    );
}
