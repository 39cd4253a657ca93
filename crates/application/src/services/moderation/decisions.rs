//! Moderators' decisions: on resources (through [`ResourceService::decide`]),
//! on comments (hide, restore), and on reports (dismiss).
//!
//! Every decision is one compare-and-set on the content's (or the report's)
//! version or state: of two moderators deciding at once, one wins and the
//! other gets [`AppError::ConflictWith`] `edit_conflict` (or
//! `invalid_transition`, `report_closed` when the first decision is already
//! visible to the second).
//!
//! [`ResourceService::decide`]: crate::services::ResourceService::decide

use rr_domain::community::{
    CommentId, CommentState, CommentTransitionError, ContentRef, ModerationAction,
    NotificationKind, ReportId,
};
use rr_domain::identity::AuthenticatedActor;
use rr_domain::resource::ResourceId;

use super::{ModerationService, require};
use crate::ports::{CommentRecord, ReportRecord};
use crate::services::resources::{Decision, ResourceView, checked_reason};
use crate::{AppError, RepositoryError};

/// What a moderator decides about a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CommentDecision {
    Hide { reason: String },
    Restore,
}

impl CommentDecision {
    fn apply(&self, state: &CommentState) -> Result<CommentState, CommentTransitionError> {
        match self {
            Self::Hide { reason } => state.hide(reason),
            Self::Restore => state.restore(),
        }
    }
}

/// A dismissal's note follows the rules of a reason, under its own name.
fn checked_note(note: &str) -> Result<(), AppError> {
    checked_reason(note).map_err(|err| match err {
        AppError::Invalid(mut violations) => {
            for violation in &mut violations {
                violation.field = "note";
            }
            AppError::Invalid(violations)
        }
        other => other,
    })
}

impl ModerationService {
    /// A moderator's decision on a resource: see [`crate::services::ResourceService::decide`],
    /// which records it in the moderation log (resolving the resource's open
    /// reports) and tells the author.
    ///
    /// # Errors
    /// As [`crate::services::ResourceService::decide`].
    pub async fn decide_resource(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
        decision: Decision,
    ) -> Result<ResourceView, AppError> {
        self.resources.decide(actor, id, decision).await
    }

    /// A moderator hides a visible or held comment, with a reason its author
    /// is told ([`NotificationKind::ContentHidden`]). Its open reports are
    /// resolved.
    ///
    /// # Errors
    /// As [`Self::restore_comment`], and [`AppError::Invalid`] `invalid_reason`.
    pub async fn hide_comment(
        &self,
        actor: &AuthenticatedActor,
        id: CommentId,
        reason: String,
    ) -> Result<CommentRecord, AppError> {
        self.decide_comment(actor, id, CommentDecision::Hide { reason })
            .await
    }

    /// A moderator makes a held or hidden comment visible again; its author
    /// is told ([`NotificationKind::ContentRestored`]). Its open reports are
    /// resolved.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the comment does not exist or the caller
    /// may not see its resource;
    /// [`AppError::Forbidden`] `two_factor_required` for staff without it,
    /// `forbidden` for citizens, for one's own comment and for comments on
    /// resources moderators do not moderate (private, shared);
    /// [`AppError::ConflictWith`] `invalid_transition` when its state does
    /// not allow the decision, `edit_conflict` when it changed meanwhile.
    pub async fn restore_comment(
        &self,
        actor: &AuthenticatedActor,
        id: CommentId,
    ) -> Result<CommentRecord, AppError> {
        self.decide_comment(actor, id, CommentDecision::Restore)
            .await
    }

    async fn decide_comment(
        &self,
        actor: &AuthenticatedActor,
        id: CommentId,
        decision: CommentDecision,
    ) -> Result<CommentRecord, AppError> {
        let comment = self
            .ports
            .comments
            .find(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let resource = self.visible_resource(actor, comment.resource).await?;
        require(actor, rr_domain::identity::Role::Moderator)?;
        if comment.author == actor.user_id || !resource.visibility.needs_review() {
            return Err(AppError::Forbidden("forbidden"));
        }
        if let CommentDecision::Hide { reason } = &decision {
            checked_reason(reason)?;
        }
        let mut updated = comment.clone();
        updated.state = decision
            .apply(&comment.state)
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        updated.updated_at = self.ports.clock.now();
        match self.ports.comments.update(&updated, comment.version).await {
            Ok(()) => updated.version = comment.version + 1,
            Err(RepositoryError::Conflict(_)) => {
                return Err(AppError::ConflictWith("edit_conflict"));
            }
            Err(err) => return Err(err.into()),
        }
        let target = ContentRef::Comment {
            comment: id,
            resource: comment.resource,
        };
        let (action, reason, notification) = match decision {
            CommentDecision::Hide { reason } => (
                ModerationAction::CommentHidden,
                Some(reason.clone()),
                NotificationKind::ContentHidden {
                    target,
                    reason: Some(reason),
                },
            ),
            CommentDecision::Restore => (
                ModerationAction::CommentRestored,
                None,
                NotificationKind::ContentRestored { target },
            ),
        };
        self.log(
            action,
            Some(actor.user_id),
            comment.author,
            target,
            None,
            reason,
        )
        .await?;
        self.tell(comment.author, notification).await;
        Ok(updated)
    }

    /// A moderator judges a report unfounded, with an optional note (kept in
    /// the log, never shown to the reporter or the author). Only the report
    /// changes, with one exception: a held comment whose last open report is
    /// dismissed is restored (held comments cannot be edited, so it is the
    /// very text the reports were about) and its author told. A held
    /// resource stays pending review until a moderator approves or rejects
    /// it: its author may have edited it since.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_required` for staff without it,
    /// `forbidden` for everyone else and for reports on one's own content;
    /// [`AppError::NotFound`] when the report does not exist or its content
    /// left the moderator's sight;
    /// [`AppError::Invalid`] `invalid_reason` for a bad note;
    /// [`AppError::ConflictWith`] `report_closed` when it is no longer open.
    pub async fn dismiss(
        &self,
        actor: &AuthenticatedActor,
        id: ReportId,
        note: Option<String>,
    ) -> Result<ReportRecord, AppError> {
        require(actor, rr_domain::identity::Role::Moderator)?;
        let mut report = self
            .ports
            .reports
            .find(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let resource = self
            .visible_resource(actor, report.target.resource())
            .await?;
        let comment = match report.target {
            ContentRef::Resource(_) => None,
            ContentRef::Comment { comment, .. } => self.ports.comments.find(comment).await?,
        };
        let author = comment.as_ref().map_or(resource.author, |c| c.author);
        if author == actor.user_id {
            return Err(AppError::Forbidden("forbidden"));
        }
        if let Some(note) = &note {
            checked_note(note)?;
        }
        report.status = report
            .status
            .dismiss()
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        let now = self.ports.clock.now();
        if !self
            .ports
            .reports
            .dismiss(id, actor.user_id, now, note.clone())
            .await?
        {
            return Err(AppError::ConflictWith("report_closed"));
        }
        report.closed_at = Some(now);
        report.closed_by = Some(actor.user_id);
        report.note.clone_from(&note);
        self.log(
            ModerationAction::ReportDismissed,
            Some(actor.user_id),
            author,
            report.target,
            Some(id),
            note,
        )
        .await?;
        if let Some(comment) = comment
            && comment.state == CommentState::Held
            && self.ports.reports.open_count(&report.target).await? == 0
        {
            self.release_comment(actor, comment, report.target).await?;
        }
        Ok(report)
    }

    /// Restores a held comment none of whose reports is open any more.
    /// Nothing happens if another moderator decided on it meanwhile.
    async fn release_comment(
        &self,
        actor: &AuthenticatedActor,
        comment: CommentRecord,
        target: ContentRef,
    ) -> Result<(), AppError> {
        let mut updated = comment.clone();
        updated.state = comment
            .state
            .restore()
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        updated.updated_at = self.ports.clock.now();
        match self.ports.comments.update(&updated, comment.version).await {
            Ok(()) => {}
            Err(RepositoryError::Conflict(_)) => return Ok(()),
            Err(err) => return Err(err.into()),
        }
        self.log(
            ModerationAction::CommentRestored,
            Some(actor.user_id),
            comment.author,
            target,
            None,
            None,
        )
        .await?;
        self.tell(comment.author, NotificationKind::ContentRestored { target })
            .await;
        Ok(())
    }
}
