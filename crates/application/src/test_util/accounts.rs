//! Fakes of account administration: the directory over [`FakeUsers`], and a
//! staff access journal in memory; [`account_admin_fixture`] wires them to an
//! [`IdentityFixture`].

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use rr_domain::identity::UserId;

use super::{FakeBlindIndex, FakeUsers, IdentityFixture};
use crate::RepositoryError;
use crate::ports::{
    AccountDirectory, AccountSummary, DirectoryQuery, JournalCursor, JournalEntry, StaffAccess,
    StaffAccessJournal, Standing, UserRepository,
};
use crate::services::{AccountAdminPorts, AccountAdminService};

#[async_trait]
impl AccountDirectory for FakeUsers {
    async fn search(&self, query: &DirectoryQuery) -> Result<Vec<AccountSummary>, RepositoryError> {
        let mut users = self.all();
        users.sort_by_key(|u| u.username.canonical());
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        Ok(users
            .into_iter()
            .filter(|u| {
                let canonical = u.username.canonical();
                let standing = Standing::of(&u.status, query.at);
                query.after.as_ref().is_none_or(|after| canonical > *after)
                    && query
                        .username_prefix
                        .as_ref()
                        .is_none_or(|p| p.matches(&canonical))
                    && query.role.is_none_or(|role| role == u.role)
                    && query.standing.is_none_or(|f| f.admits(standing))
            })
            .take(limit)
            .map(|u| AccountSummary {
                id: u.id,
                standing: Standing::of(&u.status, query.at),
                username: u.username,
                role: u.role,
                created_at: u.created_at,
            })
            .collect())
    }
}

/// The staff access journal in memory, reading staff usernames from the accounts.
#[derive(Debug)]
pub struct FakeStaffAccessJournal {
    users: Arc<FakeUsers>,
    entries: Mutex<Vec<StaffAccess>>,
    down: std::sync::atomic::AtomicBool,
}

impl FakeStaffAccessJournal {
    /// An empty journal over these accounts.
    #[must_use]
    pub fn new(users: Arc<FakeUsers>) -> Self {
        Self {
            users,
            entries: Mutex::new(Vec::new()),
            down: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Every access recorded, in order, for assertions.
    #[must_use]
    pub fn all(&self) -> Vec<StaffAccess> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes every later call fail as an unreachable store (`true`), or work again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }

    fn check_up(&self) -> Result<(), RepositoryError> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            Err(RepositoryError::Unavailable(
                "the fake journal is down".into(),
            ))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl StaffAccessJournal for FakeStaffAccessJournal {
    async fn record(&self, access: &StaffAccess) -> Result<(), RepositoryError> {
        self.check_up()?;
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(access.clone());
        Ok(())
    }

    async fn list_for(
        &self,
        subject: UserId,
        after: Option<JournalCursor>,
        limit: u64,
    ) -> Result<Vec<JournalEntry>, RepositoryError> {
        self.check_up()?;
        let mut mine: Vec<StaffAccess> = self
            .all()
            .into_iter()
            .filter(|a| a.subject == subject)
            .filter(|a| after.is_none_or(|c| (a.at, a.id) < (c.at, c.id)))
            .collect();
        mine.sort_by_key(|a| std::cmp::Reverse((a.at, a.id)));
        mine.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let mut entries = Vec::with_capacity(mine.len());
        for access in mine {
            let staff_username = self
                .users
                .find(access.staff)
                .await?
                .ok_or_else(|| {
                    RepositoryError::Internal("a journaled staff account is gone".into())
                })?
                .username;
            entries.push(JournalEntry {
                access,
                staff_username,
            });
        }
        Ok(entries)
    }
}

/// Account administration on an identity fixture's fakes.
#[derive(Clone)]
#[allow(missing_debug_implementations)]
pub struct AccountAdminFixture {
    /// The service under test.
    pub service: AccountAdminService,
    /// The journal it writes.
    pub journal: Arc<FakeStaffAccessJournal>,
}

/// [`AccountAdminService`] on the accounts, cipher, audit log and clock of `fx`.
#[must_use]
pub fn account_admin_fixture(fx: &IdentityFixture) -> AccountAdminFixture {
    let journal = Arc::new(FakeStaffAccessJournal::new(fx.users.clone()));
    AccountAdminFixture {
        service: AccountAdminService::new(AccountAdminPorts {
            users: fx.users.clone(),
            directory: fx.users.clone(),
            journal: journal.clone(),
            cipher: fx.cipher.clone(),
            blind_index: Arc::new(FakeBlindIndex),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        }),
        journal,
    }
}
