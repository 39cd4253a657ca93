use async_trait::async_trait;
use rr_domain::identity::UserId;
use rr_domain::privacy::ConsentRecord;
use time::OffsetDateTime;

use crate::RepositoryError;

/// Each account's privacy choices: the history of its consents and
/// objections, and its restriction (GDPR Art. 18).
///
/// The current state lives on the account (`UserRecord::policy_version`,
/// `communications_consent`, `statistics_objection`, `restricted_since`),
/// where the session gate, statistics and mail read it; this port is the
/// only writer of those fields ([`crate::ports::UserRepository::update`]
/// leaves them alone), and writes each with its history in one transaction,
/// so that the two never disagree. An account's first choices are recorded
/// by [`crate::ports::UserRepository::insert`].
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ConsentRepository: Send + Sync {
    /// Every choice the account made, oldest first (in the order recorded).
    /// Empty for an unknown account.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn history(&self, user: UserId) -> Result<Vec<ConsentRecord>, RepositoryError>;

    /// Appends `choices` to the account's history, in order, and sets its
    /// current state from them, atomically: a granted
    /// [`rr_domain::privacy::Purpose::TermsAndPolicy`] sets the accepted
    /// version (its `policy_version`; a withdrawn one is refused as
    /// [`RepositoryError::Internal`]: the terms are accepted or the account
    /// erased), `Communications` the consent, `Statistics` the objection
    /// (`!granted`). Returns `false`, changing nothing, when the account
    /// does not exist.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn record(
        &self,
        user: UserId,
        choices: &[ConsentRecord],
    ) -> Result<bool, RepositoryError>;

    /// Restricts the processing of the account from `since`, or lifts the
    /// restriction (`None`). Returns `false`, changing nothing, when the
    /// account does not exist.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn set_restriction(
        &self,
        user: UserId,
        since: Option<OffsetDateTime>,
    ) -> Result<bool, RepositoryError>;
}
