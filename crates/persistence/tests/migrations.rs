//! Every migration goes up, down and up again on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;

async fn up_down_up_leaves_the_same_schema_and_data(test_db: TestDatabase) {
    let db = Database::connect(&test_db.settings()).await.unwrap();
    let total = db.migration_status().await.unwrap().len();
    assert!(total >= 1);

    db.migrate_up(None).await.unwrap();
    assert!(
        db.migration_status()
            .await
            .unwrap()
            .iter()
            .all(|m| m.applied)
    );
    let before = db.reference_data().list_categories().await.unwrap();

    db.migrate_down(Some(u32::try_from(total).unwrap()))
        .await
        .unwrap();
    assert!(
        db.migration_status()
            .await
            .unwrap()
            .iter()
            .all(|m| !m.applied)
    );
    assert!(
        db.reference_data().list_categories().await.is_err(),
        "tables are gone after down"
    );

    db.migrate_up(None).await.unwrap();
    assert_eq!(db.reference_data().list_categories().await.unwrap(), before);
}

async fn migrating_twice_is_harmless(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;

    db.migrate_up(None).await.unwrap();

    assert_eq!(
        db.reference_data()
            .list_relation_types()
            .await
            .unwrap()
            .len(),
        6
    );
}

async fn one_step_down_undoes_only_the_last_migration(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let total = db.migration_status().await.unwrap().len();

    db.migrate_down(None).await.unwrap();

    let applied = db
        .migration_status()
        .await
        .unwrap()
        .iter()
        .filter(|m| m.applied)
        .count();
    assert_eq!(applied, total - 1);
}

on_every_engine!(
    up_down_up_leaves_the_same_schema_and_data,
    migrating_twice_is_harmless,
    one_step_down_undoes_only_the_last_migration,
);
