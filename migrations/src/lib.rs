//! Database migrations of Ressources Relationnelles, reference data included.
//!
//! Frozen history: each migration builds its schema with SeaQuery and its own
//! `Iden` enums, never with the live entities of `rr-persistence`, so that
//! changing today's code cannot rewrite yesterday's schema. Every migration has
//! a `down`, tested on SQLite and MariaDB (`up → down → up`).
//!
//! Entry point: [`Migrator`].

use sea_orm_migration::prelude::*;
pub use sea_orm_migration::{MigrationStatus, MigratorTrait};

mod m20261129_000001_reference_data;
mod m20261129_000002_identity;
mod m20261129_000003_resources;
mod m20261129_000004_catalogue;
mod m20261129_000005_comments;
mod m20261129_000006_moderation;
mod m20261129_000007_notifications;
mod m20261129_000008_statistics;
mod m20261129_000009_access_journal;
mod m20261129_000010_consents;
mod m20261129_000011_data_exports;
mod m20261129_000012_subject_rights;
mod m20261129_000013_retention;
mod m20261129_000014_request_measures;
mod m20261129_000015_feature_flags;
mod table;

/// Every migration, in the order it is applied.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_reference_data::Migration),
            Box::new(m20261129_000002_identity::Migration),
            Box::new(m20261129_000003_resources::Migration),
            Box::new(m20261129_000004_catalogue::Migration),
            Box::new(m20261129_000005_comments::Migration),
            Box::new(m20261129_000006_moderation::Migration),
            Box::new(m20261129_000007_notifications::Migration),
            Box::new(m20261129_000008_statistics::Migration),
            Box::new(m20261129_000009_access_journal::Migration),
            Box::new(m20261129_000010_consents::Migration),
            Box::new(m20261129_000011_data_exports::Migration),
            Box::new(m20261129_000012_subject_rights::Migration),
            Box::new(m20261129_000013_retention::Migration),
            Box::new(m20261129_000014_request_measures::Migration),
            Box::new(m20261129_000015_feature_flags::Migration),
        ]
    }
}
