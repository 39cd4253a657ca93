//! Exports of persons' data (issue 6 point 2; ADR 0022): the right of
//! access and to portability.
//!
//! - `data_exports`: one row per export: whose data (`user_id`; the row goes
//!   with the account, `ON DELETE CASCADE`), who asked (`requested_by`, the
//!   person or a staff member; `ON DELETE SET NULL` so that the person's row
//!   outlives a staff account) and as whom (`origin`: `self` or `staff`).
//!   `status` is `requested`, `ready`, `failed`, `downloaded` or `expired`.
//!   A worker claims a requested export by setting `started_at` and
//!   counting `attempts`; `finished_at` is when it became ready or failed,
//!   `expires_at` the end of a ready one, `downloaded_at` its one download,
//!   `failure` the code of a failed one. The encrypted archive lives in the
//!   blob store at `archive_digest` (lower-case hexadecimal SHA-256) while
//!   it is kept: `archive_bytes` stored, `content_bytes` once decrypted.
//! - `live` is `1` while the export is requested or ready, `NULL` after:
//!   the unique key `(user_id, origin, live)` lets an account have one live
//!   export of each origin at a time (rows whose `live` is `NULL` never
//!   collide), checked by the database on every engine.
//! - `(user_id, id)` lists an account's exports; `(requested_by, id)` a
//!   staff member's; `(status, started_at)` finds the exports to produce;
//!   `(status, expires_at)` the archives to remove.
//! - `audit_log (actor_id, sequence)`: what an account did, in order, for
//!   its export (the log had an index on the subject only).

use sea_orm_migration::prelude::*;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    ActorId,
    Sequence,
}

const AUDIT_ACTOR_INDEX: &str = "idx_audit_log_actor_id";

#[derive(DeriveIden, Clone, Copy)]
enum DataExports {
    Table,
    Id,
    UserId,
    RequestedBy,
    Origin,
    Status,
    Live,
    RequestedAt,
    StartedAt,
    Attempts,
    FinishedAt,
    ExpiresAt,
    DownloadedAt,
    Failure,
    ArchiveDigest,
    ArchiveBytes,
    ContentBytes,
}

const ORIGINS: [&str; 2] = ["self", "staff"];

const STATUSES: [&str; 5] = ["requested", "ready", "failed", "downloaded", "expired"];

const LIVE: [&str; 2] = ["requested", "ready"];

fn data_exports(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    table::create(manager, DataExports::Table)
        .col(
            ColumnDef::new(DataExports::Id)
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(DataExports::UserId).uuid().not_null())
        .col(ColumnDef::new(DataExports::RequestedBy).uuid().null())
        .col(
            ColumnDef::new(DataExports::Origin)
                .string_len(8)
                .not_null()
                .check(Expr::col(DataExports::Origin).is_in(ORIGINS)),
        )
        .col(
            ColumnDef::new(DataExports::Status)
                .string_len(16)
                .not_null()
                .check(Expr::col(DataExports::Status).is_in(STATUSES)),
        )
        .col(ColumnDef::new(DataExports::Live).small_integer().null())
        .col(instant(DataExports::RequestedAt).not_null())
        .col(instant(DataExports::StartedAt).null())
        .col(
            ColumnDef::new(DataExports::Attempts)
                .integer()
                .not_null()
                .default(0),
        )
        .col(instant(DataExports::FinishedAt).null())
        .col(instant(DataExports::ExpiresAt).null())
        .col(instant(DataExports::DownloadedAt).null())
        .col(ColumnDef::new(DataExports::Failure).string_len(32).null())
        .col(table::exact_string(manager, DataExports::ArchiveDigest, 64).null())
        .col(
            ColumnDef::new(DataExports::ArchiveBytes)
                .big_integer()
                .null(),
        )
        .col(
            ColumnDef::new(DataExports::ContentBytes)
                .big_integer()
                .null(),
        )
        .check((
            "ck_data_exports_live",
            Expr::col(DataExports::Status)
                .is_in(LIVE)
                .and(Expr::col(DataExports::Live).eq(1))
                .or(Expr::col(DataExports::Status)
                    .is_not_in(LIVE)
                    .and(Expr::col(DataExports::Live).is_null())),
        ))
        .check((
            "ck_data_exports_archive",
            Expr::col(DataExports::ArchiveDigest)
                .is_null()
                .or(Expr::col(DataExports::ArchiveBytes)
                    .is_not_null()
                    .and(Expr::col(DataExports::ContentBytes).is_not_null())),
        ))
        .foreign_key(
            ForeignKey::create()
                .name("fk_data_exports_user_id")
                .from(DataExports::Table, DataExports::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_data_exports_requested_by")
                .from(DataExports::Table, DataExports::RequestedBy)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

fn index(name: &str, columns: &[DataExports]) -> IndexCreateStatement {
    let mut index = Index::create()
        .name(name)
        .table(DataExports::Table)
        .to_owned();
    for column in columns {
        index.col(*column);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(data_exports(manager)).await?;
        manager
            .create_index(
                index(
                    "uq_data_exports_live",
                    &[DataExports::UserId, DataExports::Origin, DataExports::Live],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_data_exports_user_id",
                [DataExports::UserId, DataExports::Id],
            ),
            (
                "idx_data_exports_requested_by",
                [DataExports::RequestedBy, DataExports::Id],
            ),
            (
                "idx_data_exports_status_started",
                [DataExports::Status, DataExports::StartedAt],
            ),
            (
                "idx_data_exports_status_expires",
                [DataExports::Status, DataExports::ExpiresAt],
            ),
        ] {
            manager.create_index(index(name, &columns)).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(AUDIT_ACTOR_INDEX)
                    .table(AuditLog::Table)
                    .col(AuditLog::ActorId)
                    .col(AuditLog::Sequence)
                    .to_owned(),
            )
            .await
    }

    /// Drops the index on the audit log, then the table (its indexes go
    /// with it).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(AUDIT_ACTOR_INDEX)
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DataExports::Table).to_owned())
            .await
    }
}
