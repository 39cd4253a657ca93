//! In-memory attachments and blobs that keep their ports' contracts.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use rr_domain::resource::{AttachmentId, BlobDigest, ResourceId};

use super::FakeResources;
use crate::RepositoryError;
use crate::ports::{
    AttachmentRecord, AttachmentRepository, BlobError, BlobStore, ByteSource, Clock, OpenedBlob,
    ResourceRepository, StoredBlob, SystemClock,
};
use crate::services::{AttachmentPolicy, AttachmentPorts, AttachmentService};

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Attachments in memory. Unlike the database, it does not check that the
/// resource exists.
#[derive(Debug, Default)]
pub struct FakeAttachments {
    rows: Mutex<BTreeMap<AttachmentId, AttachmentRecord>>,
}

impl FakeAttachments {
    /// Every attachment stored.
    #[must_use]
    pub fn all(&self) -> Vec<AttachmentRecord> {
        lock(&self.rows).values().cloned().collect()
    }
}

#[async_trait]
impl AttachmentRepository for FakeAttachments {
    async fn insert(&self, attachment: &AttachmentRecord) -> Result<(), RepositoryError> {
        let mut rows = lock(&self.rows);
        if rows.contains_key(&attachment.id) {
            return Err(RepositoryError::Conflict("attachment id taken".into()));
        }
        rows.insert(attachment.id, attachment.clone());
        Ok(())
    }

    async fn list_by_resource(
        &self,
        resource: ResourceId,
    ) -> Result<Vec<AttachmentRecord>, RepositoryError> {
        Ok(lock(&self.rows)
            .values()
            .filter(|a| a.resource == resource)
            .cloned()
            .collect())
    }

    async fn find(&self, id: AttachmentId) -> Result<Option<AttachmentRecord>, RepositoryError> {
        Ok(lock(&self.rows).get(&id).cloned())
    }

    async fn delete(&self, id: AttachmentId) -> Result<bool, RepositoryError> {
        Ok(lock(&self.rows).remove(&id).is_some())
    }

    async fn is_referenced(&self, digest: &BlobDigest) -> Result<bool, RepositoryError> {
        Ok(lock(&self.rows).values().any(|a| &a.digest == digest))
    }
}

/// Chunks of bytes handed out one by one.
#[derive(Debug, Default)]
pub struct ChunkSource {
    chunks: std::collections::VecDeque<Vec<u8>>,
    fail_at_end: bool,
}

impl ChunkSource {
    /// `bytes` in chunks of at most `chunk` bytes.
    #[must_use]
    pub fn new(bytes: &[u8], chunk: usize) -> Self {
        Self {
            chunks: bytes.chunks(chunk.max(1)).map(<[u8]>::to_vec).collect(),
            fail_at_end: false,
        }
    }

    /// The same, failing (as a client that went away) instead of ending.
    #[must_use]
    pub fn failing(bytes: &[u8], chunk: usize) -> Self {
        Self {
            fail_at_end: true,
            ..Self::new(bytes, chunk)
        }
    }

    /// Everything a source gives, to its end.
    ///
    /// # Errors
    /// The source's error.
    pub async fn drain(source: &mut dyn ByteSource) -> Result<Vec<u8>, std::io::Error> {
        let mut bytes = Vec::new();
        while let Some(chunk) = source.next_chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

#[async_trait]
impl ByteSource for ChunkSource {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        match self.chunks.pop_front() {
            Some(chunk) => Ok(Some(chunk)),
            None if self.fail_at_end => Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "the client went away",
            )),
            None => Ok(None),
        }
    }
}

/// Blobs in memory. Addresses are 64 hexadecimal digits derived from the
/// content (equal content, equal address) but not its SHA-256: this crate
/// computes no cryptographic digest.
#[derive(Debug, Default)]
pub struct FakeBlobStore {
    blobs: Mutex<HashMap<BlobDigest, Vec<u8>>>,
}

impl FakeBlobStore {
    /// The address this store gives `bytes`.
    #[must_use]
    pub fn digest_of(bytes: &[u8]) -> BlobDigest {
        let mut address = [0_u8; 32];
        for (seed, part) in (0_u64..).zip(address.chunks_mut(8)) {
            let mut hasher = DefaultHasher::new();
            seed.hash(&mut hasher);
            bytes.hash(&mut hasher);
            part.copy_from_slice(&hasher.finish().to_be_bytes());
        }
        BlobDigest::from_sha256(address)
    }

    /// How many blobs are stored.
    #[must_use]
    pub fn len(&self) -> usize {
        lock(&self.blobs).len()
    }

    /// Whether none is.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The content at `digest`.
    #[must_use]
    pub fn get(&self, digest: &BlobDigest) -> Option<Vec<u8>> {
        lock(&self.blobs).get(digest).cloned()
    }
}

#[async_trait]
impl BlobStore for FakeBlobStore {
    async fn put(
        &self,
        mut source: Box<dyn ByteSource>,
        max_bytes: u64,
    ) -> Result<StoredBlob, BlobError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = source.next_chunk().await.map_err(BlobError::Source)? {
            bytes.extend_from_slice(&chunk);
            if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_bytes {
                return Err(BlobError::TooLarge {
                    limit_bytes: max_bytes,
                });
            }
        }
        let digest = Self::digest_of(&bytes);
        let size_bytes = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        lock(&self.blobs).entry(digest.clone()).or_insert(bytes);
        Ok(StoredBlob { digest, size_bytes })
    }

    async fn open(&self, digest: &BlobDigest) -> Result<Option<OpenedBlob>, BlobError> {
        Ok(self.get(digest).map(|bytes| OpenedBlob {
            size_bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            content: Box::new(ChunkSource::new(&bytes, 4096)),
        }))
    }

    async fn contains(&self, digest: &BlobDigest) -> Result<bool, BlobError> {
        Ok(lock(&self.blobs).contains_key(digest))
    }

    async fn remove(&self, digest: &BlobDigest) -> Result<(), BlobError> {
        lock(&self.blobs).remove(digest);
        Ok(())
    }
}

/// An attachment service and the fakes behind it.
#[allow(missing_debug_implementations)] // holds a service of trait objects
pub struct AttachmentFixture {
    /// The service.
    pub service: AttachmentService,
    /// Its attachments.
    pub attachments: Arc<FakeAttachments>,
    /// Its blobs.
    pub blobs: Arc<FakeBlobStore>,
}

/// An attachment service on `resources`, fresh fakes and `clock`.
#[must_use]
pub fn attachment_fixture(
    resources: Arc<dyn ResourceRepository>,
    clock: Arc<dyn Clock>,
    policy: AttachmentPolicy,
) -> AttachmentFixture {
    let attachments = Arc::new(FakeAttachments::default());
    let blobs = Arc::new(FakeBlobStore::default());
    AttachmentFixture {
        service: AttachmentService::new(
            AttachmentPorts {
                resources,
                // No account: authors are unknown, and so not restricted.
                users: Arc::new(super::FakeUsers::default()),
                attachments: attachments.clone(),
                blobs: blobs.clone(),
                clock,
            },
            policy,
        ),
        attachments,
        blobs,
    }
}

/// An attachment service on empty fakes, for tests that do not use
/// attachments but must build every service.
#[must_use]
pub fn idle_attachment_service() -> AttachmentService {
    attachment_fixture(
        Arc::new(FakeResources::default()),
        Arc::new(SystemClock),
        AttachmentPolicy::default(),
    )
    .service
}
