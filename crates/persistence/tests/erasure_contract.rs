//! The erasure of an account (`AccountErasure`) and the reserved usernames
//! (`UsernameReservations`) on every engine: what goes, what moves to the
//! erased author, what the counts and digests report, in one transaction.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::ports::{
    AttachmentRecord, CommentRecord, ErasurePlan, Expiring, ReportRecord, ResourceRecord,
    SessionRecord, StaffAccess, UsernameReservation,
};
use rr_domain::community::{
    CommentBody, CommentId, CommentState, ContentRef, ReportGrounds, ReportId, ReportReason,
    ReportStatus, ReportText,
};
use rr_domain::identity::{
    AccessId, AccessReason, PersonalField, Role, SessionId, UserId, UserRecord,
};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{
    AttachmentId, AttachmentType, BlobDigest, Body, FileName, Lifecycle, ResourceId, Summary,
    Title, Visibility,
};
use rr_domain::subject_rights::{
    ContentChoice, ERASED_AUTHOR, RequestChannel, RequestKind, RequestText, SubjectRequest,
};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, query};
use support::identity::{digest, later, now, stored_user};
use time::Duration;

fn seeded(id: &str) -> ReferenceId {
    ReferenceId::from_uuid(uuid::Uuid::parse_str(id).unwrap())
}

async fn resource(
    db: &Database,
    author: UserId,
    visibility: Visibility,
    state: Lifecycle,
) -> ResourceRecord {
    let published = matches!(state, Lifecycle::Published).then(now);
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("# Pistes").unwrap(),
        category: seeded("01a22499-f800-7107-8000-000000000000"),
        resource_type: seeded("01a22499-f800-7302-8000-000000000000"),
        relation_types: vec![seeded("01a22499-f800-7203-8000-000000000000")],
        external_link: None,
        visibility,
        state,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: now(),
        published_at: published,
        deleted_at: None,
        version: 0,
    };
    db.resources().insert(&record).await.unwrap();
    record
}

async fn comment(
    db: &Database,
    author: UserId,
    resource: ResourceId,
    state: CommentState,
) -> CommentRecord {
    let id = CommentId::generate();
    let tombstone = state == CommentState::Deleted;
    let record = CommentRecord {
        id,
        resource,
        parent: None,
        root: id,
        depth: 0,
        author,
        body: (!tombstone).then(|| CommentBody::parse("Merci, très utile.").unwrap()),
        as_moderator: false,
        state,
        created_at: now(),
        edited_at: None,
        updated_at: now(),
        version: 0,
    };
    db.comments().insert(&record).await.unwrap();
    record
}

async fn report(db: &Database, reporter: UserId, target: ContentRef) -> ReportRecord {
    let record = ReportRecord {
        id: ReportId::generate(),
        reporter,
        target,
        grounds: ReportGrounds::new(
            ReportReason::Other,
            Some(ReportText::parse("Il s'agit de mon voisin.").unwrap()),
        )
        .unwrap(),
        status: ReportStatus::Open,
        created_at: now(),
        closed_at: None,
        closed_by: None,
        note: None,
    };
    db.reports().file(&record).await.unwrap();
    record
}

fn plan(subject: UserId, content: ContentChoice, reserved: u8) -> ErasurePlan {
    ErasurePlan {
        subject,
        content,
        reservation: UsernameReservation {
            digest: digest(reserved),
            until: later(30 * 24 * 3600),
        },
        at: now(),
    }
}

/// One number from `sql`.
async fn count(test_db: &TestDatabase, sql: &str) -> i64 {
    query(test_db.url(), sql).await.unwrap()[0][0]
        .parse()
        .unwrap()
}

/// `id` as a blob literal both engines read.
fn hex(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

/// An account with something in every table that goes with it.
async fn with_belongings(db: &Database, test_db: &TestDatabase, lea: &UserRecord, other: UserId) {
    let theirs = resource(db, other, Visibility::Public, Lifecycle::Published).await;
    let shared = resource(db, other, Visibility::Shared, Lifecycle::Draft).await;
    db.sessions()
        .create(&SessionRecord {
            id: SessionId::generate(),
            user_id: lea.id,
            refresh_digest: digest(90),
            created_at: now(),
            last_used_at: now(),
            expires_at: later(3600),
            revoked_at: None,
            client: Some("Firefox".into()),
        })
        .await
        .unwrap();
    db.users()
        .replace_recovery_codes(lea.id, &[digest(91), digest(92)])
        .await
        .unwrap();
    assert!(
        db.engagement()
            .add_favourite(lea.id, theirs.id, now())
            .await
            .unwrap()
    );
    db.notifications()
        .insert(&rr_domain::community::Notification::new(
            lea.id,
            rr_domain::community::NotificationKind::ResourceApproved {
                resource: theirs.id,
            },
            now(),
        ))
        .await
        .unwrap();
    db.staff_access_journal()
        .record(&StaffAccess {
            id: AccessId::generate(),
            at: now(),
            staff: other,
            staff_role: Role::Administrator,
            subject: lea.id,
            reason: AccessReason::parse("Demande d'assistance").unwrap(),
            fields: vec![PersonalField::Email],
        })
        .await
        .unwrap();
    for sql in [
        format!(
            "INSERT INTO resource_shares (resource_id, user_id) VALUES ({}, {})",
            hex(shared.id.as_uuid()),
            hex(lea.id.as_uuid())
        ),
        format!(
            "INSERT INTO consultation_events (resource_id, viewer_id, occurred_at) \
             VALUES ({}, {}, '2026-11-29 10:00:00')",
            hex(theirs.id.as_uuid()),
            hex(lea.id.as_uuid())
        ),
    ] {
        rr_persistence::testing::execute(test_db.url(), &sql)
            .await
            .unwrap();
    }
}

async fn the_account_and_what_goes_with_it_are_deleted(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let leo = stored_user(&db, 2).await;
    with_belongings(&db, &test_db, &lea, leo.id).await;
    let id = hex(lea.id.as_uuid());

    let outcome = db
        .account_erasure()
        .erase(&plan(lea.id, ContentChoice::Anonymise, 7))
        .await
        .unwrap();

    assert!(outcome.is_some());
    assert!(db.users().find(lea.id).await.unwrap().is_none());
    assert!(db.users().find(leo.id).await.unwrap().is_some());
    for (table, column) in [
        ("users", "id"),
        ("sessions", "user_id"),
        ("recovery_codes", "user_id"),
        ("favourites", "user_id"),
        ("notifications", "recipient_id"),
        ("staff_access_log", "subject_id"),
        ("resource_shares", "user_id"),
        ("consultation_events", "viewer_id"),
    ] {
        assert_eq!(
            count(
                &test_db,
                &format!("SELECT COUNT(*) FROM {table} WHERE {column} = {id}")
            )
            .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM consultation_events WHERE viewer_id IS NULL"
        )
        .await,
        1,
        "the consultation is kept, anonymous"
    );
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM resources WHERE favourite_count <> 0"
        )
        .await,
        0,
        "the favourite count went down with the favourite"
    );
    assert!(
        db.username_reservations()
            .is_reserved(&digest(7), later(60))
            .await
            .unwrap()
    );
}

async fn anonymised_content_stays_published_under_the_erased_author(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let leo = stored_user(&db, 2).await;
    let public = resource(&db, lea.id, Visibility::Public, Lifecycle::Published).await;
    let restricted = resource(&db, lea.id, Visibility::Restricted, Lifecycle::Published).await;
    let private = resource(&db, lea.id, Visibility::Private, Lifecycle::Draft).await;
    resource(&db, lea.id, Visibility::Public, Lifecycle::PendingReview).await;
    let leos = resource(&db, leo.id, Visibility::Public, Lifecycle::Published).await;
    let said = comment(&db, lea.id, leos.id, CommentState::Visible).await;
    comment(&db, lea.id, leos.id, CommentState::Deleted).await;
    comment(&db, lea.id, private.id, CommentState::Visible).await;
    comment(&db, leo.id, public.id, CommentState::Visible).await;
    let open = report(&db, lea.id, ContentRef::Resource(leos.id)).await;
    let answered = report(
        &db,
        lea.id,
        ContentRef::Comment {
            comment: said.id,
            resource: leos.id,
        },
    )
    .await;
    rr_persistence::testing::execute(
        test_db.url(),
        &format!(
            "UPDATE reports SET status = 'dismissed', closed_at = '2026-11-29 11:00:00' WHERE id = {}",
            hex(answered.id.as_uuid())
        ),
    )
    .await
    .unwrap();

    let outcome = db
        .account_erasure()
        .erase(&plan(lea.id, ContentChoice::Anonymise, 7))
        .await
        .unwrap()
        .unwrap();

    assert_eq!(outcome.resources_kept, 2);
    assert_eq!(outcome.resources_deleted, 2);
    assert_eq!(outcome.comments_anonymised, 1);
    assert_eq!(outcome.comments_emptied, 1);
    assert_eq!(outcome.reports_kept, 1);
    for kept in [public.id, restricted.id] {
        let stored = db.resources().find(kept).await.unwrap().unwrap();
        assert_eq!(stored.author, ERASED_AUTHOR);
    }
    assert!(db.resources().find(private.id).await.unwrap().is_none());
    let thread = db.comments().thread_page(leos.id, None, 20).await.unwrap();
    assert_eq!(thread.len(), 2);
    for item in &thread {
        assert_eq!(item.comment.author, ERASED_AUTHOR);
        assert!(item.author_name.is_erased());
    }
    let kept = thread.iter().find(|c| c.comment.id == said.id).unwrap();
    assert_eq!(
        kept.comment.body.as_ref().map(CommentBody::as_str),
        Some("Merci, très utile.")
    );
    let on_public = db
        .comments()
        .thread_page(public.id, None, 20)
        .await
        .unwrap();
    assert_eq!(
        on_public[0].comment.author, leo.id,
        "others' comments stay theirs"
    );
    let reports = query(
        test_db.url(),
        "SELECT LOWER(HEX(id)), LOWER(HEX(reporter_id)), text FROM reports",
    )
    .await
    .unwrap();
    assert_eq!(reports.len(), 1, "the closed report is gone");
    assert_eq!(reports[0][0], open.id.as_uuid().simple().to_string());
    assert_eq!(reports[0][1], ERASED_AUTHOR.as_uuid().simple().to_string());
    let author = db.users().find(ERASED_AUTHOR).await.unwrap().unwrap();
    assert!(author.username.is_erased());
    assert!(!author.status.is_active_at(now()));
}

async fn deleted_content_goes_and_comments_become_tombstones(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let leo = stored_user(&db, 2).await;
    let public = resource(&db, lea.id, Visibility::Public, Lifecycle::Published).await;
    comment(&db, leo.id, public.id, CommentState::Visible).await;
    let attachment = AttachmentRecord {
        id: AttachmentId::generate(),
        resource: public.id,
        digest: BlobDigest::from_sha256([7; 32]),
        file_name: FileName::parse("programme.pdf").unwrap(),
        media_type: AttachmentType::Pdf,
        size_bytes: 1_024,
        created_at: now(),
    };
    db.attachments().insert(&attachment).await.unwrap();
    let leos = resource(&db, leo.id, Visibility::Public, Lifecycle::Published).await;
    let hidden = comment(&db, lea.id, leos.id, CommentState::Visible).await;
    rr_persistence::testing::execute(
        test_db.url(),
        &format!(
            "UPDATE comments SET state = 'hidden', state_reason = 'Hors sujet' WHERE id = {}",
            hex(hidden.id.as_uuid())
        ),
    )
    .await
    .unwrap();
    report(&db, lea.id, ContentRef::Resource(leos.id)).await;

    let outcome = db
        .account_erasure()
        .erase(&plan(lea.id, ContentChoice::Delete, 7))
        .await
        .unwrap()
        .unwrap();

    assert_eq!(outcome.resources_deleted, 1);
    assert_eq!(outcome.resources_kept, 0);
    assert_eq!(outcome.comments_emptied, 1);
    assert_eq!(outcome.comments_anonymised, 0);
    assert_eq!(outcome.blobs, [attachment.digest]);
    assert!(db.resources().find(public.id).await.unwrap().is_none());
    assert_eq!(count(&test_db, "SELECT COUNT(*) FROM attachments").await, 0);
    let thread = db.comments().thread_page(leos.id, None, 20).await.unwrap();
    assert_eq!(thread[0].comment.state, CommentState::Deleted);
    assert_eq!(thread[0].comment.body, None);
    assert_eq!(thread[0].comment.author, ERASED_AUTHOR);
    let texts = query(test_db.url(), "SELECT text FROM reports")
        .await
        .unwrap();
    assert_eq!(
        texts,
        [["Texte effacé avec le compte de son auteur.".to_owned()]]
    );
}

async fn the_erased_author_is_created_once_and_never_erased(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let erasure = db.account_erasure();
    for n in 1..=2 {
        let user = stored_user(&db, n).await;
        assert!(
            erasure
                .erase(&plan(user.id, ContentChoice::Anonymise, n))
                .await
                .unwrap()
                .is_some()
        );
    }
    let placeholder = hex(ERASED_AUTHOR.as_uuid());

    assert_eq!(
        count(
            &test_db,
            &format!("SELECT COUNT(*) FROM users WHERE id = {placeholder}")
        )
        .await,
        1
    );
    assert_eq!(count(&test_db, "SELECT COUNT(*) FROM users").await, 1);
    for subject in [ERASED_AUTHOR, UserId::generate()] {
        assert!(
            erasure
                .erase(&plan(subject, ContentChoice::Delete, 9))
                .await
                .unwrap()
                .is_none()
        );
    }
    assert!(db.users().find(ERASED_AUTHOR).await.unwrap().is_some());
    assert!(
        !db.username_reservations()
            .is_reserved(&digest(9), now())
            .await
            .unwrap(),
        "nothing erased, nothing reserved"
    );
}

async fn reservations_end_and_ended_ones_are_deleted(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let reservations = db.username_reservations();
    let lea = stored_user(&db, 1).await;
    let short = ErasurePlan {
        reservation: UsernameReservation {
            digest: digest(7),
            until: later(60),
        },
        ..plan(lea.id, ContentChoice::Delete, 7)
    };
    db.account_erasure().erase(&short).await.unwrap().unwrap();

    assert!(
        reservations
            .is_reserved(&digest(7), later(59))
            .await
            .unwrap()
    );
    assert!(
        !reservations
            .is_reserved(&digest(7), later(60))
            .await
            .unwrap()
    );
    assert!(!reservations.is_reserved(&digest(8), now()).await.unwrap());
    let retention = db.retention_store();
    let ended = Expiring::UsernameReservations;
    assert_eq!(retention.count_expired(ended, later(59)).await.unwrap(), 0);
    assert_eq!(
        retention
            .delete_expired(ended, later(59), 10)
            .await
            .unwrap(),
        0
    );

    let leo = stored_user(&db, 2).await;
    let next = ErasurePlan {
        at: later(120),
        ..plan(leo.id, ContentChoice::Delete, 8)
    };
    db.account_erasure().erase(&next).await.unwrap().unwrap();
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM username_reservations").await,
        1,
        "the next erasure deleted the ended reservation"
    );
    let after_both = later(120) + Duration::days(31);
    assert_eq!(retention.count_expired(ended, after_both).await.unwrap(), 1);
    assert_eq!(
        retention
            .delete_expired(ended, after_both, 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(retention.count_expired(ended, after_both).await.unwrap(), 0);
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM username_reservations").await,
        0
    );
}

async fn a_former_staff_members_reads_stay_journaled(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let former = stored_user(&db, 1).await;
    let reader_of = stored_user(&db, 2).await;
    db.staff_access_journal()
        .record(&StaffAccess {
            id: AccessId::generate(),
            at: now(),
            staff: former.id,
            staff_role: Role::Administrator,
            subject: reader_of.id,
            reason: AccessReason::parse("Vérification d'identité").unwrap(),
            fields: vec![PersonalField::Email],
        })
        .await
        .unwrap();

    db.account_erasure()
        .erase(&plan(former.id, ContentChoice::Delete, 7))
        .await
        .unwrap()
        .unwrap();

    let page = db
        .staff_access_journal()
        .list_for(reader_of.id, None, 10)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].access.staff, ERASED_AUTHOR);
    assert!(page[0].staff_username.is_erased());
}

async fn requests_outlive_the_person_without_their_notes(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let admin = stored_user(&db, 2).await;
    let request = SubjectRequest::receive(
        lea.id,
        RequestKind::Erasure,
        RequestChannel::Letter,
        now().date(),
        RequestText::parse("Lettre de Léa, 12 rue des Lilas"),
        now(),
        admin.id,
    )
    .unwrap();
    db.subject_requests()
        .insert(
            &request,
            &rr_application::ports::RequestEvent {
                at: now(),
                actor: Some(admin.id),
                action: rr_application::ports::RequestAction::Recorded,
                detail: "kind=erasure".into(),
            },
        )
        .await
        .unwrap();

    db.account_erasure()
        .erase(&plan(lea.id, ContentChoice::Delete, 7))
        .await
        .unwrap()
        .unwrap();

    let stored = db
        .subject_requests()
        .find(request.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.subject, None);
    assert_eq!(stored.notes, None);
    assert_eq!(stored.version, 1);
    assert_eq!(stored.recorded_by, Some(admin.id));
    assert_eq!(stored.kind, RequestKind::Erasure);
}

on_every_engine!(
    the_account_and_what_goes_with_it_are_deleted,
    anonymised_content_stays_published_under_the_erased_author,
    deleted_content_goes_and_comments_become_tombstones,
    the_erased_author_is_created_once_and_never_erased,
    reservations_end_and_ended_ones_are_deleted,
    a_former_staff_members_reads_stay_journaled,
    requests_outlive_the_person_without_their_notes,
);
