//! Downloading an export, once: the archive is opened as it streams and
//! removed from storage when its last byte is out.

use std::sync::Arc;

use async_trait::async_trait;
use rr_domain::identity::{
    AccessId, AccessReason, AuthenticatedActor, DataExport, DownloadRefusal, ExportId,
    ExportStatus, PersonalField, UserRecord,
};
use rr_domain::resource::BlobDigest;

use super::DataExportService;
use super::produce::error_chain;
use super::sealing::Opener;
use crate::AppError;
use crate::ports::{AuditEvent, BlobStore, ByteSource, DataExportRepository, StaffAccess};

/// An archive being handed out.
#[allow(missing_debug_implementations)] // holds a byte stream
pub struct ArchiveDownload {
    /// The export, now downloaded.
    pub export: DataExport,
    /// Length of the archive, as streamed.
    pub content_bytes: u64,
    /// Its media type (`application/json`).
    pub media_type: &'static str,
    /// The file name to save it under: `export-<id>.<extension>`.
    pub file_name: String,
    /// The archive, decrypted as it is read.
    pub content: Box<dyn ByteSource>,
}

fn refused(refusal: DownloadRefusal) -> AppError {
    match refusal {
        DownloadRefusal::NotReady => AppError::ConflictWith("export_not_ready"),
        DownloadRefusal::Failed => AppError::ConflictWith("export_failed"),
        DownloadRefusal::AlreadyDownloaded => AppError::Gone("export_already_downloaded"),
        DownloadRefusal::Expired => AppError::Gone("export_expired"),
    }
}

impl DataExportService {
    /// The archive of export `id`, for whoever asked for it, once: the
    /// export is marked downloaded before the first byte, and the archive
    /// removed from storage after the last (or by the sweep if the transfer
    /// breaks off). A staff member downloading someone's archive reads their
    /// personal data: it is journaled (ADR 0019) before anything is handed
    /// out, and the staff member must still be allowed to read it.
    ///
    /// # Errors
    /// [`AppError::NotFound`] unless the export is about the caller or was
    /// asked for by them; [`AppError::Forbidden`] `export_not_requested_by_you`
    /// for a person reading an export a staff member asked for, or
    /// `forbidden` for staff no longer allowed;
    /// [`AppError::ConflictWith`] `export_not_ready` or `export_failed`;
    /// [`AppError::Gone`] `export_already_downloaded` or `export_expired`.
    pub async fn download(
        &self,
        actor: &AuthenticatedActor,
        id: ExportId,
    ) -> Result<ArchiveDownload, AppError> {
        let mut export = self
            .ports
            .exports
            .find(id)
            .await?
            .filter(|export| export.concerns(actor.user_id))
            .ok_or(AppError::NotFound)?;
        if !export.may_be_downloaded_by(actor.user_id) {
            return Err(AppError::Forbidden("export_not_requested_by_you"));
        }
        let now = self.ports.clock.now();
        let archive = export.download(now).map_err(refused)?;
        let user = self
            .ports
            .users
            .find(export.subject)
            .await?
            .ok_or(AppError::Gone("export_expired"))?;
        if actor.user_id != export.subject {
            self.journal_staff_read(actor, &user, id).await?;
        }
        if !self.ports.exports.mark_downloaded(id, now).await? {
            // Another download (or the sweep) got there first.
            let current = self.ports.exports.find(id).await?;
            return Err(match current.map(|e| e.status_at(now)) {
                Some(ExportStatus::Downloaded) => AppError::Gone("export_already_downloaded"),
                _ => AppError::Gone("export_expired"),
            });
        }
        let blob = self
            .ports
            .archives
            .open(&archive.digest)
            .await
            .map_err(AppError::internal)?
            .ok_or_else(|| AppError::internal(format!("the archive of export {id} is missing")))?;
        self.audit(
            "data_export_downloaded",
            Some(actor.user_id),
            &export,
            String::new(),
        )
        .await?;
        let format = &self.ports.format;
        Ok(ArchiveDownload {
            content_bytes: archive.content_bytes,
            media_type: format.media_type(),
            file_name: format!("export-{id}.{}", format.extension()),
            content: Box::new(OpenedArchive {
                inner: blob.content,
                opener: Opener::new(Arc::clone(&self.ports.cipher), user.data_key, user.id, id),
                cleanup: Some(Cleanup {
                    export: id,
                    digest: archive.digest,
                    archives: Arc::clone(&self.ports.archives),
                    exports: Arc::clone(&self.ports.exports),
                }),
            }),
            export,
        })
    }
}

impl DataExportService {
    /// Journals, then audits, a staff member's download of `subject`'s
    /// archive: every field of the profile is in it.
    async fn journal_staff_read(
        &self,
        actor: &AuthenticatedActor,
        subject: &UserRecord,
        export: ExportId,
    ) -> Result<(), AppError> {
        if !actor.may_read_personal_data_of(subject.id, subject.role) {
            return Err(AppError::Forbidden("forbidden"));
        }
        let reason = AccessReason::parse(&format!(
            "Export des données demandé hors de l'application (export {export})"
        ))
        .map_err(AppError::internal)?;
        let fields: Vec<PersonalField> = PersonalField::ALL
            .into_iter()
            .filter(|f| *f != PersonalField::Phone || subject.phone.is_some())
            .collect();
        let names = fields
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let at = self.ports.clock.now();
        self.ports
            .journal
            .record(&StaffAccess {
                id: AccessId::generate(),
                at,
                staff: actor.user_id,
                staff_role: actor.role,
                subject: subject.id,
                reason,
                fields,
            })
            .await?;
        self.ports
            .audit
            .append(
                AuditEvent {
                    action: "personal_data_read",
                    actor: Some(actor.user_id),
                    subject: Some(subject.id),
                    detail: format!("fields={names} export={export}"),
                },
                at,
            )
            .await?;
        Ok(())
    }
}

/// What to do once an archive has been read to its end.
struct Cleanup {
    export: ExportId,
    digest: BlobDigest,
    archives: Arc<dyn BlobStore>,
    exports: Arc<dyn DataExportRepository>,
}

impl Cleanup {
    /// Removes the archive and records it; a failure is left to the sweep.
    async fn run(self) {
        if let Err(err) = self.archives.remove(&self.digest).await {
            tracing::warn!(export = %self.export, error = %error_chain(&err), "a downloaded archive could not be removed; the sweep will");
            return;
        }
        if let Err(err) = self.exports.archive_removed(self.export).await {
            tracing::warn!(export = %self.export, error = %error_chain(&err), "a removed archive could not be recorded; the sweep will");
        }
    }
}

/// The archive's plaintext, opened frame by frame as the stored bytes come.
struct OpenedArchive {
    inner: Box<dyn ByteSource>,
    opener: Opener,
    cleanup: Option<Cleanup>,
}

#[async_trait]
impl ByteSource for OpenedArchive {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        loop {
            match self.inner.next_chunk().await? {
                Some(bytes) => {
                    let plaintext = self
                        .opener
                        .push(&bytes)
                        .map_err(|err| std::io::Error::other(error_chain(&err)))?;
                    if !plaintext.is_empty() {
                        return Ok(Some(plaintext));
                    }
                }
                None => {
                    self.opener
                        .end()
                        .map_err(|err| std::io::Error::other(error_chain(&err)))?;
                    if let Some(cleanup) = self.cleanup.take() {
                        cleanup.run().await;
                    }
                    return Ok(None);
                }
            }
        }
    }
}
