//! The measures staff take on rectification, restriction and objection
//! requests (issue 6 point 6; ADR 0024).
//!
//! `subject_request_events.action` may also be `rectified`,
//! `restriction_applied`, `restriction_lifted` and `objection_recorded`. The
//! column's check is replaced: on MariaDB by `MODIFY` (a column's check goes
//! with its definition); SQLite cannot alter a check, so the table is built
//! again under a new name with its rows, the old one dropped and the new one
//! renamed (nothing refers to this table), in one transaction.
//!
//! Going down restores the first five actions; the history entries of the
//! four measures are deleted first, since the older code cannot read them
//! (the audit log keeps what was done).

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
enum SubjectRequests {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubjectRequestEvents {
    Table,
    Id,
    RequestId,
    At,
    ActorId,
    Action,
    Detail,
}

/// The table while SQLite builds it again.
#[derive(DeriveIden, Clone, Copy)]
enum SubjectRequestEventsNext {
    Table,
}

/// The actions before this migration.
const BEFORE: [&str; 5] = [
    "recorded",
    "extended",
    "erasure_executed",
    "export_requested",
    "closed",
];

/// The actions it adds.
const MEASURES: [&str; 4] = [
    "rectified",
    "restriction_applied",
    "restriction_lifted",
    "objection_recorded",
];

fn action(allowed: &[&'static str]) -> ColumnDef {
    ColumnDef::new(SubjectRequestEvents::Action)
        .string_len(32)
        .not_null()
        .check(Expr::col(SubjectRequestEvents::Action).is_in(allowed.iter().copied()))
        .to_owned()
}

/// `subject_request_events` as migration 000012 made it on SQLite (its key
/// an alias of the rowid), named `name`, with `allowed` actions.
fn events(
    manager: &SchemaManager,
    name: impl IntoIden,
    allowed: &[&'static str],
) -> TableCreateStatement {
    use SubjectRequestEvents as E;
    let name = name.into_iden();
    let mut id = ColumnDef::new(E::Id);
    id.integer().not_null().auto_increment().primary_key();
    table::create(manager, name.clone())
        .col(id)
        .col(ColumnDef::new(E::RequestId).uuid().not_null())
        .col(table::instant(manager, E::At).not_null())
        .col(ColumnDef::new(E::ActorId).uuid().null())
        .col(action(allowed))
        .col(ColumnDef::new(E::Detail).string_len(500).not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_subject_request_events_request_id")
                .from(name.clone(), E::RequestId)
                .to(SubjectRequests::Table, SubjectRequests::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_subject_request_events_actor_id")
                .from(name, E::ActorId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

/// Makes `allowed` the actions the column accepts.
async fn allow(manager: &SchemaManager<'_>, allowed: &[&'static str]) -> Result<(), DbErr> {
    use SubjectRequestEvents as E;
    if manager.get_database_backend() == DatabaseBackend::MySql {
        return manager
            .alter_table(
                Table::alter()
                    .table(E::Table)
                    .modify_column(action(allowed))
                    .to_owned(),
            )
            .await;
    }
    manager
        .create_table(events(manager, SubjectRequestEventsNext::Table, allowed))
        .await?;
    let columns = [E::Id, E::RequestId, E::At, E::ActorId, E::Action, E::Detail];
    manager
        .exec_stmt(
            Query::insert()
                .into_table(SubjectRequestEventsNext::Table)
                .columns(columns)
                .select_from(Query::select().columns(columns).from(E::Table).to_owned())
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(E::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(SubjectRequestEventsNext::Table, E::Table)
                .to_owned(),
        )
        .await?;

    manager
        .create_index(
            Index::create()
                .name("idx_subject_request_events_request_id")
                .table(E::Table)
                .col(E::RequestId)
                .col(E::Id)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every engine: on SQLite the rebuild is then
    /// all or nothing, and every step runs on one connection (steps spread
    /// over the pool can meet a connection that still sees the old schema).
    /// MariaDB commits at the `ALTER TABLE` anyway; the record of the
    /// migration follows it.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let all: Vec<&'static str> = BEFORE.iter().chain(&MEASURES).copied().collect();
        allow(manager, &all).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(SubjectRequestEvents::Table)
                    .and_where(Expr::col(SubjectRequestEvents::Action).is_in(MEASURES))
                    .to_owned(),
            )
            .await?;
        allow(manager, &BEFORE).await
    }
}
