//! Reports and the moderation log: `reports` and `moderation_log` rows to
//! [`ReportRecord`] and [`LoggedModeration`] and back.
//!
//! A target is three columns: its kind (`resource`, `comment`), its id and
//! the id of its resource (the same as its id for a resource). Machine names
//! (kinds, reasons, statuses, actions) are parsed again on the way out; a
//! name the domain does not know is corrupt data.

use rr_application::RepositoryError;
use rr_application::ports::{LoggedModeration, ModerationEntry, ReportRecord};
use rr_domain::community::{
    CommentId, ContentKind, ContentRef, ModerationAction, ReportGrounds, ReportId, ReportReason,
    ReportStatus, ReportText,
};
use rr_domain::identity::{UserId, Username};
use rr_domain::resource::ResourceId;
use sea_orm::ActiveValue::{NotSet, Set};

use super::{corrupt, from_column, stored_text, to_column};
use crate::entities::{moderation_entry, report};

/// The kind, id and resource id of `target`.
pub(crate) fn target_columns(target: &ContentRef) -> (&'static str, uuid::Uuid, uuid::Uuid) {
    match *target {
        ContentRef::Resource(resource) => ("resource", resource.as_uuid(), resource.as_uuid()),
        ContentRef::Comment { comment, resource } => {
            ("comment", comment.as_uuid(), resource.as_uuid())
        }
    }
}

/// The target the three columns name.
///
/// # Errors
/// [`RepositoryError::Internal`] for an unknown kind, or a resource whose
/// two ids differ.
pub(crate) fn into_target(
    table: &'static str,
    row: impl ToString,
    kind: &str,
    target: uuid::Uuid,
    resource: uuid::Uuid,
) -> Result<ContentRef, RepositoryError> {
    match ContentKind::parse(kind) {
        Some(ContentKind::Resource) if target == resource => {
            Ok(ContentRef::Resource(ResourceId::from_uuid(resource)))
        }
        Some(ContentKind::Comment) => Ok(ContentRef::Comment {
            comment: CommentId::from_uuid(target),
            resource: ResourceId::from_uuid(resource),
        }),
        _ => Err(corrupt(table, row, format!("target {kind} {target}"))),
    }
}

/// Every column of `report`, set, ready for an insert.
///
/// # Errors
/// [`RepositoryError::Internal`] when an instant is out of range.
pub(crate) fn report_row(report: &ReportRecord) -> Result<report::ActiveModel, RepositoryError> {
    let (kind, target, resource) = target_columns(&report.target);
    Ok(report::ActiveModel {
        id: Set(report.id.as_uuid()),
        reporter_id: Set(report.reporter.as_uuid()),
        target_kind: Set(kind.to_owned()),
        target_id: Set(target),
        resource_id: Set(resource),
        reason: Set(report.grounds.reason().as_str().to_owned()),
        text: Set(report.grounds.text().map(|t| t.as_str().to_owned())),
        status: Set(report.status.as_str().to_owned()),
        created_at: Set(to_column(report.created_at)?),
        closed_at: Set(report.closed_at.map(to_column).transpose()?),
        closed_by: Set(report.closed_by.map(|by| by.as_uuid())),
        note: Set(report.note.clone()),
    })
}

/// The report a row holds.
///
/// # Errors
/// [`RepositoryError::Internal`] when the row is corrupt.
pub(crate) fn into_report(row: report::Model) -> Result<ReportRecord, RepositoryError> {
    const TABLE: &str = "reports";
    let target = into_target(
        TABLE,
        row.id,
        &row.target_kind,
        row.target_id,
        row.resource_id,
    )?;
    let reason = ReportReason::parse(&row.reason)
        .ok_or_else(|| corrupt(TABLE, row.id, format!("reason {}", row.reason)))?;
    let text = row
        .text
        .as_deref()
        .map(|text| {
            stored_text(TABLE, row.id, "text", text, ReportText::parse, |t| {
                t.as_str()
            })
        })
        .transpose()?;
    let grounds = ReportGrounds::new(reason, text).map_err(|e| corrupt(TABLE, row.id, e))?;
    let status = ReportStatus::parse(&row.status)
        .ok_or_else(|| corrupt(TABLE, row.id, format!("status {}", row.status)))?;
    Ok(ReportRecord {
        id: ReportId::from_uuid(row.id),
        reporter: UserId::from_uuid(row.reporter_id),
        target,
        grounds,
        status,
        created_at: from_column(row.created_at),
        closed_at: row.closed_at.map(from_column),
        closed_by: row.closed_by.map(UserId::from_uuid),
        note: row.note,
    })
}

/// Every column of `entry` but its id, which the database numbers.
///
/// # Errors
/// [`RepositoryError::Internal`] when its instant is out of range.
pub(crate) fn log_row(
    entry: &ModerationEntry,
) -> Result<moderation_entry::ActiveModel, RepositoryError> {
    let (kind, target, resource) = target_columns(&entry.target);
    Ok(moderation_entry::ActiveModel {
        id: NotSet,
        at: Set(to_column(entry.at)?),
        actor_id: Set(entry.actor.map(|actor| actor.as_uuid())),
        action: Set(entry.action.as_str().to_owned()),
        target_kind: Set(kind.to_owned()),
        target_id: Set(target),
        resource_id: Set(resource),
        report_id: Set(entry.report.map(|report| report.as_uuid())),
        reason: Set(entry.reason.clone()),
    })
}

/// The entry a row holds, with its moderator's username when read along.
///
/// # Errors
/// [`RepositoryError::Internal`] when the row is corrupt.
pub(crate) fn into_logged(
    row: moderation_entry::Model,
    actor_name: Option<String>,
) -> Result<LoggedModeration, RepositoryError> {
    const TABLE: &str = "moderation_log";
    let target = into_target(
        TABLE,
        row.id,
        &row.target_kind,
        row.target_id,
        row.resource_id,
    )?;
    let action = ModerationAction::parse(&row.action)
        .ok_or_else(|| corrupt(TABLE, row.id, format!("action {}", row.action)))?;
    let id = u64::try_from(row.id).map_err(|e| corrupt(TABLE, row.id, e))?;
    let actor_name = actor_name
        .map(|name| Username::from_stored(&name).map_err(|e| corrupt(TABLE, row.id, e)))
        .transpose()?;
    Ok(LoggedModeration {
        id,
        entry: ModerationEntry {
            action,
            actor: row.actor_id.map(UserId::from_uuid),
            target,
            report: row.report_id.map(ReportId::from_uuid),
            reason: row.reason,
            at: from_column(row.at),
        },
        actor_name,
    })
}
