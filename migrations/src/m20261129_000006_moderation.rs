//! Moderation (issue 5): citizens' reports and the moderation log.
//!
//! - `reports`: one row per report; a citizen reports an item once
//!   (`uq_reports_reporter_target`, whatever became of the report). The
//!   target is a resource or a comment (`target_kind`, `target_id`, no
//!   foreign key: two tables) on the resource `resource_id` (the target
//!   itself for a resource, which the table checks); reports go with that
//!   resource and with their reporter (`ON DELETE CASCADE`). `status` is
//!   `open`, `dismissed` or `resolved`; a closed report has a `closed_at`,
//!   an open one has none. `(target_kind, target_id, status)` counts the
//!   open reports of an item; `(status, created_at)` finds the reported
//!   items for the queue.
//! - `moderation_log`: append-only, numbered by the database; one row per
//!   decision, automatic hold (no `actor_id`) or dismissal. It outlives what
//!   it is about (no foreign key on the content), and a moderator's account
//!   (`ON DELETE SET NULL`). Indexes serve its filters (action, actor, kind
//!   of content, period) in its order, newest first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Resources {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Reports {
    Table,
    Id,
    ReporterId,
    TargetKind,
    TargetId,
    ResourceId,
    Reason,
    Text,
    Status,
    CreatedAt,
    ClosedAt,
    ClosedBy,
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
enum ModerationLog {
    Table,
    Id,
    At,
    ActorId,
    Action,
    TargetKind,
    TargetId,
    ResourceId,
    ReportId,
    Reason,
}

const KINDS: [&str; 2] = ["resource", "comment"];

const REASONS: [&str; 7] = [
    "spam",
    "harassment",
    "inappropriate_content",
    "hate_speech",
    "scam",
    "false_information",
    "other",
];

const STATUSES: [&str; 3] = ["open", "dismissed", "resolved"];

const ACTIONS: [&str; 9] = [
    "resource_held",
    "resource_approved",
    "resource_rejected",
    "resource_suspended",
    "resource_reinstated",
    "comment_held",
    "comment_hidden",
    "comment_restored",
    "report_dismissed",
];

/// A 64-bit key numbered by the database: `bigint auto_increment` on
/// MariaDB; on SQLite an alias of the rowid, which must be spelt `integer`.
fn serial(manager: &SchemaManager, name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    if manager.get_database_backend() == DatabaseBackend::MySql {
        column.big_integer();
    } else {
        column.integer();
    }
    column.not_null().auto_increment().primary_key();
    column
}

fn one_of(name: impl IntoIden + Copy + 'static, values: &[&'static str], len: u32) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(len)
        .not_null()
        .check(Expr::col(name).is_in(values.iter().copied()))
        .to_owned()
}

fn reports(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    let open = || Expr::col(Reports::Status).eq("open");
    table::create(manager, Reports::Table)
        .col(ColumnDef::new(Reports::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Reports::ReporterId).uuid().not_null())
        .col(one_of(Reports::TargetKind, &KINDS, 16))
        .col(ColumnDef::new(Reports::TargetId).uuid().not_null())
        .col(ColumnDef::new(Reports::ResourceId).uuid().not_null())
        .col(one_of(Reports::Reason, &REASONS, 32))
        // 1,000 characters at most: 4,000 bytes.
        .col(ColumnDef::new(Reports::Text).text().null())
        .col(one_of(Reports::Status, &STATUSES, 16))
        .col(instant(Reports::CreatedAt).not_null())
        .col(instant(Reports::ClosedAt).null())
        .col(ColumnDef::new(Reports::ClosedBy).uuid().null())
        .col(ColumnDef::new(Reports::Note).text().null())
        // Closed exactly when no longer open.
        .check(
            Condition::any()
                .add(
                    Condition::all()
                        .add(open())
                        .add(Expr::col(Reports::ClosedAt).is_null()),
                )
                .add(
                    Condition::all()
                        .add(open().not())
                        .add(Expr::col(Reports::ClosedAt).is_not_null()),
                ),
        )
        // A resource's reports are about that resource.
        .check(
            Condition::any()
                .add(Expr::col(Reports::TargetKind).ne("resource"))
                .add(Expr::col(Reports::TargetId).equals(Reports::ResourceId)),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_reports_reporter_id")
                .from(Reports::Table, Reports::ReporterId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_reports_resource_id")
                .from(Reports::Table, Reports::ResourceId)
                .to(Resources::Table, Resources::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_reports_closed_by")
                .from(Reports::Table, Reports::ClosedBy)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

fn moderation_log(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, ModerationLog::Table)
        .col(serial(manager, ModerationLog::Id))
        .col(table::instant(manager, ModerationLog::At).not_null())
        .col(ColumnDef::new(ModerationLog::ActorId).uuid().null())
        .col(one_of(ModerationLog::Action, &ACTIONS, 32))
        .col(one_of(ModerationLog::TargetKind, &KINDS, 16))
        .col(ColumnDef::new(ModerationLog::TargetId).uuid().not_null())
        .col(ColumnDef::new(ModerationLog::ResourceId).uuid().not_null())
        .col(ColumnDef::new(ModerationLog::ReportId).uuid().null())
        // 1,000 characters at most: 4,000 bytes.
        .col(ColumnDef::new(ModerationLog::Reason).text().null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_moderation_log_actor_id")
                .from(ModerationLog::Table, ModerationLog::ActorId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, columns: &[DynIden]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(column.clone());
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(reports(manager)).await?;
        manager
            .create_index(
                index(
                    "uq_reports_reporter_target",
                    Reports::Table,
                    &[
                        Reports::ReporterId.into_iden(),
                        Reports::TargetKind.into_iden(),
                        Reports::TargetId.into_iden(),
                    ],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_reports_target_status",
                vec![
                    Reports::TargetKind.into_iden(),
                    Reports::TargetId.into_iden(),
                    Reports::Status.into_iden(),
                ],
            ),
            (
                "idx_reports_status_created_at",
                vec![Reports::Status.into_iden(), Reports::CreatedAt.into_iden()],
            ),
            (
                "idx_reports_resource_id",
                vec![Reports::ResourceId.into_iden()],
            ),
            ("idx_reports_closed_by", vec![Reports::ClosedBy.into_iden()]),
        ] {
            manager
                .create_index(index(name, Reports::Table, &columns))
                .await?;
        }

        manager.create_table(moderation_log(manager)).await?;
        for (name, columns) in [
            ("idx_moderation_log_at", vec![ModerationLog::At.into_iden()]),
            (
                "idx_moderation_log_action",
                vec![
                    ModerationLog::Action.into_iden(),
                    ModerationLog::Id.into_iden(),
                ],
            ),
            (
                "idx_moderation_log_actor",
                vec![
                    ModerationLog::ActorId.into_iden(),
                    ModerationLog::Id.into_iden(),
                ],
            ),
            (
                "idx_moderation_log_kind",
                vec![
                    ModerationLog::TargetKind.into_iden(),
                    ModerationLog::Id.into_iden(),
                ],
            ),
            (
                "idx_moderation_log_target",
                vec![
                    ModerationLog::TargetKind.into_iden(),
                    ModerationLog::TargetId.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, ModerationLog::Table, &columns))
                .await?;
        }
        Ok(())
    }

    /// Drops what `up` created.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [ModerationLog::Table.into_iden(), Reports::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}
