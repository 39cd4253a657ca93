//! Feature flags on in-memory fakes and mocks: administrators with
//! two-factor authentication only; every change audited and written only
//! over the version it was made from; the answers to clients computed from
//! the process's snapshot, never from the store, refreshed on demand and
//! patched at once by a change made here, even against a slower refresh.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use rr_application::ports::{FeatureFlagRepository, MockFeatureFlagRepository};
use rr_application::services::feature_flags::{FlagChange, MAX_FLAGS, NewFlag};
use rr_application::services::identity::{LoginOutcome, ProfileChanges};
use rr_application::services::{
    FeatureFlagPorts, FeatureFlagService, PrivacyPorts, PrivacyService,
};
use rr_application::test_util::{FakeFeatureFlags, IdentityFixture, identity_fixture};
use rr_application::{AppError, RepositoryError};
use rr_domain::credentials::Password;
use rr_domain::features::{Audience, FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout};
use rr_domain::identity::{AuthenticatedActor, Email, Region, Role, SessionId, UserId};
use tokio::sync::Notify;

const PASSWORD: &str = "Tournesol-Bleu-2026!";

struct World {
    fx: IdentityFixture,
    store: Arc<FakeFeatureFlags>,
    service: FeatureFlagService,
}

fn service_on(fx: &IdentityFixture, flags: Arc<dyn FeatureFlagRepository>) -> FeatureFlagService {
    FeatureFlagService::new(FeatureFlagPorts {
        flags,
        audit: fx.audit.clone(),
        clock: fx.clock.clone(),
    })
}

fn world() -> World {
    let fx = identity_fixture();
    let store = Arc::new(FakeFeatureFlags::default());
    let service = service_on(&fx, store.clone());
    World { fx, store, service }
}

fn actor(role: Role, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn admin() -> AuthenticatedActor {
    actor(Role::Administrator, true)
}

fn key(raw: &str) -> FlagKey {
    FlagKey::parse(raw).unwrap()
}

fn new_flag(raw: &str, percent: f64) -> NewFlag {
    NewFlag {
        key: key(raw),
        description: FlagDescription::parse("Le nouvel éditeur de ressources.").unwrap(),
        enabled: true,
        rollout: Rollout::from_percent(percent).unwrap(),
        group: None,
        regions: BTreeSet::new(),
        roles: BTreeSet::new(),
    }
}

/// A flag as another API node would have stored it.
fn stored(raw: &str, percent: f64) -> FeatureFlag {
    FeatureFlag::create(
        key(raw),
        FlagSettings {
            description: FlagDescription::parse("Stocké ailleurs.").unwrap(),
            enabled: true,
            rollout: Rollout::from_percent(percent).unwrap(),
            group: key(raw),
            regions: BTreeSet::new(),
            roles: BTreeSet::new(),
        },
        time::macros::datetime!(2026-11-29 09:00 UTC),
    )
}

fn citizen(user: UserId) -> Audience {
    Audience::Account {
        user,
        role: Role::Citizen,
        region: None,
    }
}

fn raise_to(percent: f64) -> FlagChange {
    FlagChange {
        rollout: Some(Rollout::from_percent(percent).unwrap()),
        ..FlagChange::default()
    }
}

#[tokio::test]
async fn only_administrators_with_two_factor_manage_flags() {
    let w = world();
    w.service
        .create(&admin(), new_flag("nouvel-editeur", 15.0))
        .await
        .unwrap();
    let editor = key("nouvel-editeur");
    for (who, code) in [
        (actor(Role::Citizen, false), "forbidden"),
        (actor(Role::Moderator, true), "forbidden"),
        (actor(Role::Administrator, false), "two_factor_required"),
        (
            actor(Role::SuperAdministrator, false),
            "two_factor_required",
        ),
    ] {
        let refused = [
            w.service.list(&who).await.unwrap_err(),
            w.service.read(&who, &editor).await.unwrap_err(),
            w.service
                .create(&who, new_flag("autre", 50.0))
                .await
                .unwrap_err(),
            w.service
                .change(&who, &editor, 0, raise_to(100.0))
                .await
                .unwrap_err(),
            w.service.delete(&who, &editor).await.unwrap_err(),
        ];
        for err in refused {
            assert_eq!(err.code(), code, "{:?} 2FA {}", who.role, who.two_factor);
        }
    }
    let flag = w.service.read(&admin(), &editor).await.unwrap();
    assert_eq!(
        (flag.version, flag.settings.rollout.basis_points()),
        (0, 1_500)
    );
    let sa = actor(Role::SuperAdministrator, true);
    assert_eq!(w.service.list(&sa).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_created_flag_is_its_own_group_and_is_audited_with_its_settings() {
    let w = world();
    let who = admin();
    let mut new = new_flag("carte-defi", 12.5);
    new.regions = BTreeSet::from([Region::Bretagne, Region::IleDeFrance]);
    new.roles = BTreeSet::from([Role::Citizen]);

    let flag = w.service.create(&who, new).await.unwrap();

    assert_eq!(flag.settings.group, key("carte-defi"));
    assert_eq!(flag.created_at, w.fx.clock.now_for_tests());
    assert_eq!(w.store.find(&flag.key).await.unwrap(), Some(flag.clone()));
    let entry = w.fx.audit.entries().pop().unwrap();
    assert_eq!(entry.event.action, "feature_flag_created");
    assert_eq!(entry.event.actor, Some(who.user_id));
    assert_eq!(
        entry.event.detail,
        "flag=carte-defi version=0 enabled=true rollout=1250 group=carte-defi regions=11,53 roles=citizen"
    );
    let mut grouped = new_flag("carte-defi-2", 12.5);
    grouped.group = Some(key("carte-defi"));
    let second = w.service.create(&who, grouped).await.unwrap();
    assert_eq!(second.settings.group, key("carte-defi"));
}

#[tokio::test]
async fn a_key_is_taken_once_and_the_number_of_flags_is_bounded() {
    let w = world();
    w.service
        .create(&admin(), new_flag("nouvel-editeur", 15.0))
        .await
        .unwrap();
    let err = w
        .service
        .create(&admin(), new_flag("nouvel-editeur", 30.0))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "flag_exists");
    for n in 1..MAX_FLAGS {
        w.store.put(stored(&format!("drapeau-{n}"), 0.0));
    }
    let err = w
        .service
        .create(&admin(), new_flag("un-de-trop", 1.0))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "too_many_flags");
    assert_eq!(w.service.list(&admin()).await.unwrap().len(), MAX_FLAGS);
}

#[tokio::test]
async fn a_change_is_written_over_the_version_it_was_made_from_only() {
    let w = world();
    let editor = key("nouvel-editeur");
    w.service
        .create(&admin(), new_flag("nouvel-editeur", 15.0))
        .await
        .unwrap();
    w.fx.clock.advance(time::Duration::hours(1));

    let raised = w
        .service
        .change(&admin(), &editor, 0, raise_to(30.0))
        .await
        .unwrap();

    assert_eq!(raised.version, 1);
    assert_eq!(raised.settings.rollout.basis_points(), 3_000);
    assert_eq!(
        raised.settings.description.as_str(),
        "Le nouvel éditeur de ressources."
    );
    assert_eq!(raised.updated_at, w.fx.clock.now_for_tests());
    assert_eq!(w.store.find(&editor).await.unwrap(), Some(raised));
    assert_eq!(w.fx.audit.actions().last(), Some(&"feature_flag_changed"));
    // Someone who read version 0 and changes it now loses: nothing written.
    let stale = w
        .service
        .change(&admin(), &editor, 0, raise_to(100.0))
        .await
        .unwrap_err();
    assert_eq!(stale.code(), "flag_changed");
    let kept = w.store.find(&editor).await.unwrap().unwrap();
    assert_eq!(
        (kept.version, kept.settings.rollout.basis_points()),
        (1, 3_000)
    );
    assert_eq!(
        w.service
            .change(&admin(), &key("inconnu"), 0, raise_to(1.0))
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[tokio::test]
async fn a_race_lost_in_the_store_is_a_conflict_and_the_snapshot_keeps_the_winner() {
    let fx = identity_fixture();
    let flag = stored("nouvel-editeur", 15.0);
    let mut store = MockFeatureFlagRepository::new();
    let found = flag.clone();
    store
        .expect_find()
        .returning(move |_| Ok(Some(found.clone())));
    // Another administrator changed it between our read and our write.
    store.expect_update().returning(|_, _| Ok(false));
    let listed = flag.clone();
    store
        .expect_list()
        .returning(move || Ok(vec![listed.clone()]));
    let service = service_on(&fx, Arc::new(store));
    service.refresh().await.unwrap();

    let err = service
        .change(&admin(), &flag.key, 0, raise_to(100.0))
        .await
        .unwrap_err();

    assert_eq!(err.code(), "flag_changed");
    assert!(fx.audit.actions().is_empty(), "nothing happened");
    let everybody: Vec<UserId> = (0..200).map(|_| UserId::generate()).collect();
    let on = everybody
        .iter()
        .filter(|id| service.is_on(&flag.key, &citizen(**id)))
        .count();
    assert!(on < 100, "still at 15%: {on} of 200");
}

#[tokio::test]
async fn a_store_that_refuses_a_key_taken_meanwhile_is_a_conflict() {
    let fx = identity_fixture();
    let mut store = MockFeatureFlagRepository::new();
    store.expect_list().returning(|| Ok(Vec::new()));
    store
        .expect_insert()
        .returning(|_| Err(RepositoryError::Conflict("duplicate key".into())));
    let service = service_on(&fx, Arc::new(store));

    let err = service
        .create(&admin(), new_flag("nouvel-editeur", 15.0))
        .await
        .unwrap_err();

    assert_eq!(err.code(), "flag_exists");
    assert!(service.states_for(&Audience::Anonymous).is_empty());
}

#[tokio::test]
async fn clients_are_answered_from_the_snapshot_without_reading_the_store() {
    let w = world();
    w.store.put(stored("nouvel-editeur", 100.0));
    w.store.put(stored("recherche-v2", 0.0));
    // Nothing read yet: no flag, so every flag a client asks for is off.
    assert!(w.service.states_for(&Audience::Anonymous).is_empty());

    assert_eq!(w.service.refresh().await.unwrap(), 2);
    let reads = w.store.reads();
    let states = w.service.states_for(&Audience::Anonymous);
    for _ in 0..1_000 {
        assert_eq!(w.service.states_for(&citizen(UserId::generate())), states);
    }

    assert_eq!(w.store.reads(), reads, "no read per evaluation");
    assert_eq!(
        states.into_iter().collect::<Vec<_>>(),
        [(key("nouvel-editeur"), true), (key("recherche-v2"), false)]
    );
    // With the store down, the answers stand on the last snapshot.
    w.store.set_down(true);
    assert_eq!(
        w.service.refresh().await.unwrap_err().code(),
        "service_unavailable"
    );
    assert!(
        w.service
            .is_on(&key("nouvel-editeur"), &Audience::Anonymous)
    );
    assert!(!w.service.is_on(&key("inconnu"), &Audience::Anonymous));
}

#[tokio::test]
async fn another_nodes_change_arrives_with_the_refresh_this_nodes_at_once() {
    let w = world();
    w.service.refresh().await.unwrap();
    let user = UserId::generate();

    // Stored by another node: not seen until the next refresh.
    w.store.put(stored("ailleurs", 100.0));
    assert!(!w.service.is_on(&key("ailleurs"), &citizen(user)));
    w.service.refresh().await.unwrap();
    assert!(w.service.is_on(&key("ailleurs"), &citizen(user)));

    // Made through this node: seen at once, without a refresh.
    let editor = key("nouvel-editeur");
    w.service
        .create(&admin(), new_flag("nouvel-editeur", 0.0))
        .await
        .unwrap();
    assert_eq!(
        w.service.states_for(&citizen(user)).get(&editor),
        Some(&false)
    );
    w.service
        .change(&admin(), &editor, 0, raise_to(100.0))
        .await
        .unwrap();
    assert!(w.service.is_on(&editor, &citizen(user)));
    w.service
        .change(
            &admin(),
            &editor,
            1,
            FlagChange {
                enabled: Some(false),
                ..FlagChange::default()
            },
        )
        .await
        .unwrap();
    assert!(!w.service.is_on(&editor, &citizen(user)));
    w.service.delete(&admin(), &editor).await.unwrap();
    assert_eq!(w.service.states_for(&citizen(user)).get(&editor), None);
    assert_eq!(w.fx.audit.actions().last(), Some(&"feature_flag_deleted"));
    assert_eq!(
        w.service
            .delete(&admin(), &editor)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

/// A store whose `list` reads at once and answers only when told to: a
/// refresh slower than a change made meanwhile.
struct SlowList {
    inner: Arc<FakeFeatureFlags>,
    release: Arc<Notify>,
}

#[async_trait]
impl FeatureFlagRepository for SlowList {
    async fn list(&self) -> Result<Vec<FeatureFlag>, RepositoryError> {
        let read = self.inner.list().await;
        self.release.notified().await;
        read
    }
    async fn find(&self, key: &FlagKey) -> Result<Option<FeatureFlag>, RepositoryError> {
        self.inner.find(key).await
    }
    async fn insert(&self, flag: &FeatureFlag) -> Result<(), RepositoryError> {
        self.inner.insert(flag).await
    }
    async fn update(&self, flag: &FeatureFlag, previous: u64) -> Result<bool, RepositoryError> {
        self.inner.update(flag, previous).await
    }
    async fn delete(&self, key: &FlagKey) -> Result<bool, RepositoryError> {
        self.inner.delete(key).await
    }
}

#[tokio::test]
async fn a_refresh_that_read_before_a_change_does_not_undo_it() {
    let fx = identity_fixture();
    let inner = Arc::new(FakeFeatureFlags::default());
    inner.put(stored("nouvel-editeur", 0.0));
    let release = Arc::new(Notify::new());
    let service = service_on(
        &fx,
        Arc::new(SlowList {
            inner: inner.clone(),
            release: release.clone(),
        }),
    );
    let user = UserId::generate();

    // A refresh reads (the flag at 0%), then lingers...
    let slow = tokio::spawn({
        let service = service.clone();
        async move { service.refresh().await }
    });
    while inner.reads() == 0 {
        tokio::task::yield_now().await;
    }
    // ...while an administrator raises the flag to 100% on this node.
    service
        .change(&admin(), &key("nouvel-editeur"), 0, raise_to(100.0))
        .await
        .unwrap();
    assert!(service.is_on(&key("nouvel-editeur"), &citizen(user)));
    release.notify_one();
    assert_eq!(slow.await.unwrap().unwrap(), 1);

    assert!(
        service.is_on(&key("nouvel-editeur"), &citizen(user)),
        "the stale read was not installed over the change"
    );
}

#[tokio::test]
async fn the_audience_of_a_token_carries_the_accounts_region_at_once_after_a_move_unless_restricted()
 {
    let fx = identity_fixture();
    let lea = fx.citizen("lea", PASSWORD).await.unwrap();
    let email = Email::parse("lea@exemple.fr").unwrap();
    let LoginOutcome::Tokens(pair) = fx
        .service
        .login(&email, &Password::new(PASSWORD), None)
        .await
        .unwrap()
    else {
        panic!("no second factor for a citizen");
    };
    let audience = fx.service.audience(&pair.access_token).await.unwrap();
    assert_eq!(
        audience,
        Audience::Account {
            user: lea.user_id,
            role: Role::Citizen,
            region: None
        }
    );

    fx.service
        .update_me(
            &lea,
            ProfileChanges {
                region: Some(Some(Region::Bretagne)),
                ..ProfileChanges::default()
            },
        )
        .await
        .unwrap();

    // Within the session check interval, yet the move is seen on this node.
    let moved = fx.service.audience(&pair.access_token).await.unwrap();
    assert!(matches!(
        moved,
        Audience::Account {
            region: Some(Region::Bretagne),
            ..
        }
    ));
    assert!(matches!(
        fx.service.audience("not-a-token").await,
        Err(AppError::Unauthenticated("invalid_token"))
    ));

    // Restricted (GDPR Art. 18), the account's region is no longer used.
    let privacy = PrivacyService::new(
        PrivacyPorts {
            policies: fx.policies.clone(),
            consents: fx.users.clone(),
            users: fx.users.clone(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        fx.service.clone(),
    );
    privacy.restrict(&lea).await.unwrap();
    assert!(matches!(
        fx.service.audience(&pair.access_token).await.unwrap(),
        Audience::Account { region: None, .. }
    ));
    privacy.lift_restriction(&lea).await.unwrap();
    assert!(matches!(
        fx.service.audience(&pair.access_token).await.unwrap(),
        Audience::Account {
            region: Some(Region::Bretagne),
            ..
        }
    ));
}
