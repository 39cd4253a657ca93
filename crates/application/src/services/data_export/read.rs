//! Where one's exports stand: one, or the list.

use rr_domain::identity::{AuthenticatedActor, DataExport, ExportId};

use super::{DataExportService, MAX_PAGE};
use crate::AppError;

/// A page of exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPage {
    /// Newest first.
    pub items: Vec<DataExport>,
    /// Where the next page starts; `None` on the last.
    pub next: Option<ExportId>,
}

impl DataExportService {
    /// The export `id`, if it is about the caller or they asked for it.
    ///
    /// # Errors
    /// [`AppError::NotFound`] otherwise.
    pub async fn get(
        &self,
        actor: &AuthenticatedActor,
        id: ExportId,
    ) -> Result<DataExport, AppError> {
        let export = self
            .ports
            .exports
            .find(id)
            .await?
            .filter(|export| export.concerns(actor.user_id))
            .ok_or(AppError::NotFound)?;
        Ok(self.as_of_now(export))
    }

    /// `export` with its status as of now: a ready one past its end shows
    /// as expired before the sweep records it.
    pub(super) fn as_of_now(&self, mut export: DataExport) -> DataExport {
        export.status = export.status_at(self.ports.clock.now());
        export
    }

    /// The exports about the caller or asked for by them, newest first:
    /// those a staff member produced about them included, so that the
    /// person sees every copy made of their data.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn list(
        &self,
        actor: &AuthenticatedActor,
        after: Option<ExportId>,
        limit: u64,
    ) -> Result<ExportPage, AppError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let items = self
            .ports
            .exports
            .list_for(actor.user_id, after, limit)
            .await?;
        let items: Vec<DataExport> = items.into_iter().map(|e| self.as_of_now(e)).collect();
        let full = u64::try_from(items.len()).unwrap_or(u64::MAX) >= limit;
        let next = if full {
            items.last().map(|export| export.id)
        } else {
            None
        };
        Ok(ExportPage { items, next })
    }
}
