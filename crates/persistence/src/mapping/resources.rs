//! Resources: `resources` rows, with their `resource_relation_types` and
//! `resource_shares` rows, to [`ResourceRecord`] and back.
//!
//! The lifecycle is two columns: `state`, its machine name, and
//! `state_reason`, present exactly for `rejected` and `suspended`. Texts are
//! parsed again on the way out and must come back unchanged: a stored value
//! the domain would trim or refuse is corrupt.

use rr_application::RepositoryError;
use rr_application::ports::ResourceRecord;
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, ExternalLink, Lifecycle, ResourceId, Summary, Title, Visibility};
use sea_orm::ActiveValue::NotSet;
use sea_orm::ActiveValue::Set;

use super::{corrupt, from_column, stored_text, to_column, unstorable};
use crate::entities::{resource, resource_relation_type, resource_share};

const TABLE: &str = "resources";

/// Largest `text` value on MariaDB, in bytes.
const TEXT_MAX_BYTES: usize = 65_535;

/// Every column of `resource`, set, ready for an insert or (without `id`,
/// `author_id`, `created_at` and `version`) an update.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn resource_row(
    resource: &ResourceRecord,
) -> Result<resource::ActiveModel, RepositoryError> {
    let optional = |at: Option<time::OffsetDateTime>| at.map(to_column).transpose();
    let (state, state_reason) = lifecycle_columns(&resource.state)?;
    Ok(resource::ActiveModel {
        id: Set(resource.id.as_uuid()),
        author_id: Set(resource.author.as_uuid()),
        title: Set(resource.title.as_str().to_owned()),
        summary: Set(resource.summary.as_str().to_owned()),
        body: Set(resource.body.as_str().to_owned()),
        category_id: Set(resource.category.as_uuid()),
        resource_type_id: Set(resource.resource_type.as_uuid()),
        external_link: Set(resource
            .external_link
            .as_ref()
            .map(|link| link.as_str().to_owned())),
        visibility: Set(resource.visibility.as_str().to_owned()),
        state: Set(state.to_owned()),
        state_reason: Set(state_reason),
        created_at: Set(to_column(resource.created_at)?),
        updated_at: Set(to_column(resource.updated_at)?),
        published_at: Set(optional(resource.published_at)?),
        deleted_at: Set(optional(resource.deleted_at)?),
        version: Set(version_column(resource.version)?),
        // Counters are kept apart (consultations and favourites), never
        // overwritten by a change of content.
        view_count: NotSet,
        favourite_count: NotSet,
    })
}

/// `version` as the signed `bigint` column holds it.
///
/// # Errors
/// [`RepositoryError::Internal`] above `i64::MAX`.
pub(crate) fn version_column(version: u64) -> Result<i64, RepositoryError> {
    i64::try_from(version).map_err(|e| unstorable(TABLE, "version", e))
}

fn lifecycle_columns(state: &Lifecycle) -> Result<(&'static str, Option<String>), RepositoryError> {
    let reason = match state {
        Lifecycle::Rejected { reason } | Lifecycle::Suspended { reason } => {
            if reason.len() > TEXT_MAX_BYTES {
                return Err(unstorable(
                    TABLE,
                    "state_reason",
                    format!("longer than {TEXT_MAX_BYTES} bytes"),
                ));
            }
            Some(reason.clone())
        }
        Lifecycle::Draft
        | Lifecycle::PendingReview
        | Lifecycle::Published
        | Lifecycle::Archived
        | Lifecycle::Deleted => None,
    };
    Ok((state.name(), reason))
}

/// The relation types of resource `id`, positioned from 1 in the order given.
///
/// # Errors
/// [`RepositoryError::Internal`] beyond `i16::MAX` of them.
pub(crate) fn relation_type_rows(
    id: ResourceId,
    relation_types: &[ReferenceId],
) -> Result<Vec<resource_relation_type::ActiveModel>, RepositoryError> {
    relation_types
        .iter()
        .enumerate()
        .map(|(index, relation_type)| {
            let position = index
                .checked_add(1)
                .and_then(|position| i16::try_from(position).ok())
                .ok_or_else(|| {
                    unstorable(
                        "resource_relation_types",
                        "position",
                        "too many relation types",
                    )
                })?;
            Ok(resource_relation_type::ActiveModel {
                resource_id: Set(id.as_uuid()),
                relation_type_id: Set(relation_type.as_uuid()),
                position: Set(position),
            })
        })
        .collect()
}

/// The shares of resource `id`.
pub(crate) fn share_rows(id: ResourceId, users: &[UserId]) -> Vec<resource_share::ActiveModel> {
    users
        .iter()
        .map(|user| resource_share::ActiveModel {
            resource_id: Set(id.as_uuid()),
            user_id: Set(user.as_uuid()),
        })
        .collect()
}

/// The visibility stored as `raw` in resource `id`.
pub(crate) fn visibility(id: uuid::Uuid, raw: &str) -> Result<Visibility, RepositoryError> {
    match raw {
        "public" => Ok(Visibility::Public),
        "restricted" => Ok(Visibility::Restricted),
        "private" => Ok(Visibility::Private),
        "shared" => Ok(Visibility::Shared),
        other => Err(corrupt(TABLE, id, format!("unknown visibility {other:?}"))),
    }
}

/// A text column of a resource, as stored (see [`stored_text`]).
fn text<T, E: std::fmt::Display>(
    id: uuid::Uuid,
    column: &str,
    stored: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    as_str: impl FnOnce(&T) -> &str,
) -> Result<T, RepositoryError> {
    stored_text(TABLE, id, column, stored, parse, as_str)
}

fn lifecycle(row: &resource::Model) -> Result<Lifecycle, RepositoryError> {
    match (row.state.as_str(), &row.state_reason) {
        ("draft", None) => Ok(Lifecycle::Draft),
        ("pending_review", None) => Ok(Lifecycle::PendingReview),
        ("published", None) => Ok(Lifecycle::Published),
        ("rejected", Some(reason)) => Ok(Lifecycle::Rejected {
            reason: reason.clone(),
        }),
        ("suspended", Some(reason)) => Ok(Lifecycle::Suspended {
            reason: reason.clone(),
        }),
        ("archived", None) => Ok(Lifecycle::Archived),
        ("deleted", None) => Ok(Lifecycle::Deleted),
        (other, reason) => Err(corrupt(
            TABLE,
            row.id,
            format!(
                "state {other:?} {} a reason",
                if reason.is_some() { "with" } else { "without" }
            ),
        )),
    }
}

/// The resource of `row`, its relation types and shares.
///
/// `relation_types` must be those of the resource, in position order.
///
/// # Errors
/// [`RepositoryError::Internal`] when a stored value is refused by the domain.
pub(crate) fn into_resource(
    row: resource::Model,
    relation_types: Vec<resource_relation_type::Model>,
    shares: Vec<resource_share::Model>,
) -> Result<ResourceRecord, RepositoryError> {
    let id = row.id;
    let visibility = visibility(row.id, &row.visibility)?;
    let state = lifecycle(&row)?;
    let external_link = row
        .external_link
        .as_deref()
        .map(|link| {
            text(
                id,
                "external_link",
                link,
                ExternalLink::parse,
                ExternalLink::as_str,
            )
        })
        .transpose()?;
    Ok(ResourceRecord {
        id: ResourceId::from_uuid(id),
        author: UserId::from_uuid(row.author_id),
        title: text(id, "title", &row.title, Title::parse, Title::as_str)?,
        summary: text(id, "summary", &row.summary, Summary::parse, Summary::as_str)?,
        body: text(id, "body", &row.body, Body::parse, Body::as_str)?,
        category: ReferenceId::from_uuid(row.category_id),
        resource_type: ReferenceId::from_uuid(row.resource_type_id),
        relation_types: relation_types
            .into_iter()
            .map(|r| ReferenceId::from_uuid(r.relation_type_id))
            .collect(),
        external_link,
        visibility,
        state,
        shared_with: shares
            .into_iter()
            .map(|s| UserId::from_uuid(s.user_id))
            .collect(),
        created_at: from_column(row.created_at),
        updated_at: from_column(row.updated_at),
        published_at: row.published_at.map(from_column),
        deleted_at: row.deleted_at.map(from_column),
        version: u64::try_from(row.version).map_err(|e| corrupt(TABLE, id, e))?,
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn row() -> resource::Model {
        resource::Model {
            id: uuid::Uuid::nil(),
            author_id: uuid::Uuid::nil(),
            title: "Parler à son ado".into(),
            summary: "Quelques pistes.".into(),
            body: "# Pistes\n\n- écouter".into(),
            category_id: uuid::Uuid::nil(),
            resource_type_id: uuid::Uuid::nil(),
            external_link: Some("https://exemple.fr/a".into()),
            visibility: "public".into(),
            state: "suspended".into(),
            state_reason: Some("Signalements".into()),
            created_at: datetime!(2026-11-29 10:00),
            updated_at: datetime!(2026-11-29 10:00),
            published_at: None,
            deleted_at: None,
            version: 3,
            view_count: 12,
            favourite_count: 4,
        }
    }

    #[test]
    fn a_valid_row_maps_and_back() {
        let record = into_resource(row(), vec![], vec![]).unwrap();
        assert_eq!(
            record.state,
            Lifecycle::Suspended {
                reason: "Signalements".into()
            }
        );
        assert_eq!(record.version, 3);
        let active = resource_row(&record).unwrap();
        assert_eq!(active.state, Set("suspended".to_owned()));
        assert_eq!(active.state_reason, Set(Some("Signalements".to_owned())));
    }

    #[test]
    fn corrupt_rows_are_internal_errors() {
        let corruptions: [fn(&mut resource::Model); 9] = [
            |r| r.state = "hidden".into(),
            |r| r.state_reason = None,
            |r| r.state = "published".into(),
            |r| r.visibility = "friends".into(),
            |r| r.title = "ab".into(),
            |r| r.title = " Parler à son ado".into(),
            |r| r.body = String::new(),
            |r| r.external_link = Some("javascript:alert(1)".into()),
            |r| r.version = -1,
        ];
        for corrupt in corruptions {
            let mut row = row();
            corrupt(&mut row);
            assert!(matches!(
                into_resource(row, vec![], vec![]),
                Err(RepositoryError::Internal(_))
            ));
        }
    }

    #[test]
    fn versions_beyond_the_column_are_refused() {
        assert!(version_column(u64::MAX).is_err());
        assert_eq!(version_column(7).unwrap(), 7);
    }
}
