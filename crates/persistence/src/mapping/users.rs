//! Accounts: `users` rows to [`UserRecord`] and back.

use rr_application::RepositoryError;
use rr_domain::credentials::PasswordHash;
use rr_domain::identity::{
    AccountStatus, KeyId, Region, Role, Sealed, UserId, UserRecord, Username, WrappedKey,
};
use sea_orm::ActiveValue::Set;

use super::{bounded, corrupt, digest, from_column, to_column};
use crate::entities::user;

const TABLE: &str = "users";
const ACTIVE: &str = "active";
const SUSPENDED: &str = "suspended";

/// Every column of `user`, set, ready for an insert or (without `id` and
/// `created_at`) an update.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn user_row(user: &UserRecord) -> Result<user::ActiveModel, RepositoryError> {
    let optional = |at: Option<time::OffsetDateTime>| at.map(to_column).transpose();
    let (status, suspension_reason, suspended_until) = match &user.status {
        AccountStatus::Active => (ACTIVE, None, None),
        AccountStatus::Suspended { reason, until } => {
            (SUSPENDED, Some(reason.clone()), optional(*until)?)
        }
    };
    Ok(user::ActiveModel {
        id: Set(user.id.as_uuid()),
        username: Set(user.username.as_str().to_owned()),
        username_canonical: Set(user.username.canonical()),
        email_index: Set(digest(TABLE, "email_index", &user.email_index)?),
        data_key_id: Set(bounded(TABLE, "data_key_id", &user.data_key.key_id.0, 64)?),
        data_key: Set(user.data_key.bytes.clone()),
        email: Set(user.email.0.clone()),
        first_name: Set(user.first_name.0.clone()),
        last_name: Set(user.last_name.0.clone()),
        country: Set(user.country.0.clone()),
        phone: Set(user.phone.as_ref().map(|sealed| sealed.0.clone())),
        password_hash: Set(bounded(
            TABLE,
            "password_hash",
            user.password_hash.as_phc(),
            255,
        )?),
        role: Set(user.role.as_str().to_owned()),
        status: Set(status.to_owned()),
        suspension_reason: Set(suspension_reason),
        suspended_until: Set(suspended_until),
        email_verified_at: Set(optional(user.email_verified_at)?),
        totp_secret: Set(user.totp_secret.as_ref().map(|sealed| sealed.0.clone())),
        totp_enabled: Set(user.totp_enabled),
        totp_last_step: Set(user.totp_last_step),
        // A count of failures saturates rather than failing the write.
        failed_logins: Set(i32::try_from(user.failed_logins).unwrap_or(i32::MAX)),
        locked_until: Set(optional(user.locked_until)?),
        policy_version: Set(bounded(TABLE, "policy_version", &user.policy_version, 32)?),
        created_at: Set(to_column(user.created_at)?),
        updated_at: Set(to_column(user.updated_at)?),
        statistics_objection: Set(user.statistics_objection),
        region: Set(user.region.map(|region| region.code().to_owned())),
        communications_consent: Set(user.communications_consent),
        restricted_at: Set(optional(user.restricted_since)?),
    })
}

fn status(row: &user::Model) -> Result<AccountStatus, RepositoryError> {
    match (
        row.status.as_str(),
        &row.suspension_reason,
        row.suspended_until,
    ) {
        (ACTIVE, None, None) => Ok(AccountStatus::Active),
        (SUSPENDED, Some(reason), until) => Ok(AccountStatus::Suspended {
            reason: reason.clone(),
            until: until.map(from_column),
        }),
        (other, _, _) => Err(corrupt(
            TABLE,
            row.id,
            format!("status {other:?} with inconsistent suspension columns"),
        )),
    }
}

impl TryFrom<user::Model> for UserRecord {
    type Error = RepositoryError;

    fn try_from(row: user::Model) -> Result<Self, Self::Error> {
        let id = row.id;
        let status = status(&row)?;
        Ok(Self {
            id: UserId::from_uuid(id),
            username: Username::from_stored(&row.username).map_err(|e| corrupt(TABLE, id, e))?,
            email_index: row.email_index,
            data_key: WrappedKey {
                key_id: KeyId(row.data_key_id),
                bytes: row.data_key,
            },
            email: Sealed(row.email),
            first_name: Sealed(row.first_name),
            last_name: Sealed(row.last_name),
            country: Sealed(row.country),
            phone: row.phone.map(Sealed),
            password_hash: PasswordHash::from_phc(row.password_hash),
            role: Role::parse(&row.role)
                .ok_or_else(|| corrupt(TABLE, id, format!("unknown role {:?}", row.role)))?,
            status,
            email_verified_at: row.email_verified_at.map(from_column),
            totp_secret: row.totp_secret.map(Sealed),
            totp_enabled: row.totp_enabled,
            totp_last_step: row.totp_last_step,
            failed_logins: u32::try_from(row.failed_logins).map_err(|e| corrupt(TABLE, id, e))?,
            locked_until: row.locked_until.map(from_column),
            policy_version: row.policy_version,
            statistics_objection: row.statistics_objection,
            region: row
                .region
                .as_deref()
                .map(Region::parse)
                .transpose()
                .map_err(|e| corrupt(TABLE, id, e))?,
            communications_consent: row.communications_consent,
            restricted_since: row.restricted_at.map(from_column),
            created_at: from_column(row.created_at),
            updated_at: from_column(row.updated_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn row() -> user::Model {
        user::Model {
            id: uuid::Uuid::nil(),
            username: "lea_m".into(),
            username_canonical: "lea_m".into(),
            email_index: vec![1; 32],
            data_key_id: "k1".into(),
            data_key: vec![2; 40],
            email: vec![3],
            first_name: vec![4],
            last_name: vec![5],
            country: vec![6],
            phone: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            role: "citizen".into(),
            status: "active".into(),
            suspension_reason: None,
            suspended_until: None,
            email_verified_at: None,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
            policy_version: "2026-11".into(),
            created_at: datetime!(2026-11-29 10:00),
            statistics_objection: false,
            region: Some("84".into()),
            communications_consent: false,
            restricted_at: None,
            updated_at: datetime!(2026-11-29 10:00),
        }
    }

    #[test]
    fn a_valid_row_maps() {
        let user = UserRecord::try_from(row()).unwrap();
        assert_eq!(user.status, AccountStatus::Active);
        assert_eq!(user.role, Role::Citizen);
        assert_eq!(user.region, Some(Region::AuvergneRhoneAlpes));
    }

    #[test]
    fn corrupt_rows_are_internal_errors() {
        let corruptions: [fn(&mut user::Model); 6] = [
            |r| r.role = "admin".into(),
            |r| r.username = "_bad".into(),
            |r| r.failed_logins = -1,
            |r| r.status = "suspended".into(),
            |r| r.suspension_reason = Some("spam".into()),
            |r| r.region = Some("FR".into()),
        ];
        for corrupt in corruptions {
            let mut row = row();
            corrupt(&mut row);
            assert!(matches!(
                UserRecord::try_from(row),
                Err(RepositoryError::Internal(_))
            ));
        }
    }
}
