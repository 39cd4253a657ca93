//! The sweep: archives past their time to live, and downloaded archives a
//! broken transfer left behind, are removed from storage.

use super::produce::error_chain;
use super::{DataExportService, span};
use crate::AppError;

/// Archives the sweep visits per query.
const BATCH: u64 = 100;

/// What a sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExpiryReport {
    /// Archives removed from storage.
    pub archives_removed: u64,
}

impl DataExportService {
    /// Removes every archive due: ready ones past their end (the export
    /// becomes expired), and downloaded or failed ones still stored longer
    /// than the download grace. Safe to run on every node at any time: an
    /// archive already removed is not there to remove.
    ///
    /// # Errors
    /// Infrastructure failures; what was removed before stays removed.
    pub async fn expire_due(&self) -> Result<ExpiryReport, AppError> {
        let now = self.ports.clock.now();
        let downloaded_before = now - span(self.policy.download_grace);
        let mut report = ExpiryReport::default();
        loop {
            let due = self
                .ports
                .exports
                .archives_due(now, downloaded_before, BATCH)
                .await?;
            for export in &due {
                if let Some(archive) = &export.archive {
                    self.ports
                        .archives
                        .remove(&archive.digest)
                        .await
                        .map_err(|err| AppError::internal(error_chain(&err)))?;
                }
                self.ports.exports.archive_removed(export.id).await?;
                report.archives_removed += 1;
            }
            if u64::try_from(due.len()).unwrap_or(u64::MAX) < BATCH {
                return Ok(report);
            }
        }
    }

    /// Removes every stored archive of `subject`'s data at once, for the
    /// erasure of their account: sealed under the data key erasure destroys,
    /// they are unreadable anyway, and this leaves no file behind even when
    /// the account's rows (and with them the exports' records) go. An export
    /// still to be produced is not: it would fail, the key being gone.
    ///
    /// # Errors
    /// Infrastructure failures; what was removed before stays removed.
    pub async fn discard_archives_of(
        &self,
        subject: rr_domain::identity::UserId,
    ) -> Result<ExpiryReport, AppError> {
        let mut report = ExpiryReport::default();
        let mut after = None;
        loop {
            let page = self.ports.exports.list_for(subject, after, BATCH).await?;
            for export in page.iter().filter(|e| e.subject == subject) {
                if let Some(archive) = &export.archive {
                    self.ports
                        .archives
                        .remove(&archive.digest)
                        .await
                        .map_err(|err| AppError::internal(error_chain(&err)))?;
                    self.ports.exports.archive_removed(export.id).await?;
                    report.archives_removed += 1;
                }
            }
            match page.last() {
                Some(last) if u64::try_from(page.len()).unwrap_or(u64::MAX) >= BATCH => {
                    after = Some(last.id);
                }
                _ => return Ok(report),
            }
        }
    }
}
