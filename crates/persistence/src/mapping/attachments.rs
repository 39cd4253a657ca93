//! Attachments: `attachments` rows to [`AttachmentRecord`] and back.
//!
//! The digest, the file name and the media type are parsed again on the way
//! out; a stored value the domain refuses, or would trim, is corrupt.

use rr_application::RepositoryError;
use rr_application::ports::AttachmentRecord;
use rr_domain::resource::{AttachmentId, AttachmentType, BlobDigest, FileName, ResourceId};
use sea_orm::ActiveValue::Set;

use super::{bounded, corrupt, from_column, to_column, unstorable};
use crate::entities::attachment;

const TABLE: &str = "attachments";

/// Width of the `file_name` column, in characters.
const FILE_NAME_MAX_CHARS: usize = 255;

/// Every column of `attachment`, set, ready for an insert.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn attachment_row(
    attachment: &AttachmentRecord,
) -> Result<attachment::ActiveModel, RepositoryError> {
    Ok(attachment::ActiveModel {
        id: Set(attachment.id.as_uuid()),
        resource_id: Set(attachment.resource.as_uuid()),
        digest: Set(attachment.digest.as_str().to_owned()),
        file_name: Set(bounded(
            TABLE,
            "file_name",
            attachment.file_name.as_str(),
            FILE_NAME_MAX_CHARS,
        )?),
        media_type: Set(attachment.media_type.media_type().to_owned()),
        size_bytes: Set(
            i64::try_from(attachment.size_bytes).map_err(|e| unstorable(TABLE, "size_bytes", e))?
        ),
        created_at: Set(to_column(attachment.created_at)?),
    })
}

/// The attachment of `row`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a stored value is refused by the domain.
pub(crate) fn into_attachment(row: attachment::Model) -> Result<AttachmentRecord, RepositoryError> {
    let id = row.id;
    let digest = BlobDigest::parse(&row.digest)
        .ok_or_else(|| corrupt(TABLE, id, "digest is not 64 lower-case hexadecimal digits"))?;
    let file_name = FileName::parse(&row.file_name)
        .ok()
        .filter(|name| name.as_str() == row.file_name)
        .ok_or_else(|| corrupt(TABLE, id, "invalid file_name"))?;
    let media_type = AttachmentType::from_media_type(&row.media_type).ok_or_else(|| {
        corrupt(
            TABLE,
            id,
            format!("unknown media_type {:?}", row.media_type),
        )
    })?;
    Ok(AttachmentRecord {
        id: AttachmentId::from_uuid(id),
        resource: ResourceId::from_uuid(row.resource_id),
        digest,
        file_name,
        media_type,
        size_bytes: u64::try_from(row.size_bytes).map_err(|e| corrupt(TABLE, id, e))?,
        created_at: from_column(row.created_at),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn row() -> attachment::Model {
        attachment::Model {
            id: uuid::Uuid::nil(),
            resource_id: uuid::Uuid::nil(),
            digest: "ab".repeat(32),
            file_name: "cours.pdf".into(),
            media_type: "application/pdf".into(),
            size_bytes: 42,
            created_at: datetime!(2026-11-29 10:00),
        }
    }

    #[test]
    fn a_valid_row_maps_and_back() {
        let record = into_attachment(row()).unwrap();
        assert_eq!(record.media_type, AttachmentType::Pdf);
        assert_eq!(record.size_bytes, 42);
        let active = attachment_row(&record).unwrap();
        assert_eq!(active.digest, Set("ab".repeat(32)));
        assert_eq!(active.media_type, Set("application/pdf".to_owned()));
    }

    #[test]
    fn corrupt_rows_are_internal_errors() {
        let corruptions: [fn(&mut attachment::Model); 7] = [
            |r| r.digest = "AB".repeat(32),
            |r| r.digest = "ab".repeat(31),
            |r| r.file_name = "../etc/passwd".into(),
            |r| r.file_name = " cours.pdf".into(),
            |r| r.media_type = "text/html".into(),
            |r| r.size_bytes = -1,
            |r| r.file_name = String::new(),
        ];
        for corrupt in corruptions {
            let mut row = row();
            corrupt(&mut row);
            assert!(matches!(
                into_attachment(row),
                Err(RepositoryError::Internal(_))
            ));
        }
    }
}
