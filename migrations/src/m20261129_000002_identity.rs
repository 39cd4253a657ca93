//! Accounts, sessions, single-use tokens, recovery codes and the audit log
//! (DESIGN.md §1, §4).
//!
//! Personal data is stored sealed (`blob`), the email only by its keyed blind
//! index. Secrets handed to clients (refresh tokens, link tokens, recovery
//! codes) are stored only as SHA-256 digests, `binary(32)`. Instants are UTC to
//! the microsecond (see [`table::instant`]).

use sea_orm_migration::prelude::*;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    UsernameCanonical,
    EmailIndex,
    DataKeyId,
    DataKey,
    Email,
    FirstName,
    LastName,
    Country,
    Phone,
    PasswordHash,
    Role,
    Status,
    SuspensionReason,
    SuspendedUntil,
    EmailVerifiedAt,
    TotpSecret,
    TotpEnabled,
    TotpLastStep,
    FailedLogins,
    LockedUntil,
    PolicyVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    RefreshDigest,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
    Client,
}

#[derive(DeriveIden)]
enum SpentRefreshTokens {
    Table,
    Digest,
    SessionId,
    SpentAt,
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Digest,
    Purpose,
    UserId,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    UserId,
    Digest,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Sequence,
    At,
    Action,
    ActorId,
    SubjectId,
    Detail,
    PreviousHash,
    Hash,
}

/// Length of every stored digest and of the blind index: SHA-256 / HMAC-SHA-256.
const DIGEST_LEN: u32 = 32;

fn digest(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .binary_len(DIGEST_LEN)
        .not_null()
        .to_owned()
}

fn users(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    table::create(manager, Users::Table)
        .col(ColumnDef::new(Users::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Users::Username).string_len(30).not_null())
        // Lower case: usernames are unique regardless of case on every engine,
        // not only under MariaDB's case-insensitive collation.
        .col(
            ColumnDef::new(Users::UsernameCanonical)
                .string_len(30)
                .not_null()
                .unique_key(),
        )
        .col(digest(Users::EmailIndex).unique_key())
        .col(table::exact_string(manager, Users::DataKeyId, 64).not_null())
        .col(ColumnDef::new(Users::DataKey).blob().not_null())
        .col(ColumnDef::new(Users::Email).blob().not_null())
        .col(ColumnDef::new(Users::FirstName).blob().not_null())
        .col(ColumnDef::new(Users::LastName).blob().not_null())
        .col(ColumnDef::new(Users::Country).blob().not_null())
        .col(ColumnDef::new(Users::Phone).blob().null())
        .col(
            ColumnDef::new(Users::PasswordHash)
                .string_len(255)
                .not_null(),
        )
        .col(ColumnDef::new(Users::Role).string_len(32).not_null())
        .col(
            ColumnDef::new(Users::Status)
                .string_len(16)
                .not_null()
                .check(Expr::col(Users::Status).is_in(["active", "suspended"])),
        )
        .col(ColumnDef::new(Users::SuspensionReason).text().null())
        .col(instant(Users::SuspendedUntil).null())
        .col(instant(Users::EmailVerifiedAt).null())
        .col(ColumnDef::new(Users::TotpSecret).blob().null())
        .col(
            ColumnDef::new(Users::TotpEnabled)
                .boolean()
                .not_null()
                .default(false),
        )
        .col(ColumnDef::new(Users::TotpLastStep).big_integer().null())
        .col(
            ColumnDef::new(Users::FailedLogins)
                .integer()
                .not_null()
                .default(0),
        )
        .col(instant(Users::LockedUntil).null())
        .col(
            ColumnDef::new(Users::PolicyVersion)
                .string_len(32)
                .not_null(),
        )
        .col(instant(Users::CreatedAt).not_null())
        .col(instant(Users::UpdatedAt).not_null())
        .to_owned()
}

fn sessions(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    table::create(manager, Sessions::Table)
        .col(ColumnDef::new(Sessions::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
        .col(digest(Sessions::RefreshDigest).unique_key())
        .col(instant(Sessions::CreatedAt).not_null())
        .col(instant(Sessions::LastUsedAt).not_null())
        .col(instant(Sessions::ExpiresAt).not_null())
        .col(instant(Sessions::RevokedAt).null())
        .col(ColumnDef::new(Sessions::Client).string_len(200).null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_sessions_user_id")
                .from(Sessions::Table, Sessions::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn spent_refresh_tokens(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, SpentRefreshTokens::Table)
        .col(digest(SpentRefreshTokens::Digest).primary_key())
        .col(
            ColumnDef::new(SpentRefreshTokens::SessionId)
                .uuid()
                .not_null(),
        )
        .col(table::instant(manager, SpentRefreshTokens::SpentAt).not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_spent_refresh_tokens_session_id")
                .from(SpentRefreshTokens::Table, SpentRefreshTokens::SessionId)
                .to(Sessions::Table, Sessions::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn one_time_tokens(manager: &SchemaManager) -> TableCreateStatement {
    let instant = |name| table::instant(manager, name);
    table::create(manager, OneTimeTokens::Table)
        .col(digest(OneTimeTokens::Digest).primary_key())
        .col(
            ColumnDef::new(OneTimeTokens::Purpose)
                .string_len(32)
                .not_null(),
        )
        .col(ColumnDef::new(OneTimeTokens::UserId).uuid().not_null())
        .col(instant(OneTimeTokens::ExpiresAt).not_null())
        .col(instant(OneTimeTokens::UsedAt).null())
        .col(instant(OneTimeTokens::CreatedAt).not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_one_time_tokens_user_id")
                .from(OneTimeTokens::Table, OneTimeTokens::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn recovery_codes(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, RecoveryCodes::Table)
        .col(ColumnDef::new(RecoveryCodes::UserId).uuid().not_null())
        .col(digest(RecoveryCodes::Digest))
        .primary_key(
            Index::create()
                .col(RecoveryCodes::UserId)
                .col(RecoveryCodes::Digest),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_recovery_codes_user_id")
                .from(RecoveryCodes::Table, RecoveryCodes::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

/// No foreign keys: the log outlives the accounts it mentions. The sequence is
/// assigned by the appender (last + 1), never by the engine, so that the
/// primary key refuses a fork of the chain.
fn audit_log(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, AuditLog::Table)
        .col(
            ColumnDef::new(AuditLog::Sequence)
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(table::instant(manager, AuditLog::At).not_null())
        .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
        .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
        .col(ColumnDef::new(AuditLog::SubjectId).uuid().null())
        .col(ColumnDef::new(AuditLog::Detail).text().not_null())
        .col(digest(AuditLog::PreviousHash))
        .col(digest(AuditLog::Hash))
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
        manager.create_table(users(manager)).await?;
        manager
            .create_index(index(
                "idx_users_data_key_id",
                Users::Table,
                &[Users::DataKeyId.into_iden()],
            ))
            .await?;

        manager.create_table(sessions(manager)).await?;
        manager
            .create_index(index(
                "idx_sessions_user_id",
                Sessions::Table,
                &[Sessions::UserId.into_iden()],
            ))
            .await?;

        manager.create_table(spent_refresh_tokens(manager)).await?;
        manager
            .create_index(index(
                "idx_spent_refresh_tokens_session_id",
                SpentRefreshTokens::Table,
                &[SpentRefreshTokens::SessionId.into_iden()],
            ))
            .await?;

        manager.create_table(one_time_tokens(manager)).await?;
        manager
            .create_index(index(
                "idx_one_time_tokens_user_id_purpose",
                OneTimeTokens::Table,
                &[
                    OneTimeTokens::UserId.into_iden(),
                    OneTimeTokens::Purpose.into_iden(),
                ],
            ))
            .await?;

        manager.create_table(recovery_codes(manager)).await?;

        manager.create_table(audit_log(manager)).await?;
        manager
            .create_index(index(
                "idx_audit_log_subject_id",
                AuditLog::Table,
                &[AuditLog::SubjectId.into_iden()],
            ))
            .await
    }

    /// Drops the tables, dependants first; their indexes go with them.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            AuditLog::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            OneTimeTokens::Table.into_iden(),
            SpentRefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ];
        for name in tables {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}
