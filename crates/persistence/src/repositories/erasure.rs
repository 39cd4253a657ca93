//! Erasing accounts, and the usernames they leave reserved (ADR 0023).

use std::sync::Arc;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{AccountErasure, ErasureOutcome, ErasurePlan, UsernameReservations};
use rr_domain::resource::BlobDigest;
use rr_domain::subject_rights::{ContentChoice, ERASED_AUTHOR, erased_author_account};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, SqlErr, Statement, Value,
};
use time::OffsetDateTime;

use super::ThreadCache;
use super::write::{begin_write, settle};
use crate::entities::{user, username_reservation};
use crate::map_db_err;
use crate::mapping::{corrupt, digest, to_column, user_row};

/// What stays published under [`ContentChoice::Anonymise`]: resources others
/// read (reviewed audiences, published).
const KEPT_RESOURCES: &str = "state = 'published' AND visibility IN ('public', 'restricted')";

/// What an open report of reason `other` says once its author's texts are
/// erased: that reason needs a text.
const ERASED_REPORT_TEXT: &str = "Texte effacé avec le compte de son auteur.";

/// [`AccountErasure`] on sea-orm: one transaction of plain statements (see
/// the port for what they do), in the order the foreign keys need — the
/// content moved or deleted first, the account's row last, its `CASCADE`
/// and `SET NULL` keys doing the rest. The account's row is locked first
/// (`FOR UPDATE` on MariaDB; SQLite's `BEGIN IMMEDIATE` lets one writer in),
/// so two erasures of one account queue and the second finds nothing; a
/// comment or resource the account writes meanwhile either commits before
/// (and is erased) or fails its foreign key after.
///
/// Every page of comment threads this process keeps is dropped once the
/// transaction ends: comments of many resources changed author or text.
#[derive(Debug, Clone)]
pub struct SeaOrmAccountErasure {
    conn: DatabaseConnection,
    threads: Arc<ThreadCache>,
}

impl SeaOrmAccountErasure {
    /// An erasure on this pool, dropping the pages of `threads`.
    #[must_use]
    pub(crate) fn new(conn: DatabaseConnection, threads: Arc<ThreadCache>) -> Self {
        Self { conn, threads }
    }
}

/// Runs one statement of the erasure; how many rows it changed.
async fn run(
    txn: &DatabaseTransaction,
    sql: &str,
    values: impl IntoIterator<Item = Value>,
) -> Result<u64, RepositoryError> {
    let statement = Statement::from_sql_and_values(txn.get_database_backend(), sql, values);
    Ok(txn
        .execute_raw(statement)
        .await
        .map_err(map_db_err)?
        .rows_affected())
}

fn is_duplicate(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Creates [`ERASED_AUTHOR`] unless it exists (two first erasures at once
/// on MariaDB: the second insert is a duplicate, and the row is there).
async fn ensure_erased_author(txn: &DatabaseTransaction) -> Result<(), RepositoryError> {
    let exists: Option<uuid::Uuid> = user::Entity::find_by_id(ERASED_AUTHOR.as_uuid())
        .select_only()
        .column(user::Column::Id)
        .into_tuple()
        .one(txn)
        .await
        .map_err(map_db_err)?;
    if exists.is_some() {
        return Ok(());
    }
    match user::Entity::insert(user_row(&erased_author_account())?)
        .exec_without_returning(txn)
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if is_duplicate(&err) => Ok(()),
        Err(err) => Err(map_db_err(err)),
    }
}

/// The digests of the attachments of the resources `subject` still authors.
async fn attachment_digests(
    txn: &DatabaseTransaction,
    subject: uuid::Uuid,
) -> Result<Vec<BlobDigest>, RepositoryError> {
    let statement = Statement::from_sql_and_values(
        txn.get_database_backend(),
        "SELECT DISTINCT a.digest FROM attachments a \
         JOIN resources r ON r.id = a.resource_id WHERE r.author_id = ?",
        [subject.into()],
    );
    txn.query_all_raw(statement)
        .await
        .map_err(map_db_err)?
        .iter()
        .map(|row| {
            let hex: String = row.try_get_by_index(0).map_err(map_db_err)?;
            BlobDigest::parse(&hex).ok_or_else(|| corrupt("attachments", &hex, "not a digest"))
        })
        .collect()
}

/// Moves `subject`'s open reports to the erased author (dropping those whose
/// item the erased author reported already: one report per reporter and
/// item), after clearing their texts when asked; deletes the closed ones.
/// Returns how many were kept.
async fn move_reports(
    txn: &DatabaseTransaction,
    subject: uuid::Uuid,
    clear_texts: bool,
) -> Result<u64, RepositoryError> {
    let erased = ERASED_AUTHOR.as_uuid();
    run(
        txn,
        "DELETE FROM reports WHERE reporter_id = ? AND status <> 'open'",
        [subject.into()],
    )
    .await?;
    let statement = Statement::from_sql_and_values(
        txn.get_database_backend(),
        "SELECT r.id FROM reports r JOIN reports o \
         ON o.target_kind = r.target_kind AND o.target_id = r.target_id AND o.reporter_id = ? \
         WHERE r.reporter_id = ?",
        [erased.into(), subject.into()],
    );
    let duplicates = txn
        .query_all_raw(statement)
        .await
        .map_err(map_db_err)?
        .iter()
        .map(|row| row.try_get_by_index::<uuid::Uuid>(0).map_err(map_db_err))
        .collect::<Result<Vec<_>, _>>()?;
    for id in duplicates {
        run(txn, "DELETE FROM reports WHERE id = ?", [id.into()]).await?;
    }
    if clear_texts {
        run(
            txn,
            "UPDATE reports SET text = CASE WHEN reason = 'other' THEN ? ELSE NULL END \
             WHERE reporter_id = ?",
            [ERASED_REPORT_TEXT.into(), subject.into()],
        )
        .await?;
    }
    run(
        txn,
        "UPDATE reports SET reporter_id = ? WHERE reporter_id = ?",
        [erased.into(), subject.into()],
    )
    .await
}

/// The erasure's statements, in `txn`; `None` when there is no account.
async fn erase_in(
    txn: &DatabaseTransaction,
    plan: &ErasurePlan,
) -> Result<Option<ErasureOutcome>, RepositoryError> {
    let subject = plan.subject.as_uuid();
    let erased = ERASED_AUTHOR.as_uuid();
    let locked: Option<uuid::Uuid> = user::Entity::find_by_id(subject)
        .select_only()
        .column(user::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .one(txn)
        .await
        .map_err(map_db_err)?;
    if locked.is_none() {
        return Ok(None);
    }
    ensure_erased_author(txn).await?;
    let at = to_column(plan.at)?;

    // The username, reserved; reservations that ended, gone.
    let reservation = digest("username_reservations", "digest", &plan.reservation.digest)?;
    username_reservation::Entity::delete_many()
        .filter(username_reservation::Column::ReservedUntil.lte(at))
        .exec(txn)
        .await
        .map_err(map_db_err)?;
    username_reservation::Entity::delete_by_id(reservation.clone())
        .exec(txn)
        .await
        .map_err(map_db_err)?;
    username_reservation::Entity::insert(username_reservation::ActiveModel {
        digest: Set(reservation),
        reserved_until: Set(to_column(plan.reservation.until)?),
    })
    .exec_without_returning(txn)
    .await
    .map_err(map_db_err)?;

    // Favourites go with the account: their counts first.
    run(
        txn,
        "UPDATE resources SET favourite_count = favourite_count - 1 \
         WHERE id IN (SELECT resource_id FROM favourites WHERE user_id = ?)",
        [subject.into()],
    )
    .await?;

    let mut outcome = ErasureOutcome::default();
    if plan.content == ContentChoice::Anonymise {
        outcome.resources_kept = run(
            txn,
            &format!("UPDATE resources SET author_id = ? WHERE author_id = ? AND {KEPT_RESOURCES}"),
            [erased.into(), subject.into()],
        )
        .await?;
    }
    outcome.blobs = attachment_digests(txn, subject).await?;
    outcome.resources_deleted = run(
        txn,
        "DELETE FROM resources WHERE author_id = ?",
        [subject.into()],
    )
    .await?;

    match plan.content {
        ContentChoice::Delete => {
            outcome.comments_emptied = run(
                txn,
                "UPDATE comments SET author_id = ?, state = 'deleted', body = NULL, \
                 state_reason = NULL, updated_at = ?, version = version + 1 \
                 WHERE author_id = ?",
                [erased.into(), at.into(), subject.into()],
            )
            .await?;
        }
        ContentChoice::Anonymise => {
            outcome.comments_emptied = run(
                txn,
                "UPDATE comments SET author_id = ? WHERE author_id = ? AND state = 'deleted'",
                [erased.into(), subject.into()],
            )
            .await?;
            outcome.comments_anonymised = run(
                txn,
                "UPDATE comments SET author_id = ? WHERE author_id = ?",
                [erased.into(), subject.into()],
            )
            .await?;
        }
    }
    outcome.reports_kept =
        move_reports(txn, subject, plan.content == ContentChoice::Delete).await?;
    run(
        txn,
        "UPDATE staff_access_log SET staff_id = ? WHERE staff_id = ?",
        [erased.into(), subject.into()],
    )
    .await?;
    run(
        txn,
        "UPDATE subject_requests SET notes = NULL, version = version + 1 \
         WHERE subject_id = ? AND notes IS NOT NULL",
        [subject.into()],
    )
    .await?;

    // Last, the row: its wrapped data key, blind index and sealed fields,
    // and every row that goes with it.
    run(txn, "DELETE FROM users WHERE id = ?", [subject.into()]).await?;
    Ok(Some(outcome))
}

#[async_trait]
impl AccountErasure for SeaOrmAccountErasure {
    async fn erase(&self, plan: &ErasurePlan) -> Result<Option<ErasureOutcome>, RepositoryError> {
        if plan.subject == ERASED_AUTHOR {
            return Ok(None);
        }
        let _write = self.threads.write_all();
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = erase_in(&txn, plan).await;
        let keep = matches!(result, Ok(Some(_)));
        settle(txn, result, keep, map_db_err).await
    }
}

/// [`UsernameReservations`] on sea-orm: `username_reservations` rows.
#[derive(Debug, Clone)]
pub struct SeaOrmUsernameReservations {
    conn: DatabaseConnection,
}

impl SeaOrmUsernameReservations {
    /// The reservations on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl UsernameReservations for SeaOrmUsernameReservations {
    async fn is_reserved(
        &self,
        digest: &[u8],
        now: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let found: Option<Vec<u8>> = username_reservation::Entity::find()
            .select_only()
            .column(username_reservation::Column::Digest)
            .filter(username_reservation::Column::Digest.eq(digest.to_vec()))
            .filter(username_reservation::Column::ReservedUntil.gt(to_column(now)?))
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(found.is_some())
    }
}
