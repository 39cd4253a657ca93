//! The privacy policy's versions and each account's privacy choices.

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{ConsentRepository, PrivacyPolicyRepository};
use rr_domain::identity::{UserId, UserRecord};
use rr_domain::privacy::{ConsentRecord, PolicyDocument, PolicyVersion, Purpose};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

use super::write::{begin_write, settle};
use crate::entities::{consent, privacy_policy, user};
use crate::map_db_err;
use crate::mapping::{consent_row, from_column, into_consent, into_policy, policy_row, to_column};

/// [`PrivacyPolicyRepository`] on sea-orm: the `privacy_policies` table,
/// whose unique index on `published_at` orders the versions.
#[derive(Debug, Clone)]
pub struct SeaOrmPrivacyPolicyRepository {
    conn: DatabaseConnection,
}

impl SeaOrmPrivacyPolicyRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl PrivacyPolicyRepository for SeaOrmPrivacyPolicyRepository {
    async fn current(
        &self,
        now: OffsetDateTime,
    ) -> Result<Option<PolicyDocument>, RepositoryError> {
        privacy_policy::Entity::find()
            .filter(privacy_policy::Column::PublishedAt.lte(to_column(now)?))
            .order_by_desc(privacy_policy::Column::PublishedAt)
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_policy)
            .transpose()
    }

    async fn find(
        &self,
        version: &PolicyVersion,
    ) -> Result<Option<PolicyDocument>, RepositoryError> {
        privacy_policy::Entity::find_by_id(version.as_str().to_owned())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_policy)
            .transpose()
    }

    async fn list(&self) -> Result<Vec<(PolicyVersion, OffsetDateTime)>, RepositoryError> {
        let rows: Vec<(String, time::PrimitiveDateTime)> = privacy_policy::Entity::find()
            .select_only()
            .column(privacy_policy::Column::Version)
            .column(privacy_policy::Column::PublishedAt)
            .order_by_desc(privacy_policy::Column::PublishedAt)
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|(version, at)| {
                Ok((
                    crate::mapping::stored_version("privacy_policies", &version, &version)?,
                    from_column(at),
                ))
            })
            .collect()
    }

    async fn publish(&self, document: &PolicyDocument) -> Result<(), RepositoryError> {
        privacy_policy::Entity::insert(policy_row(document)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }
}

/// The first choices of a new account, recorded by the account repository
/// in the transaction that inserts it (see `UserRepository::insert`).
pub(crate) async fn insert_first_choices(
    conn: &impl ConnectionTrait,
    user: &UserRecord,
) -> Result<(), RepositoryError> {
    let version = crate::mapping::stored_version(
        "users",
        &user.id.as_uuid().to_string(),
        &user.policy_version,
    )?;
    let rows = first_choices(user, &version)
        .iter()
        .map(|choice| consent_row(user.id, choice))
        .collect::<Result<Vec<_>, _>>()?;
    consent::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await
        .map_err(map_db_err)?;
    Ok(())
}

fn first_choices(user: &UserRecord, version: &PolicyVersion) -> [ConsentRecord; 3] {
    let choice = |purpose, granted| ConsentRecord {
        purpose,
        granted,
        policy_version: version.clone(),
        at: user.created_at,
    };
    [
        choice(Purpose::TermsAndPolicy, true),
        choice(Purpose::Communications, user.communications_consent),
        choice(Purpose::Statistics, !user.statistics_objection),
    ]
}

/// [`ConsentRepository`] on sea-orm: the `consents` table for the history,
/// the columns of `users` for the current state, both written in one
/// transaction whose first statement is the `UPDATE` of the account (its
/// row lock, or SQLite's write lock, orders concurrent choices of one
/// account the same way in both places).
#[derive(Debug, Clone)]
pub struct SeaOrmConsentRepository {
    conn: DatabaseConnection,
}

impl SeaOrmConsentRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the terms and policy cannot be withdrawn: accept a version or erase the account")]
struct TermsWithdrawn;

#[async_trait]
impl ConsentRepository for SeaOrmConsentRepository {
    async fn history(&self, user: UserId) -> Result<Vec<ConsentRecord>, RepositoryError> {
        consent::Entity::find()
            .filter(consent::Column::UserId.eq(user.as_uuid()))
            .order_by_asc(consent::Column::Id)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_consent)
            .collect()
    }

    async fn record(
        &self,
        user: UserId,
        choices: &[ConsentRecord],
    ) -> Result<bool, RepositoryError> {
        let mut update = user::Entity::update_many()
            .col_expr(user::Column::Id, Expr::col(user::Column::Id))
            .filter(user::Column::Id.eq(user.as_uuid()));
        for choice in choices {
            update = match (choice.purpose, choice.granted) {
                (Purpose::TermsAndPolicy, false) => {
                    return Err(RepositoryError::Internal(Box::new(TermsWithdrawn)));
                }
                (Purpose::TermsAndPolicy, true) => update.col_expr(
                    user::Column::PolicyVersion,
                    Expr::value(choice.policy_version.as_str()),
                ),
                (Purpose::Communications, granted) => {
                    update.col_expr(user::Column::CommunicationsConsent, Expr::value(granted))
                }
                (Purpose::Statistics, granted) => {
                    update.col_expr(user::Column::StatisticsObjection, Expr::value(!granted))
                }
            };
        }
        let rows = choices
            .iter()
            .map(|choice| consent_row(user, choice))
            .collect::<Result<Vec<_>, _>>()?;
        let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
        let result = async {
            // Rows matched, not rows changed, on MariaDB too (CLIENT_FOUND_ROWS).
            let exists = update.exec(&txn).await.map_err(map_db_err)?.rows_affected == 1;
            if exists && !rows.is_empty() {
                consent::Entity::insert_many(rows)
                    .exec_without_returning(&txn)
                    .await
                    .map_err(map_db_err)?;
            }
            Ok(exists)
        }
        .await;
        let keep = matches!(result, Ok(true));
        settle(txn, result, keep, map_db_err).await
    }

    async fn set_restriction(
        &self,
        user: UserId,
        since: Option<OffsetDateTime>,
    ) -> Result<bool, RepositoryError> {
        let since = since.map(to_column).transpose()?;
        let updated = user::Entity::update_many()
            .col_expr(user::Column::RestrictedAt, Expr::value(since))
            .filter(user::Column::Id.eq(user.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(updated.rows_affected == 1)
    }
}
