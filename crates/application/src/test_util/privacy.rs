//! In-memory fakes of the privacy ports: the policy's versions, and the
//! consents kept by [`FakeUsers`] beside the accounts (so that an account's
//! state and its history change together, as the port requires).

use std::sync::Mutex;

use async_trait::async_trait;
use rr_domain::identity::{UserId, UserRecord};
use rr_domain::privacy::{ConsentRecord, PolicyDocument, PolicyText, PolicyVersion, Purpose};
use time::OffsetDateTime;

use super::identity::{FakeUsers, lock};
use crate::RepositoryError;
use crate::ports::{ConsentRepository, PrivacyPolicyRepository};

/// The first choices of a new account (`UserRepository::insert`).
pub(crate) fn first_choices(user: &UserRecord) -> Result<[ConsentRecord; 3], RepositoryError> {
    let version = PolicyVersion::parse(&user.policy_version)
        .map_err(|e| RepositoryError::Internal(Box::new(e)))?;
    let choice = |purpose, granted| ConsentRecord {
        purpose,
        granted,
        policy_version: version.clone(),
        at: user.created_at,
    };
    Ok([
        choice(Purpose::TermsAndPolicy, true),
        choice(Purpose::Communications, user.communications_consent),
        choice(Purpose::Statistics, !user.statistics_objection),
    ])
}

#[async_trait]
impl ConsentRepository for FakeUsers {
    async fn history(&self, user: UserId) -> Result<Vec<ConsentRecord>, RepositoryError> {
        Ok(lock(&self.consents)
            .iter()
            .filter(|(owner, _)| *owner == user)
            .map(|(_, choice)| choice.clone())
            .collect())
    }

    async fn record(
        &self,
        user: UserId,
        choices: &[ConsentRecord],
    ) -> Result<bool, RepositoryError> {
        let mut users = lock(&self.users);
        let Some(stored) = users.get_mut(&user) else {
            return Ok(false);
        };
        let mut next = stored.clone();
        for choice in choices {
            match (choice.purpose, choice.granted) {
                (Purpose::TermsAndPolicy, false) => {
                    return Err(RepositoryError::Internal(
                        "the terms and policy cannot be withdrawn".into(),
                    ));
                }
                (Purpose::TermsAndPolicy, true) => {
                    next.policy_version = choice.policy_version.as_str().to_owned();
                }
                (Purpose::Communications, granted) => next.communications_consent = granted,
                (Purpose::Statistics, granted) => next.statistics_objection = !granted,
            }
        }
        *stored = next;
        lock(&self.consents).extend(choices.iter().map(|choice| (user, choice.clone())));
        Ok(true)
    }

    async fn set_restriction(
        &self,
        user: UserId,
        since: Option<OffsetDateTime>,
    ) -> Result<bool, RepositoryError> {
        Ok(match lock(&self.users).get_mut(&user) {
            Some(stored) => {
                stored.restricted_since = since;
                true
            }
            None => false,
        })
    }
}

/// Published versions in memory; starts with `2026-11`, published
/// 2026-11-29 00:00 UTC, as the migrations do.
#[derive(Debug)]
pub struct FakePrivacyPolicies {
    documents: Mutex<Vec<PolicyDocument>>,
}

impl Default for FakePrivacyPolicies {
    fn default() -> Self {
        let first = PolicyVersion::parse("2026-11")
            .ok()
            .zip(PolicyText::parse("# Politique de confidentialité\n\nVersion 2026-11.").ok());
        Self {
            documents: Mutex::new(
                first
                    .map(|(version, text)| PolicyDocument {
                        version,
                        published_at: time::macros::datetime!(2026-11-29 00:00 UTC),
                        text,
                    })
                    .into_iter()
                    .collect(),
            ),
        }
    }
}

#[async_trait]
impl PrivacyPolicyRepository for FakePrivacyPolicies {
    async fn current(
        &self,
        now: OffsetDateTime,
    ) -> Result<Option<PolicyDocument>, RepositoryError> {
        Ok(lock(&self.documents)
            .iter()
            .filter(|d| d.published_at <= now)
            .max_by_key(|d| d.published_at)
            .cloned())
    }

    async fn find(
        &self,
        version: &PolicyVersion,
    ) -> Result<Option<PolicyDocument>, RepositoryError> {
        Ok(lock(&self.documents)
            .iter()
            .find(|d| d.version == *version)
            .cloned())
    }

    async fn list(&self) -> Result<Vec<(PolicyVersion, OffsetDateTime)>, RepositoryError> {
        let mut versions: Vec<_> = lock(&self.documents)
            .iter()
            .map(|d| (d.version.clone(), d.published_at))
            .collect();
        versions.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
        Ok(versions)
    }

    async fn publish(&self, document: &PolicyDocument) -> Result<(), RepositoryError> {
        let mut documents = lock(&self.documents);
        if documents
            .iter()
            .any(|d| d.version == document.version || d.published_at == document.published_at)
        {
            return Err(RepositoryError::Conflict("policy version taken".into()));
        }
        documents.push(document.clone());
        Ok(())
    }
}
