//! Moderation (issue 5): citizens' reports, the automatic hold of reported
//! content, the moderators' queue and decisions, and the moderation log.
//!
//! - `report.rs`: a logged-in citizen reports content they see and did not
//!   write; when the open reports on it reach
//!   [`ModerationPolicy::report_threshold`] it is held (a resource goes back
//!   to pending review, a comment is withheld), the hold is logged with no
//!   actor and its author is told.
//! - `queue.rs`: moderators (with two-factor authentication) read the
//!   resources pending review and the reported content, oldest first.
//! - `decisions.rs`: approve, reject, suspend, reinstate a resource (through
//!   [`ResourceService::decide`], which logs and tells the author), hide or
//!   restore a comment, dismiss a report. A decision on content resolves its
//!   open reports; of two moderators deciding at once, one wins and the
//!   other gets a conflict.
//! - `log.rs`: administrators read the moderation log.
//!
//! Staff never act on their own content. What a caller may not see is
//! [`AppError::NotFound`].

mod decisions;
mod log;
mod queue;
mod report;

pub use log::{LogPage, LogRequest};
pub use queue::{QueueItem, QueuePage, QueueRequest, QueuedContent};
pub use report::{NewReport, ReportTarget};

use std::sync::Arc;

use rr_domain::community::{ContentRef, ModerationAction, NotificationKind};
use rr_domain::identity::{AuthenticatedActor, Role, UserId};
use rr_domain::resource::ResourceFacts;

use crate::AppError;
use crate::ports::{
    AuditEvent, AuditLog, Clock, CommentRepository, ModerationEntry, ModerationLog,
    ModerationQueue, Notifier, ReportRepository, ResourceRecord, ResourceRepository,
    UserRepository,
};
use crate::services::{ResourceService, WriteLimiter};

/// Longest page of the queue and of the log.
pub const MAX_PAGE: u64 = 100;

/// How moderation is tuned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModerationPolicy {
    /// Open reports from distinct citizens that hold an item pending review
    /// (at least 1).
    pub report_threshold: u64,
}

impl Default for ModerationPolicy {
    /// Three reports.
    fn default() -> Self {
        Self {
            report_threshold: 3,
        }
    }
}

/// The ports the moderation use cases need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct ModerationPorts {
    /// Citizens' reports.
    pub reports: Arc<dyn ReportRepository>,
    /// The moderation log.
    pub log: Arc<dyn ModerationLog>,
    /// The queue's reads.
    pub queue: Arc<dyn ModerationQueue>,
    /// Resources (what is reported, held, shown in the queue).
    pub resources: Arc<dyn ResourceRepository>,
    /// Comments (what is reported, held, hidden, restored).
    pub comments: Arc<dyn CommentRepository>,
    /// Accounts (authors' and moderators' usernames).
    pub users: Arc<dyn UserRepository>,
    /// Tells authors what happened to their content.
    pub notifier: Arc<dyn Notifier>,
    /// The hash-chained audit log (staff decisions).
    pub audit: Arc<dyn AuditLog>,
    /// Per-account budget of reports.
    pub write_limits: Arc<WriteLimiter>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Reports, the queue, moderators' decisions and the moderation log.
#[derive(Clone)]
pub struct ModerationService {
    ports: ModerationPorts,
    policy: ModerationPolicy,
    resources: ResourceService,
}

impl std::fmt::Debug for ModerationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModerationService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

fn facts_with(record: &ResourceRecord, author_restricted: bool) -> ResourceFacts<'_> {
    ResourceFacts {
        author: record.author,
        visibility: record.visibility,
        state: &record.state,
        shared_with: &record.shared_with,
        author_restricted,
    }
}

/// Fails unless `actor` may act as `role` (with two-factor authentication).
fn require(actor: &AuthenticatedActor, role: Role) -> Result<(), AppError> {
    if actor.may_act_as(role) {
        Ok(())
    } else if actor.role >= role {
        Err(AppError::Forbidden("two_factor_required"))
    } else {
        Err(AppError::Forbidden("forbidden"))
    }
}

impl ModerationService {
    /// Builds the service; decisions on resources go through `resources`.
    #[must_use]
    pub fn new(
        ports: ModerationPorts,
        policy: ModerationPolicy,
        resources: ResourceService,
    ) -> Self {
        let policy = ModerationPolicy {
            report_threshold: policy.report_threshold.max(1),
        };
        Self {
            ports,
            policy,
            resources,
        }
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> ModerationPolicy {
        self.policy
    }

    /// The resource `id` if `actor` may see it, else [`AppError::NotFound`].
    async fn visible_resource(
        &self,
        actor: &AuthenticatedActor,
        id: rr_domain::resource::ResourceId,
    ) -> Result<ResourceRecord, AppError> {
        let (record, _) = crate::services::resources::visible_resource(
            self.ports.resources.as_ref(),
            self.ports.users.as_ref(),
            &rr_domain::identity::Actor::User(*actor),
            id,
        )
        .await?;
        Ok(record)
    }

    /// Records `action` on `target`, written by `author`, in the moderation
    /// log (which resolves the target's open reports when the action is a
    /// decision) and in the audit log.
    #[allow(clippy::too_many_arguments)] // one entry's fields
    async fn log(
        &self,
        action: ModerationAction,
        actor: Option<UserId>,
        author: UserId,
        target: ContentRef,
        report: Option<rr_domain::community::ReportId>,
        reason: Option<String>,
    ) -> Result<(), AppError> {
        let at = self.ports.clock.now();
        let detail = match target {
            ContentRef::Resource(resource) => format!("resource={}", resource.as_uuid()),
            ContentRef::Comment { comment, resource } => format!(
                "resource={} comment={}",
                resource.as_uuid(),
                comment.as_uuid()
            ),
        };
        let detail = match &reason {
            Some(reason) => format!("{detail} reason={reason:?}"),
            None => detail,
        };
        self.ports
            .log
            .record(&ModerationEntry {
                action,
                actor,
                target,
                report,
                reason,
                at,
            })
            .await?;
        self.ports
            .audit
            .append(
                AuditEvent {
                    action: action.as_str(),
                    actor,
                    subject: Some(author),
                    detail,
                },
                at,
            )
            .await?;
        Ok(())
    }

    /// Tells `author` about their content; never fails the caller.
    async fn tell(&self, author: UserId, kind: NotificationKind) {
        self.ports.notifier.notify(author, kind).await;
    }
}
