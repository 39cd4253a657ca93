//! The file-system blob store in a temporary directory: content addressing,
//! idempotence, the size cap, and no file left behind by a refused,
//! failed or abandoned upload.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rr_application::ports::{BlobError, BlobStore, ByteSource};
use rr_application::test_util::ChunkSource;
use rr_domain::resource::BlobDigest;
use rr_persistence::FsBlobStore;
use sha2::{Digest as _, Sha256};

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
    found
}

fn store() -> (tempfile::TempDir, FsBlobStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobStore::open(dir.path().join("blobs")).unwrap();
    (dir, store)
}

fn source(bytes: &[u8]) -> Box<ChunkSource> {
    Box::new(ChunkSource::new(bytes, 1000))
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn content_is_stored_under_its_sha256_in_two_levels_of_directories() {
    let (_dir, store) = store();
    let bytes = content(70_000);

    let blob = store.put(source(&bytes), 100_000).await.unwrap();

    let expected = BlobDigest::from_sha256(Sha256::digest(&bytes).into());
    assert_eq!(blob.digest, expected);
    assert_eq!(blob.size_bytes, 70_000);
    let hex = expected.as_str();
    let path = store.root().join(&hex[..2]).join(&hex[2..4]).join(hex);
    assert_eq!(store.path_of(&expected), path);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(files(store.root()), [path], "no temporary file left");
}

#[tokio::test]
async fn storing_the_same_content_again_keeps_the_first_copy() {
    let (_dir, store) = store();
    let bytes = content(5_000);
    let first = store.put(source(&bytes), 10_000).await.unwrap();
    let path = store.path_of(&first.digest);
    let written = std::fs::metadata(&path).unwrap().modified().unwrap();

    let second = store.put(source(&bytes), 10_000).await.unwrap();

    assert_eq!(first, second);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        written
    );
    assert_eq!(files(store.root()).len(), 1);
}

#[tokio::test]
async fn content_over_the_cap_is_refused_and_leaves_nothing() {
    let (_dir, store) = store();

    let err = store
        .put(source(&content(10_001)), 10_000)
        .await
        .unwrap_err();

    assert!(matches!(
        err,
        BlobError::TooLarge {
            limit_bytes: 10_000
        }
    ));
    assert!(files(store.root()).is_empty());
    let exact = store.put(source(&content(10_000)), 10_000).await.unwrap();
    assert_eq!(exact.size_bytes, 10_000);
}

#[tokio::test]
async fn a_failing_source_leaves_nothing_and_an_earlier_blob_untouched() {
    let (_dir, store) = store();
    let kept = store.put(source(b"%PDF-1.7 kept"), 100).await.unwrap();

    let err = store
        .put(
            Box::new(ChunkSource::failing(&content(3_000), 1000)),
            10_000,
        )
        .await
        .unwrap_err();

    assert!(matches!(err, BlobError::Source(_)));
    assert_eq!(files(store.root()), [store.path_of(&kept.digest)]);
}

/// Gives one chunk, then never answers: a client that stalls.
struct Stalling(bool);

#[async_trait::async_trait]
impl ByteSource for Stalling {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        if std::mem::replace(&mut self.0, true) {
            std::future::pending::<()>().await;
        }
        Ok(Some(vec![7; 4096]))
    }
}

#[tokio::test]
async fn an_abandoned_upload_leaves_nothing() {
    let (_dir, store) = store();

    let put = store.put(Box::new(Stalling(false)), 1_000_000);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), put)
            .await
            .is_err()
    );

    assert!(files(store.root()).is_empty());
}

#[tokio::test]
async fn stored_content_is_read_back_and_removed() {
    let (_dir, store) = store();
    let bytes = content(200_000);
    let blob = store.put(source(&bytes), 1_000_000).await.unwrap();

    assert!(store.contains(&blob.digest).await.unwrap());
    let mut opened = store.open(&blob.digest).await.unwrap().unwrap();
    assert_eq!(opened.size_bytes, 200_000);
    assert_eq!(
        ChunkSource::drain(opened.content.as_mut()).await.unwrap(),
        bytes
    );

    store.remove(&blob.digest).await.unwrap();
    store.remove(&blob.digest).await.unwrap();
    assert!(!store.contains(&blob.digest).await.unwrap());
    assert!(store.open(&blob.digest).await.unwrap().is_none());
    assert!(files(store.root()).is_empty());
}

#[tokio::test]
async fn opening_the_store_sweeps_only_old_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    std::fs::create_dir_all(&root).unwrap();
    let old = root.join("upload-0123.tmp");
    let young = root.join("upload-4567.tmp");
    let other = root.join("notes.txt");
    for path in [&old, &young, &other] {
        std::fs::write(path, b"x").unwrap();
    }
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(2 * 3600))
        .unwrap();

    FsBlobStore::open(&root).unwrap();

    assert!(!old.exists());
    assert!(young.exists(), "perhaps an upload in progress");
    assert!(other.exists());
}
