//! [`BlobStore`] on the file system, content-addressed, outside the database.
//!
//! A blob is the file `<root>/<2 hex>/<2 hex>/<sha256>`: its path derives from
//! a validated digest only, never from anything a client named. A new blob is
//! written to a temporary file in the root (the same file system, so the final
//! rename is atomic), hashed and counted while it streams, flushed to disk,
//! then renamed into place; a blob already there is kept. The temporary file
//! is removed on every refusal or failure, and when the upload is abandoned
//! (its future dropped), by a guard. Readers therefore see a complete blob or
//! none.

mod temp;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use rr_application::ports::{BlobError, BlobStore, ByteSource, OpenedBlob, StoredBlob};
use rr_domain::resource::BlobDigest;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use temp::TempFile;

/// Configuration of the file store, section `[storage]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// Directory holding the attachments' content, created when missing.
    /// Back it up with the database: rows without their blobs are broken.
    pub blob_dir: PathBuf,
}

/// Size of the chunks a blob is read in.
const READ_CHUNK: usize = 64 * 1024;

fn storage(err: std::io::Error) -> BlobError {
    BlobError::Storage(Box::new(err))
}

/// [`BlobStore`] in a directory.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    /// The store in `root`, created when missing. Temporary files left by a
    /// crash more than an hour ago are removed.
    ///
    /// # Errors
    /// When the directory cannot be created or read.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, std::io::Error> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        temp::sweep(&root, std::time::Duration::from_secs(3600))?;
        Ok(Self { root })
    }

    /// The store's directory.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob `digest` lives. A [`BlobDigest`] is 64 of `0-9a-f`, so
    /// the path cannot leave the root.
    #[must_use]
    pub fn path_of(&self, digest: &BlobDigest) -> PathBuf {
        let hex = digest.as_str();
        self.root.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }
}

/// A stored blob, read in chunks.
struct FileSource {
    file: tokio::fs::File,
    done: bool,
}

#[async_trait]
impl ByteSource for FileSource {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        if self.done {
            return Ok(None);
        }
        let mut buffer = vec![0; READ_CHUNK];
        let read = self.file.read(&mut buffer).await.inspect_err(|_| {
            self.done = true;
        })?;
        if read == 0 {
            self.done = true;
            return Ok(None);
        }
        buffer.truncate(read);
        Ok(Some(buffer))
    }
}

/// Makes a rename in `dir` durable. Best effort: not every platform can
/// open a directory.
async fn sync_directory(dir: &Path) {
    if let Ok(handle) = tokio::fs::File::open(dir).await {
        let _ = handle.sync_all().await;
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn put(
        &self,
        mut source: Box<dyn ByteSource>,
        max_bytes: u64,
    ) -> Result<StoredBlob, BlobError> {
        let (mut temp, mut file) = TempFile::create(&self.root).await.map_err(storage)?;
        let mut hasher = Sha256::new();
        let mut size_bytes: u64 = 0;
        while let Some(chunk) = source.next_chunk().await.map_err(BlobError::Source)? {
            size_bytes = size_bytes.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
            if size_bytes > max_bytes {
                return Err(BlobError::TooLarge {
                    limit_bytes: max_bytes,
                });
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(storage)?;
        }
        file.flush().await.map_err(storage)?;
        file.sync_all().await.map_err(storage)?;
        drop(file);

        let digest = BlobDigest::from_sha256(hasher.finalize().into());
        let target = self.path_of(&digest);
        let directory = target.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(directory)
            .await
            .map_err(storage)?;
        if !tokio::fs::try_exists(&target).await.map_err(storage)? {
            temp.persist(&target).await.map_err(storage)?;
            sync_directory(directory).await;
        }
        Ok(StoredBlob { digest, size_bytes })
    }

    async fn open(&self, digest: &BlobDigest) -> Result<Option<OpenedBlob>, BlobError> {
        let file = match tokio::fs::File::open(self.path_of(digest)).await {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(storage(err)),
        };
        let size_bytes = file.metadata().await.map_err(storage)?.len();
        Ok(Some(OpenedBlob {
            size_bytes,
            content: Box::new(FileSource { file, done: false }),
        }))
    }

    async fn contains(&self, digest: &BlobDigest) -> Result<bool, BlobError> {
        tokio::fs::try_exists(self.path_of(digest))
            .await
            .map_err(storage)
    }

    async fn remove(&self, digest: &BlobDigest) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.path_of(digest)).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(storage(err)),
        }
    }
}
