//! Erasure and data-subject requests (issue 6 points 4 and 6; ADRs 0023
//! and 0024).
//!
//! - `username_reservations`: the usernames of erased accounts, kept as a
//!   keyed digest (`digest`, HMAC-SHA-256 under the blind-index key, never
//!   the name in clear) until `reserved_until`, so that nobody takes one
//!   over right away; `reserved_until` serves the purge of ended ones. No
//!   link to any account.
//! - `subject_requests`: one row per request a person made outside the
//!   application. `subject_id` is their account (`ON DELETE SET NULL`: the
//!   request outlives the erasure it may ask for); `kind`, `channel`,
//!   `status` (`open`, `closed`) and `outcome` (`completed`, `refused`,
//!   `withdrawn`) are machine names checked here; `received_on` and `due_on`
//!   are calendar dates; `extension_reason` is set once the deadline is
//!   extended; a closed request has its `outcome` and `closed_at`, an open
//!   one neither. `recorded_by` and `closed_by` are staff accounts
//!   (`ON DELETE SET NULL`). `version` counts changes (optimistic
//!   concurrency). `(status, due_on, id)` and `(due_on, id)` serve the lists
//!   by deadline (the overdue ones among them); `(subject_id)` the erasure's
//!   cleaning of notes and the foreign key.
//! - `subject_request_events`: every action on a request (who, when, what),
//!   numbered by the database, going with the request; `actor_id` is
//!   `ON DELETE SET NULL`.

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

#[derive(DeriveIden, Clone, Copy)]
enum UsernameReservations {
    Table,
    Digest,
    ReservedUntil,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubjectRequests {
    Table,
    Id,
    SubjectId,
    Kind,
    Channel,
    ReceivedOn,
    DueOn,
    ExtensionReason,
    Notes,
    Status,
    Outcome,
    OutcomeNote,
    ClosedAt,
    ClosedBy,
    RecordedAt,
    RecordedBy,
    Version,
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

const KINDS: [&str; 6] = [
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "portability",
];

const CHANNELS: [&str; 5] = ["letter", "email", "phone", "in_person", "other"];

const STATUSES: [&str; 2] = ["open", "closed"];

const OUTCOMES: [&str; 3] = ["completed", "refused", "withdrawn"];

const ACTIONS: [&str; 5] = [
    "recorded",
    "extended",
    "erasure_executed",
    "export_requested",
    "closed",
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

fn one_of(name: impl IntoIden + Copy + 'static, values: &[&'static str]) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(16)
        .not_null()
        .check(Expr::col(name).is_in(values.iter().copied()))
        .to_owned()
}

fn to_user(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

fn username_reservations(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, UsernameReservations::Table)
        .col(
            ColumnDef::new(UsernameReservations::Digest)
                .binary_len(32)
                .not_null()
                .primary_key(),
        )
        .col(table::instant(manager, UsernameReservations::ReservedUntil).not_null())
        .to_owned()
}

fn subject_requests(manager: &SchemaManager) -> TableCreateStatement {
    use SubjectRequests as R;
    let instant = |name| table::instant(manager, name);
    let open = || Expr::col(R::Status).eq("open");
    table::create(manager, R::Table)
        .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(R::SubjectId).uuid().null())
        .col(one_of(R::Kind, &KINDS))
        .col(one_of(R::Channel, &CHANNELS))
        .col(ColumnDef::new(R::ReceivedOn).date().not_null())
        .col(ColumnDef::new(R::DueOn).date().not_null())
        // 2,000 characters at most: 8,000 bytes, within MariaDB's `text`.
        .col(ColumnDef::new(R::ExtensionReason).text().null())
        .col(ColumnDef::new(R::Notes).text().null())
        .col(one_of(R::Status, &STATUSES))
        .col(
            ColumnDef::new(R::Outcome)
                .string_len(16)
                .null()
                .check(Expr::col(R::Outcome).is_in(OUTCOMES)),
        )
        .col(ColumnDef::new(R::OutcomeNote).text().null())
        .col(instant(R::ClosedAt).null())
        .col(ColumnDef::new(R::ClosedBy).uuid().null())
        .col(instant(R::RecordedAt).not_null())
        .col(ColumnDef::new(R::RecordedBy).uuid().null())
        .col(
            ColumnDef::new(R::Version)
                .big_integer()
                .not_null()
                .default(0),
        )
        // Closed exactly when it has an outcome and a closing instant.
        .check((
            "ck_subject_requests_closed",
            Condition::any()
                .add(
                    Condition::all()
                        .add(open())
                        .add(Expr::col(R::Outcome).is_null())
                        .add(Expr::col(R::ClosedAt).is_null()),
                )
                .add(
                    Condition::all()
                        .add(open().not())
                        .add(Expr::col(R::Outcome).is_not_null())
                        .add(Expr::col(R::ClosedAt).is_not_null()),
                ),
        ))
        .foreign_key(&mut to_user(
            "fk_subject_requests_subject_id",
            (R::Table, R::SubjectId),
        ))
        .foreign_key(&mut to_user(
            "fk_subject_requests_closed_by",
            (R::Table, R::ClosedBy),
        ))
        .foreign_key(&mut to_user(
            "fk_subject_requests_recorded_by",
            (R::Table, R::RecordedBy),
        ))
        .to_owned()
}

fn subject_request_events(manager: &SchemaManager) -> TableCreateStatement {
    use SubjectRequestEvents as E;
    table::create(manager, E::Table)
        .col(serial(manager, E::Id))
        .col(ColumnDef::new(E::RequestId).uuid().not_null())
        .col(table::instant(manager, E::At).not_null())
        .col(ColumnDef::new(E::ActorId).uuid().null())
        .col(
            ColumnDef::new(E::Action)
                .string_len(32)
                .not_null()
                .check(Expr::col(E::Action).is_in(ACTIONS)),
        )
        .col(ColumnDef::new(E::Detail).string_len(500).not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_subject_request_events_request_id")
                .from(E::Table, E::RequestId)
                .to(SubjectRequests::Table, SubjectRequests::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(&mut to_user(
            "fk_subject_request_events_actor_id",
            (E::Table, E::ActorId),
        ))
        .to_owned()
}

/// Each index: name, table, columns.
fn indexes() -> Vec<(&'static str, DynIden, Vec<DynIden>)> {
    use SubjectRequestEvents as E;
    use SubjectRequests as R;
    vec![
        (
            "idx_username_reservations_reserved_until",
            UsernameReservations::Table.into_iden(),
            vec![UsernameReservations::ReservedUntil.into_iden()],
        ),
        (
            "idx_subject_requests_status_due_on",
            R::Table.into_iden(),
            vec![
                R::Status.into_iden(),
                R::DueOn.into_iden(),
                R::Id.into_iden(),
            ],
        ),
        (
            "idx_subject_requests_due_on",
            R::Table.into_iden(),
            vec![R::DueOn.into_iden(), R::Id.into_iden()],
        ),
        (
            "idx_subject_requests_subject_id",
            R::Table.into_iden(),
            vec![R::SubjectId.into_iden()],
        ),
        (
            "idx_subject_request_events_request_id",
            E::Table.into_iden(),
            vec![E::RequestId.into_iden(), E::Id.into_iden()],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(username_reservations(manager)).await?;
        manager.create_table(subject_requests(manager)).await?;
        manager
            .create_table(subject_request_events(manager))
            .await?;
        for (name, table, columns) in indexes() {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    /// Drops the tables, dependants first; their indexes go with them. The
    /// account keeping erased accounts' content, if an erasure created it,
    /// stays: content refers to it.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            SubjectRequestEvents::Table.into_iden(),
            SubjectRequests::Table.into_iden(),
            UsernameReservations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}
