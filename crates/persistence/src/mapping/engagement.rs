//! Favourites and progress: the rows of a progress list (a resource joined
//! with its author and the date of the mark) to [`ProgressItem`], and the
//! marks of a `resource_progress` row.
//!
//! In `resource_progress`, each mark is a flag and the instant it was put,
//! present exactly when the flag is set: a flag without its instant, or an
//! instant without its flag, is corrupt.

use rr_application::RepositoryError;
use rr_application::ports::ProgressItem;
use rr_domain::identity::Username;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{ResourceId, Summary, Title};
use sea_orm::FromQueryResult;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::{corrupt, from_column, stored_text};
use crate::entities::resource_progress;

/// A row of a progress list query.
#[derive(Debug, FromQueryResult)]
pub(crate) struct ItemRow {
    pub(crate) id: uuid::Uuid,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) category_id: uuid::Uuid,
    pub(crate) resource_type_id: uuid::Uuid,
    pub(crate) favourite_count: i64,
    pub(crate) username: String,
    /// Null only when a progress row is corrupt (its flag set without its instant).
    pub(crate) marked_at: Option<PrimitiveDateTime>,
}

/// The item of `row`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a stored value is refused by the domain.
pub(crate) fn into_progress_item(row: ItemRow) -> Result<ProgressItem, RepositoryError> {
    let id = row.id;
    Ok(ProgressItem {
        resource: ResourceId::from_uuid(id),
        title: stored_text(
            "resources",
            id,
            "title",
            &row.title,
            Title::parse,
            Title::as_str,
        )?,
        summary: stored_text(
            "resources",
            id,
            "summary",
            &row.summary,
            Summary::parse,
            Summary::as_str,
        )?,
        category: ReferenceId::from_uuid(row.category_id),
        resource_type: ReferenceId::from_uuid(row.resource_type_id),
        author: stored_text(
            "users",
            id,
            "username",
            &row.username,
            Username::from_stored,
            Username::as_str,
        )?,
        favourite_count: u64::try_from(row.favourite_count)
            .map_err(|e| corrupt("resources", id, format!("favourite_count: {e}")))?,
        marked_at: from_column(
            row.marked_at
                .ok_or_else(|| corrupt("resource_progress", id, "a mark without its instant"))?,
        ),
    })
}

/// When each mark of a progress row was put: `(exploited, set aside)`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a flag and its instant disagree.
pub(crate) fn marks(
    row: &resource_progress::Model,
) -> Result<(Option<OffsetDateTime>, Option<OffsetDateTime>), RepositoryError> {
    let mark = |flag: bool, at: Option<PrimitiveDateTime>, name: &str| match (flag, at) {
        (true, Some(at)) => Ok(Some(from_column(at))),
        (false, None) => Ok(None),
        _ => Err(corrupt(
            "resource_progress",
            row.resource_id,
            format!("{name} and its instant disagree"),
        )),
    };
    Ok((
        mark(row.exploited, row.exploited_at, "exploited")?,
        mark(row.set_aside, row.set_aside_at, "set_aside")?,
    ))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn row() -> ItemRow {
        ItemRow {
            id: uuid::Uuid::nil(),
            title: "Parler à son ado".into(),
            summary: "Quelques pistes.".into(),
            category_id: uuid::Uuid::nil(),
            resource_type_id: uuid::Uuid::nil(),
            favourite_count: 3,
            username: "lea_m".into(),
            marked_at: Some(datetime!(2026-11-29 10:00:00.5)),
        }
    }

    #[test]
    fn a_valid_row_maps() {
        let item = into_progress_item(row()).unwrap();
        assert_eq!(item.favourite_count, 3);
        assert_eq!(item.author.as_str(), "lea_m");
        assert_eq!(item.marked_at, datetime!(2026-11-29 10:00:00.5 UTC));
    }

    #[test]
    fn corrupt_rows_are_internal_errors() {
        let corruptions: [fn(&mut ItemRow); 5] = [
            |r| r.title = "ab".into(),
            |r| r.summary = " Quelques pistes.".into(),
            |r| r.username = "_bad".into(),
            |r| r.favourite_count = -1,
            |r| r.marked_at = None,
        ];
        for corrupt in corruptions {
            let mut row = row();
            corrupt(&mut row);
            assert!(matches!(
                into_progress_item(row),
                Err(RepositoryError::Internal(_))
            ));
        }
    }

    #[test]
    fn a_flag_and_its_instant_go_together() {
        let at = datetime!(2026-11-29 10:00);
        let progress = |exploited, exploited_at| resource_progress::Model {
            user_id: uuid::Uuid::nil(),
            resource_id: uuid::Uuid::nil(),
            exploited,
            exploited_at,
            set_aside: false,
            set_aside_at: None,
            updated_at: at,
        };
        assert_eq!(
            marks(&progress(true, Some(at))).unwrap(),
            (Some(at.assume_utc()), None)
        );
        assert!(marks(&progress(true, None)).is_err());
        assert!(marks(&progress(false, Some(at))).is_err());
    }
}
