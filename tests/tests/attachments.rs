//! Attachments over real HTTP on every engine: the round trip and its
//! headers, the type decided by content, size and name refusals that leave
//! no file (not even a temporary one) and no row, visibility as the
//! resource's, and content shared by digest until its last attachment goes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::path::{Path, PathBuf};
use std::time::Duration;

use rr_acceptance_tests::{Engine, TestApp, on_every_engine, spawn_with, test_settings};
use rr_persistence::testing::{TestDatabase, dump_database};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01";

fn resource(visibility: &str) -> Value {
    json!({
        "title": "Parler à son ado", "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "# Écouter\n\nD'abord écouter, sans juger.",
        "categoryId": "01a22499-f800-7107-8000-000000000000",
        "resourceTypeId": "01a22499-f800-7302-8000-000000000000",
        "relationTypeIds": ["01a22499-f800-7203-8000-000000000000"],
        "visibility": visibility
    })
}

/// A new resource of the caller's; returns its attachments' path.
async fn attachments_of_new(app: &TestApp, token: &str, visibility: &str) -> String {
    let created: Value = app
        .post("/api/v1/resources", &resource(visibility), Some(token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    format!(
        "/api/v1/resources/{}/attachments",
        created["id"].as_str().unwrap()
    )
}

async fn upload(
    app: &TestApp,
    path: &str,
    name: &str,
    bytes: &[u8],
    token: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .query(&[("fileName", name)])
        .header("Content-Type", "application/pdf")
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

/// Every file under `dir`, at any depth.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The rows of the `attachments` table.
async fn rows(app: &TestApp) -> usize {
    dump_database(app.database_url())
        .await
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("attachments: "))
        .count()
}

async fn nothing_stored(app: &TestApp) {
    assert_eq!(files(&app.blob_dir()), Vec::<PathBuf>::new(), "no file");
    assert_eq!(rows(app).await, 0, "no row");
}

async fn a_pdf_round_trips_with_safe_headers(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let path = attachments_of_new(&app, &lea, "private").await;

    let created = upload(&app, &path, "Fiche n°3 — écouter.pdf", PDF, &lea).await;

    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["fileName"], "Fiche n°3 — écouter.pdf");
    assert_eq!(created["mediaType"], "application/pdf");
    assert_eq!(created["sizeBytes"], PDF.len());
    let listed: Value = app
        .get_with(&path, &lea)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([created]));

    let file = format!("{path}/{}", created["id"].as_str().unwrap());
    let download = app.get_with(&file, &lea).await.unwrap();
    assert_eq!(download.status(), 200);
    let header = |name: &str| {
        download
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-length"), PDF.len().to_string());
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"Fiche n_3 _ _couter.pdf\"; \
         filename*=UTF-8''Fiche%20n%C2%B03%20%E2%80%94%20%C3%A9couter.pdf"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").starts_with("private"));
    assert!(header("content-security-policy").starts_with("sandbox"));
    assert_eq!(download.bytes().await.unwrap(), PDF);

    // Stored once, under its digest, two directory levels down.
    let stored = files(&app.blob_dir());
    assert_eq!(stored.len(), 1);
    let blob = &stored[0];
    let digest = blob.file_name().unwrap().to_str().unwrap();
    assert_eq!(digest.len(), 64);
    assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        blob.strip_prefix(app.blob_dir()).unwrap(),
        Path::new(&digest[..2]).join(&digest[2..4]).join(digest)
    );
    assert_eq!(std::fs::read(blob).unwrap(), PDF);
}

async fn the_type_is_read_from_the_content_not_the_name(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let path = attachments_of_new(&app, &lea, "private").await;

    let png: Value = upload(&app, &path, "cours.pdf", PNG, &lea)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(png["mediaType"], "image/png");

    for disguised in [
        &b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"[..],
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    ] {
        let refused = upload(&app, &path, "cours.pdf", disguised, &lea).await;
        assert_eq!(refused.status(), 415);
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["code"], "unsupported_attachment_type");
    }
    assert_eq!(files(&app.blob_dir()).len(), 1, "only the PNG");
    assert_eq!(rows(&app).await, 1);
}

async fn names_that_could_be_paths_are_refused_and_nothing_is_written(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let path = attachments_of_new(&app, &lea, "private").await;
    let long = format!("{}.pdf", "a".repeat(252));

    for name in [
        "../../etc/passwd",
        "..",
        ".htaccess",
        "..\\..\\windows\\win.ini",
        "cours/../../../secret.pdf",
        "/etc/passwd",
        "cours\0.pdf",
        "cours\r\nX-Injected: 1.pdf",
        "",
        long.as_str(),
    ] {
        let refused = upload(&app, &path, name, PDF, &lea).await;
        assert_eq!(refused.status(), 422, "{name:?}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "fileName");
        assert_eq!(problem["errors"][0]["code"], "invalid_file_name");
    }
    nothing_stored(&app).await;
}

async fn another_citizen_learns_nothing_of_a_private_resource(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let path = attachments_of_new(&app, &lea, "private").await;
    let created: Value = upload(&app, &path, "cours.pdf", PDF, &lea)
        .await
        .json()
        .await
        .unwrap();
    let file = format!("{path}/{}", created["id"].as_str().unwrap());

    assert_eq!(app.get_with(&file, &tom).await.unwrap().status(), 404);
    assert_eq!(app.get_with(&path, &tom).await.unwrap().status(), 404);
    assert_eq!(app.get(&file).await.unwrap().status(), 404);
    assert_eq!(upload(&app, &path, "x.png", PNG, &tom).await.status(), 404);
    let removal = app
        .client
        .delete(format!("{}{file}", app.address))
        .bearer_auth(&tom)
        .send()
        .await
        .unwrap();
    assert_eq!(removal.status(), 404);
    assert_eq!(rows(&app).await, 1);
    assert_eq!(files(&app.blob_dir()).len(), 1);
}

async fn content_is_shared_by_digest_and_removed_with_its_last_attachment(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let first = attachments_of_new(&app, &lea, "private").await;
    let second = attachments_of_new(&app, &lea, "shared").await;
    let mut ids = Vec::new();
    for path in [&first, &second] {
        let created: Value = upload(&app, path, "cours.pdf", PDF, &lea)
            .await
            .json()
            .await
            .unwrap();
        ids.push(format!("{path}/{}", created["id"].as_str().unwrap()));
    }
    assert_eq!(files(&app.blob_dir()).len(), 1, "one content, one file");
    let delete = |file: String| {
        let request = app
            .client
            .delete(format!("{}{file}", app.address))
            .bearer_auth(&lea);
        async move { request.send().await.unwrap().status() }
    };

    assert_eq!(delete(ids[0].clone()).await, 204);
    assert_eq!(files(&app.blob_dir()).len(), 1, "still the second one's");
    assert_eq!(app.get_with(&ids[1], &lea).await.unwrap().status(), 200);

    assert_eq!(delete(ids[1].clone()).await, 204);
    nothing_stored(&app).await;
    assert_eq!(app.get_with(&ids[1], &lea).await.unwrap().status(), 404);
}

on_every_engine!(
    a_pdf_round_trips_with_safe_headers,
    the_type_is_read_from_the_content_not_the_name,
    names_that_could_be_paths_are_refused_and_nothing_is_written,
    another_citizen_learns_nothing_of_a_private_resource,
    content_is_shared_by_digest_and_removed_with_its_last_attachment,
);

// Over-size uploads, on an application whose limit is 64 KiB, over a raw
// connection: the client decides whether the length is declared.

const SMALL_LIMIT: u64 = 64 * 1024;

async fn spawn_small(engine: Engine) -> Option<TestApp> {
    let database = match engine {
        Engine::Sqlite => TestDatabase::sqlite(),
        Engine::MariaDb => TestDatabase::mariadb().await?,
    };
    let workdir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(database.url(), workdir.path()).unwrap();
    settings.resources.attachments.max_bytes = SMALL_LIMIT;
    Some(spawn_with(database, settings, workdir).await.unwrap())
}

/// Reads one HTTP/1.1 response; returns its status and body.
async fn read_response(stream: &mut tokio::net::TcpStream) -> (u16, String) {
    let mut received = Vec::new();
    let mut buffer = [0; 8192];
    let read = async {
        loop {
            let n = stream.read(&mut buffer).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            received.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&received).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_owned)
                    })
                    .and_then(|l| l.trim().parse::<usize>().ok());
                if length.is_some_and(|length| body.len() >= length) {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("a response in time");
    let text = String::from_utf8_lossy(&received).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a response: {text:?}"));
    let body = text.split_once("\r\n\r\n").unwrap_or_default().1.to_owned();
    (status, body)
}

fn head(app: &TestApp, path: &str, token: &str, length: &str) -> String {
    let host = app.address.trim_start_matches("http://");
    format!(
        "POST {path}?fileName=cours.pdf HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/pdf\r\n{length}\r\n"
    )
}

async fn connect(app: &TestApp) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap()
}

async fn an_oversized_upload_is_refused_with_413_and_leaves_nothing(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let path = attachments_of_new(&app, &lea, "private").await;

    // Declared too large: answered from the headers, before any byte of the body.
    let mut stream = connect(&app).await;
    let declared = head(&app, &path, &lea, "Content-Length: 104857600\r\n");
    stream.write_all(declared.as_bytes()).await.unwrap();
    let (status, body) = read_response(&mut stream).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("\"payload_too_large\""), "{body}");
    nothing_stored(&app).await;

    // Not declared (chunked): refused once the limit is passed while it streams.
    let mut stream = connect(&app).await;
    let streamed = head(&app, &path, &lea, "Transfer-Encoding: chunked\r\n");
    stream.write_all(streamed.as_bytes()).await.unwrap();
    let mut chunk = PDF.to_vec();
    chunk.resize(16 * 1024, b' ');
    let mut sent = 0;
    while sent <= SMALL_LIMIT + 16 * 1024 {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&frame).await.is_err() {
            break;
        }
        sent += chunk.len() as u64;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let (status, body) = read_response(&mut stream).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("\"payload_too_large\""), "{body}");
    nothing_stored(&app).await;

    // At the limit exactly, it is accepted.
    let mut exact = PDF.to_vec();
    exact.resize(usize::try_from(SMALL_LIMIT).unwrap(), b' ');
    assert_eq!(
        upload(&app, &path, "cours.pdf", &exact, &lea)
            .await
            .status(),
        201
    );
    assert_eq!(files(&app.blob_dir()).len(), 1);
}

macro_rules! with_a_small_limit {
    ($($name:ident),+ $(,)?) => {
        mod small_limit_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::spawn_small(super::Engine::Sqlite).await.unwrap();
                    super::$name(app).await;
                }
            )+
        }
        mod small_limit_mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match super::spawn_small(super::Engine::MariaDb).await {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped"),
                    }
                }
            )+
        }
    };
}

with_a_small_limit!(an_oversized_upload_is_refused_with_413_and_leaves_nothing);
