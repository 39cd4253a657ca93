//! Feature flags for canary delivery (issue 7 point 2; ADR 0028).
//!
//! - `feature_flags`: one row per flag, by its `flag_key` (a slug, compared
//!   byte for byte; `key` is a reserved word of MariaDB). `enabled` is the switch; `rollout_basis_points` the share of
//!   accounts it is on for, 0 to 10,000; `stickiness_group` the name whose
//!   hash with an account's id places the account (a flag's own key unless
//!   it shares another's). `regions` (INSEE region codes) and `roles` (role
//!   machine names) are comma-separated, empty for no constraint. `version`
//!   counts changes (optimistic concurrency). No column refers to an
//!   account: who changed a flag is in the audit log.

use sea_orm_migration::prelude::*;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum FeatureFlags {
    Table,
    FlagKey,
    Description,
    Enabled,
    RolloutBasisPoints,
    StickinessGroup,
    Regions,
    Roles,
    Version,
    CreatedAt,
    UpdatedAt,
}

fn feature_flags(manager: &SchemaManager) -> TableCreateStatement {
    use FeatureFlags as F;
    table::create(manager, F::Table)
        .col(
            table::exact_string(manager, F::FlagKey, 64)
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(F::Description).string_len(500).not_null())
        .col(ColumnDef::new(F::Enabled).boolean().not_null())
        .col(
            ColumnDef::new(F::RolloutBasisPoints)
                .small_integer()
                .not_null()
                .check(Expr::col(F::RolloutBasisPoints).between(0, 10_000)),
        )
        .col(table::exact_string(manager, F::StickinessGroup, 64).not_null())
        // 19 codes of two digits and their commas fit in 64.
        .col(ColumnDef::new(F::Regions).string_len(64).not_null())
        .col(ColumnDef::new(F::Roles).string_len(64).not_null())
        .col(
            ColumnDef::new(F::Version)
                .big_integer()
                .not_null()
                .check(Expr::col(F::Version).gte(0)),
        )
        .col(table::instant(manager, F::CreatedAt).not_null())
        .col(table::instant(manager, F::UpdatedAt).not_null())
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(feature_flags(manager)).await
    }

    /// Drops the table: the flags go, and with them every feature they
    /// switched on (the code reading an unknown flag takes it as off).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FeatureFlags::Table).to_owned())
            .await
    }
}
