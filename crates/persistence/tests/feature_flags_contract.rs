//! Contract of `FeatureFlagRepository`, passed by the sea-orm adapter on the
//! real migrations on every engine and by the in-memory fake the other
//! tests use: a flag round-trips with its constraints and instants to the
//! microsecond; a key is taken once; the list is by key; a change is written
//! only over the version it was made from, never over the key or the
//! creation; a deletion says whether there was a flag. On the engines, a
//! row the domain refuses is an internal error and the schema refuses a
//! rollout beyond 100%.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use rr_application::RepositoryError;
use rr_application::ports::FeatureFlagRepository;
use rr_domain::features::{FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout};
use rr_domain::identity::{Region, Role};
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now};

/// Declares one test per store for each listed `async fn(Arc<dyn
/// FeatureFlagRepository>)`: SQLite, MariaDB (when `RR_TEST_MARIADB_URL` is
/// set; a set but unreachable server fails the test) and the fake; and one
/// test per engine for each `async fn(TestDatabase)` listed after `engines`.
macro_rules! on_every_store {
    (stores: [$($store:ident),+ $(,)?], engines: [$($engine:ident),+ $(,)?] $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $store() {
                    let test_db = rr_persistence::testing::TestDatabase::sqlite();
                    let db = super::support::migrated(&test_db).await;
                    super::$store(db.feature_flags()).await;
                }
            )+
            $(
                #[tokio::test]
                async fn $engine() {
                    super::$engine(rr_persistence::testing::TestDatabase::sqlite()).await;
                }
            )+
        }
        mod mariadb {
            $(
                #[tokio::test]
                async fn $store() {
                    match rr_persistence::testing::TestDatabase::mariadb().await {
                        Some(test_db) => {
                            let db = super::support::migrated(&test_db).await;
                            super::$store(db.feature_flags()).await;
                        }
                        None => eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped"),
                    }
                }
            )+
            $(
                #[tokio::test]
                async fn $engine() {
                    match rr_persistence::testing::TestDatabase::mariadb().await {
                        Some(test_db) => super::$engine(test_db).await,
                        None => eprintln!("RR_TEST_MARIADB_URL is not set: MariaDB case skipped"),
                    }
                }
            )+
        }
        mod fake {
            $(
                #[tokio::test]
                async fn $store() {
                    super::$store(std::sync::Arc::new(
                        rr_application::test_util::FakeFeatureFlags::default(),
                    ))
                    .await;
                }
            )+
        }
    };
}

fn key(raw: &str) -> FlagKey {
    FlagKey::parse(raw).unwrap()
}

fn flag(raw: &str) -> FeatureFlag {
    FeatureFlag::create(
        key(raw),
        FlagSettings {
            description: FlagDescription::parse("Le nouvel éditeur, d'abord en Bretagne.").unwrap(),
            enabled: false,
            rollout: Rollout::from_basis_points(1_555).unwrap(),
            group: key("editeur"),
            regions: BTreeSet::from([Region::Bretagne, Region::IleDeFrance, Region::OutsideFrance]),
            roles: BTreeSet::from([Role::Citizen, Role::Moderator]),
        },
        now(),
    )
}

async fn a_flag_round_trips_with_its_constraints(flags: Arc<dyn FeatureFlagRepository>) {
    let stored = flag("nouvel-editeur");

    flags.insert(&stored).await.unwrap();

    assert_eq!(flags.find(&stored.key).await.unwrap(), Some(stored.clone()));
    assert_eq!(flags.list().await.unwrap(), std::slice::from_ref(&stored));
    assert!(matches!(
        flags.insert(&stored).await,
        Err(RepositoryError::Conflict(_))
    ));
    assert_eq!(flags.find(&key("inconnu")).await.unwrap(), None);
    // The widest values fit: everybody, every region, every role, no constraint.
    let mut widest = flag("tout");
    widest.settings.rollout = Rollout::FULL;
    widest.settings.regions = Region::ALL.into_iter().collect();
    widest.settings.roles = Role::ALL.into_iter().collect();
    widest.settings.description = FlagDescription::parse(&"é".repeat(500)).unwrap();
    let mut narrowest = flag("rien");
    narrowest.settings.rollout = Rollout::NONE;
    narrowest.settings.regions.clear();
    narrowest.settings.roles.clear();
    for f in [&widest, &narrowest] {
        flags.insert(f).await.unwrap();
        assert_eq!(flags.find(&f.key).await.unwrap().as_ref(), Some(f));
    }
}

async fn the_list_is_by_key(flags: Arc<dyn FeatureFlagRepository>) {
    for raw in ["zeta", "alpha", "mi-2", "mi-10", "b"] {
        flags.insert(&flag(raw)).await.unwrap();
    }

    let keys: Vec<String> = flags
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.key.to_string())
        .collect();

    assert_eq!(keys, ["alpha", "b", "mi-10", "mi-2", "zeta"]);
}

async fn a_change_is_written_over_its_version_only(flags: Arc<dyn FeatureFlagRepository>) {
    let original = flag("nouvel-editeur");
    flags.insert(&original).await.unwrap();
    let mut raised = original.clone();
    let mut settings = raised.settings.clone();
    settings.enabled = true;
    settings.rollout = Rollout::from_basis_points(3_000).unwrap();
    settings.regions.clear();
    settings.roles = BTreeSet::from([Role::SuperAdministrator]);
    settings.group = key("nouvel-editeur");
    raised.change(settings, later(60));
    // A creation that differs is not written: it never changes.
    let mut sent = raised.clone();
    sent.created_at = later(3_600);

    assert!(flags.update(&sent, 0).await.unwrap());

    assert_eq!(flags.find(&raised.key).await.unwrap(), Some(raised.clone()));
    // Another change made from version 0 loses: it is not written.
    let mut late = original.clone();
    late.change(original.settings.clone(), later(120));
    assert!(!flags.update(&late, 0).await.unwrap());
    assert_eq!(flags.find(&raised.key).await.unwrap(), Some(raised.clone()));
    assert!(!flags.update(&flag("inconnu"), 0).await.unwrap());
    assert_eq!(flags.list().await.unwrap().len(), 1);
}

async fn a_deletion_says_whether_there_was_a_flag(flags: Arc<dyn FeatureFlagRepository>) {
    let stored = flag("nouvel-editeur");
    flags.insert(&stored).await.unwrap();
    flags.insert(&flag("autre")).await.unwrap();

    assert!(flags.delete(&stored.key).await.unwrap());
    assert!(!flags.delete(&stored.key).await.unwrap());

    assert_eq!(flags.find(&stored.key).await.unwrap(), None);
    assert_eq!(flags.list().await.unwrap(), [flag("autre")]);
    // The key is free again.
    flags.insert(&stored).await.unwrap();
}

async fn rows_the_domain_refuses_are_internal_errors(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let flags = db.feature_flags();
    flags.insert(&flag("nouvel-editeur")).await.unwrap();
    let tamper = |sql: &'static str| execute(test_db.url(), sql);

    assert!(
        tamper("UPDATE feature_flags SET rollout_basis_points = 10001")
            .await
            .is_err(),
        "the schema refuses more than 100%"
    );
    for sql in [
        "UPDATE feature_flags SET regions = '53,77'",
        "UPDATE feature_flags SET regions = '53, 11'",
        "UPDATE feature_flags SET roles = 'admin'",
        "UPDATE feature_flags SET stickiness_group = 'Editeur'",
        "UPDATE feature_flags SET description = ' padded '",
    ] {
        execute(test_db.url(), "DELETE FROM feature_flags")
            .await
            .unwrap();
        flags.insert(&flag("nouvel-editeur")).await.unwrap();
        assert_eq!(tamper(sql).await.unwrap(), 1, "{sql}");
        assert!(
            matches!(flags.list().await, Err(RepositoryError::Internal(_))),
            "{sql}"
        );
        assert!(
            matches!(
                flags.find(&key("nouvel-editeur")).await,
                Err(RepositoryError::Internal(_))
            ),
            "{sql}"
        );
    }
}

on_every_store!(
    stores: [
        a_flag_round_trips_with_its_constraints,
        the_list_is_by_key,
        a_change_is_written_over_its_version_only,
        a_deletion_says_whether_there_was_a_flag,
    ],
    engines: [rows_the_domain_refuses_are_internal_errors],
);
