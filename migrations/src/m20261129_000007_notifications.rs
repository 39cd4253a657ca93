//! Notifications (issue 5): what the platform tells an account about its
//! content, kept in the account's inbox.
//!
//! - One row per notification, in its recipient's inbox; the recipient's
//!   account going takes its inbox with it (`ON DELETE CASCADE`), and so does
//!   the resource a notification is about (a notification about a purged
//!   resource would point at nothing).
//! - A row holds identifiers and a moderator's reason, never the text of a
//!   comment; comment ids carry no foreign key (comments stay as tombstones).
//! - The inbox is listed newest first by `(recipient_id, id)` (ids are
//!   UUIDv7, time-ordered); `(recipient_id, read_at, id)` serves the unread
//!   count and the unread-only list; `created_at` the retention purge.

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
enum Resources {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    RecipientId,
    Kind,
    ResourceId,
    CommentId,
    ReplyId,
    Reason,
    CreatedAt,
    ReadAt,
}

fn notifications(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, Notifications::Table)
        .col(
            ColumnDef::new(Notifications::Id)
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(Notifications::RecipientId).uuid().not_null())
        // The kind's stable code (`resource_rejected`, `comment_reply`, …).
        .col(table::exact_string(manager, Notifications::Kind, 32).not_null())
        .col(ColumnDef::new(Notifications::ResourceId).uuid().not_null())
        // The recipient's comment replied to, or the comment hidden or restored.
        .col(ColumnDef::new(Notifications::CommentId).uuid().null())
        // The reply, for `comment_reply`.
        .col(ColumnDef::new(Notifications::ReplyId).uuid().null())
        .col(ColumnDef::new(Notifications::Reason).text().null())
        .col(table::instant(manager, Notifications::CreatedAt).not_null())
        .col(table::instant(manager, Notifications::ReadAt).null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_notifications_recipient_id")
                .from(Notifications::Table, Notifications::RecipientId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_notifications_resource_id")
                .from(Notifications::Table, Notifications::ResourceId)
                .to(Resources::Table, Resources::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn index(name: &str, columns: &[Notifications]) -> IndexCreateStatement {
    let mut index = Index::create()
        .name(name)
        .table(Notifications::Table)
        .to_owned();
    for column in columns {
        index.col(*column);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(notifications(manager)).await?;
        for (name, columns) in [
            (
                "idx_notifications_recipient_id",
                &[Notifications::RecipientId, Notifications::Id][..],
            ),
            (
                "idx_notifications_recipient_unread",
                &[
                    Notifications::RecipientId,
                    Notifications::ReadAt,
                    Notifications::Id,
                ][..],
            ),
            (
                "idx_notifications_resource_id",
                &[Notifications::ResourceId][..],
            ),
            (
                "idx_notifications_created_at",
                &[Notifications::CreatedAt][..],
            ),
        ] {
            manager.create_index(index(name, columns)).await?;
        }
        Ok(())
    }

    /// Drops the table, its indexes with it.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}
