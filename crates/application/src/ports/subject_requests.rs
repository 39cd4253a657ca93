use async_trait::async_trait;
use rr_domain::identity::UserId;
use rr_domain::subject_rights::{RequestKind, SubjectRequest, SubjectRequestId};
use time::{Date, OffsetDateTime};

use crate::RepositoryError;

/// What a staff member did to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestAction {
    /// Recorded it.
    Recorded,
    /// Extended its deadline.
    Extended,
    /// Erased the person's account on it.
    ErasureExecuted,
    /// Asked for an export of the person's data on it.
    ExportRequested,
    /// Closed it with an outcome.
    Closed,
    /// Rectified the person's account on it.
    Rectified,
    /// Restricted the processing of the person's account on it.
    RestrictionApplied,
    /// Lifted the restriction of the person's account on it.
    RestrictionLifted,
    /// Recorded the person's objection on it.
    ObjectionRecorded,
}

impl RequestAction {
    /// Every action.
    pub const ALL: [Self; 9] = [
        Self::Recorded,
        Self::Extended,
        Self::ErasureExecuted,
        Self::ExportRequested,
        Self::Closed,
        Self::Rectified,
        Self::RestrictionApplied,
        Self::RestrictionLifted,
        Self::ObjectionRecorded,
    ];

    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Extended => "extended",
            Self::ErasureExecuted => "erasure_executed",
            Self::ExportRequested => "export_requested",
            Self::Closed => "closed",
            Self::Rectified => "rectified",
            Self::RestrictionApplied => "restriction_applied",
            Self::RestrictionLifted => "restriction_lifted",
            Self::ObjectionRecorded => "objection_recorded",
        }
    }

    /// The action named `raw`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }
}

/// One entry of a request's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    /// When.
    pub at: OffsetDateTime,
    /// Who (`None` once their account is erased).
    pub actor: Option<UserId>,
    /// What.
    pub action: RequestAction,
    /// Machine-readable particulars (`outcome=completed`, counts of an
    /// erasure); never free text.
    pub detail: String,
}

/// Open or closed requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatusFilter {
    /// Being handled.
    Open,
    /// Answered.
    Closed,
}

/// The place of a request in a list: by deadline, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestCursor {
    /// Its deadline.
    pub due_on: Date,
    /// Its id.
    pub id: SubjectRequestId,
}

impl RequestCursor {
    /// The cursor of `request`.
    #[must_use]
    pub fn of(request: &SubjectRequest) -> Self {
        Self {
            due_on: request.due_on,
            id: request.id,
        }
    }
}

/// Which requests to list; every part that is set must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestQuery {
    /// Open or closed ones.
    pub status: Option<RequestStatusFilter>,
    /// Of this kind.
    pub kind: Option<RequestKind>,
    /// Open and due before this day (overdue on it).
    pub overdue_on: Option<Date>,
    /// About this account.
    pub subject: Option<UserId>,
    /// After this one.
    pub after: Option<RequestCursor>,
    /// At most this many.
    pub limit: u64,
}

/// Keeps data-subject requests and their history.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait SubjectRequestRepository: Send + Sync {
    /// Stores a new request and the first entry of its history, together.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when the id is taken or the subject
    /// does not exist (any more).
    async fn insert(
        &self,
        request: &SubjectRequest,
        event: &RequestEvent,
    ) -> Result<(), RepositoryError>;

    /// The request with this id.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn find(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, RepositoryError>;

    /// Stores `request` (its deadline, extension, status) and appends `event`
    /// to its history, together, only if its stored version is still
    /// `request.version`; the stored version becomes one more. Returns
    /// whether it did.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn update(
        &self,
        request: &SubjectRequest,
        event: &RequestEvent,
    ) -> Result<bool, RepositoryError>;

    /// Appends `event` to the history of request `id`.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when there is no such request.
    async fn append(
        &self,
        id: SubjectRequestId,
        event: &RequestEvent,
    ) -> Result<(), RepositoryError>;

    /// The history of request `id`, oldest first.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn history(&self, id: SubjectRequestId) -> Result<Vec<RequestEvent>, RepositoryError>;

    /// The requests matching `query`, by deadline then id (the most urgent
    /// first), at most `query.limit`; the same cost on every page.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list(&self, query: &RequestQuery) -> Result<Vec<SubjectRequest>, RepositoryError>;
}
