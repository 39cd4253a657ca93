use rr_migrations::{MigrationStatus, Migrator, MigratorTrait};

use crate::{Database, PersistenceError};

/// One migration and whether this database has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// Name, ordered by date.
    pub name: String,
    /// Applied to this database.
    pub applied: bool,
}

impl Database {
    /// Applies pending migrations: all of them, or the first `steps`.
    ///
    /// # Errors
    /// [`PersistenceError::Migrate`] when a migration fails; earlier ones stay applied.
    pub async fn migrate_up(&self, steps: Option<u32>) -> Result<(), PersistenceError> {
        Migrator::up(&self.conn, steps)
            .await
            .map_err(PersistenceError::Migrate)
    }

    /// Rolls back the last `steps` applied migrations (one when `None`).
    ///
    /// # Errors
    /// [`PersistenceError::Migrate`] when a `down` fails.
    pub async fn migrate_down(&self, steps: Option<u32>) -> Result<(), PersistenceError> {
        Migrator::down(&self.conn, Some(steps.unwrap_or(1)))
            .await
            .map_err(PersistenceError::Migrate)
    }

    /// Every known migration with its state in this database.
    ///
    /// # Errors
    /// [`PersistenceError::Migrate`] when the migrations table cannot be read.
    pub async fn migration_status(&self) -> Result<Vec<MigrationState>, PersistenceError> {
        let migrations = Migrator::get_migration_with_status(&self.conn)
            .await
            .map_err(PersistenceError::Migrate)?;
        Ok(migrations
            .iter()
            .map(|m| MigrationState {
                name: m.name().to_owned(),
                applied: m.status() == MigrationStatus::Applied,
            })
            .collect())
    }
}
