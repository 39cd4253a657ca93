//! Reading requests: one with its history, or a list, the most urgent first.

use rr_domain::identity::{AuthenticatedActor, UserId};
use rr_domain::subject_rights::{RequestKind, SubjectRequest, SubjectRequestId};

use super::{MAX_PAGE, SubjectRequestService, require_administrator};
use crate::AppError;
use crate::ports::{RequestCursor, RequestEvent, RequestQuery, RequestStatusFilter};

/// A request in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    /// The request.
    pub request: SubjectRequest,
    /// Open past its deadline today.
    pub overdue: bool,
}

/// A request with everything done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDetail {
    /// The request.
    pub request: SubjectRequest,
    /// Open past its deadline today.
    pub overdue: bool,
    /// Who did what, oldest first.
    pub history: Vec<RequestEvent>,
}

/// Which requests to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilters {
    /// Open or closed ones.
    pub status: Option<RequestStatusFilter>,
    /// Of this kind.
    pub kind: Option<RequestKind>,
    /// Only those open past their deadline today.
    pub overdue: bool,
    /// About this account.
    pub subject: Option<UserId>,
}

/// A page of requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPage {
    /// By deadline, then id.
    pub items: Vec<RequestSummary>,
    /// Where the next page starts; `None` on the last.
    pub next: Option<RequestCursor>,
}

impl SubjectRequestService {
    /// The request `id` and its history. Administrators with two-factor
    /// authentication only.
    ///
    /// # Errors
    /// [`AppError::Forbidden`]; [`AppError::NotFound`].
    pub async fn detail(
        &self,
        actor: &AuthenticatedActor,
        id: SubjectRequestId,
    ) -> Result<RequestDetail, AppError> {
        require_administrator(actor)?;
        let request = self.request(id).await?;
        let history = self.ports.requests.history(id).await?;
        let today = self.ports.clock.now().date();
        Ok(RequestDetail {
            overdue: request.is_overdue(today),
            request,
            history,
        })
    }

    /// Requests matching `filters`, the most urgent first (by deadline),
    /// `limit` (1 to [`MAX_PAGE`]) after `after`. Dates are judged in UTC.
    ///
    /// # Errors
    /// [`AppError::Forbidden`].
    pub async fn list(
        &self,
        actor: &AuthenticatedActor,
        filters: RequestFilters,
        after: Option<RequestCursor>,
        limit: u64,
    ) -> Result<RequestPage, AppError> {
        require_administrator(actor)?;
        let limit = limit.clamp(1, MAX_PAGE);
        let today = self.ports.clock.now().date();
        let requests = self
            .ports
            .requests
            .list(&RequestQuery {
                status: filters.status,
                kind: filters.kind,
                overdue_on: filters.overdue.then_some(today),
                subject: filters.subject,
                after,
                limit,
            })
            .await?;
        let full = u64::try_from(requests.len()).unwrap_or(u64::MAX) >= limit;
        let next = if full {
            requests.last().map(RequestCursor::of)
        } else {
            None
        };
        Ok(RequestPage {
            items: requests
                .into_iter()
                .map(|request| RequestSummary {
                    overdue: request.is_overdue(today),
                    request,
                })
                .collect(),
            next,
        })
    }
}
