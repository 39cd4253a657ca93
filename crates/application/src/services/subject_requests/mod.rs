//! Requests people make outside the application to exercise their rights
//! (a letter, an email to the data protection officer; ADR 0024):
//! administrators record them with their legal deadline, act on them
//! through the same use cases as the application (an erasure request
//! through [`ErasureService::erase`], an access or portability request
//! through [`DataExportService::request_for`], a rectification through
//! [`IdentityService::rectify`], a restriction or an objection through the
//! [`PrivacyService`]'s), extend the deadline once with a reason, and close
//! them with an outcome. Every action is kept in the
//! request's history (who, when, what) and in the audit log.

mod act;
mod measures;
mod read;
mod record;

pub use measures::{Objection, Rectification};
pub use read::{RequestDetail, RequestFilters, RequestPage, RequestSummary};
pub use record::{NewRequest, SubjectLookup};

use std::sync::Arc;

use rr_domain::identity::{AuthenticatedActor, Role, UserId};
use rr_domain::subject_rights::{RequestRuleError, SubjectRequest, SubjectRequestId};

use crate::AppError;
use crate::ports::{
    AuditEvent, AuditLog, BlindIndex, Clock, RequestAction, RequestEvent, StaffAccessJournal,
    SubjectRequestRepository, UserRepository,
};
use crate::services::{DataExportService, ErasureService, IdentityService, PrivacyService};

/// Longest page of a list.
pub const MAX_PAGE: u64 = 100;

/// The ports the requests need.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // trait objects; nothing useful to print
pub struct SubjectRequestPorts {
    /// The requests and their histories.
    pub requests: Arc<dyn SubjectRequestRepository>,
    /// Accounts (the person a request is about).
    pub users: Arc<dyn UserRepository>,
    /// Finding the person by their exact email.
    pub blind_index: Arc<dyn BlindIndex>,
    /// The staff access journal: finding someone by their email is a read
    /// of their personal data.
    pub journal: Arc<dyn StaffAccessJournal>,
    /// Security audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Data-subject requests received outside the application.
#[derive(Clone)]
pub struct SubjectRequestService {
    ports: SubjectRequestPorts,
    erasure: ErasureService,
    exports: DataExportService,
    identity: IdentityService,
    privacy: PrivacyService,
}

impl std::fmt::Debug for SubjectRequestService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectRequestService")
            .finish_non_exhaustive()
    }
}

impl SubjectRequestService {
    /// Builds the service; erasure requests are acted on through `erasure`,
    /// access and portability requests through `exports`, rectification
    /// requests through `identity`, restriction and objection requests
    /// through `privacy`.
    #[must_use]
    pub fn new(
        ports: SubjectRequestPorts,
        erasure: ErasureService,
        exports: DataExportService,
        identity: IdentityService,
        privacy: PrivacyService,
    ) -> Self {
        Self {
            ports,
            erasure,
            exports,
            identity,
            privacy,
        }
    }

    /// The request `id`.
    async fn request(&self, id: SubjectRequestId) -> Result<SubjectRequest, AppError> {
        self.ports
            .requests
            .find(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Appends to the audit log what `actor` did to `request`.
    async fn audit(
        &self,
        actor: &AuthenticatedActor,
        action: &'static str,
        request: &SubjectRequest,
        detail: &str,
    ) -> Result<(), AppError> {
        self.ports
            .audit
            .append(
                AuditEvent {
                    action,
                    actor: Some(actor.user_id),
                    subject: request.subject,
                    detail: format!("request={} {detail}", request.id.as_uuid())
                        .trim_end()
                        .to_owned(),
                },
                self.ports.clock.now(),
            )
            .await?;
        Ok(())
    }

    /// An entry of a request's history, by `actor`, now.
    fn event(&self, actor: UserId, action: RequestAction, detail: String) -> RequestEvent {
        RequestEvent {
            at: self.ports.clock.now(),
            actor: Some(actor),
            action,
            detail,
        }
    }
}

/// Administrators with two-factor authentication; those with the role but
/// not the second factor are told what is missing.
fn require_administrator(actor: &AuthenticatedActor) -> Result<(), AppError> {
    if actor.may_act_as(Role::Administrator) {
        Ok(())
    } else if actor.role >= Role::Administrator && !actor.two_factor {
        Err(AppError::Forbidden("two_factor_required"))
    } else {
        Err(AppError::Forbidden("forbidden"))
    }
}

/// A refused change of a request, as the API tells it.
fn rule_error(err: RequestRuleError) -> AppError {
    match err {
        RequestRuleError::RefusalReasonRequired => AppError::invalid(
            "note",
            err.code(),
            "Un refus doit être motivé (RGPD, art. 12.4).",
        ),
        RequestRuleError::ReceivedInFuture => AppError::invalid(
            "receivedOn",
            err.code(),
            "La date de réception ne peut pas être future.",
        ),
        RequestRuleError::Closed
        | RequestRuleError::AlreadyExtended
        | RequestRuleError::ExtensionTooLate
        | RequestRuleError::WrongKind
        | RequestRuleError::NoSubject => AppError::ConflictWith(err.code()),
    }
}
