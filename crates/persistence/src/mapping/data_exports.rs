//! Exports of persons' data: `data_exports` rows to [`DataExport`] and back.

use rr_application::RepositoryError;
use rr_domain::identity::{
    DataExport, ExportFailure, ExportId, ExportOrigin, ExportStatus, StoredArchive, UserId,
};
use rr_domain::resource::BlobDigest;
use sea_orm::ActiveValue::Set;

use super::{corrupt, from_column, to_column, unstorable};
use crate::entities::data_export;

const TABLE: &str = "data_exports";

fn optional(
    at: Option<time::OffsetDateTime>,
) -> Result<Option<time::PrimitiveDateTime>, RepositoryError> {
    at.map(to_column).transpose()
}

fn bytes(column: &'static str, value: u64) -> Result<i64, RepositoryError> {
    i64::try_from(value).map_err(|_| unstorable(TABLE, column, "too large"))
}

/// The `live` column of an export in `status`: `1` while live, else `NULL`.
pub(crate) fn live_column(status: ExportStatus) -> Option<i16> {
    status.is_live().then_some(1)
}

/// The row of `export`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn export_row(export: &DataExport) -> Result<data_export::ActiveModel, RepositoryError> {
    let archive = export.archive.as_ref();
    Ok(data_export::ActiveModel {
        id: Set(export.id.as_uuid()),
        user_id: Set(export.subject.as_uuid()),
        requested_by: Set(export.requested_by.map(|u| u.as_uuid())),
        origin: Set(export.origin.as_str().to_owned()),
        status: Set(export.status.as_str().to_owned()),
        live: Set(live_column(export.status)),
        requested_at: Set(to_column(export.requested_at)?),
        started_at: Set(optional(export.started_at)?),
        attempts: Set(i32::try_from(export.attempts)
            .map_err(|_| unstorable(TABLE, "attempts", "too large"))?),
        finished_at: Set(optional(export.finished_at)?),
        expires_at: Set(optional(export.expires_at)?),
        downloaded_at: Set(optional(export.downloaded_at)?),
        failure: Set(export.failure.map(|f| f.as_str().to_owned())),
        archive_digest: Set(archive.map(|a| a.digest.as_str().to_owned())),
        archive_bytes: Set(archive
            .map(|a| bytes("archive_bytes", a.stored_bytes))
            .transpose()?),
        content_bytes: Set(archive
            .map(|a| bytes("content_bytes", a.content_bytes))
            .transpose()?),
    })
}

/// The export a row records.
///
/// # Errors
/// [`RepositoryError::Internal`] for a value the domain refuses.
pub(crate) fn into_export(row: data_export::Model) -> Result<DataExport, RepositoryError> {
    let id = row.id;
    let bad = |what: &str, value: &str| corrupt(TABLE, id, format!("unknown {what} {value:?}"));
    let status = ExportStatus::parse(&row.status).ok_or_else(|| bad("status", &row.status))?;
    if live_column(status) != row.live {
        return Err(corrupt(TABLE, id, "live disagrees with status"));
    }
    let archive = match (row.archive_digest, row.archive_bytes, row.content_bytes) {
        (None, _, _) => None,
        (Some(digest), Some(stored), Some(content)) => Some(StoredArchive {
            digest: BlobDigest::parse(&digest).ok_or_else(|| bad("digest", &digest))?,
            stored_bytes: u64::try_from(stored).map_err(|_| corrupt(TABLE, id, "negative size"))?,
            content_bytes: u64::try_from(content)
                .map_err(|_| corrupt(TABLE, id, "negative size"))?,
        }),
        (Some(_), _, _) => return Err(corrupt(TABLE, id, "an archive without its sizes")),
    };
    Ok(DataExport {
        id: ExportId::from_uuid(id),
        subject: UserId::from_uuid(row.user_id),
        requested_by: row.requested_by.map(UserId::from_uuid),
        origin: ExportOrigin::parse(&row.origin).ok_or_else(|| bad("origin", &row.origin))?,
        status,
        requested_at: from_column(row.requested_at),
        started_at: row.started_at.map(from_column),
        attempts: u32::try_from(row.attempts)
            .map_err(|_| corrupt(TABLE, id, "negative attempts"))?,
        finished_at: row.finished_at.map(from_column),
        expires_at: row.expires_at.map(from_column),
        downloaded_at: row.downloaded_at.map(from_column),
        failure: row
            .failure
            .map(|f| ExportFailure::parse(&f).ok_or_else(|| bad("failure", &f)))
            .transpose()?,
        archive,
    })
}
