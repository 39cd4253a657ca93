use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::ResourceId;
use time::OffsetDateTime;

/// A resource was consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consultation {
    /// The resource.
    pub resource: ResourceId,
    /// Who, when logged in.
    pub viewer: Option<UserId>,
    /// When.
    pub at: OffsetDateTime,
}

/// The catalogue was searched. The text searched for is never kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    /// Who, when logged in.
    pub searcher: Option<UserId>,
    /// When.
    pub at: OffsetDateTime,
    /// The category filter, if any.
    pub category: Option<ReferenceId>,
    /// The resource type filter, if any.
    pub resource_type: Option<ReferenceId>,
    /// Whether words were searched for.
    pub with_text: bool,
}

/// Counts consultations and searches for statistics.
///
/// Recording never waits for the store and never fails the request it
/// counts: implementations buffer and write in batches. They MUST NOT count
/// an account that objected to statistics (GDPR Art. 21), and MUST NOT keep
/// anything that links a search text to an account.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait StatisticsRecorder: Send + Sync {
    /// Counts a consultation.
    fn consulted(&self, consultation: Consultation);

    /// Counts a search.
    fn searched(&self, search: Search);
}
