//! Removing the content of attachments deleted elsewhere (with their
//! resources, when an account is erased).

use rr_domain::resource::BlobDigest;

use super::AttachmentService;

impl AttachmentService {
    /// Removes from the blob store each of `digests` that no attachment
    /// refers to any more, under the same lock as uploads, so that content
    /// attached again meanwhile is kept. Failures are logged, not raised:
    /// an unreferenced blob is wasted space, never a broken attachment.
    pub async fn remove_orphans(&self, digests: &[BlobDigest]) {
        let _references = self.references.lock().await;
        for digest in digests {
            self.collect(digest).await;
        }
    }
}
