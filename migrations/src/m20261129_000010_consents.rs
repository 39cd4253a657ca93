//! The privacy policy, consents and restriction (issue 6 points 1 and 5, ADR 0021).
//!
//! - `privacy_policies`: every published version of the privacy policy and
//!   terms of use: its identifier (`version`, compared byte for byte), when
//!   it was published (`published_at`, unique: the current version is the
//!   last one) and its Markdown text. Versions are never changed nor
//!   deleted. The first, `2026-11` (the text beside this file,
//!   `policy/2026-11.md`, frozen with it), is seeded here.
//! - `consents`: the history of each account's choices, one row per choice:
//!   the purpose (`terms_and_policy`, `communications`, `statistics`),
//!   granted or withdrawn, the policy version in force (accepted, for the
//!   terms), and when. Rows are only added; they go with their account
//!   (`ON DELETE CASCADE`). `(user_id, id)` lists an account's history in
//!   order. The current state stays in `users` (`policy_version`,
//!   `communications_consent`, `statistics_objection`), written in the same
//!   transaction as each new row.
//! - Existing accounts get their current state as their first rows: the
//!   policy accepted at registration (at `created_at`), the consent to
//!   communications and the absence of objection to statistics as they
//!   stand (at `updated_at`, the last change of the account, when they were
//!   at the latest chosen).
//! - `users.restricted_at`: since when the account holder restricted the
//!   processing of their account (GDPR Art. 18), `NULL` when not; indexed,
//!   so that statistics read the few restricted accounts once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    RestrictedAt,
}

#[derive(DeriveIden)]
enum PrivacyPolicies {
    Table,
    Version,
    PublishedAt,
    Text,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    UserId,
    Purpose,
    Granted,
    PolicyVersion,
    RecordedAt,
}

/// The purposes a choice is about.
const PURPOSES: [&str; 3] = ["terms_and_policy", "communications", "statistics"];

/// The first version of the policy, in force from the first release.
const FIRST_VERSION: &str = "2026-11";
const FIRST_PUBLISHED_AT: &str = "2026-11-29 00:00:00";
const FIRST_TEXT: &str = include_str!("policy/2026-11.md");

const RESTRICTED_INDEX: &str = "idx_users_restricted_at";

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

/// Markdown of up to 100,000 characters: `mediumtext` on MariaDB (`text`
/// holds 65,535 bytes), `text` on SQLite.
fn long_text(manager: &SchemaManager, name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    if manager.get_database_backend() == DatabaseBackend::MySql {
        column.custom(Alias::new("mediumtext"));
    } else {
        column.text();
    }
    column
}

fn privacy_policies(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, PrivacyPolicies::Table)
        .col(
            table::exact_string(manager, PrivacyPolicies::Version, 32)
                .not_null()
                .primary_key(),
        )
        .col(table::instant(manager, PrivacyPolicies::PublishedAt).not_null())
        .col(long_text(manager, PrivacyPolicies::Text).not_null())
        .index(
            Index::create()
                .name("idx_privacy_policies_published_at")
                .col(PrivacyPolicies::PublishedAt)
                .unique(),
        )
        .to_owned()
}

fn consents(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, Consents::Table)
        .col(serial(manager, Consents::Id))
        .col(ColumnDef::new(Consents::UserId).uuid().not_null())
        .col(
            ColumnDef::new(Consents::Purpose)
                .string_len(32)
                .not_null()
                .check(Expr::col(Consents::Purpose).is_in(PURPOSES)),
        )
        .col(ColumnDef::new(Consents::Granted).boolean().not_null())
        .col(table::exact_string(manager, Consents::PolicyVersion, 32).not_null())
        .col(table::instant(manager, Consents::RecordedAt).not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_consents_user_id")
                .from(Consents::Table, Consents::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

/// The current state of every existing account, as its first choices.
const BACKFILL: [&str; 3] = [
    "INSERT INTO consents (user_id, purpose, granted, policy_version, recorded_at) \
     SELECT id, 'terms_and_policy', TRUE, policy_version, created_at FROM users",
    "INSERT INTO consents (user_id, purpose, granted, policy_version, recorded_at) \
     SELECT id, 'communications', communications_consent, policy_version, updated_at FROM users",
    "INSERT INTO consents (user_id, purpose, granted, policy_version, recorded_at) \
     SELECT id, 'statistics', statistics_objection = FALSE, policy_version, updated_at FROM users",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(privacy_policies(manager)).await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(PrivacyPolicies::Table)
                    .columns([
                        PrivacyPolicies::Version,
                        PrivacyPolicies::PublishedAt,
                        PrivacyPolicies::Text,
                    ])
                    .values([
                        FIRST_VERSION.into(),
                        FIRST_PUBLISHED_AT.into(),
                        FIRST_TEXT.trim().into(),
                    ])
                    .map_err(|e| DbErr::Migration(format!("first privacy policy: {e}")))?
                    .to_owned(),
            )
            .await?;
        manager.create_table(consents(manager)).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consents_user_id")
                    .table(Consents::Table)
                    .col(Consents::UserId)
                    .col(Consents::Id)
                    .to_owned(),
            )
            .await?;
        let connection = manager.get_connection();
        for statement in BACKFILL {
            connection.execute_unprepared(statement).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(table::instant(manager, Users::RestrictedAt).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(RESTRICTED_INDEX)
                    .table(Users::Table)
                    .col(Users::RestrictedAt)
                    .to_owned(),
            )
            .await
    }

    /// Drops what `up` created, last first (the choices' history with it).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(RESTRICTED_INDEX)
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::RestrictedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Consents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PrivacyPolicies::Table).to_owned())
            .await
    }
}
