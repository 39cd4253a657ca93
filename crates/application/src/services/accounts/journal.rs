//! The staff access journal as the person reads it: `GET /me/access-log`.

use rr_domain::identity::AuthenticatedActor;

use super::{AccountAdminService, MAX_PAGE};
use crate::AppError;
use crate::ports::{JournalCursor, JournalEntry};

/// A page of one's access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalPage {
    /// Newest first.
    pub items: Vec<JournalEntry>,
    /// Where the next page starts; `None` on the last.
    pub next: Option<JournalCursor>,
}

impl AccountAdminService {
    /// Who among staff read the caller's personal data, when, why and which
    /// fields; newest first. Every account may read its own.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn access_log(
        &self,
        actor: &AuthenticatedActor,
        after: Option<JournalCursor>,
        limit: u64,
    ) -> Result<JournalPage, AppError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let items = self
            .ports
            .journal
            .list_for(actor.user_id, after, limit)
            .await?;
        let full = u64::try_from(items.len()).unwrap_or(u64::MAX) >= limit;
        let next = if full {
            items.last().map(JournalEntry::cursor)
        } else {
            None
        };
        Ok(JournalPage { items, next })
    }
}
