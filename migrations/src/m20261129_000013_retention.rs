//! Retention, the aggregated statistics and the breach register (issue 6
//! points 7 and 9; ADRs 0025 and 0026).
//!
//! - `users.last_active_at`: the last login or session refresh, kept to the
//!   day (written when older than a day); `NULL` until the first one, when
//!   the account's creation counts instead. Existing accounts get the last
//!   use of their sessions. `users.inactivity_warned_at`: when the person
//!   was last warned that their inactive account would be erased; a warning
//!   older than the last activity no longer counts. `(role,
//!   last_active_at)` serves the search for inactive citizens.
//! - Indexes by instant for the purges: `sessions.expires_at`,
//!   `sessions.revoked_at`, `one_time_tokens.expires_at`, `audit_log.at`,
//!   `staff_access_log.at`.
//! - `audit_log_anchor`: one row once the oldest entries of the audit log
//!   are purged: the sequence and hash of the last entry purged, from which
//!   the verification of the chain starts.
//! - `statistics_rollups`: the consultations and searches of the days,
//!   ISO weeks and months whose events were purged, counted when they were:
//!   per bucket (`granularity`: day, week or month, and `bucket`, its first day) and `measure`, for each subset of
//!   the dimensions category, resource type and region (`dimensions`, a
//!   bit set: 1 category, 2 resource type, 4 region) and each value of the
//!   dimensions in it, the events of accounts, the distinct accounts behind
//!   them and the visitors' events. No identifier of a person.
//!   `statistics_rollup_state` holds one row: the first day whose events are
//!   still kept one by one (`events_kept_from`, `NULL` before the first
//!   purge). Every bucket starting before it is in the rollups.
//! - `breaches`: the breach register. Never deleted. `recorded_by` is the
//!   administrator (`ON DELETE SET NULL`); the categories are comma-separated
//!   machine names. `breach_affected_accounts`: the accounts a breach
//!   concerns, going with the account (`ON DELETE CASCADE`: an erased
//!   account cannot be told anything); `attached_by` is `ON DELETE SET
//!   NULL`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Role,
    LastActiveAt,
    InactivityWarnedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OneTimeTokens {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum StaffAccessLog {
    Table,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLogAnchor {
    Table,
    Id,
    Sequence,
    Hash,
    PurgedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum StatisticsRollups {
    Table,
    Id,
    Granularity,
    Bucket,
    Measure,
    Dimensions,
    CategoryId,
    ResourceTypeId,
    Region,
    Events,
    People,
    VisitorEvents,
}

#[derive(DeriveIden, Clone, Copy)]
enum StatisticsRollupState {
    Table,
    Id,
    EventsKeptFrom,
}

#[derive(DeriveIden, Clone, Copy)]
enum Breaches {
    Table,
    Id,
    KnownAt,
    OccurredAt,
    Description,
    DataCategories,
    SubjectCategories,
    PeopleCount,
    LikelyConsequences,
    MeasuresTaken,
    RecordedBy,
    RecordedAt,
    UpdatedAt,
    AuthorityNotifiedAt,
    AuthorityReference,
    AuthorityDelayReason,
    PeopleNotifiedAt,
    PeopleNotificationMeans,
}

#[derive(DeriveIden, Clone, Copy)]
enum BreachAffectedAccounts {
    Table,
    BreachId,
    UserId,
    AttachedAt,
    AttachedBy,
}

/// Indexes: name, table, columns.
fn indexes() -> Vec<(&'static str, DynIden, Vec<DynIden>)> {
    vec![
        (
            "idx_users_inactivity",
            Users::Table.into_iden(),
            vec![Users::Role.into_iden(), Users::LastActiveAt.into_iden()],
        ),
        (
            "idx_sessions_expires_at",
            Sessions::Table.into_iden(),
            vec![Sessions::ExpiresAt.into_iden()],
        ),
        (
            "idx_sessions_revoked_at",
            Sessions::Table.into_iden(),
            vec![Sessions::RevokedAt.into_iden()],
        ),
        (
            "idx_one_time_tokens_expires_at",
            OneTimeTokens::Table.into_iden(),
            vec![OneTimeTokens::ExpiresAt.into_iden()],
        ),
        (
            "idx_audit_log_at",
            AuditLog::Table.into_iden(),
            vec![AuditLog::At.into_iden()],
        ),
        (
            "idx_staff_access_log_at",
            StaffAccessLog::Table.into_iden(),
            vec![StaffAccessLog::At.into_iden()],
        ),
        (
            "idx_statistics_rollups_cell",
            StatisticsRollups::Table.into_iden(),
            vec![
                StatisticsRollups::Measure.into_iden(),
                StatisticsRollups::Granularity.into_iden(),
                StatisticsRollups::Dimensions.into_iden(),
                StatisticsRollups::Bucket.into_iden(),
            ],
        ),
        (
            "idx_breach_affected_accounts_user_id",
            BreachAffectedAccounts::Table.into_iden(),
            vec![BreachAffectedAccounts::UserId.into_iden()],
        ),
    ]
}

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

fn count(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

fn digest(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).binary_len(32).not_null().to_owned()
}

fn audit_log_anchor(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, AuditLogAnchor::Table)
        .col(
            ColumnDef::new(AuditLogAnchor::Id)
                .integer()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new(AuditLogAnchor::Sequence)
                .big_integer()
                .not_null(),
        )
        .col(digest(AuditLogAnchor::Hash))
        .col(table::instant(manager, AuditLogAnchor::PurgedAt).not_null())
        .to_owned()
}

fn statistics_rollups(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, StatisticsRollups::Table)
        .col(serial(manager, StatisticsRollups::Id))
        .col(
            ColumnDef::new(StatisticsRollups::Granularity)
                .string_len(8)
                .not_null()
                .check(Expr::col(StatisticsRollups::Granularity).is_in(["day", "week", "month"])),
        )
        .col(ColumnDef::new(StatisticsRollups::Bucket).date().not_null())
        .col(
            ColumnDef::new(StatisticsRollups::Measure)
                .string_len(16)
                .not_null()
                .check(Expr::col(StatisticsRollups::Measure).is_in(["consultations", "searches"])),
        )
        .col(
            ColumnDef::new(StatisticsRollups::Dimensions)
                .small_integer()
                .not_null()
                .check(Expr::col(StatisticsRollups::Dimensions).between(0, 7)),
        )
        .col(ColumnDef::new(StatisticsRollups::CategoryId).uuid().null())
        .col(
            ColumnDef::new(StatisticsRollups::ResourceTypeId)
                .uuid()
                .null(),
        )
        .col(
            ColumnDef::new(StatisticsRollups::Region)
                .string_len(2)
                .null(),
        )
        .col(count(StatisticsRollups::Events))
        .col(count(StatisticsRollups::People))
        .col(count(StatisticsRollups::VisitorEvents))
        .to_owned()
}

fn statistics_rollup_state(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, StatisticsRollupState::Table)
        .col(
            ColumnDef::new(StatisticsRollupState::Id)
                .integer()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new(StatisticsRollupState::EventsKeptFrom)
                .date()
                .null(),
        )
        .to_owned()
}

fn breaches(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    let text = |name| ColumnDef::new(name).text().not_null().to_owned();
    table::create(manager, Breaches::Table)
        .col(ColumnDef::new(Breaches::Id).uuid().not_null().primary_key())
        .col(instant(Breaches::KnownAt).not_null())
        .col(instant(Breaches::OccurredAt).null())
        .col(text(Breaches::Description))
        .col(
            ColumnDef::new(Breaches::DataCategories)
                .string_len(200)
                .not_null(),
        )
        .col(
            ColumnDef::new(Breaches::SubjectCategories)
                .string_len(100)
                .not_null(),
        )
        .col(count(Breaches::PeopleCount))
        .col(text(Breaches::LikelyConsequences))
        .col(text(Breaches::MeasuresTaken))
        .col(ColumnDef::new(Breaches::RecordedBy).uuid().null())
        .col(instant(Breaches::RecordedAt).not_null())
        .col(instant(Breaches::UpdatedAt).not_null())
        .col(instant(Breaches::AuthorityNotifiedAt).null())
        .col(
            ColumnDef::new(Breaches::AuthorityReference)
                .string_len(100)
                .null(),
        )
        .col(ColumnDef::new(Breaches::AuthorityDelayReason).text().null())
        .col(instant(Breaches::PeopleNotifiedAt).null())
        .col(
            ColumnDef::new(Breaches::PeopleNotificationMeans)
                .text()
                .null(),
        )
        // Both halves of a notification, or neither.
        .check(
            Expr::col(Breaches::AuthorityNotifiedAt)
                .is_null()
                .eq(Expr::col(Breaches::AuthorityReference).is_null()),
        )
        .check(
            Expr::col(Breaches::PeopleNotifiedAt)
                .is_null()
                .eq(Expr::col(Breaches::PeopleNotificationMeans).is_null()),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_breaches_recorded_by")
                .from(Breaches::Table, Breaches::RecordedBy)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

fn breach_affected_accounts(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, BreachAffectedAccounts::Table)
        .col(
            ColumnDef::new(BreachAffectedAccounts::BreachId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(BreachAffectedAccounts::UserId)
                .uuid()
                .not_null(),
        )
        .col(table::instant(manager, BreachAffectedAccounts::AttachedAt).not_null())
        .col(
            ColumnDef::new(BreachAffectedAccounts::AttachedBy)
                .uuid()
                .null(),
        )
        .primary_key(
            Index::create()
                .col(BreachAffectedAccounts::BreachId)
                .col(BreachAffectedAccounts::UserId),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_breach_affected_accounts_breach_id")
                .from(
                    BreachAffectedAccounts::Table,
                    BreachAffectedAccounts::BreachId,
                )
                .to(Breaches::Table, Breaches::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_breach_affected_accounts_user_id")
                .from(
                    BreachAffectedAccounts::Table,
                    BreachAffectedAccounts::UserId,
                )
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_breach_affected_accounts_attached_by")
                .from(
                    BreachAffectedAccounts::Table,
                    BreachAffectedAccounts::AttachedBy,
                )
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

/// The last use of each account's sessions, where it has any.
const BACKFILL: &str = "UPDATE users SET last_active_at = \
     (SELECT MAX(s.last_used_at) FROM sessions s WHERE s.user_id = users.id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [Users::LastActiveAt, Users::InactivityWarnedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(table::instant(manager, column).null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        manager.create_table(audit_log_anchor(manager)).await?;
        manager.create_table(statistics_rollups(manager)).await?;
        manager
            .create_table(statistics_rollup_state(manager))
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(StatisticsRollupState::Table)
                    .columns([StatisticsRollupState::Id])
                    .values_panic([1.into()])
                    .to_owned(),
            )
            .await?;
        manager.create_table(breaches(manager)).await?;
        manager
            .create_table(breach_affected_accounts(manager))
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

    /// Drops what `up` created, last first.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes().into_iter().rev() {
            // The index of a foreign key goes with its table on MariaDB.
            if name == "idx_breach_affected_accounts_user_id" {
                continue;
            }
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for name in [
            BreachAffectedAccounts::Table.into_iden(),
            Breaches::Table.into_iden(),
            StatisticsRollupState::Table.into_iden(),
            StatisticsRollups::Table.into_iden(),
            AuditLogAnchor::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        for column in [Users::InactivityWarnedAt, Users::LastActiveAt] {
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
