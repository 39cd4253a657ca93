//! In-memory fakes of the erasure and data-subject request ports, and the
//! services on them.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use rr_domain::identity::UserId;
use rr_domain::subject_rights::{ERASED_AUTHOR, SubjectRequest, SubjectRequestId};
use time::OffsetDateTime;

use super::{FakeBlindIndex, FakeStaffAccessJournal, FakeUsers, IdentityFixture};
use crate::RepositoryError;
use crate::ports::{
    AccountErasure, ErasureOutcome, ErasurePlan, RequestCursor, RequestEvent, RequestQuery,
    RequestStatusFilter, SubjectRequestRepository, UsernameReservations,
};
use crate::services::{
    AttachmentService, DataExportService, ErasurePolicy, ErasurePorts, ErasureService,
    PrivacyPorts, PrivacyService, SubjectRequestPorts, SubjectRequestService,
};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn down() -> RepositoryError {
    RepositoryError::Unavailable("the fake store is down".into())
}

/// Usernames reserved in memory, by digest.
#[derive(Debug, Default)]
pub struct FakeUsernameReservations {
    until: Mutex<HashMap<Vec<u8>, OffsetDateTime>>,
}

impl FakeUsernameReservations {
    /// Reserves `digest` until `until`.
    pub fn reserve(&self, digest: Vec<u8>, until: OffsetDateTime) {
        lock(&self.until).insert(digest, until);
    }

    /// How many reservations are stored, ended or not.
    #[must_use]
    pub fn len(&self) -> usize {
        lock(&self.until).len()
    }

    /// Whether none is.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl UsernameReservations for FakeUsernameReservations {
    async fn is_reserved(
        &self,
        digest: &[u8],
        now: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        Ok(lock(&self.until)
            .get(digest)
            .is_some_and(|until| *until > now))
    }
}

/// Erasures on fakes: the account leaves [`FakeUsers`], its username is
/// reserved, its requests lose it and their notes; the plans are kept for
/// assertions, and the outcome reported is the one set.
#[derive(Debug)]
pub struct FakeErasure {
    users: Arc<FakeUsers>,
    reservations: Arc<FakeUsernameReservations>,
    requests: Arc<FakeSubjectRequests>,
    plans: Mutex<Vec<ErasurePlan>>,
    outcome: Mutex<ErasureOutcome>,
    down: AtomicBool,
}

impl FakeErasure {
    /// Erasures of `users`, reserving in `reservations`, cleaning `requests`.
    #[must_use]
    pub fn new(
        users: Arc<FakeUsers>,
        reservations: Arc<FakeUsernameReservations>,
        requests: Arc<FakeSubjectRequests>,
    ) -> Self {
        Self {
            users,
            reservations,
            requests,
            plans: Mutex::default(),
            outcome: Mutex::default(),
            down: AtomicBool::new(false),
        }
    }

    /// Every plan carried out, in order.
    #[must_use]
    pub fn plans(&self) -> Vec<ErasurePlan> {
        lock(&self.plans).clone()
    }

    /// What the next erasures report.
    pub fn set_outcome(&self, outcome: ErasureOutcome) {
        *lock(&self.outcome) = outcome;
    }

    /// Brings the store down (`true`) or up.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

#[async_trait]
impl AccountErasure for FakeErasure {
    async fn erase(&self, plan: &ErasurePlan) -> Result<Option<ErasureOutcome>, RepositoryError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(down());
        }
        if plan.subject == ERASED_AUTHOR || self.users.remove(plan.subject).is_none() {
            return Ok(None);
        }
        self.reservations
            .reserve(plan.reservation.digest.clone(), plan.reservation.until);
        self.requests.forget(plan.subject);
        lock(&self.plans).push(plan.clone());
        Ok(Some(lock(&self.outcome).clone()))
    }
}

/// Data-subject requests in memory, with the database's rules: a request is
/// about an existing account, changes are compare-and-set on the version.
#[derive(Debug)]
pub struct FakeSubjectRequests {
    users: Arc<FakeUsers>,
    requests: Mutex<BTreeMap<SubjectRequestId, SubjectRequest>>,
    history: Mutex<HashMap<SubjectRequestId, Vec<RequestEvent>>>,
}

impl FakeSubjectRequests {
    /// Requests about the accounts of `users`.
    #[must_use]
    pub fn new(users: Arc<FakeUsers>) -> Self {
        Self {
            users,
            requests: Mutex::default(),
            history: Mutex::default(),
        }
    }

    /// What erasing `subject` does to their requests: they lose the
    /// account and their notes.
    pub fn forget(&self, subject: UserId) {
        for request in lock(&self.requests).values_mut() {
            if request.subject == Some(subject) {
                request.subject = None;
                if request.notes.take().is_some() {
                    request.version += 1;
                }
            }
        }
    }
}

#[async_trait]
impl SubjectRequestRepository for FakeSubjectRequests {
    async fn insert(
        &self,
        request: &SubjectRequest,
        event: &RequestEvent,
    ) -> Result<(), RepositoryError> {
        let known = request
            .subject
            .is_none_or(|subject| self.users.all().iter().any(|u| u.id == subject));
        let mut requests = lock(&self.requests);
        if !known || requests.contains_key(&request.id) {
            return Err(RepositoryError::Conflict(
                "no such account or id taken".into(),
            ));
        }
        requests.insert(request.id, request.clone());
        lock(&self.history).insert(request.id, vec![event.clone()]);
        Ok(())
    }

    async fn find(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, RepositoryError> {
        Ok(lock(&self.requests).get(&id).cloned())
    }

    async fn update(
        &self,
        request: &SubjectRequest,
        event: &RequestEvent,
    ) -> Result<bool, RepositoryError> {
        let mut requests = lock(&self.requests);
        let Some(stored) = requests.get_mut(&request.id) else {
            return Ok(false);
        };
        if stored.version != request.version {
            return Ok(false);
        }
        let (subject, notes) = (stored.subject, stored.notes.clone());
        *stored = SubjectRequest {
            subject,
            notes,
            version: request.version + 1,
            ..request.clone()
        };
        lock(&self.history)
            .entry(request.id)
            .or_default()
            .push(event.clone());
        Ok(true)
    }

    async fn append(
        &self,
        id: SubjectRequestId,
        event: &RequestEvent,
    ) -> Result<(), RepositoryError> {
        if !lock(&self.requests).contains_key(&id) {
            return Err(RepositoryError::Conflict("no such request".into()));
        }
        lock(&self.history)
            .entry(id)
            .or_default()
            .push(event.clone());
        Ok(())
    }

    async fn history(&self, id: SubjectRequestId) -> Result<Vec<RequestEvent>, RepositoryError> {
        Ok(lock(&self.history).get(&id).cloned().unwrap_or_default())
    }

    async fn list(&self, query: &RequestQuery) -> Result<Vec<SubjectRequest>, RepositoryError> {
        let mut found: Vec<SubjectRequest> = lock(&self.requests)
            .values()
            .filter(|r| match query.status {
                None => true,
                Some(RequestStatusFilter::Open) => r.is_open(),
                Some(RequestStatusFilter::Closed) => !r.is_open(),
            })
            .filter(|r| query.kind.is_none_or(|kind| r.kind == kind))
            .filter(|r| query.overdue_on.is_none_or(|day| r.is_overdue(day)))
            .filter(|r| query.subject.is_none_or(|s| r.subject == Some(s)))
            .filter(|r| {
                query.after.is_none_or(|after| {
                    (r.due_on, r.id.as_uuid()) > (after.due_on, after.id.as_uuid())
                })
            })
            .cloned()
            .collect();
        found.sort_by_key(|r| {
            let cursor = RequestCursor::of(r);
            (cursor.due_on, cursor.id.as_uuid())
        });
        found.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        Ok(found)
    }
}

/// Erasure and data-subject requests on the fakes of an identity fixture.
#[allow(missing_debug_implementations)] // services of trait objects
pub struct ErasureFixture {
    /// Erasure, the service under test.
    pub service: ErasureService,
    /// The erasures carried out.
    pub store: Arc<FakeErasure>,
    /// The usernames reserved (the identity fixture's).
    pub reservations: Arc<FakeUsernameReservations>,
    /// Data-subject requests, the other service under test.
    pub requests: SubjectRequestService,
    /// The requests stored.
    pub request_store: Arc<FakeSubjectRequests>,
    /// The staff access journal the requests write.
    pub journal: Arc<FakeStaffAccessJournal>,
}

/// [`ErasureService`] under `policy` and [`SubjectRequestService`] on the
/// accounts, sessions, audit log, clock and reserved usernames of `fx`,
/// removing orphaned content through `attachments` and exporting through
/// `exports`.
#[must_use]
pub fn erasure_fixture(
    fx: &IdentityFixture,
    attachments: AttachmentService,
    exports: DataExportService,
    policy: ErasurePolicy,
) -> ErasureFixture {
    let reservations = fx.usernames.clone();
    let request_store = Arc::new(FakeSubjectRequests::new(fx.users.clone()));
    let store = Arc::new(FakeErasure::new(
        fx.users.clone(),
        reservations.clone(),
        request_store.clone(),
    ));
    let service = ErasureService::new(
        ErasurePorts {
            erasure: store.clone(),
            users: fx.users.clone(),
            blind_index: Arc::new(FakeBlindIndex),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        policy,
        fx.service.clone(),
        attachments,
        exports.clone(),
    );
    let journal = Arc::new(FakeStaffAccessJournal::new(fx.users.clone()));
    let privacy = PrivacyService::new(
        PrivacyPorts {
            policies: fx.policies.clone(),
            consents: fx.users.clone(),
            users: fx.users.clone(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        fx.service.clone(),
    );
    let requests = SubjectRequestService::new(
        SubjectRequestPorts {
            requests: request_store.clone(),
            users: fx.users.clone(),
            blind_index: Arc::new(FakeBlindIndex),
            journal: journal.clone(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        service.clone(),
        exports,
        fx.service.clone(),
        privacy,
    );
    ErasureFixture {
        service,
        store,
        reservations,
        requests,
        request_store,
        journal,
    }
}
