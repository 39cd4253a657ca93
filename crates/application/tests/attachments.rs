//! The attachment use cases on in-memory fakes: access as the resource's,
//! type by content, size cap, nothing stored on refusal, review after a
//! change, blobs shared by content and collected with their last reference.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::AppError;
use rr_application::ports::{BlobError, MockBlobStore, ResourceRecord, ResourceRepository};
use rr_application::services::attachments::NewAttachment;
use rr_application::services::{AttachmentPolicy, AttachmentPorts, AttachmentService};
use rr_application::test_util::{
    AttachmentFixture, ChunkSource, FakeAttachments, FakeBlobStore, FakeResources, SettableClock,
    attachment_fixture,
};
use rr_domain::Uuid;
use rr_domain::identity::{Actor, AuthenticatedActor, Role, SessionId, UserId};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{
    AttachmentType, Body, FileName, Lifecycle, ResourceId, Summary, Title, Visibility,
};
use time::macros::datetime;

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01";

struct World {
    resources: Arc<FakeResources>,
    clock: Arc<SettableClock>,
    fx: AttachmentFixture,
}

fn world_with(policy: AttachmentPolicy) -> World {
    let resources = Arc::new(FakeResources::default());
    let clock = Arc::new(SettableClock::new(datetime!(2026-11-29 10:00 UTC)));
    let fx = attachment_fixture(resources.clone(), clock.clone(), policy);
    World {
        resources,
        clock,
        fx,
    }
}

fn world() -> World {
    world_with(AttachmentPolicy {
        max_bytes: 1024,
        max_per_resource: 3,
    })
}

fn citizen() -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role: Role::Citizen,
        two_factor: false,
    }
}

fn reference() -> ReferenceId {
    ReferenceId::from_uuid(Uuid::now_v7())
}

async fn resource(
    w: &World,
    author: &AuthenticatedActor,
    visibility: Visibility,
    state: Lifecycle,
    shared_with: Vec<UserId>,
) -> ResourceId {
    let now = w.clock.now_for_tests();
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author: author.user_id,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category: reference(),
        resource_type: reference(),
        relation_types: vec![reference()],
        external_link: None,
        visibility,
        state,
        shared_with,
        created_at: now,
        updated_at: now,
        published_at: None,
        deleted_at: None,
        version: 0,
    };
    w.resources.insert(&record).await.unwrap();
    record.id
}

fn new(resource: ResourceId, name: &str) -> NewAttachment {
    NewAttachment {
        resource,
        file_name: FileName::parse(name).unwrap(),
    }
}

fn body(bytes: &[u8]) -> Box<ChunkSource> {
    Box::new(ChunkSource::new(bytes, 7))
}

async fn stored(w: &World, id: ResourceId) -> ResourceRecord {
    w.resources.find(id).await.unwrap().unwrap()
}

fn nothing_stored(w: &World) {
    assert!(w.fx.attachments.all().is_empty(), "no row");
    assert!(w.fx.blobs.is_empty(), "no blob");
}

#[tokio::test]
async fn an_author_attaches_a_pdf_that_visitors_of_the_resource_download() {
    let w = world();
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Public, Lifecycle::Draft, vec![]).await;

    let attachment =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(PDF))
            .await
            .unwrap();

    assert_eq!(attachment.media_type, AttachmentType::Pdf);
    assert_eq!(attachment.size_bytes, PDF.len() as u64);
    assert_eq!(attachment.file_name.as_str(), "cours.pdf");
    assert_eq!(attachment.digest, FakeBlobStore::digest_of(PDF));
    assert_eq!(stored(&w, id).await.version, 1, "a change of the resource");
    let listed = w.fx.service.list(&Actor::User(lea), id).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&attachment));
    let mut download =
        w.fx.service
            .download(&Actor::User(lea), id, attachment.id)
            .await
            .unwrap();
    assert_eq!(download.content.size_bytes, PDF.len() as u64);
    assert_eq!(
        ChunkSource::drain(download.content.content.as_mut())
            .await
            .unwrap(),
        PDF
    );
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_not_the_name() {
    let w = world();
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;

    let png =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(PNG))
            .await
            .unwrap();

    assert_eq!(png.media_type, AttachmentType::Png);
    assert_eq!(
        png.file_name.as_str(),
        "cours.pdf",
        "the name is only shown"
    );
}

#[tokio::test]
async fn disguised_content_is_refused_and_nothing_is_stored() {
    let w = world();
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;
    let disguised: [&[u8]; 4] = [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        b"<html>%PDF-1.4 <script>alert(1)</script>",
    ];

    for bytes in disguised {
        let err =
            w.fx.service
                .upload(&lea, new(id, "cours.pdf"), body(bytes))
                .await
                .unwrap_err();
        assert_eq!(err.code(), "unsupported_attachment_type");
        assert!(matches!(err, AppError::UnsupportedContent(_)));
    }
    let err =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(b""))
            .await
            .unwrap_err();
    assert!(matches!(&err, AppError::Invalid(v) if v[0].code == "empty_attachment"));
    nothing_stored(&w);
    assert_eq!(stored(&w, id).await.version, 0, "the resource is untouched");
}

#[tokio::test]
async fn content_over_the_cap_or_cut_short_is_refused_and_nothing_is_stored() {
    let w = world();
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;
    let mut big = PDF.to_vec();
    big.resize(1025, b' ');

    let err =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(&big))
            .await
            .unwrap_err();
    assert!(matches!(err, AppError::TooLarge { limit_bytes: 1024 }));
    assert_eq!(err.code(), "payload_too_large");

    let cut = Box::new(ChunkSource::failing(PDF, 7));
    let err =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), cut)
            .await
            .unwrap_err();
    assert!(matches!(&err, AppError::Invalid(v) if v[0].code == "incomplete_body"));
    nothing_stored(&w);

    big.truncate(1024);
    assert!(
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(&big))
            .await
            .is_ok(),
        "exactly the cap is accepted"
    );
}

#[tokio::test]
async fn access_follows_the_resource() {
    let w = world();
    let lea = citizen();
    let tom = citizen();
    let zoe = citizen();
    let private = resource(&w, &lea, Visibility::Private, Lifecycle::Published, vec![]).await;
    let shared = resource(
        &w,
        &lea,
        Visibility::Shared,
        Lifecycle::Published,
        vec![tom.user_id],
    )
    .await;
    let on_private =
        w.fx.service
            .upload(&lea, new(private, "cours.pdf"), body(PDF))
            .await
            .unwrap();
    let on_shared =
        w.fx.service
            .upload(&lea, new(shared, "cours.pdf"), body(PDF))
            .await
            .unwrap();
    let s = &w.fx.service;

    // Who may not see the resource learns nothing, whatever they try.
    for (who, id, attachment) in [
        (zoe, private, on_private.id),
        (tom, private, on_private.id),
        (zoe, shared, on_shared.id),
    ] {
        assert_eq!(
            s.list(&Actor::User(who), id).await.unwrap_err().code(),
            "not_found"
        );
        assert!(matches!(
            s.download(&Actor::User(who), id, attachment).await,
            Err(AppError::NotFound)
        ));
        let err = s
            .upload(&who, new(id, "x.pdf"), body(PDF))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert_eq!(
            s.remove(&who, id, attachment).await.unwrap_err().code(),
            "not_found"
        );
    }
    assert!(matches!(
        s.list(&Actor::Visitor, shared).await,
        Err(AppError::NotFound)
    ));

    // Who sees it downloads, but does not change it.
    assert_eq!(s.list(&Actor::User(tom), shared).await.unwrap().len(), 1);
    assert!(
        s.download(&Actor::User(tom), shared, on_shared.id)
            .await
            .is_ok()
    );
    let err = s
        .upload(&tom, new(shared, "x.pdf"), body(PNG))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(
        s.remove(&tom, shared, on_shared.id)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );

    // An attachment is reached through its own resource only.
    assert!(matches!(
        s.download(&Actor::User(lea), shared, on_private.id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        s.remove(&lea, shared, on_private.id).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(w.fx.attachments.all().len(), 2);
}

#[tokio::test]
async fn an_archived_resource_takes_no_new_file() {
    let w = world();
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Private, Lifecycle::Archived, vec![]).await;

    let err =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(PDF))
            .await
            .unwrap_err();

    assert_eq!(err.code(), "forbidden");
    nothing_stored(&w);
}

#[tokio::test]
async fn adding_or_removing_a_file_sends_a_published_public_resource_back_to_review() {
    let w = world();
    let lea = citizen();
    let public = resource(&w, &lea, Visibility::Public, Lifecycle::Published, vec![]).await;
    let private = resource(&w, &lea, Visibility::Private, Lifecycle::Published, vec![]).await;

    let attachment =
        w.fx.service
            .upload(&lea, new(public, "cours.pdf"), body(PDF))
            .await
            .unwrap();
    w.fx.service
        .upload(&lea, new(private, "cours.pdf"), body(PDF))
        .await
        .unwrap();

    assert_eq!(stored(&w, public).await.state, Lifecycle::PendingReview);
    assert_eq!(
        stored(&w, private).await.state,
        Lifecycle::Published,
        "no review for private ones"
    );

    let mut approved = stored(&w, public).await;
    approved.state = Lifecycle::Published;
    assert!(w.resources.update(&approved).await.unwrap());
    w.clock.advance(time::Duration::minutes(5));
    w.fx.service
        .remove(&lea, public, attachment.id)
        .await
        .unwrap();
    let after = stored(&w, public).await;
    assert_eq!(after.state, Lifecycle::PendingReview);
    assert_eq!(after.updated_at, w.clock.now_for_tests());
}

#[tokio::test]
async fn a_resource_holds_a_bounded_number_of_files() {
    let w = world();
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;
    for n in 0..3 {
        let mut bytes = PNG.to_vec();
        bytes.push(n);
        w.fx.service
            .upload(&lea, new(id, "image.png"), body(&bytes))
            .await
            .unwrap();
    }

    let err =
        w.fx.service
            .upload(&lea, new(id, "cours.pdf"), body(PDF))
            .await
            .unwrap_err();

    assert_eq!(err.code(), "too_many_attachments");
    assert_eq!(w.fx.blobs.len(), 3, "the refused file was never stored");
}

#[tokio::test]
async fn equal_content_is_stored_once_and_removed_with_its_last_attachment() {
    let w = world();
    let lea = citizen();
    let first = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;
    let second = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;
    let a =
        w.fx.service
            .upload(&lea, new(first, "cours.pdf"), body(PDF))
            .await
            .unwrap();
    let b =
        w.fx.service
            .upload(&lea, new(second, "copie.pdf"), body(PDF))
            .await
            .unwrap();
    assert_eq!(a.digest, b.digest);
    assert_eq!(w.fx.blobs.len(), 1);

    w.fx.service.remove(&lea, first, a.id).await.unwrap();
    assert_eq!(w.fx.blobs.len(), 1, "still the second one's");
    assert!(
        w.fx.service
            .download(&Actor::User(lea), second, b.id)
            .await
            .is_ok()
    );

    w.fx.service.remove(&lea, second, b.id).await.unwrap();
    nothing_stored(&w);
    assert!(matches!(
        w.fx.service.remove(&lea, second, b.id).await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn a_failing_blob_store_is_an_internal_error_and_leaves_no_row() {
    let resources = Arc::new(FakeResources::default());
    let attachments = Arc::new(FakeAttachments::default());
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_put()
        .returning(|_, _| Err(BlobError::Storage("disk full".into())));
    let clock = Arc::new(SettableClock::new(datetime!(2026-11-29 10:00 UTC)));
    let service = AttachmentService::new(
        AttachmentPorts {
            resources: resources.clone(),
            users: Arc::new(rr_application::test_util::FakeUsers::default()),
            attachments: attachments.clone(),
            blobs: Arc::new(blobs),
            clock: clock.clone(),
        },
        AttachmentPolicy::default(),
    );
    // Only its resources and clock are used here: the service under test is the one above.
    let w = World {
        fx: attachment_fixture(
            resources.clone(),
            clock.clone(),
            AttachmentPolicy::default(),
        ),
        resources,
        clock,
    };
    let lea = citizen();
    let id = resource(&w, &lea, Visibility::Private, Lifecycle::Draft, vec![]).await;

    let err = service
        .upload(&lea, new(id, "cours.pdf"), body(PDF))
        .await
        .unwrap_err();

    assert_eq!(err.code(), "internal_error");
    assert!(attachments.all().is_empty());
    assert_eq!(stored(&w, id).await.version, 0);
}
