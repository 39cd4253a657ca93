//! Finding accounts: a list by username prefix, role and standing, or the
//! one account with an exact email (through the blind index, journaled).

use rr_domain::identity::{
    AccessReason, AuthenticatedActor, Email, PersonalField, Role, Username, UsernamePrefix,
};

use super::{AccountAdminService, MAX_PAGE, require_administrator};
use crate::AppError;
use crate::ports::{AccountSummary, DirectoryQuery, Standing, StandingFilter};

/// How accounts are looked for: the two ways exclude each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountLookup {
    /// The one account whose email is exactly this (normalised). Seeing which
    /// account an address belongs to is a read of personal data: journaled
    /// with `reason` when an account is found.
    ByEmail {
        /// The address.
        email: Email,
        /// Why the administrator looks it up.
        reason: AccessReason,
    },
    /// Accounts in username order, from a prefix if given.
    Directory {
        /// Usernames beginning with this, without case.
        username_prefix: Option<UsernamePrefix>,
        /// The last username of the previous page.
        after: Option<Username>,
    },
}

/// A search of accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSearch {
    /// How.
    pub lookup: AccountLookup,
    /// Only accounts of this role.
    pub role: Option<Role>,
    /// Only accounts of this standing now.
    pub standing: Option<StandingFilter>,
    /// At most this many (1 to [`MAX_PAGE`]).
    pub limit: u64,
}

/// A page of accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPage {
    /// By username, without case.
    pub items: Vec<AccountSummary>,
    /// The username to pass as `after` for the next page; `None` on the last.
    pub next: Option<Username>,
}

impl AccountAdminService {
    /// Accounts matching `search`, without any personal data opened.
    /// Administrators with two-factor authentication only.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `two_factor_required` or `forbidden`.
    pub async fn search(
        &self,
        actor: &AuthenticatedActor,
        search: AccountSearch,
    ) -> Result<AccountPage, AppError> {
        require_administrator(actor)?;
        let now = self.ports.clock.now();
        let limit = search.limit.clamp(1, MAX_PAGE);
        match search.lookup {
            AccountLookup::ByEmail { email, reason } => {
                let index = self.ports.blind_index.email_index(email.as_str());
                let Some(user) = self.ports.users.find_by_email_index(&index).await? else {
                    return Ok(AccountPage {
                        items: Vec::new(),
                        next: None,
                    });
                };
                let summary = AccountSummary {
                    id: user.id,
                    username: user.username,
                    role: user.role,
                    standing: Standing::of(&user.status, now),
                    created_at: user.created_at,
                };
                let wanted = search.role.is_none_or(|role| role == summary.role)
                    && search
                        .standing
                        .is_none_or(|filter| filter.admits(summary.standing));
                if !wanted {
                    // Nothing is shown: nothing was read.
                    return Ok(AccountPage {
                        items: Vec::new(),
                        next: None,
                    });
                }
                self.journal(actor, summary.id, reason, vec![PersonalField::Email])
                    .await?;
                Ok(AccountPage {
                    items: vec![summary],
                    next: None,
                })
            }
            AccountLookup::Directory {
                username_prefix,
                after,
            } => {
                let items = self
                    .ports
                    .directory
                    .search(&DirectoryQuery {
                        username_prefix,
                        role: search.role,
                        standing: search.standing,
                        at: now,
                        after: after.map(|name| name.canonical()),
                        limit,
                    })
                    .await?;
                let full = u64::try_from(items.len()).unwrap_or(u64::MAX) >= limit;
                let next = if full {
                    items.last().map(|item| item.username.clone())
                } else {
                    None
                };
                Ok(AccountPage { items, next })
            }
        }
    }
}
