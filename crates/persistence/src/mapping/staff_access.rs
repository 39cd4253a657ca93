//! The staff access journal: `staff_access_log` rows to [`StaffAccess`] and
//! back, and `users` rows to the administrators' [`AccountSummary`].

use rr_application::RepositoryError;
use rr_application::ports::{AccountSummary, StaffAccess, Standing};
use rr_domain::identity::{
    AccessId, AccessReason, AccountStatus, PersonalField, Role, UserId, Username,
};
use sea_orm::ActiveValue::Set;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::{bounded, corrupt, from_column, stored_text, to_column};
use crate::entities::staff_access;

const TABLE: &str = "staff_access_log";
const USERS: &str = "users";

/// The row of `access`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn access_row(
    access: &StaffAccess,
) -> Result<staff_access::ActiveModel, RepositoryError> {
    let fields = access
        .fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",");
    Ok(staff_access::ActiveModel {
        id: Set(access.id.as_uuid()),
        at: Set(to_column(access.at)?),
        staff_id: Set(access.staff.as_uuid()),
        staff_role: Set(access.staff_role.as_str().to_owned()),
        subject_id: Set(access.subject.as_uuid()),
        reason: Set(bounded(
            TABLE,
            "reason",
            access.reason.as_str(),
            AccessReason::MAX_CHARS,
        )?),
        fields: Set(bounded(TABLE, "fields", &fields, 64)?),
    })
}

/// The access a row records.
///
/// # Errors
/// [`RepositoryError::Internal`] for a value the domain refuses.
pub(crate) fn into_access(row: staff_access::Model) -> Result<StaffAccess, RepositoryError> {
    let id = row.id;
    let fields = row
        .fields
        .split(',')
        .map(|name| {
            PersonalField::parse(name)
                .ok_or_else(|| corrupt(TABLE, id, format!("unknown field {name:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StaffAccess {
        id: AccessId::from_uuid(id),
        at: from_column(row.at),
        staff: UserId::from_uuid(row.staff_id),
        staff_role: Role::parse(&row.staff_role)
            .ok_or_else(|| corrupt(TABLE, id, format!("unknown role {:?}", row.staff_role)))?,
        subject: UserId::from_uuid(row.subject_id),
        reason: stored_text(
            TABLE,
            id,
            "reason",
            &row.reason,
            AccessReason::parse,
            AccessReason::as_str,
        )?,
        fields,
    })
}

/// The columns of `users` an administrator's list reads.
pub(crate) type SummaryRow = (
    uuid::Uuid,
    String,
    String,
    String,
    Option<PrimitiveDateTime>,
    PrimitiveDateTime,
);

/// The summary a row of [`SummaryRow`] columns stands for, its standing judged at `at`.
///
/// # Errors
/// [`RepositoryError::Internal`] for a value the domain refuses.
pub(crate) fn into_summary(
    (id, username, role, status, until, created_at): SummaryRow,
    at: OffsetDateTime,
) -> Result<AccountSummary, RepositoryError> {
    let status = match status.as_str() {
        "active" => AccountStatus::Active,
        "suspended" => AccountStatus::Suspended {
            reason: String::new(),
            until: until.map(from_column),
        },
        other => return Err(corrupt(USERS, id, format!("unknown status {other:?}"))),
    };
    Ok(AccountSummary {
        id: UserId::from_uuid(id),
        username: Username::from_stored(&username).map_err(|e| corrupt(USERS, id, e))?,
        role: Role::parse(&role)
            .ok_or_else(|| corrupt(USERS, id, format!("unknown role {role:?}")))?,
        standing: Standing::of(&status, at),
        created_at: from_column(created_at),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn access() -> StaffAccess {
        StaffAccess {
            id: AccessId::generate(),
            at: datetime!(2026-11-29 10:00:00.123456 UTC),
            staff: UserId::generate(),
            staff_role: Role::Administrator,
            subject: UserId::generate(),
            reason: AccessReason::parse("Demande d'assistance").unwrap(),
            fields: PersonalField::ALL.to_vec(),
        }
    }

    fn model(row: staff_access::ActiveModel) -> staff_access::Model {
        staff_access::Model {
            id: row.id.unwrap(),
            at: row.at.unwrap(),
            staff_id: row.staff_id.unwrap(),
            staff_role: row.staff_role.unwrap(),
            subject_id: row.subject_id.unwrap(),
            reason: row.reason.unwrap(),
            fields: row.fields.unwrap(),
        }
    }

    #[test]
    fn an_access_round_trips() {
        let access = access();
        let row = model(access_row(&access).unwrap());
        assert_eq!(row.fields, "email,first_name,last_name,country,phone");
        assert_eq!(into_access(row).unwrap(), access);
    }

    #[test]
    fn unknown_fields_roles_and_untrimmed_reasons_are_corrupt() {
        let good = model(access_row(&access()).unwrap());
        for bad in [
            staff_access::Model {
                fields: "email,password".into(),
                ..good.clone()
            },
            staff_access::Model {
                staff_role: "root".into(),
                ..good.clone()
            },
            staff_access::Model {
                reason: " Demande ".into(),
                ..good.clone()
            },
        ] {
            assert!(matches!(
                into_access(bad),
                Err(RepositoryError::Internal(_))
            ));
        }
    }
}
