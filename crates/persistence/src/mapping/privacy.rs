//! Policy versions and consents: `privacy_policies` and `consents` rows to
//! domain types and back.

use rr_application::RepositoryError;
use rr_domain::identity::UserId;
use rr_domain::privacy::{ConsentRecord, PolicyDocument, PolicyText, PolicyVersion, Purpose};
use sea_orm::ActiveValue::{NotSet, Set};

use super::{corrupt, from_column, to_column};
use crate::entities::{consent, privacy_policy};

const POLICIES: &str = "privacy_policies";
const CONSENTS: &str = "consents";

/// The row of a published version.
///
/// # Errors
/// [`RepositoryError::Internal`] when the instant cannot be stored.
pub(crate) fn policy_row(
    document: &PolicyDocument,
) -> Result<privacy_policy::ActiveModel, RepositoryError> {
    Ok(privacy_policy::ActiveModel {
        version: Set(document.version.as_str().to_owned()),
        published_at: Set(to_column(document.published_at)?),
        text: Set(document.text.as_str().to_owned()),
    })
}

/// A stored version, checked.
///
/// # Errors
/// [`RepositoryError::Internal`] when a column holds what the domain refuses.
pub(crate) fn into_policy(row: privacy_policy::Model) -> Result<PolicyDocument, RepositoryError> {
    Ok(PolicyDocument {
        version: stored_version(POLICIES, &row.version, &row.version)?,
        published_at: from_column(row.published_at),
        text: PolicyText::parse(&row.text).map_err(|e| corrupt(POLICIES, &row.version, e))?,
    })
}

/// A stored version identifier, checked.
///
/// # Errors
/// [`RepositoryError::Internal`] when the domain refuses it.
pub(crate) fn stored_version(
    table: &'static str,
    id: &str,
    raw: &str,
) -> Result<PolicyVersion, RepositoryError> {
    PolicyVersion::parse(raw).map_err(|e| corrupt(table, id, format!("policy version: {e}")))
}

/// The row of one choice of `user` (its id is numbered by the database).
///
/// # Errors
/// [`RepositoryError::Internal`] when the instant cannot be stored.
pub(crate) fn consent_row(
    user: UserId,
    choice: &ConsentRecord,
) -> Result<consent::ActiveModel, RepositoryError> {
    Ok(consent::ActiveModel {
        id: NotSet,
        user_id: Set(user.as_uuid()),
        purpose: Set(choice.purpose.as_str().to_owned()),
        granted: Set(choice.granted),
        policy_version: Set(choice.policy_version.as_str().to_owned()),
        recorded_at: Set(to_column(choice.at)?),
    })
}

/// A stored choice, checked.
///
/// # Errors
/// [`RepositoryError::Internal`] when a column holds what the domain refuses.
pub(crate) fn into_consent(row: consent::Model) -> Result<ConsentRecord, RepositoryError> {
    let purpose = Purpose::parse(&row.purpose)
        .ok_or_else(|| corrupt(CONSENTS, row.id, format!("purpose {:?}", row.purpose)))?;
    Ok(ConsentRecord {
        purpose,
        granted: row.granted,
        policy_version: stored_version(CONSENTS, &row.id.to_string(), &row.policy_version)?,
        at: from_column(row.recorded_at),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn row() -> consent::Model {
        consent::Model {
            id: 1,
            user_id: uuid::Uuid::nil(),
            purpose: "statistics".into(),
            granted: false,
            policy_version: "2026-11".into(),
            recorded_at: datetime!(2026-11-29 10:00),
        }
    }

    #[test]
    fn a_valid_choice_maps() {
        let choice = into_consent(row()).unwrap();
        assert_eq!(choice.purpose, Purpose::Statistics);
        assert!(!choice.granted);
    }

    #[test]
    fn corrupt_choices_and_policies_are_internal_errors() {
        let mut unknown = row();
        unknown.purpose = "marketing".into();
        assert!(matches!(
            into_consent(unknown),
            Err(RepositoryError::Internal(_))
        ));
        let mut version = row();
        version.policy_version = "2026 11".into();
        assert!(into_consent(version).is_err());
        let policy = privacy_policy::Model {
            version: "2026-11".into(),
            published_at: datetime!(2026-11-29 00:00),
            text: "   ".into(),
        };
        assert!(into_policy(policy).is_err());
    }
}
