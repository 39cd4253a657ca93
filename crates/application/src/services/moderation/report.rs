//! A citizen reports content; enough reports hold it pending review.

use rr_domain::community::{
    CommentId, CommentState, ContentRef, ModerationAction, NotificationKind, ReportGrounds,
    ReportId, ReportStatus,
};
use rr_domain::identity::{AuthenticatedActor, UserId};
use rr_domain::resource::{Lifecycle, ResourceId};

use super::ModerationService;
use crate::ports::{Filed, ReportRecord, ResourceRecord};
use crate::services::WriteAction;
use crate::{AppError, RepositoryError};

/// Times a hold is tried again when the content changed under it.
const HOLD_ATTEMPTS: usize = 3;

/// What a citizen reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTarget {
    /// A resource.
    Resource(ResourceId),
    /// A comment.
    Comment(CommentId),
}

/// A report, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    /// What is reported.
    pub target: ReportTarget,
    /// Why.
    pub grounds: ReportGrounds,
}

/// Reports are about what moderators moderate: published public and
/// restricted resources (private and shared ones are between their author
/// and the citizens they chose, and moderators never see them).
fn reportable(resource: &ResourceRecord) -> bool {
    resource.visibility.needs_review() && resource.state == Lifecycle::Published
}

impl ModerationService {
    /// A logged-in citizen reports a resource or a comment they see and did
    /// not write, once per item. When the open reports on it reach the
    /// threshold, it is held pending review, the hold is logged (with no
    /// actor) and its author is told ([`NotificationKind::ContentHidden`]
    /// without a reason). A failure to hold is logged, not returned: the
    /// report is stored and the next one tries again.
    ///
    /// # Errors
    /// [`AppError::WriteRateLimited`] when the caller reported too much lately;
    /// [`AppError::NotFound`] when the content does not exist or the caller
    /// may not see it;
    /// [`AppError::Forbidden`] `cannot_report_own` for one's own content;
    /// [`AppError::ConflictWith`] `not_reportable` for content that is not
    /// published public or restricted content (or a visible comment on it),
    /// `already_reported` when the caller reported it already.
    pub async fn report(
        &self,
        actor: &AuthenticatedActor,
        new: NewReport,
    ) -> Result<ReportRecord, AppError> {
        self.ports
            .write_limits
            .check(actor.user_id, WriteAction::Report)?;
        let target = self.reportable_target(actor, new.target).await?;
        let report = ReportRecord {
            id: ReportId::generate(),
            reporter: actor.user_id,
            target,
            grounds: new.grounds,
            status: ReportStatus::Open,
            created_at: self.ports.clock.now(),
            closed_at: None,
            closed_by: None,
            note: None,
        };
        let open_reports = match self.ports.reports.file(&report).await {
            Ok(Filed::Stored { open_reports }) => open_reports,
            Ok(Filed::Duplicate) => return Err(AppError::ConflictWith("already_reported")),
            // Its resource vanished between the check and the write.
            Err(RepositoryError::Conflict(_)) => return Err(AppError::NotFound),
            Err(err) => return Err(err.into()),
        };
        if open_reports >= self.policy.report_threshold
            && let Err(err) = self.hold(target).await
        {
            tracing::error!(
                code = err.code(),
                error = %err,
                kind = target.kind(),
                "reported content could not be held"
            );
        }
        Ok(report)
    }

    /// The content `target` names, if the caller may report it.
    async fn reportable_target(
        &self,
        actor: &AuthenticatedActor,
        target: ReportTarget,
    ) -> Result<ContentRef, AppError> {
        match target {
            ReportTarget::Resource(id) => {
                let resource = self.visible_resource(actor, id).await?;
                if resource.author == actor.user_id {
                    return Err(AppError::Forbidden("cannot_report_own"));
                }
                if !reportable(&resource) {
                    return Err(AppError::ConflictWith("not_reportable"));
                }
                Ok(ContentRef::Resource(id))
            }
            ReportTarget::Comment(id) => {
                let comment = self
                    .ports
                    .comments
                    .find(id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let resource = self.visible_resource(actor, comment.resource).await?;
                if comment.author == actor.user_id {
                    return Err(AppError::Forbidden("cannot_report_own"));
                }
                if !reportable(&resource) || comment.state != CommentState::Visible {
                    return Err(AppError::ConflictWith("not_reportable"));
                }
                Ok(ContentRef::Comment {
                    comment: id,
                    resource: comment.resource,
                })
            }
        }
    }

    /// Holds `target` if it is still visible: logs the hold and tells its
    /// author. Nothing happens when it was held or decided on meanwhile.
    async fn hold(&self, target: ContentRef) -> Result<(), AppError> {
        let (held, action) = match target {
            ContentRef::Resource(id) => (
                self.hold_resource(id).await?,
                ModerationAction::ResourceHeld,
            ),
            ContentRef::Comment { comment, .. } => (
                self.hold_comment(comment).await?,
                ModerationAction::CommentHeld,
            ),
        };
        let Some(author) = held else {
            return Ok(());
        };
        self.log(action, None, author, target, None, None).await?;
        self.tell(
            author,
            NotificationKind::ContentHidden {
                target,
                reason: None,
            },
        )
        .await;
        Ok(())
    }

    /// Sends a published resource back to review; its author when this call did.
    async fn hold_resource(&self, id: ResourceId) -> Result<Option<UserId>, AppError> {
        for _ in 0..HOLD_ATTEMPTS {
            let Some(mut record) = self.ports.resources.find(id).await? else {
                return Ok(None);
            };
            if !reportable(&record) {
                return Ok(None);
            }
            record.state = record
                .state
                .hold()
                .map_err(|e| AppError::ConflictWith(e.code()))?;
            record.updated_at = self.ports.clock.now();
            if self.ports.resources.update(&record).await? {
                return Ok(Some(record.author));
            }
        }
        Err(AppError::ConflictWith("edit_conflict"))
    }

    /// Withholds a visible comment; its author when this call did.
    async fn hold_comment(&self, id: CommentId) -> Result<Option<UserId>, AppError> {
        for _ in 0..HOLD_ATTEMPTS {
            let Some(mut record) = self.ports.comments.find(id).await? else {
                return Ok(None);
            };
            let Ok(held) = record.state.hold() else {
                return Ok(None);
            };
            let expected = record.version;
            record.state = held;
            record.updated_at = self.ports.clock.now();
            match self.ports.comments.update(&record, expected).await {
                Ok(()) => return Ok(Some(record.author)),
                Err(RepositoryError::Conflict(_)) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Err(AppError::ConflictWith("edit_conflict"))
    }
}
