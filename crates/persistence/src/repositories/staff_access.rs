//! The staff access journal and the administrators' directory of accounts.

use std::collections::HashMap;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{
    AccountDirectory, AccountSummary, DirectoryQuery, JournalCursor, JournalEntry, StaffAccess,
    StaffAccessJournal, StandingFilter,
};
use rr_domain::identity::{UserId, Username};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Statement, Value,
};

use crate::entities::{staff_access, user};
use crate::map_db_err;
use crate::mapping::{SummaryRow, access_row, corrupt, into_access, into_summary, to_column};

/// [`StaffAccessJournal`] on sea-orm: one `staff_access_log` row per read.
/// A person's pages are one range of `(subject_id, at, id)`, read backwards.
/// Foreign keys check both accounts (a missing one is
/// [`RepositoryError::Conflict`] by [`map_db_err`]).
#[derive(Debug, Clone)]
pub struct SeaOrmStaffAccessJournal {
    conn: DatabaseConnection,
}

impl SeaOrmStaffAccessJournal {
    /// A journal on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

fn journal_statement(
    backend: DatabaseBackend,
    subject: UserId,
    after: Option<JournalCursor>,
    limit: u64,
) -> Result<Statement, RepositoryError> {
    let mut values: Vec<Value> = vec![subject.as_uuid().into()];
    // `at <= ?` bounds the index range on both engines; the OR breaks ties
    // between reads of the same microsecond by id.
    let keyset = match after {
        Some(cursor) => {
            let at = to_column(cursor.at)?;
            values.extend([at.into(), at.into(), cursor.id.as_uuid().into()]);
            " AND at <= ? AND (at < ? OR id < ?)"
        }
        None => "",
    };
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    Ok(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT * FROM staff_access_log WHERE subject_id = ?{keyset} \
             ORDER BY at DESC, id DESC LIMIT ?"
        ),
        values,
    ))
}

#[async_trait]
impl StaffAccessJournal for SeaOrmStaffAccessJournal {
    async fn record(&self, access: &StaffAccess) -> Result<(), RepositoryError> {
        staff_access::Entity::insert(access_row(access)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn list_for(
        &self,
        subject: UserId,
        after: Option<JournalCursor>,
        limit: u64,
    ) -> Result<Vec<JournalEntry>, RepositoryError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let statement = journal_statement(self.conn.get_database_backend(), subject, after, limit)?;
        let rows = self
            .conn
            .query_all_raw(statement)
            .await
            .map_err(map_db_err)?;
        let accesses = rows
            .iter()
            .map(|row| {
                staff_access::Model::from_query_result(row, "")
                    .map_err(map_db_err)
                    .and_then(into_access)
            })
            .collect::<Result<Vec<_>, _>>()?;
        // The staff accounts of the page, in one query (a page names a few).
        let mut staff: Vec<uuid::Uuid> = accesses.iter().map(|a| a.staff.as_uuid()).collect();
        staff.sort_unstable();
        staff.dedup();
        let names: HashMap<uuid::Uuid, String> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Username])
            .filter(user::Column::Id.is_in(staff))
            .into_tuple::<(uuid::Uuid, String)>()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .collect();
        accesses
            .into_iter()
            .map(|access| {
                let id = access.id.as_uuid();
                let name = names
                    .get(&access.staff.as_uuid())
                    .ok_or_else(|| corrupt("staff_access_log", id, "its staff account is gone"))?;
                let staff_username = Username::from_stored(name)
                    .map_err(|e| corrupt("staff_access_log", id, format!("staff username: {e}")))?;
                Ok(JournalEntry {
                    access,
                    staff_username,
                })
            })
            .collect()
    }
}

/// [`AccountDirectory`] on sea-orm: the `users` columns that are not
/// sealed, in `username_canonical` order (keyset on the unique key).
///
/// A username prefix is a range of that key: `LIKE 'prefix%'` on MariaDB
/// (whose collation orders and compares the column; `_` escaped), and
/// `>= prefix AND < prefix || '~'` on SQLite, which compares bytes and would
/// use an index for `LIKE` only under `NOCASE` (every username character
/// sorts before `~`). A role or a standing uses `(role, username_canonical)`
/// or `(status, username_canonical)`.
#[derive(Debug, Clone)]
pub struct SeaOrmAccountDirectory {
    conn: DatabaseConnection,
}

impl SeaOrmAccountDirectory {
    /// A directory on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

/// The statement of a directory query.
pub(crate) fn directory_statement(
    backend: DatabaseBackend,
    query: &DirectoryQuery,
) -> Result<Statement, RepositoryError> {
    // The account keeping erased accounts' content (ADR 0023) is nobody's.
    let mut sql = String::from(
        "SELECT id, username, role, status, suspended_until, created_at FROM users WHERE id <> ?",
    );
    let mut values: Vec<Value> = vec![rr_domain::subject_rights::ERASED_AUTHOR.as_uuid().into()];
    if let Some(prefix) = &query.username_prefix {
        if backend == DatabaseBackend::Sqlite {
            sql.push_str(" AND username_canonical >= ? AND username_canonical < ?");
            values.push(prefix.as_str().into());
            values.push(format!("{}~", prefix.as_str()).into());
        } else {
            // `\` is MariaDB's default LIKE escape; `%` is no username character.
            sql.push_str(" AND username_canonical LIKE ?");
            values.push(format!("{}%", prefix.as_str().replace('_', "\\_")).into());
        }
    }
    if let Some(role) = query.role {
        sql.push_str(" AND role = ?");
        values.push(role.as_str().into());
    }
    match query.standing {
        None => {}
        Some(StandingFilter::Suspended) => {
            sql.push_str(
                " AND status = 'suspended' AND (suspended_until IS NULL OR suspended_until > ?)",
            );
            values.push(to_column(query.at)?.into());
        }
        Some(StandingFilter::Active) => {
            sql.push_str(" AND (status = 'active' OR suspended_until <= ?)");
            values.push(to_column(query.at)?.into());
        }
    }
    if let Some(after) = &query.after {
        sql.push_str(" AND username_canonical > ?");
        values.push(after.as_str().into());
    }
    sql.push_str(" ORDER BY username_canonical LIMIT ?");
    values.push(i64::try_from(query.limit).unwrap_or(i64::MAX).into());
    Ok(Statement::from_sql_and_values(backend, sql, values))
}

#[async_trait]
impl AccountDirectory for SeaOrmAccountDirectory {
    async fn search(&self, query: &DirectoryQuery) -> Result<Vec<AccountSummary>, RepositoryError> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let statement = directory_statement(self.conn.get_database_backend(), query)?;
        let rows = self
            .conn
            .query_all_raw(statement)
            .await
            .map_err(map_db_err)?;
        rows.iter()
            .map(|row| {
                let columns: SummaryRow = (
                    row.try_get("", "id").map_err(map_db_err)?,
                    row.try_get("", "username").map_err(map_db_err)?,
                    row.try_get("", "role").map_err(map_db_err)?,
                    row.try_get("", "status").map_err(map_db_err)?,
                    row.try_get("", "suspended_until").map_err(map_db_err)?,
                    row.try_get("", "created_at").map_err(map_db_err)?,
                );
                into_summary(columns, query.at)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use rr_application::ports::UserRepository;
    use rr_domain::credentials::PasswordHash;
    use rr_domain::identity::{
        AccountStatus, KeyId, Role, Sealed, UserRecord, UsernamePrefix, WrappedKey,
    };
    use time::macros::datetime;

    use super::*;
    use crate::SeaOrmUserRepository;
    use crate::testing::TestDatabase;

    const AT: time::OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

    fn record(n: u16, role: Role) -> UserRecord {
        let [hi, lo] = n.to_be_bytes();
        UserRecord {
            id: UserId::generate(),
            username: Username::parse(&format!("user_{n:04}")).unwrap(),
            email_index: [[hi, lo].as_slice(), &[0; 30]].concat(),
            data_key: WrappedKey {
                key_id: KeyId("k1".into()),
                bytes: vec![1; 60],
            },
            email: Sealed(vec![1]),
            first_name: Sealed(vec![2]),
            last_name: Sealed(vec![3]),
            country: Sealed(vec![4]),
            phone: None,
            password_hash: PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            role,
            status: AccountStatus::Active,
            email_verified_at: None,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
            policy_version: "2026-11".into(),
            statistics_objection: false,
            region: None,
            communications_consent: false,
            restricted_since: None,
            created_at: AT,
            updated_at: AT,
        }
    }

    /// A SQLite database of 400 citizens and 4 moderators, analysed as the
    /// `seed` command and operations leave it (without statistics, SQLite
    /// plans for an empty table).
    async fn populated() -> (TestDatabase, crate::Database) {
        let test_db = TestDatabase::sqlite();
        let db = crate::Database::connect(&test_db.settings()).await.unwrap();
        db.migrate_up(None).await.unwrap();
        let users = SeaOrmUserRepository::new(db.conn.clone());
        for n in 0..404 {
            let role = if n % 101 == 0 {
                Role::Moderator
            } else {
                Role::Citizen
            };
            users.insert(&record(n, role)).await.unwrap();
        }
        db.conn.execute_unprepared("ANALYZE").await.unwrap();
        (test_db, db)
    }

    /// SQLite's plan of a directory query, one line per step.
    async fn plan(db: &crate::Database, query: &DirectoryQuery) -> String {
        let statement = directory_statement(DatabaseBackend::Sqlite, query).unwrap();
        let explain = Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", statement.sql),
            statement.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = db.conn.query_all_raw(explain).await.unwrap();
        rows.iter()
            .map(|row| row.try_get::<String>("", "detail").unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn query(prefix: Option<&str>, role: Option<Role>, after: Option<&str>) -> DirectoryQuery {
        DirectoryQuery {
            username_prefix: prefix.map(|p| UsernamePrefix::parse(p).unwrap()),
            role,
            standing: None,
            at: AT,
            after: after.map(str::to_owned),
            limit: 20,
        }
    }

    #[tokio::test]
    async fn a_username_prefix_is_a_range_of_the_unique_key_without_a_sort() {
        let (_test_db, db) = populated().await;
        for after in [None, Some("user_0100")] {
            let plan = plan(&db, &query(Some("user_01"), None, after)).await;
            assert!(
                plan.starts_with("SEARCH users USING INDEX sqlite_autoindex_users_")
                    && plan.contains("username_canonical<?"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
        let found = SeaOrmAccountDirectory::new(db.conn.clone())
            .search(&query(Some("USER_01"), None, Some("user_0105")))
            .await
            .unwrap();
        assert_eq!(found.len(), 20);
        assert_eq!(found[0].username.as_str(), "user_0106");
    }

    #[tokio::test]
    async fn a_rare_role_is_read_through_its_index_in_username_order() {
        let (_test_db, db) = populated().await;
        for after in [None, Some("user_0101")] {
            let plan = plan(&db, &query(None, Some(Role::Moderator), after)).await;
            assert!(
                plan.starts_with("SEARCH users USING INDEX idx_users_role_username (role=?"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
        let moderators = SeaOrmAccountDirectory::new(db.conn.clone())
            .search(&query(None, Some(Role::Moderator), Some("user_0101")))
            .await
            .unwrap();
        let names: Vec<&str> = moderators.iter().map(|m| m.username.as_str()).collect();
        assert_eq!(names, ["user_0202", "user_0303"]);
    }
}
