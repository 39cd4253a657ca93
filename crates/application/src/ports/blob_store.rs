use async_trait::async_trait;
use rr_domain::resource::BlobDigest;

use crate::error::Cause;

/// Bytes arriving (or leaving) in chunks: an upload's body, a stored blob.
/// Its own trait so that neither the HTTP framework's stream types nor an I/O
/// runtime leak into the use cases.
#[async_trait]
pub trait ByteSource: Send {
    /// The next chunk, or `None` at the end. Chunks are never empty.
    ///
    /// # Errors
    /// When the bytes cannot be had (the client went away, a read failed);
    /// the source is finished after an error.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error>;
}

/// Content written to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Its address.
    pub digest: BlobDigest,
    /// Its length.
    pub size_bytes: u64,
}

/// Stored content opened for reading.
#[allow(missing_debug_implementations)] // a trait object; nothing useful to print
pub struct OpenedBlob {
    /// Its length.
    pub size_bytes: u64,
    /// Its bytes.
    pub content: Box<dyn ByteSource>,
}

/// Why the blob store could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The content is longer than the cap given to [`BlobStore::put`].
    #[error("the content is larger than {limit_bytes} bytes")]
    TooLarge {
        /// The cap, in bytes.
        limit_bytes: u64,
    },
    /// The source failed before its end (the client went away).
    #[error("the content could not be read")]
    Source(#[source] std::io::Error),
    /// The store failed (disk full, permissions, I/O error).
    #[error("the blob store failed")]
    Storage(#[source] Cause),
}

/// Keeps content outside the database, addressed by its SHA-256: equal
/// content is stored once, whoever sent it and under whatever name.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Reads `source` to its end and stores it, unless it holds more than
    /// `max_bytes` bytes. Returns its address and length. Content already
    /// stored is kept as it is (idempotent).
    ///
    /// # Errors
    /// MUST return [`BlobError::TooLarge`] as soon as more than `max_bytes`
    /// bytes arrived, and [`BlobError::Source`] when the source fails. On any
    /// error nothing new is left in the store, not even a partial file, and
    /// content stored earlier is untouched.
    async fn put(
        &self,
        source: Box<dyn ByteSource>,
        max_bytes: u64,
    ) -> Result<StoredBlob, BlobError>;

    /// The content at `digest`, or `None` when nothing is stored there.
    ///
    /// # Errors
    /// [`BlobError::Storage`] when the store cannot be read.
    async fn open(&self, digest: &BlobDigest) -> Result<Option<OpenedBlob>, BlobError>;

    /// Whether content is stored at `digest`.
    ///
    /// # Errors
    /// [`BlobError::Storage`] when the store cannot be read.
    async fn contains(&self, digest: &BlobDigest) -> Result<bool, BlobError>;

    /// Removes the content at `digest`; removing what is not there succeeds.
    ///
    /// # Errors
    /// [`BlobError::Storage`] when the store cannot be changed.
    async fn remove(&self, digest: &BlobDigest) -> Result<(), BlobError>;
}
