use async_trait::async_trait;
use rr_domain::community::{ContentKind, ContentRef, ModerationAction, ReportId};
use rr_domain::identity::{UserId, Username};
use time::OffsetDateTime;

use crate::RepositoryError;

/// Something done about content, as the moderation log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationEntry {
    /// What was done.
    pub action: ModerationAction,
    /// The moderator; `None` for an automatic hold.
    pub actor: Option<UserId>,
    /// The content it was done to.
    pub target: ContentRef,
    /// The dismissed report, for [`ModerationAction::ReportDismissed`].
    pub report: Option<ReportId>,
    /// The reason given to the author, or the note of a dismissal.
    pub reason: Option<String>,
    /// When.
    pub at: OffsetDateTime,
}

/// An entry as recorded: numbered, with its moderator's username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedModeration {
    /// Position in the log, increasing with each entry.
    pub id: u64,
    /// The entry.
    pub entry: ModerationEntry,
    /// The moderator's username, when there is a moderator and the account
    /// still exists.
    pub actor_name: Option<Username>,
}

/// Which entries to list. Every filter narrows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationLogQuery {
    /// Only this action.
    pub action: Option<ModerationAction>,
    /// Only this moderator's.
    pub actor: Option<UserId>,
    /// Only about this kind of content.
    pub kind: Option<ContentKind>,
    /// Only at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Only before this instant.
    pub before: Option<OffsetDateTime>,
    /// Only entries older than this one (keyset pagination on the id).
    pub after: Option<u64>,
    /// At most this many.
    pub limit: u64,
}

/// The moderation log: every moderator's decision, automatic hold and
/// dismissal, with actor, time and reason. Append-only.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ModerationLog: Send + Sync {
    /// Appends `entry` and returns its id. When its action
    /// [resolves reports](ModerationAction::resolves_reports) (a decision on
    /// the content), every open report on its target is resolved, by its
    /// actor at its instant, in the same transaction.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn record(&self, entry: &ModerationEntry) -> Result<u64, RepositoryError>;

    /// The entries matching `query`, newest first (by id, descending),
    /// `query.limit` at most.
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn list(
        &self,
        query: &ModerationLogQuery,
    ) -> Result<Vec<LoggedModeration>, RepositoryError>;
}
