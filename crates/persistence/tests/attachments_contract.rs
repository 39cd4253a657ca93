//! Contract of `AttachmentRepository` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::RepositoryError;
use rr_application::ports::{AttachmentRecord, ResourceRecord};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{
    AttachmentId, AttachmentType, BlobDigest, Body, FileName, Lifecycle, ResourceId, Summary,
    Title, Visibility,
};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, stored_user};

/// A seeded reference (see the reference data migration): kind 1 categories,
/// 2 relation types, 3 resource types.
fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

/// A stored draft of a new author (told apart by `n`).
async fn stored_resource(db: &Database, n: u8) -> ResourceId {
    let author = stored_user(db, n).await;
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author: author.id,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: seeded(1, 1),
        resource_type: seeded(3, 1),
        relation_types: vec![seeded(2, 1)],
        external_link: None,
        visibility: Visibility::Private,
        state: Lifecycle::Draft,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: now(),
        published_at: None,
        deleted_at: None,
        version: 0,
    };
    db.resources().insert(&record).await.unwrap();
    record.id
}

fn digest(n: u8) -> BlobDigest {
    BlobDigest::from_sha256([n; 32])
}

fn attachment(resource: ResourceId, content: u8) -> AttachmentRecord {
    AttachmentRecord {
        id: AttachmentId::generate(),
        resource,
        digest: digest(content),
        file_name: FileName::parse("Fiche n°3 — écouter.pdf").unwrap(),
        media_type: AttachmentType::Pdf,
        size_bytes: 48_213,
        created_at: later(30),
    }
}

fn id_literal(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

async fn every_field_round_trips(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let resource = stored_resource(&db, 1).await;
    let pdf = attachment(resource, 1);
    let mut image = attachment(resource, 2);
    image.media_type = AttachmentType::Webp;
    // 255 bytes, 128 characters: the column is wide enough for any valid name.
    image.file_name = FileName::parse(&format!("{}a", "é".repeat(127))).unwrap();
    image.size_bytes = 5 * 1024 * 1024 * 1024;

    for record in [&pdf, &image] {
        db.attachments().insert(record).await.unwrap();
    }

    assert_eq!(db.attachments().find(pdf.id).await.unwrap(), Some(pdf));
    assert_eq!(db.attachments().find(image.id).await.unwrap(), Some(image));
    assert_eq!(
        db.attachments()
            .find(AttachmentId::generate())
            .await
            .unwrap(),
        None
    );
}

async fn a_resource_lists_its_own_attachments_oldest_first(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let mine = stored_resource(&db, 1).await;
    let other = stored_resource(&db, 2).await;
    let first = attachment(mine, 1);
    let second = attachment(mine, 2);
    let elsewhere = attachment(other, 3);
    for record in [&second, &elsewhere, &first] {
        db.attachments().insert(record).await.unwrap();
    }

    assert_eq!(
        db.attachments().list_by_resource(mine).await.unwrap(),
        [first, second]
    );
    assert_eq!(
        db.attachments()
            .list_by_resource(ResourceId::generate())
            .await
            .unwrap(),
        []
    );
}

async fn an_unknown_resource_or_a_taken_id_is_a_conflict(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let resource = stored_resource(&db, 1).await;
    let orphan = attachment(ResourceId::generate(), 1);

    assert!(matches!(
        db.attachments().insert(&orphan).await,
        Err(RepositoryError::Conflict(_))
    ));
    assert_eq!(db.attachments().find(orphan.id).await.unwrap(), None);

    let stored = attachment(resource, 1);
    db.attachments().insert(&stored).await.unwrap();
    let mut again = attachment(resource, 2);
    again.id = stored.id;
    assert!(matches!(
        db.attachments().insert(&again).await,
        Err(RepositoryError::Conflict(_))
    ));
    assert_eq!(
        db.attachments().find(stored.id).await.unwrap(),
        Some(stored)
    );
}

async fn a_deletion_happens_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let resource = stored_resource(&db, 1).await;
    let kept = attachment(resource, 1);
    let gone = attachment(resource, 2);
    for record in [&kept, &gone] {
        db.attachments().insert(record).await.unwrap();
    }

    assert!(db.attachments().delete(gone.id).await.unwrap());
    assert!(!db.attachments().delete(gone.id).await.unwrap());

    assert_eq!(db.attachments().find(gone.id).await.unwrap(), None);
    assert_eq!(
        db.attachments().list_by_resource(resource).await.unwrap(),
        [kept]
    );
}

async fn a_digest_is_referenced_while_any_attachment_has_it(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let first = stored_resource(&db, 1).await;
    let second = stored_resource(&db, 2).await;
    let a = attachment(first, 7);
    let b = attachment(second, 7);
    for record in [&a, &b] {
        db.attachments().insert(record).await.unwrap();
    }
    let repository = db.attachments();

    assert!(repository.is_referenced(&digest(7)).await.unwrap());
    assert!(!repository.is_referenced(&digest(8)).await.unwrap());
    repository.delete(a.id).await.unwrap();
    assert!(
        repository.is_referenced(&digest(7)).await.unwrap(),
        "still the other resource's"
    );
    repository.delete(b.id).await.unwrap();
    assert!(!repository.is_referenced(&digest(7)).await.unwrap());
}

async fn attachments_go_with_a_purged_resource(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let resource = stored_resource(&db, 1).await;
    let record = attachment(resource, 1);
    db.attachments().insert(&record).await.unwrap();

    let sql = format!(
        "DELETE FROM resources WHERE id = {}",
        id_literal(resource.as_uuid())
    );
    assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1);

    assert_eq!(db.attachments().find(record.id).await.unwrap(), None);
    assert!(!db.attachments().is_referenced(&digest(1)).await.unwrap());
}

async fn a_corrupt_stored_row_is_an_internal_error(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let resource = stored_resource(&db, 1).await;
    let tamperings = [
        "file_name = '../../etc/passwd'",
        "file_name = '.htaccess'",
        "media_type = 'text/html'",
        "digest = 'not-a-digest'",
        "size_bytes = -1",
    ];
    for tampering in tamperings {
        let record = attachment(resource, 1);
        db.attachments().insert(&record).await.unwrap();
        let sql = format!(
            "UPDATE attachments SET {tampering} WHERE id = {}",
            id_literal(record.id.as_uuid())
        );
        assert_eq!(execute(test_db.url(), &sql).await.unwrap(), 1, "{sql}");

        assert!(
            matches!(
                db.attachments().find(record.id).await,
                Err(RepositoryError::Internal(_))
            ),
            "{tampering}"
        );
        assert!(matches!(
            db.attachments().list_by_resource(resource).await,
            Err(RepositoryError::Internal(_))
        ));
        db.attachments().delete(record.id).await.unwrap();
    }
}

async fn digests_compare_byte_for_byte(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let resource = stored_resource(&db, 1).await;
    let record = attachment(resource, 0xab);
    db.attachments().insert(&record).await.unwrap();
    let upper = format!(
        "UPDATE attachments SET digest = '{}' WHERE id = {}",
        "AB".repeat(32),
        id_literal(record.id.as_uuid())
    );
    execute(test_db.url(), &upper).await.unwrap();

    // The MariaDB table collation ignores case; the digest column must not.
    assert!(!db.attachments().is_referenced(&digest(0xab)).await.unwrap());
}

on_every_engine!(
    every_field_round_trips,
    a_resource_lists_its_own_attachments_oldest_first,
    an_unknown_resource_or_a_taken_id_is_a_conflict,
    a_deletion_happens_once,
    a_digest_is_referenced_while_any_attachment_has_it,
    attachments_go_with_a_purged_resource,
    a_corrupt_stored_row_is_an_internal_error,
    digests_compare_byte_for_byte,
);
