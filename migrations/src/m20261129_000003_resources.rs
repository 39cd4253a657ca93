//! Resources, their relation types and the citizens they are shared with
//! (DESIGN.md §1).
//!
//! A resource belongs to its author (`ON DELETE RESTRICT`: what erasing an
//! account does to its resources is decided elsewhere) and is classified by
//! reference data. Its relation types keep the order they were given in
//! (`position`, from 1); its shares and relation types go with it. The state
//! and the visibility are stable machine names, checked by the database; the
//! reason of a rejection or a suspension is `state_reason`. `version` counts
//! successful updates (optimistic concurrency). Instants are UTC to the
//! microsecond (see [`table::instant`]).

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
enum Categories {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RelationTypes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ResourceTypes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Resources {
    Table,
    Id,
    AuthorId,
    Title,
    Summary,
    Body,
    CategoryId,
    ResourceTypeId,
    ExternalLink,
    Visibility,
    State,
    StateReason,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum ResourceRelationTypes {
    Table,
    ResourceId,
    RelationTypeId,
    Position,
}

#[derive(DeriveIden)]
enum ResourceShares {
    Table,
    ResourceId,
    UserId,
}

const VISIBILITIES: [&str; 4] = ["public", "restricted", "private", "shared"];

const STATES: [&str; 7] = [
    "draft",
    "pending_review",
    "published",
    "rejected",
    "suspended",
    "archived",
    "deleted",
];

/// A Markdown body of up to 50,000 characters: `mediumtext` on MariaDB, whose
/// `text` holds 65,535 bytes only (16,383 four-byte characters); SQLite text.
fn long_text(manager: &SchemaManager, name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    if manager.get_database_backend() == DatabaseBackend::MySql {
        column.custom(Alias::new("mediumtext"));
    } else {
        column.text();
    }
    column
}

fn resources(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    table::create(manager, Resources::Table)
        .col(
            ColumnDef::new(Resources::Id)
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(Resources::AuthorId).uuid().not_null())
        .col(ColumnDef::new(Resources::Title).string_len(150).not_null())
        .col(ColumnDef::new(Resources::Summary).text().not_null())
        .col(long_text(manager, Resources::Body).not_null())
        .col(ColumnDef::new(Resources::CategoryId).uuid().not_null())
        .col(ColumnDef::new(Resources::ResourceTypeId).uuid().not_null())
        .col(
            ColumnDef::new(Resources::ExternalLink)
                .string_len(2048)
                .null(),
        )
        .col(
            ColumnDef::new(Resources::Visibility)
                .string_len(16)
                .not_null()
                .check(Expr::col(Resources::Visibility).is_in(VISIBILITIES)),
        )
        .col(
            ColumnDef::new(Resources::State)
                .string_len(16)
                .not_null()
                .check(Expr::col(Resources::State).is_in(STATES)),
        )
        .col(ColumnDef::new(Resources::StateReason).text().null())
        .col(instant(Resources::CreatedAt).not_null())
        .col(instant(Resources::UpdatedAt).not_null())
        .col(instant(Resources::PublishedAt).null())
        .col(instant(Resources::DeletedAt).null())
        .col(
            ColumnDef::new(Resources::Version)
                .big_integer()
                .not_null()
                .default(0),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resources_author_id")
                .from(Resources::Table, Resources::AuthorId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resources_category_id")
                .from(Resources::Table, Resources::CategoryId)
                .to(Categories::Table, Categories::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resources_resource_type_id")
                .from(Resources::Table, Resources::ResourceTypeId)
                .to(ResourceTypes::Table, ResourceTypes::Id),
        )
        .to_owned()
}

fn resource_relation_types(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, ResourceRelationTypes::Table)
        .col(
            ColumnDef::new(ResourceRelationTypes::ResourceId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ResourceRelationTypes::RelationTypeId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ResourceRelationTypes::Position)
                .small_integer()
                .not_null(),
        )
        .primary_key(
            Index::create()
                .col(ResourceRelationTypes::ResourceId)
                .col(ResourceRelationTypes::RelationTypeId),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resource_relation_types_resource_id")
                .from(
                    ResourceRelationTypes::Table,
                    ResourceRelationTypes::ResourceId,
                )
                .to(Resources::Table, Resources::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resource_relation_types_relation_type_id")
                .from(
                    ResourceRelationTypes::Table,
                    ResourceRelationTypes::RelationTypeId,
                )
                .to(RelationTypes::Table, RelationTypes::Id),
        )
        .to_owned()
}

fn resource_shares(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, ResourceShares::Table)
        .col(ColumnDef::new(ResourceShares::ResourceId).uuid().not_null())
        .col(ColumnDef::new(ResourceShares::UserId).uuid().not_null())
        .primary_key(
            Index::create()
                .col(ResourceShares::ResourceId)
                .col(ResourceShares::UserId),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resource_shares_resource_id")
                .from(ResourceShares::Table, ResourceShares::ResourceId)
                .to(Resources::Table, Resources::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_resource_shares_user_id")
                .from(ResourceShares::Table, ResourceShares::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
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
        manager.create_table(resources(manager)).await?;
        // An author's resources, newest first (keyset on the id).
        manager
            .create_index(index(
                "idx_resources_author_id_id",
                Resources::Table,
                &[Resources::AuthorId.into_iden(), Resources::Id.into_iden()],
            ))
            .await?;
        // The catalogue: published resources of an audience, newest first.
        manager
            .create_index(index(
                "idx_resources_state_visibility_id",
                Resources::Table,
                &[
                    Resources::State.into_iden(),
                    Resources::Visibility.into_iden(),
                    Resources::Id.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(resource_relation_types(manager))
            .await?;

        manager.create_table(resource_shares(manager)).await?;
        // "Shared with me", and the cascade when an account goes.
        manager
            .create_index(index(
                "idx_resource_shares_user_id",
                ResourceShares::Table,
                &[ResourceShares::UserId.into_iden()],
            ))
            .await
    }

    /// Drops the tables, dependants first; their indexes go with them.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            ResourceShares::Table.into_iden(),
            ResourceRelationTypes::Table.into_iden(),
            Resources::Table.into_iden(),
        ];
        for name in tables {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}
