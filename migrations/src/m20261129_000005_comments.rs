//! Comments on resources (DESIGN.md §1 "Comments"), threaded.
//!
//! - A comment belongs to a resource and goes with it (`ON DELETE CASCADE`:
//!   resources are normally only marked deleted; a purge takes the thread).
//!   Its author is an account (`ON DELETE RESTRICT`, as for resources: what
//!   erasing an account does to what it wrote is decided elsewhere).
//! - A reply names its `parent` (a comment, `ON DELETE CASCADE`) and its
//!   `root`, the top-level comment of its thread (its own id when it is
//!   top-level; no foreign key, it is the parent's root), and its `depth`
//!   (0 at the top). The application bounds the depth (`comments.max_depth`,
//!   at most 10: InnoDB cascades through 15 levels at most).
//! - `state` is `visible`, `held`, `hidden` or `deleted`; `state_reason` is
//!   the moderator's reason, present exactly when hidden. A deleted comment
//!   is a tombstone whose `body` is `NULL`: the database refuses a deleted
//!   comment with a text, and a live one without.
//! - Two indexes serve a page of a thread: `(resource_id, depth, created_at,
//!   id)` finds a page of top-level comments in order (keyset pagination),
//!   `(root_id, created_at, id)` their replies. `(author_id, id)` serves an
//!   author's comments (exports, erasure) and the foreign key.

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
enum Comments {
    Table,
    Id,
    ResourceId,
    ParentId,
    RootId,
    Depth,
    AuthorId,
    Body,
    AsModerator,
    State,
    StateReason,
    CreatedAt,
    EditedAt,
    UpdatedAt,
    Version,
}

const STATES: [&str; 4] = ["visible", "held", "hidden", "deleted"];

fn comments(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    let deleted = Expr::col(Comments::State).eq("deleted");
    let live = Expr::col(Comments::State).ne("deleted");
    let hidden = Expr::col(Comments::State).eq("hidden");
    let shown = Expr::col(Comments::State).ne("hidden");
    table::create(manager, Comments::Table)
        .col(ColumnDef::new(Comments::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Comments::ResourceId).uuid().not_null())
        .col(ColumnDef::new(Comments::ParentId).uuid().null())
        .col(ColumnDef::new(Comments::RootId).uuid().not_null())
        .col(
            ColumnDef::new(Comments::Depth)
                .small_integer()
                .not_null()
                .check(Expr::col(Comments::Depth).gte(0)),
        )
        .col(ColumnDef::new(Comments::AuthorId).uuid().not_null())
        // 5,000 characters at most: 20,000 bytes, within MariaDB's `text`.
        .col(ColumnDef::new(Comments::Body).text().null())
        .col(ColumnDef::new(Comments::AsModerator).boolean().not_null())
        .col(
            ColumnDef::new(Comments::State)
                .string_len(16)
                .not_null()
                .check(Expr::col(Comments::State).is_in(STATES)),
        )
        .col(ColumnDef::new(Comments::StateReason).text().null())
        .col(instant(Comments::CreatedAt).not_null())
        .col(instant(Comments::EditedAt).null())
        .col(instant(Comments::UpdatedAt).not_null())
        .col(
            ColumnDef::new(Comments::Version)
                .big_integer()
                .not_null()
                .default(0),
        )
        .check((
            "ck_comments_tombstone",
            deleted
                .clone()
                .and(Expr::col(Comments::Body).is_null())
                .or(live.and(Expr::col(Comments::Body).is_not_null())),
        ))
        .check((
            "ck_comments_reason",
            hidden
                .and(Expr::col(Comments::StateReason).is_not_null())
                .or(shown.and(Expr::col(Comments::StateReason).is_null())),
        ))
        .check((
            "ck_comments_thread",
            Expr::col(Comments::Depth)
                .eq(0)
                .and(Expr::col(Comments::ParentId).is_null())
                .and(Expr::col(Comments::RootId).eq(Expr::col(Comments::Id)))
                .or(Expr::col(Comments::Depth)
                    .gt(0)
                    .and(Expr::col(Comments::ParentId).is_not_null())),
        ))
        .foreign_key(
            ForeignKey::create()
                .name("fk_comments_resource_id")
                .from(Comments::Table, Comments::ResourceId)
                .to(Resources::Table, Resources::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_comments_parent_id")
                .from(Comments::Table, Comments::ParentId)
                .to(Comments::Table, Comments::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_comments_author_id")
                .from(Comments::Table, Comments::AuthorId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned()
}

fn index(name: &str, columns: &[Comments]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(Comments::Table).to_owned();
    for &column in columns {
        index.col(column.into_iden());
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(comments(manager)).await?;
        let indexes = [
            index(
                "idx_comments_resource_id_depth_created_at_id",
                &[
                    Comments::ResourceId,
                    Comments::Depth,
                    Comments::CreatedAt,
                    Comments::Id,
                ],
            ),
            index(
                "idx_comments_root_id_created_at_id",
                &[Comments::RootId, Comments::CreatedAt, Comments::Id],
            ),
            index("idx_comments_parent_id", &[Comments::ParentId]),
            index(
                "idx_comments_author_id_id",
                &[Comments::AuthorId, Comments::Id],
            ),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    /// Drops the table; its indexes go with it.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Comments::Table).to_owned())
            .await
    }
}
