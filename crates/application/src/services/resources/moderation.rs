//! Moderators' decisions on a resource: approve or reject one waiting for
//! review, suspend or reinstate a published one. Each decision is recorded
//! in the audit log and in the moderation log (which resolves the
//! resource's open reports) with its actor, time and reason; the reason is
//! kept on the resource, and its author is told once the decision is
//! stored. The queue that brings resources to moderators is
//! `services::moderation`'s.

use rr_domain::community::{ContentRef, ModerationAction, NotificationKind};
use rr_domain::identity::{Actor, AuthenticatedActor, Role};
use rr_domain::resource::{Lifecycle, ResourceId, TransitionError};

use super::{ResourceService, ResourceView};
use crate::ports::{ModerationEntry, ResourceRecord};
use crate::{AppError, FieldViolation};

/// Longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;

/// What a moderator decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Publish a resource waiting for review.
    Approve,
    /// Send a resource waiting for review back to its author, with why.
    Reject {
        /// Shown to the author.
        reason: String,
    },
    /// Take a published resource down, with why.
    Suspend {
        /// Shown to the author.
        reason: String,
    },
    /// Put a suspended resource back.
    Reinstate,
}

impl Decision {
    /// The audit log's name of the decision: the moderation log's.
    fn action(&self) -> &'static str {
        self.moderation_action().as_str()
    }

    fn moderation_action(&self) -> ModerationAction {
        match self {
            Self::Approve => ModerationAction::ResourceApproved,
            Self::Reject { .. } => ModerationAction::ResourceRejected,
            Self::Suspend { .. } => ModerationAction::ResourceSuspended,
            Self::Reinstate => ModerationAction::ResourceReinstated,
        }
    }

    /// What the author is told.
    fn notification(&self, resource: ResourceId) -> NotificationKind {
        match self {
            Self::Approve => NotificationKind::ResourceApproved { resource },
            Self::Reject { reason } => NotificationKind::ResourceRejected {
                resource,
                reason: reason.clone(),
            },
            Self::Suspend { reason } => NotificationKind::ResourceSuspended {
                resource,
                reason: reason.clone(),
            },
            Self::Reinstate => NotificationKind::ResourceReinstated { resource },
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Self::Reject { reason } | Self::Suspend { reason } => Some(reason),
            Self::Approve | Self::Reinstate => None,
        }
    }

    fn apply(&self, state: &Lifecycle) -> Result<Lifecycle, TransitionError> {
        match self {
            Self::Approve => state.approve(),
            Self::Reject { reason } => state.reject(reason),
            Self::Suspend { reason } => state.suspend(reason),
            Self::Reinstate => state.reinstate(),
        }
    }
}

/// Checks a moderator's reason (or note): 1 to [`MAX_REASON_CHARS`]
/// characters, no surrounding spaces, no control character but line breaks.
pub(crate) fn checked_reason(reason: &str) -> Result<(), AppError> {
    let chars = reason.chars().count();
    if reason.trim() != reason
        || chars == 0
        || chars > MAX_REASON_CHARS
        || reason.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(AppError::Invalid(vec![FieldViolation::new(
            "reason",
            "invalid_reason",
            format!("a reason is 1 to {MAX_REASON_CHARS} characters, without surrounding spaces"),
        )]));
    }
    Ok(())
}

impl ResourceService {
    /// A moderator's decision on a resource.
    ///
    /// Moderators and above, with two-factor authentication, decide on
    /// public and restricted resources they see, never on their own. The
    /// decision is one compare-and-set on the resource's version: of two
    /// moderators deciding at once, exactly one succeeds. It is then
    /// recorded in the audit log and the moderation log (resolving the
    /// resource's open reports), and the author is told.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the caller may not see the resource;
    /// [`AppError::Forbidden`] `two_factor_required` for staff without it,
    /// `forbidden` for citizens and for one's own resource;
    /// [`AppError::Invalid`] `invalid_reason`;
    /// [`AppError::ConflictWith`] `invalid_transition` when its state does not
    /// allow the decision, `edit_conflict` when it changed meanwhile (another
    /// moderator decided first).
    pub async fn decide(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
        decision: Decision,
    ) -> Result<ResourceView, AppError> {
        let mut record: ResourceRecord = self.visible(&Actor::User(*actor), id).await?;
        if !actor.may_act_as(Role::Moderator) {
            return Err(if actor.role >= Role::Moderator {
                AppError::Forbidden("two_factor_required")
            } else {
                AppError::Forbidden("forbidden")
            });
        }
        if record.author == actor.user_id || !record.visibility.needs_review() {
            return Err(AppError::Forbidden("forbidden"));
        }
        if let Some(reason) = decision.reason() {
            checked_reason(reason)?;
        }
        record.state = decision
            .apply(&record.state)
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        let now = self.ports.clock.now();
        if record.state == Lifecycle::Published {
            record.published_at = record.published_at.or(Some(now));
        }
        record.updated_at = now;
        self.save(&mut record).await?;
        let detail = decision
            .reason()
            .map(|reason| format!("reason={reason:?}"))
            .unwrap_or_default();
        self.audit(decision.action(), actor.user_id, &record, detail)
            .await?;
        self.ports
            .moderation_log
            .record(&ModerationEntry {
                action: decision.moderation_action(),
                actor: Some(actor.user_id),
                target: ContentRef::Resource(id),
                report: None,
                reason: decision.reason().map(str::to_owned),
                at: now,
            })
            .await?;
        self.ports
            .notifier
            .notify(record.author, decision.notification(id))
            .await;
        self.view(&Actor::User(*actor), record).await
    }
}
