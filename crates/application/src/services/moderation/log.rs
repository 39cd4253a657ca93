//! Administrators read the moderation log.

use rr_domain::community::{ContentKind, ModerationAction};
use rr_domain::identity::{AuthenticatedActor, Role, Username};
use time::OffsetDateTime;

use super::{MAX_PAGE, ModerationService, require};
use crate::AppError;
use crate::ports::{LoggedModeration, ModerationLogQuery};

/// Which entries of the log an administrator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// Only this action.
    pub action: Option<ModerationAction>,
    /// Only this moderator's decisions.
    pub actor: Option<Username>,
    /// Only about this kind of content.
    pub kind: Option<ContentKind>,
    /// Only at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Only before this instant.
    pub to: Option<OffsetDateTime>,
    /// Only entries older than this one.
    pub after: Option<u64>,
    /// At most this many (1 to [`MAX_PAGE`]).
    pub limit: u64,
}

/// A page of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPage {
    /// Newest first.
    pub entries: Vec<LoggedModeration>,
    /// Where the next page starts; `None` on the last one.
    pub next: Option<u64>,
}

impl ModerationService {
    /// A page of the moderation log, newest first, for administrators and
    /// above with two-factor authentication.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_required` for administrators
    /// without it, `forbidden` for everyone else (moderators included);
    /// [`AppError::Invalid`] `invalid_period` when `from` is not before `to`.
    pub async fn moderation_log(
        &self,
        actor: &AuthenticatedActor,
        request: LogRequest,
    ) -> Result<LogPage, AppError> {
        require(actor, Role::Administrator)?;
        if let (Some(from), Some(to)) = (request.from, request.to)
            && from >= to
        {
            return Err(AppError::invalid(
                "to",
                "invalid_period",
                "The end of the period comes after its start.",
            ));
        }
        let moderator = match &request.actor {
            None => None,
            Some(name) => match self.ports.users.find_by_username(name).await? {
                Some(user) => Some(user.id),
                // Nobody has this name: nobody decided anything under it.
                None => {
                    return Ok(LogPage {
                        entries: Vec::new(),
                        next: None,
                    });
                }
            },
        };
        let limit = request.limit.clamp(1, MAX_PAGE);
        let mut entries = self
            .ports
            .log
            .list(&ModerationLogQuery {
                action: request.action,
                actor: moderator,
                kind: request.kind,
                from: request.from,
                before: request.to,
                after: request.after,
                limit: limit + 1,
            })
            .await?;
        let more = entries.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        entries.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more {
            entries.last().map(|entry| entry.id)
        } else {
            None
        };
        Ok(LogPage { entries, next })
    }
}
