//! Statistics for administrators (ADR 0018) and the two profile fields they
//! and the communications need.
//!
//! - `users.region`: the INSEE code of the citizen's French region, or `99`
//!   outside France; optional. Stored in clear, unlike the sealed personal
//!   data: a coarse attribute (19 values over a population of millions) that
//!   identifies nobody and by which statistics are grouped in SQL.
//! - `users.communications_consent`: the citizen agreed to receive emails
//!   beyond security mail; off by default (DESIGN.md §5).
//! - Indexes that make a period of each measure one range scan of one
//!   index holding every column the statistics read (the instant first, then
//!   the account, the resource and the classification); and covering indexes
//!   of the accounts: by creation (registrations), by objection and region
//!   (the few objectors left out, the accounts of a region), by id (the
//!   region of each event's account when split by region). Primary key
//!   columns are listed explicitly: SQLite's indexes do not carry them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Region,
    CommunicationsConsent,
    StatisticsObjection,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationEvents {
    Table,
    OccurredAt,
    ViewerId,
    ResourceId,
}

#[derive(DeriveIden)]
enum SearchEvents {
    Table,
    OccurredAt,
    SearcherId,
    CategoryId,
    ResourceTypeId,
}

#[derive(DeriveIden)]
enum Favourites {
    Table,
    CreatedAt,
    UserId,
    ResourceId,
}

#[derive(DeriveIden)]
enum ResourceProgress {
    Table,
    ExploitedAt,
    Exploited,
    UserId,
    ResourceId,
}

#[derive(DeriveIden)]
enum Resources {
    Table,
    CreatedAt,
    AuthorId,
    CategoryId,
    ResourceTypeId,
}

/// Each index: name, table, columns.
fn indexes() -> Vec<(&'static str, DynIden, Vec<DynIden>)> {
    vec![
        (
            "idx_consultation_events_statistics",
            ConsultationEvents::Table.into_iden(),
            vec![
                ConsultationEvents::OccurredAt.into_iden(),
                ConsultationEvents::ViewerId.into_iden(),
                ConsultationEvents::ResourceId.into_iden(),
            ],
        ),
        (
            "idx_search_events_statistics",
            SearchEvents::Table.into_iden(),
            vec![
                SearchEvents::OccurredAt.into_iden(),
                SearchEvents::SearcherId.into_iden(),
                SearchEvents::CategoryId.into_iden(),
                SearchEvents::ResourceTypeId.into_iden(),
            ],
        ),
        (
            "idx_favourites_statistics",
            Favourites::Table.into_iden(),
            vec![
                Favourites::CreatedAt.into_iden(),
                Favourites::UserId.into_iden(),
                Favourites::ResourceId.into_iden(),
            ],
        ),
        (
            "idx_resource_progress_statistics",
            ResourceProgress::Table.into_iden(),
            vec![
                ResourceProgress::ExploitedAt.into_iden(),
                ResourceProgress::Exploited.into_iden(),
                ResourceProgress::UserId.into_iden(),
                ResourceProgress::ResourceId.into_iden(),
            ],
        ),
        (
            "idx_resources_statistics",
            Resources::Table.into_iden(),
            vec![
                Resources::CreatedAt.into_iden(),
                Resources::AuthorId.into_iden(),
                Resources::CategoryId.into_iden(),
                Resources::ResourceTypeId.into_iden(),
            ],
        ),
        (
            "idx_users_statistics_created_at",
            Users::Table.into_iden(),
            vec![
                Users::CreatedAt.into_iden(),
                Users::StatisticsObjection.into_iden(),
                Users::Region.into_iden(),
                Users::Id.into_iden(),
            ],
        ),
        (
            "idx_users_statistics_objection",
            Users::Table.into_iden(),
            vec![
                Users::StatisticsObjection.into_iden(),
                Users::Region.into_iden(),
                Users::Id.into_iden(),
            ],
        ),
        (
            "idx_users_statistics_id",
            Users::Table.into_iden(),
            vec![
                Users::Id.into_iden(),
                Users::StatisticsObjection.into_iden(),
                Users::Region.into_iden(),
            ],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            ColumnDef::new(Users::Region)
                .string_len(2)
                .null()
                .to_owned(),
            ColumnDef::new(Users::CommunicationsConsent)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, table, columns) in indexes() {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    /// Drops what `up` created, last first.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes().into_iter().rev() {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for column in [Users::CommunicationsConsent, Users::Region] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
