//! Account administration and the staff access journal (ADR 0019).
//!
//! - `staff_access_log`: one row per reading of a person's personal data by
//!   a staff member: when, who (`staff_id`, and `staff_role` as it was), whose
//!   (`subject_id`), why (`reason`, 1 to 200 characters) and which fields
//!   (`fields`, comma-separated names: `email,first_name,…`). The person
//!   reads theirs newest first: `(subject_id, at, id)` serves those keyset
//!   pages. It goes with the person's account (`ON DELETE CASCADE`); a staff
//!   account that read someone's data cannot be deleted while the entry
//!   exists (`ON DELETE RESTRICT`: erasure anonymises, as for authors).
//! - `users`: administrators list accounts in username order filtered by
//!   role or by status; `(role, username_canonical)` and
//!   `(status, username_canonical)` serve those filters in that order. A
//!   username prefix is a range of the unique key on `username_canonical`
//!   (created by the identity migration).

use sea_orm_migration::prelude::*;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    UsernameCanonical,
    Role,
    Status,
}

#[derive(DeriveIden)]
enum StaffAccessLog {
    Table,
    Id,
    At,
    StaffId,
    StaffRole,
    SubjectId,
    Reason,
    Fields,
}

/// Roles whose reads are journaled.
const STAFF_ROLES: [&str; 3] = ["moderator", "administrator", "super_administrator"];

fn staff_access_log(manager: &SchemaManager) -> TableCreateStatement {
    table::create(manager, StaffAccessLog::Table)
        .col(
            ColumnDef::new(StaffAccessLog::Id)
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(table::instant(manager, StaffAccessLog::At).not_null())
        .col(ColumnDef::new(StaffAccessLog::StaffId).uuid().not_null())
        .col(
            ColumnDef::new(StaffAccessLog::StaffRole)
                .string_len(32)
                .not_null()
                .check(Expr::col(StaffAccessLog::StaffRole).is_in(STAFF_ROLES)),
        )
        .col(ColumnDef::new(StaffAccessLog::SubjectId).uuid().not_null())
        .col(
            ColumnDef::new(StaffAccessLog::Reason)
                .string_len(200)
                .not_null(),
        )
        .col(
            ColumnDef::new(StaffAccessLog::Fields)
                .string_len(64)
                .not_null(),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_staff_access_log_staff_id")
                .from(StaffAccessLog::Table, StaffAccessLog::StaffId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_staff_access_log_subject_id")
                .from(StaffAccessLog::Table, StaffAccessLog::SubjectId)
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

/// The indexes on `users` this migration adds.
const USER_INDEXES: [&str; 2] = ["idx_users_role_username", "idx_users_status_username"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(staff_access_log(manager)).await?;
        for (name, columns) in [
            (
                "idx_staff_access_log_subject_at",
                vec![
                    StaffAccessLog::SubjectId.into_iden(),
                    StaffAccessLog::At.into_iden(),
                    StaffAccessLog::Id.into_iden(),
                ],
            ),
            (
                "idx_staff_access_log_staff_id",
                vec![StaffAccessLog::StaffId.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, StaffAccessLog::Table, &columns))
                .await?;
        }
        for (name, column) in USER_INDEXES.into_iter().zip([Users::Role, Users::Status]) {
            manager
                .create_index(index(
                    name,
                    Users::Table,
                    &[column.into_iden(), Users::UsernameCanonical.into_iden()],
                ))
                .await?;
        }
        Ok(())
    }

    /// Drops the indexes on `users`, then the journal (its indexes go with it).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in USER_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Users::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(StaffAccessLog::Table).to_owned())
            .await
    }
}
