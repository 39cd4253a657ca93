//! The attachment routes over real actix services and in-memory fakes:
//! streaming upload, download headers, refusals mapped to 4xx problems, and
//! nothing stored when a request is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_application::ports::ResourceRepository;
use rr_application::services::AttachmentPolicy;
use rr_domain::identity::UserId;
use rr_domain::resource::{Lifecycle, Visibility};
use rr_http::HttpSettings;
use serde_json::json;
use support::{TestApp, World, app_with, fetch, record, request, send, settings, token};

const LIMIT: u64 = 4096;
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01";

/// The fakes, files up to [`LIMIT`] bytes.
fn world() -> World {
    World::with_attachment_policy(AttachmentPolicy {
        max_bytes: LIMIT,
        max_per_resource: 10,
    })
}

/// The application on `w`, its JSON bodies limited to 1 KiB.
async fn app(w: &World) -> impl TestApp {
    let settings = HttpSettings {
        body_limit_bytes: 1024,
        ..settings()
    };
    app_with(w.services(), settings).await
}

/// Registers, verifies and logs in `name`; returns the token and the account id.
async fn citizen(app: &impl TestApp, w: &World, name: &str) -> (String, UserId) {
    let token = token(app, &w.fx, name).await;
    let actor = w.fx.service.authenticate(&token).await.unwrap();
    (token, actor.user_id)
}

/// A stored resource of `author`'s, published.
async fn resource(
    w: &World,
    author: UserId,
    visibility: Visibility,
    shared_with: Vec<UserId>,
) -> String {
    let now = w.fx.clock.now_for_tests();
    let record = record(author, visibility, Lifecycle::Published, shared_with, now);
    w.resources.insert(&record).await.unwrap();
    format!("/api/v1/resources/{}/attachments", record.id.as_uuid())
}

fn upload(path: &str, name: &str, bytes: &[u8]) -> TestRequest {
    TestRequest::post()
        .uri(&format!("{path}?fileName={name}"))
        // Whatever the client claims, the content decides.
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .set_payload(bytes.to_vec())
}

fn nothing_stored(w: &World) {
    assert!(w.attachments.attachments.all().is_empty(), "no row");
    assert!(w.attachments.blobs.is_empty(), "no blob");
}

#[actix_web::test]
async fn a_pdf_goes_up_and_comes_down_as_a_safe_download() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let path = resource(&w, lea_id, Visibility::Private, vec![]).await;

    let created = fetch(&app, upload(&path, "Fiche%20n%C2%B03.pdf", PDF), Some(&lea)).await;

    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json());
    let created = created.json();
    assert_eq!(created["fileName"], "Fiche n°3.pdf");
    assert_eq!(created["mediaType"], "application/pdf");
    assert_eq!(created["sizeBytes"], PDF.len());
    assert!(created["createdAt"].is_string());
    let list = fetch(&app, TestRequest::get().uri(&path), Some(&lea))
        .await
        .json();
    assert_eq!(list["items"], json!([created]));

    let download = fetch(
        &app,
        TestRequest::get().uri(&format!("{path}/{}", created["id"].as_str().unwrap())),
        Some(&lea),
    )
    .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, PDF);
    assert_eq!(download.header(header::CONTENT_TYPE), "application/pdf");
    assert_eq!(
        download.header(header::CONTENT_LENGTH),
        PDF.len().to_string()
    );
    assert_eq!(
        download.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"Fiche n_3.pdf\"; filename*=UTF-8''Fiche%20n%C2%B03.pdf"
    );
    assert_eq!(download.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(
        download
            .header(header::CACHE_CONTROL)
            .starts_with("private")
    );
    assert!(
        download
            .header(header::CONTENT_SECURITY_POLICY)
            .starts_with("sandbox")
    );
}

#[actix_web::test]
async fn the_stored_type_is_the_sniffed_one() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let path = resource(&w, lea_id, Visibility::Private, vec![]).await;

    let created = fetch(&app, upload(&path, "cours.pdf", PNG), Some(&lea))
        .await
        .json();

    assert_eq!(created["mediaType"], "image/png");
    let download = fetch(
        &app,
        TestRequest::get().uri(&format!("{path}/{}", created["id"].as_str().unwrap())),
        Some(&lea),
    )
    .await;
    assert_eq!(download.header(header::CONTENT_TYPE), "image/png");
}

#[actix_web::test]
async fn disguised_content_is_refused_with_415_and_nothing_is_stored() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let path = resource(&w, lea_id, Visibility::Private, vec![]).await;

    for bytes in [
        &b"<!DOCTYPE html><script>alert(document.cookie)</script>"[..],
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
    ] {
        let refused = fetch(&app, upload(&path, "cours.pdf", bytes), Some(&lea)).await;
        assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(refused.json()["code"], "unsupported_attachment_type");
        assert_eq!(
            refused.header(header::CONTENT_TYPE),
            "application/problem+json"
        );
    }
    let empty = fetch(&app, upload(&path, "cours.pdf", b""), Some(&lea)).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.json()["errors"][0]["code"], "empty_attachment");
    nothing_stored(&w);
}

#[actix_web::test]
async fn file_names_that_could_be_paths_are_refused_and_nothing_is_stored() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let path = resource(&w, lea_id, Visibility::Private, vec![]).await;
    let long = "a".repeat(256);

    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "..",
        ".htaccess",
        "..%5C..%5Cwindows%5Cwin.ini",
        "cours%2F..%2F..%2Fsecret.pdf",
        "%2Fetc%2Fpasswd",
        "cours%00.pdf",
        "cours%0D%0A.pdf",
        "",
        "%20%20",
        long.as_str(),
    ] {
        let refused = fetch(&app, upload(&path, name, PDF), Some(&lea)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let problem = refused.json();
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "fileName", "{name}");
        assert_eq!(problem["errors"][0]["code"], "invalid_file_name");
    }
    let unnamed = fetch(
        &app,
        TestRequest::post().uri(&path).set_payload(PDF.to_vec()),
        Some(&lea),
    )
    .await;
    assert_eq!(unnamed.status, StatusCode::BAD_REQUEST);
    assert_eq!(unnamed.json()["code"], "invalid_query");
    nothing_stored(&w);
}

#[actix_web::test]
async fn an_oversized_body_is_refused_with_413_whether_declared_or_not() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let path = resource(&w, lea_id, Visibility::Private, vec![]).await;
    let mut big = PDF.to_vec();
    big.resize(usize::try_from(LIMIT).unwrap() + 1, b' ');

    // Declared: refused from the header, the body unread.
    let declared = request(
        TestRequest::post()
            .uri(&format!("{path}?fileName=cours.pdf"))
            .insert_header((header::CONTENT_LENGTH, "10000000")),
        Some(&lea),
    )
    .to_request();
    let refused = send(&app, declared).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.json()["code"], "payload_too_large");

    // Undeclared: refused while it arrives.
    let mut streamed = request(upload(&path, "cours.pdf", &big), Some(&lea)).to_request();
    streamed.headers_mut().remove(header::CONTENT_LENGTH);
    let refused = send(&app, streamed).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.json()["code"], "payload_too_large");
    nothing_stored(&w);

    // The JSON body limit (1 KiB here) does not apply to files.
    big.truncate(usize::try_from(LIMIT).unwrap());
    let accepted = fetch(&app, upload(&path, "cours.pdf", &big), Some(&lea)).await;
    assert_eq!(accepted.status, StatusCode::CREATED);
}

#[actix_web::test]
async fn access_follows_the_resource() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let (tom, tom_id) = citizen(&app, &w, "tom").await;
    let (zoe, _) = citizen(&app, &w, "zoe").await;
    let private = resource(&w, lea_id, Visibility::Private, vec![]).await;
    let shared = resource(&w, lea_id, Visibility::Shared, vec![tom_id]).await;
    let public = resource(&w, lea_id, Visibility::Public, vec![]).await;
    let mut files = Vec::new();
    for path in [&private, &shared, &public] {
        let created = fetch(&app, upload(path, "cours.pdf", PDF), Some(&lea))
            .await
            .json();
        files.push(format!("{path}/{}", created["id"].as_str().unwrap()));
    }

    assert_eq!(
        fetch(&app, upload(&private, "x.pdf", PDF), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    for (who, path, file) in [
        (&zoe, &private, &files[0]),
        (&tom, &private, &files[0]),
        (&zoe, &shared, &files[1]),
    ] {
        assert_eq!(
            fetch(&app, TestRequest::get().uri(path), Some(who))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            fetch(&app, TestRequest::get().uri(file), Some(who))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            fetch(&app, upload(path, "x.pdf", PNG), Some(who))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            fetch(&app, TestRequest::delete().uri(file), Some(who))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&files[1]), Some(&tom))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        fetch(&app, upload(&shared, "x.pdf", PNG), Some(&tom))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&public), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "back in review since the upload"
    );
    assert_eq!(w.attachments.attachments.all().len(), 3);
    assert_eq!(w.attachments.blobs.len(), 1, "one content, stored once");
}

#[actix_web::test]
async fn removing_the_last_reference_removes_the_content() {
    let w = world();
    let app = app(&w).await;
    let (lea, lea_id) = citizen(&app, &w, "lea").await;
    let path = resource(&w, lea_id, Visibility::Private, vec![]).await;
    let created = fetch(&app, upload(&path, "cours.pdf", PDF), Some(&lea))
        .await
        .json();
    let file = format!("{path}/{}", created["id"].as_str().unwrap());

    let removed = fetch(&app, TestRequest::delete().uri(&file), Some(&lea)).await;

    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    nothing_stored(&w);
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&file), Some(&lea))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch(&app, TestRequest::get().uri(&path), Some(&lea))
            .await
            .json()["items"],
        json!([])
    );
}
