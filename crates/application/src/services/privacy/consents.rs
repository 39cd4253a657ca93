//! One's privacy choices: their state and history, and changing them.

use rr_domain::identity::{AuthenticatedActor, UserId, UserRecord};
use rr_domain::privacy::{ConsentRecord, PolicyVersion, Purpose};
use time::OffsetDateTime;

use super::PrivacyService;
use crate::ports::AuditEvent;
use crate::{AppError, FieldViolation};

/// Where an account stands on one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeState {
    /// The purpose.
    pub purpose: Purpose,
    /// Accepted, consented to or not objected to (`true`); withdrawn or
    /// objected to (`false`). Always `true` for the terms and policy (an
    /// account has accepted a version; [`ConsentsView::acceptance_required`]
    /// tells whether it is the one in force).
    pub granted: bool,
    /// For the terms and policy, the version accepted; otherwise the version
    /// in force when the choice was last made (`None` when no choice was
    /// recorded, for accounts loaded without history).
    pub policy_version: Option<PolicyVersion>,
    /// When the choice was last made, if recorded.
    pub since: Option<OffsetDateTime>,
}

/// An account's privacy choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentsView {
    /// The version of the policy in force.
    pub current_version: PolicyVersion,
    /// The version the account accepted last.
    pub accepted_version: String,
    /// Whether the account must accept the version in force before writing.
    pub acceptance_required: bool,
    /// One state per purpose, in [`Purpose::ALL`] order.
    pub purposes: Vec<PurposeState>,
    /// Since when its processing is restricted (GDPR Art. 18), if it is.
    pub restricted_since: Option<OffsetDateTime>,
    /// Every choice recorded, newest first.
    pub history: Vec<ConsentRecord>,
}

/// Changes of one's choices; `None` leaves a purpose as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsentChanges {
    /// Accept this version of the policy: it must be the one in force.
    pub accept_policy: Option<PolicyVersion>,
    /// Consent to communications (`true`) or withdraw it (`false`).
    pub communications: Option<bool>,
    /// Withdraw an objection to statistics (`true`) or object (`false`, GDPR Art. 21).
    pub statistics: Option<bool>,
}

impl PrivacyService {
    /// The caller's privacy choices: each purpose's state, the policy in
    /// force and whether it must be accepted, the restriction, and the
    /// whole history.
    ///
    /// # Errors
    /// [`AppError::NotFound`] if the account vanished.
    pub async fn consents(&self, actor: &AuthenticatedActor) -> Result<ConsentsView, AppError> {
        self.view(actor.user_id).await
    }

    pub(super) async fn view(&self, user: UserId) -> Result<ConsentsView, AppError> {
        let account = self
            .ports
            .users
            .find(user)
            .await?
            .ok_or(AppError::NotFound)?;
        let current = self.identity.current_policy().await?.version;
        let history = self.ports.consents.history(user).await?;
        Ok(view_of(&account, current, history))
    }

    /// Changes the caller's choices: accepts the policy in force, consents
    /// to communications or withdraws, objects to statistics or withdraws the
    /// objection. Only actual changes are recorded, each with the version in
    /// force and the time, in the account's history and state together;
    /// statistics and mail follow at once, and so does the write gate on
    /// this process (elsewhere within the session check interval). Audited
    /// (`consents_changed`).
    ///
    /// # Errors
    /// [`AppError::Invalid`] `consent_choice_required` when nothing is
    /// asked, `policy_version_mismatch` when the version is not the one in
    /// force; [`AppError::NotFound`] if the account vanished.
    pub async fn update_consents(
        &self,
        actor: &AuthenticatedActor,
        changes: ConsentChanges,
    ) -> Result<ConsentsView, AppError> {
        let (_, view) = self
            .change_consents(actor.user_id, actor.user_id, changes)
            .await?;
        Ok(view)
    }

    /// Changes `subject`'s choices as [`Self::update_consents`] does, on
    /// behalf of `by`: the person, or an administrator recording their
    /// objection (`SubjectRequestService::record_objection`), named as the
    /// actor in the audit log. The choices recorded (only actual changes),
    /// and the account's choices after.
    pub(crate) async fn change_consents(
        &self,
        subject: UserId,
        by: UserId,
        changes: ConsentChanges,
    ) -> Result<(Vec<ConsentRecord>, ConsentsView), AppError> {
        if changes == ConsentChanges::default() {
            return Err(AppError::invalid(
                "",
                "consent_choice_required",
                "Indiquez au moins un choix : acceptPolicyVersion, communications ou statistics.",
            ));
        }
        let current = self.identity.current_policy().await?.version;
        if let Some(version) = &changes.accept_policy
            && *version != current
        {
            return Err(AppError::Invalid(vec![FieldViolation::new(
                "acceptPolicyVersion",
                "policy_version_mismatch",
                format!("Acceptez la politique de confidentialité en vigueur (version {current})."),
            )]));
        }
        let account = self
            .ports
            .users
            .find(subject)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.ports.clock.now();
        let choice = |purpose, granted| ConsentRecord {
            purpose,
            granted,
            policy_version: current.clone(),
            at: now,
        };
        let mut choices = Vec::new();
        if changes.accept_policy.is_some() && account.policy_version != current.as_str() {
            choices.push(choice(Purpose::TermsAndPolicy, true));
        }
        if let Some(agrees) = changes.communications
            && agrees != account.communications_consent
        {
            choices.push(choice(Purpose::Communications, agrees));
        }
        if let Some(counted) = changes.statistics
            && counted == account.statistics_objection
        {
            choices.push(choice(Purpose::Statistics, counted));
        }
        if !choices.is_empty() {
            if !self.ports.consents.record(subject, &choices).await? {
                return Err(AppError::NotFound);
            }
            self.identity.forget_account(subject);
            self.audit(AuditEvent {
                action: "consents_changed",
                actor: Some(by),
                subject: Some(subject),
                detail: choices
                    .iter()
                    .map(|c| match c.purpose {
                        Purpose::TermsAndPolicy => format!("terms_and_policy={}", c.policy_version),
                        purpose => format!("{}={}", purpose.as_str(), c.granted),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .await?;
        }
        Ok((choices, self.view(subject).await?))
    }
}

/// The view of `account`'s choices, from its state and its history (oldest first).
fn view_of(
    account: &UserRecord,
    current: PolicyVersion,
    mut history: Vec<ConsentRecord>,
) -> ConsentsView {
    let last = |purpose| history.iter().rev().find(|c| c.purpose == purpose);
    let purposes = Purpose::ALL
        .into_iter()
        .map(|purpose| {
            let recorded = last(purpose);
            let (granted, policy_version) = match purpose {
                Purpose::TermsAndPolicy => {
                    (true, PolicyVersion::parse(&account.policy_version).ok())
                }
                Purpose::Communications => (
                    account.communications_consent,
                    recorded.map(|c| c.policy_version.clone()),
                ),
                Purpose::Statistics => (
                    !account.statistics_objection,
                    recorded.map(|c| c.policy_version.clone()),
                ),
            };
            PurposeState {
                purpose,
                granted,
                policy_version,
                since: recorded.map(|c| c.at),
            }
        })
        .collect();
    history.reverse();
    ConsentsView {
        acceptance_required: account.policy_version != current.as_str(),
        current_version: current,
        accepted_version: account.policy_version.clone(),
        purposes,
        restricted_since: account.restricted_since,
        history,
    }
}
