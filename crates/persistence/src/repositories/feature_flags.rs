use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::FeatureFlagRepository;
use rr_domain::features::{FeatureFlag, FlagKey};
use sea_orm::ActiveValue::NotSet;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::feature_flag;
use crate::map_db_err;
use crate::mapping::{flag_row, into_flag};

/// [`FeatureFlagRepository`] on sea-orm: `feature_flags` (migration 000015).
#[derive(Debug, Clone)]
pub struct SeaOrmFeatureFlagRepository {
    conn: DatabaseConnection,
}

impl SeaOrmFeatureFlagRepository {
    /// A repository on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl FeatureFlagRepository for SeaOrmFeatureFlagRepository {
    async fn list(&self) -> Result<Vec<FeatureFlag>, RepositoryError> {
        feature_flag::Entity::find()
            .order_by_asc(feature_flag::Column::FlagKey)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(into_flag)
            .collect()
    }

    async fn find(&self, key: &FlagKey) -> Result<Option<FeatureFlag>, RepositoryError> {
        feature_flag::Entity::find_by_id(key.as_str().to_owned())
            .one(&self.conn)
            .await
            .map_err(map_db_err)?
            .map(into_flag)
            .transpose()
    }

    async fn insert(&self, flag: &FeatureFlag) -> Result<(), RepositoryError> {
        feature_flag::Entity::insert(flag_row(flag)?)
            .exec_without_returning(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    /// One conditional `UPDATE`: it matches only while `version` is still
    /// `previous`, and the database lets one writer at a time change the row.
    async fn update(&self, flag: &FeatureFlag, previous: u64) -> Result<bool, RepositoryError> {
        let mut row = flag_row(flag)?;
        // Never rewritten.
        row.flag_key = NotSet;
        row.created_at = NotSet;
        let previous =
            i64::try_from(previous).map_err(|e| RepositoryError::Internal(Box::new(e)))?;
        let updated = feature_flag::Entity::update_many()
            .set(row)
            .filter(feature_flag::Column::FlagKey.eq(flag.key.as_str()))
            .filter(feature_flag::Column::Version.eq(previous))
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(updated.rows_affected == 1)
    }

    async fn delete(&self, key: &FlagKey) -> Result<bool, RepositoryError> {
        let deleted = feature_flag::Entity::delete_by_id(key.as_str().to_owned())
            .exec(&self.conn)
            .await
            .map_err(map_db_err)?;
        Ok(deleted.rows_affected == 1)
    }
}
