//! Runs one async test body on a fresh SQLite database and, when
//! `RR_TEST_MARIADB_URL` is set, on a fresh MariaDB database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a fixture that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the fixtures")]
pub mod identity;

use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;

/// Connects to a fresh database and applies every migration.
pub async fn migrated(test_db: &TestDatabase) -> Database {
    let db = Database::connect(&test_db.settings())
        .await
        .expect("connect");
    db.migrate_up(None).await.expect("migrate up");
    db
}

/// Declares, for each listed `async fn(TestDatabase)`, one test per engine.
#[macro_export]
macro_rules! on_every_engine {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(rr_persistence::testing::TestDatabase::sqlite()).await;
                }
            )+
        }
        mod mariadb {
            $(
                #[tokio::test]
                async fn $name() {
                    match rr_persistence::testing::TestDatabase::mariadb().await {
                        Some(db) => super::$name(db).await,
                        None => eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped"),
                    }
                }
            )+
        }
    };
}
