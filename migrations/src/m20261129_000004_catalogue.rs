//! The catalogue and what citizens do with resources (DESIGN.md §1):
//! popularity counters, French full-text search, favourites, progress,
//! attachments, the statistics events of consultations and searches, and the
//! citizen's objection to statistics.
//!
//! - `resources.view_count` and `resources.favourite_count` are kept by the
//!   application (consultations are counted in batches); indexes serve each
//!   catalogue order within one audience (`state`, `visibility`) and the
//!   category filter.
//! - Full-text search ignores case and accents. MariaDB: an InnoDB `FULLTEXT`
//!   index on title, summary and body (the `utf8mb4_unicode_ci` collation
//!   folds accents). SQLite: a contentless FTS5 table with the `unicode61`
//!   tokenizer and `remove_diacritics 2`, without positions (`detail = none`:
//!   words are searched one by one, never as phrases, and a test of one
//!   row reads short lists), kept by triggers on insert and
//!   delete and by the repository on update; its integer keys
//!   live in `resource_search_keys`, because a resource's own rowid may change
//!   on `VACUUM` (its primary key is a UUID).
//! - Statistics events hold no search text, and the account only of citizens
//!   who did not object to statistics (`users.statistics_objection`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    StatisticsObjection,
}

#[derive(DeriveIden)]
enum Resources {
    Table,
    Id,
    State,
    Visibility,
    CategoryId,
    ViewCount,
    FavouriteCount,
}

#[derive(DeriveIden)]
enum Favourites {
    Table,
    UserId,
    ResourceId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ResourceProgress {
    Table,
    UserId,
    ResourceId,
    Exploited,
    ExploitedAt,
    SetAside,
    SetAsideAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ResourceId,
    Digest,
    FileName,
    MediaType,
    SizeBytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationEvents {
    Table,
    Id,
    ResourceId,
    ViewerId,
    OccurredAt,
}

#[derive(DeriveIden)]
enum SearchEvents {
    Table,
    Id,
    SearcherId,
    OccurredAt,
    CategoryId,
    ResourceTypeId,
    WithText,
}

fn index(name: &str, table: impl IntoIden, columns: &[DynIden]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(column.clone());
    }
    index
}

/// A 64-bit surrogate key numbered by the database: `bigint auto_increment`
/// on MariaDB; on SQLite an alias of the rowid, which must be spelt `integer`.
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

fn counter(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn flag(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

fn to_user(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(on_delete)
        .to_owned()
}

fn to_resource(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Resources::Table, Resources::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn favourites(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, Favourites::Table)
        .col(ColumnDef::new(Favourites::UserId).uuid().not_null())
        .col(ColumnDef::new(Favourites::ResourceId).uuid().not_null())
        .col(table::instant(manager, Favourites::CreatedAt).not_null())
        .primary_key(
            Index::create()
                .col(Favourites::UserId)
                .col(Favourites::ResourceId),
        )
        .foreign_key(&mut to_user(
            "fk_favourites_user_id",
            (Favourites::Table, Favourites::UserId),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut to_resource(
            "fk_favourites_resource_id",
            (Favourites::Table, Favourites::ResourceId),
        ))
        .to_owned()
}

fn resource_progress(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    table::create(manager, ResourceProgress::Table)
        .col(ColumnDef::new(ResourceProgress::UserId).uuid().not_null())
        .col(
            ColumnDef::new(ResourceProgress::ResourceId)
                .uuid()
                .not_null(),
        )
        .col(flag(ResourceProgress::Exploited))
        .col(instant(ResourceProgress::ExploitedAt).null())
        .col(flag(ResourceProgress::SetAside))
        .col(instant(ResourceProgress::SetAsideAt).null())
        .col(instant(ResourceProgress::UpdatedAt).not_null())
        .primary_key(
            Index::create()
                .col(ResourceProgress::UserId)
                .col(ResourceProgress::ResourceId),
        )
        .foreign_key(&mut to_user(
            "fk_resource_progress_user_id",
            (ResourceProgress::Table, ResourceProgress::UserId),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut to_resource(
            "fk_resource_progress_resource_id",
            (ResourceProgress::Table, ResourceProgress::ResourceId),
        ))
        .to_owned()
}

fn attachments(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, Attachments::Table)
        .col(
            ColumnDef::new(Attachments::Id)
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(Attachments::ResourceId).uuid().not_null())
        // Lower-case hexadecimal SHA-256 of the content: the blob's address.
        .col(table::exact_string(manager, Attachments::Digest, 64).not_null())
        .col(
            ColumnDef::new(Attachments::FileName)
                .string_len(255)
                .not_null(),
        )
        .col(
            ColumnDef::new(Attachments::MediaType)
                .string_len(100)
                .not_null(),
        )
        .col(
            ColumnDef::new(Attachments::SizeBytes)
                .big_integer()
                .not_null(),
        )
        .col(table::instant(manager, Attachments::CreatedAt).not_null())
        .foreign_key(&mut to_resource(
            "fk_attachments_resource_id",
            (Attachments::Table, Attachments::ResourceId),
        ))
        .to_owned()
}

fn consultation_events(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, ConsultationEvents::Table)
        .col(serial(manager, ConsultationEvents::Id))
        .col(
            ColumnDef::new(ConsultationEvents::ResourceId)
                .uuid()
                .not_null(),
        )
        .col(ColumnDef::new(ConsultationEvents::ViewerId).uuid().null())
        .col(table::instant(manager, ConsultationEvents::OccurredAt).not_null())
        .foreign_key(&mut to_resource(
            "fk_consultation_events_resource_id",
            (ConsultationEvents::Table, ConsultationEvents::ResourceId),
        ))
        .foreign_key(&mut to_user(
            "fk_consultation_events_viewer_id",
            (ConsultationEvents::Table, ConsultationEvents::ViewerId),
            ForeignKeyAction::SetNull,
        ))
        .to_owned()
}

fn search_events(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, SearchEvents::Table)
        .col(serial(manager, SearchEvents::Id))
        .col(ColumnDef::new(SearchEvents::SearcherId).uuid().null())
        .col(table::instant(manager, SearchEvents::OccurredAt).not_null())
        .col(ColumnDef::new(SearchEvents::CategoryId).uuid().null())
        .col(ColumnDef::new(SearchEvents::ResourceTypeId).uuid().null())
        .col(flag(SearchEvents::WithText))
        .foreign_key(&mut to_user(
            "fk_search_events_searcher_id",
            (SearchEvents::Table, SearchEvents::SearcherId),
            ForeignKeyAction::SetNull,
        ))
        .to_owned()
}

/// SQLite's full-text index: keys, the contentless FTS5 table, and the
/// triggers that keep both in step with `resources` on insert and delete.
/// A change of content is re-indexed by the repository's update, in its
/// transaction: with an `AFTER UPDATE` trigger on `resources` writing to
/// the FTS5 table, sqlx's SQLite driver fails some updates of `resources`
/// with "no such table: resources".
const SQLITE_SEARCH_UP: [&str; 6] = [
    "CREATE TABLE resource_search_keys (
        search_key INTEGER PRIMARY KEY,
        resource_id BLOB NOT NULL UNIQUE
    )",
    "CREATE VIRTUAL TABLE resource_search USING fts5(
        title, summary, body,
        content = '', contentless_delete = 1, detail = none,
        tokenize = 'unicode61 remove_diacritics 2'
    )",
    "INSERT INTO resource_search_keys (resource_id) SELECT id FROM resources",
    "INSERT INTO resource_search (rowid, title, summary, body)
        SELECT k.search_key, r.title, r.summary, r.body
        FROM resources r JOIN resource_search_keys k ON k.resource_id = r.id",
    "CREATE TRIGGER resources_search_insert AFTER INSERT ON resources BEGIN
        INSERT INTO resource_search_keys (resource_id) VALUES (new.id);
        INSERT INTO resource_search (rowid, title, summary, body)
            SELECT search_key, new.title, new.summary, new.body
            FROM resource_search_keys WHERE resource_id = new.id;
    END",
    "CREATE TRIGGER resources_search_delete AFTER DELETE ON resources BEGIN
        DELETE FROM resource_search WHERE rowid =
            (SELECT search_key FROM resource_search_keys WHERE resource_id = old.id);
        DELETE FROM resource_search_keys WHERE resource_id = old.id;
    END",
];

const SQLITE_SEARCH_DOWN: [&str; 4] = [
    "DROP TRIGGER IF EXISTS resources_search_delete",
    "DROP TRIGGER IF EXISTS resources_search_insert",
    "DROP TABLE IF EXISTS resource_search",
    "DROP TABLE IF EXISTS resource_search_keys",
];

const MYSQL_SEARCH_UP: &str =
    "CREATE FULLTEXT INDEX ft_resources_text ON resources (title, summary, body)";

/// With `ALGORITHM=COPY`: dropped in place, the index leaves InnoDB's hidden
/// document ids behind, and a `FULLTEXT` index created again later (the next
/// `up`) silently misses the rows inserted in between (MariaDB 10.11).
const MYSQL_SEARCH_DOWN: &str =
    "ALTER TABLE resources DROP INDEX ft_resources_text, ALGORITHM=COPY";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            counter(Resources::ViewCount),
            counter(Resources::FavouriteCount),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Resources::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(flag(Users::StatisticsObjection))
                    .to_owned(),
            )
            .await?;

        // The catalogue's orders and its most used filter, within one audience.
        let audience = |last: &[DynIden]| {
            let mut columns = vec![
                Resources::State.into_iden(),
                Resources::Visibility.into_iden(),
            ];
            columns.extend_from_slice(last);
            columns
        };
        for (name, last) in [
            (
                "idx_resources_audience_views",
                [Resources::ViewCount.into_iden(), Resources::Id.into_iden()],
            ),
            (
                "idx_resources_audience_favourites",
                [
                    Resources::FavouriteCount.into_iden(),
                    Resources::Id.into_iden(),
                ],
            ),
            (
                "idx_resources_audience_category",
                [Resources::CategoryId.into_iden(), Resources::Id.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, Resources::Table, &audience(&last)))
                .await?;
        }

        let connection = manager.get_connection();
        if manager.get_database_backend() == DatabaseBackend::MySql {
            connection.execute_unprepared(MYSQL_SEARCH_UP).await?;
        } else {
            for statement in SQLITE_SEARCH_UP {
                connection.execute_unprepared(statement).await?;
            }
        }

        manager.create_table(favourites(manager)).await?;
        // Favourites of a resource (counts, and the cascade when it goes).
        manager
            .create_index(index(
                "idx_favourites_resource_id",
                Favourites::Table,
                &[Favourites::ResourceId.into_iden()],
            ))
            .await?;

        manager.create_table(resource_progress(manager)).await?;
        manager
            .create_index(index(
                "idx_resource_progress_resource_id",
                ResourceProgress::Table,
                &[ResourceProgress::ResourceId.into_iden()],
            ))
            .await?;

        manager.create_table(attachments(manager)).await?;
        for (name, column) in [
            ("idx_attachments_resource_id", Attachments::ResourceId),
            // Whether a blob is still referenced before it is removed.
            ("idx_attachments_digest", Attachments::Digest),
        ] {
            manager
                .create_index(index(name, Attachments::Table, &[column.into_iden()]))
                .await?;
        }

        manager.create_table(consultation_events(manager)).await?;
        for (name, column) in [
            (
                "idx_consultation_events_occurred_at",
                ConsultationEvents::OccurredAt,
            ),
            (
                "idx_consultation_events_resource_id",
                ConsultationEvents::ResourceId,
            ),
            (
                "idx_consultation_events_viewer_id",
                ConsultationEvents::ViewerId,
            ),
        ] {
            manager
                .create_index(index(
                    name,
                    ConsultationEvents::Table,
                    &[column.into_iden()],
                ))
                .await?;
        }

        manager.create_table(search_events(manager)).await?;
        for (name, column) in [
            ("idx_search_events_occurred_at", SearchEvents::OccurredAt),
            ("idx_search_events_searcher_id", SearchEvents::SearcherId),
        ] {
            manager
                .create_index(index(name, SearchEvents::Table, &[column.into_iden()]))
                .await?;
        }
        Ok(())
    }

    /// Drops what `up` created, dependants first.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            SearchEvents::Table.into_iden(),
            ConsultationEvents::Table.into_iden(),
            Attachments::Table.into_iden(),
            ResourceProgress::Table.into_iden(),
            Favourites::Table.into_iden(),
        ];
        for name in tables {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        let connection = manager.get_connection();
        if manager.get_database_backend() == DatabaseBackend::MySql {
            connection.execute_unprepared(MYSQL_SEARCH_DOWN).await?;
        } else {
            for statement in SQLITE_SEARCH_DOWN {
                connection.execute_unprepared(statement).await?;
            }
        }
        for name in [
            "idx_resources_audience_category",
            "idx_resources_audience_favourites",
            "idx_resources_audience_views",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Resources::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::StatisticsObjection)
                    .to_owned(),
            )
            .await?;
        for column in [Resources::FavouriteCount, Resources::ViewCount] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Resources::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
