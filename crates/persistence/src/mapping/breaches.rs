//! The breach register: `breaches` rows to [`Breach`] and back.

use std::collections::BTreeSet;

use rr_application::RepositoryError;
use rr_domain::compliance::{
    AuthorityNotification, AuthorityReference, Breach, BreachAssessment, BreachId, BreachText,
    DataCategory, PeopleNotification, SubjectCategory,
};
use rr_domain::identity::UserId;
use sea_orm::ActiveValue::Set;

use super::{bounded, corrupt, from_column, stored_text, to_column};
use crate::entities::breach;

const TABLE: &str = "breaches";

fn names<T: Copy>(items: &BTreeSet<T>, name: fn(T) -> &'static str) -> String {
    items.iter().map(|c| name(*c)).collect::<Vec<_>>().join(",")
}

fn parse_names<T: Ord>(
    id: uuid::Uuid,
    column: &str,
    stored: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<BTreeSet<T>, RepositoryError> {
    stored
        .split(',')
        .map(|name| {
            parse(name).ok_or_else(|| corrupt(TABLE, id, format!("{column}: unknown {name:?}")))
        })
        .collect()
}

/// The row of `breach`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn breach_row(breach: &Breach) -> Result<breach::ActiveModel, RepositoryError> {
    let assessment = &breach.assessment;
    let text = |column: &'static str, text: &BreachText| {
        bounded(TABLE, column, text.as_str(), BreachText::MAX_CHARS)
    };
    let authority = breach.authority_notification.as_ref();
    let people = breach.people_notification.as_ref();
    Ok(breach::ActiveModel {
        id: Set(breach.id.as_uuid()),
        known_at: Set(to_column(breach.known_at)?),
        occurred_at: Set(assessment.occurred_at.map(to_column).transpose()?),
        description: Set(text("description", &assessment.description)?),
        data_categories: Set(bounded(
            TABLE,
            "data_categories",
            &names(&assessment.data_categories, DataCategory::as_str),
            200,
        )?),
        subject_categories: Set(bounded(
            TABLE,
            "subject_categories",
            &names(&assessment.subject_categories, SubjectCategory::as_str),
            100,
        )?),
        people_count: Set(i64::try_from(assessment.people_count)
            .map_err(|e| corrupt(TABLE, breach.id.as_uuid(), e))?),
        likely_consequences: Set(text(
            "likely_consequences",
            &assessment.likely_consequences,
        )?),
        measures_taken: Set(text("measures_taken", &assessment.measures_taken)?),
        recorded_by: Set(breach.recorded_by.map(|id| id.as_uuid())),
        recorded_at: Set(to_column(breach.recorded_at)?),
        updated_at: Set(to_column(breach.updated_at)?),
        authority_notified_at: Set(authority.map(|n| to_column(n.at)).transpose()?),
        authority_reference: Set(authority
            .map(|n| {
                bounded(
                    TABLE,
                    "authority_reference",
                    n.reference.as_str(),
                    AuthorityReference::MAX_CHARS,
                )
            })
            .transpose()?),
        authority_delay_reason: Set(authority
            .and_then(|n| n.delay_reason.as_ref())
            .map(|reason| text("authority_delay_reason", reason))
            .transpose()?),
        people_notified_at: Set(people.map(|n| to_column(n.at)).transpose()?),
        people_notification_means: Set(people
            .map(|n| text("people_notification_means", &n.means))
            .transpose()?),
    })
}

/// The breach a row records.
///
/// # Errors
/// [`RepositoryError::Internal`] for a value the domain refuses.
pub(crate) fn into_breach(row: breach::Model) -> Result<Breach, RepositoryError> {
    let id = row.id;
    let text = |column: &str, stored: &str| {
        stored_text(
            TABLE,
            id,
            column,
            stored,
            BreachText::parse,
            BreachText::as_str,
        )
    };
    let authority_notification = match (row.authority_notified_at, row.authority_reference) {
        (Some(at), Some(reference)) => Some(AuthorityNotification {
            at: from_column(at),
            reference: stored_text(
                TABLE,
                id,
                "authority_reference",
                &reference,
                AuthorityReference::parse,
                AuthorityReference::as_str,
            )?,
            delay_reason: row
                .authority_delay_reason
                .as_deref()
                .map(|reason| text("authority_delay_reason", reason))
                .transpose()?,
        }),
        (None, None) => None,
        _ => return Err(corrupt(TABLE, id, "half an authority notification")),
    };
    let people_notification = match (row.people_notified_at, row.people_notification_means) {
        (Some(at), Some(means)) => Some(PeopleNotification {
            at: from_column(at),
            means: text("people_notification_means", &means)?,
        }),
        (None, None) => None,
        _ => return Err(corrupt(TABLE, id, "half a people notification")),
    };
    Ok(Breach {
        id: BreachId::from_uuid(id),
        known_at: from_column(row.known_at),
        assessment: BreachAssessment {
            description: text("description", &row.description)?,
            occurred_at: row.occurred_at.map(from_column),
            data_categories: parse_names(
                id,
                "data_categories",
                &row.data_categories,
                DataCategory::parse,
            )?,
            subject_categories: parse_names(
                id,
                "subject_categories",
                &row.subject_categories,
                SubjectCategory::parse,
            )?,
            people_count: u64::try_from(row.people_count).map_err(|e| corrupt(TABLE, id, e))?,
            likely_consequences: text("likely_consequences", &row.likely_consequences)?,
            measures_taken: text("measures_taken", &row.measures_taken)?,
        },
        recorded_by: row.recorded_by.map(UserId::from_uuid),
        recorded_at: from_column(row.recorded_at),
        updated_at: from_column(row.updated_at),
        authority_notification,
        people_notification,
    })
}
