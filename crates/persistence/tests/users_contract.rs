//! Contract of `UserRepository` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::RepositoryError;
use rr_domain::credentials::PasswordHash;
use rr_domain::identity::{
    AccountStatus, KeyId, Region, Role, Sealed, UserId, UserRecord, Username, WrappedKey,
};
use rr_persistence::testing::TestDatabase;
use support::identity::{digest, later, stored_user, user};
use time::macros::datetime;

fn is_conflict(result: Result<(), RepositoryError>) -> bool {
    matches!(result, Err(RepositoryError::Conflict(_)))
}

async fn an_inserted_account_is_found_by_id_email_index_and_username(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let users = db.users();
    let lea = stored_user(&db, 1).await;
    stored_user(&db, 2).await;

    assert_eq!(users.find(lea.id).await.unwrap(), Some(lea.clone()));
    assert_eq!(
        users.find_by_email_index(&digest(1)).await.unwrap(),
        Some(lea.clone())
    );
    let other_case = Username::parse("uSER_1").unwrap();
    assert_eq!(
        users.find_by_username(&other_case).await.unwrap(),
        Some(lea)
    );
}

async fn unknown_accounts_are_not_found(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let users = db.users();
    stored_user(&db, 1).await;

    assert_eq!(users.find(UserId::generate()).await.unwrap(), None);
    assert_eq!(users.find_by_email_index(&digest(9)).await.unwrap(), None);
    assert_eq!(users.find_by_email_index(&[1; 5]).await.unwrap(), None);
    let nobody = Username::parse("nobody").unwrap();
    assert_eq!(users.find_by_username(&nobody).await.unwrap(), None);
}

async fn a_taken_email_index_is_a_conflict_on_insert(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    stored_user(&db, 1).await;
    let mut same_email = user(2);
    same_email.email_index = digest(1);

    assert!(is_conflict(db.users().insert(&same_email).await));
    assert_eq!(db.users().find(same_email.id).await.unwrap(), None);
}

async fn a_taken_username_in_another_case_is_a_conflict_on_insert(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    stored_user(&db, 1).await;
    let mut same_name = user(2);
    same_name.username = Username::parse("USER_1").unwrap();

    assert!(is_conflict(db.users().insert(&same_name).await));
}

async fn inserting_one_id_twice_is_a_conflict(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let mut again = user(2);
    again.id = lea.id;

    assert!(is_conflict(db.users().insert(&again).await));
}

async fn taking_another_accounts_email_index_or_username_is_a_conflict_on_update(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let users = db.users();
    stored_user(&db, 1).await;
    let sam = stored_user(&db, 2).await;

    let mut email_taken = sam.clone();
    email_taken.email_index = digest(1);
    assert!(is_conflict(users.update(&email_taken).await));

    let mut name_taken = sam.clone();
    name_taken.username = Username::parse("user_1").unwrap();
    assert!(is_conflict(users.update(&name_taken).await));

    assert_eq!(users.find(sam.id).await.unwrap(), Some(sam));
}

async fn an_account_may_change_the_case_of_its_own_username(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let mut lea = stored_user(&db, 1).await;
    lea.username = Username::parse("USER_1").unwrap();

    db.users().update(&lea).await.unwrap();

    assert_eq!(db.users().find(lea.id).await.unwrap(), Some(lea));
}

/// Every mutable field changed at once, instants with microseconds.
fn everything_changed(original: &UserRecord) -> UserRecord {
    UserRecord {
        id: original.id,
        username: Username::parse("Lea.Martin").unwrap(),
        email_index: digest(42),
        data_key: WrappedKey {
            key_id: KeyId("k2".into()),
            bytes: vec![9; 60],
        },
        email: Sealed(vec![11, 12]),
        first_name: Sealed(vec![13]),
        last_name: Sealed(vec![14]),
        country: Sealed(vec![15]),
        phone: Some(Sealed(vec![16, 17, 18])),
        password_hash: PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA"),
        role: Role::Moderator,
        status: AccountStatus::Suspended {
            reason: "Publications répétées hors charte".into(),
            until: Some(datetime!(2026-12-24 18:00:00.000001 UTC)),
        },
        email_verified_at: Some(datetime!(2026-11-29 10:20:00.654321 UTC)),
        totp_secret: Some(Sealed(vec![19; 48])),
        totp_enabled: true,
        totp_last_step: Some(59_330_000),
        failed_logins: 4,
        locked_until: Some(datetime!(2026-11-29 10:35:00.999999 UTC)),
        policy_version: "2027-01".into(),
        statistics_objection: !original.statistics_objection,
        region: Some(Region::Bretagne),
        communications_consent: !original.communications_consent,
        restricted_since: Some(later(60)),
        created_at: original.created_at,
        updated_at: later(3_600),
    }
}

async fn an_update_round_trips_every_field(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let changed = everything_changed(&lea);

    db.users().update(&changed).await.unwrap();

    // The privacy choices are written with their history by the consent
    // repository alone: an update leaves them as they were.
    let expected = UserRecord {
        policy_version: lea.policy_version.clone(),
        statistics_objection: lea.statistics_objection,
        communications_consent: lea.communications_consent,
        restricted_since: lea.restricted_since,
        ..changed.clone()
    };
    let stored = db.users().find(lea.id).await.unwrap().unwrap();
    assert_eq!(stored, expected);
    assert_eq!(
        db.users().find_by_email_index(&digest(42)).await.unwrap(),
        Some(expected)
    );
    assert_eq!(
        db.users().find_by_email_index(&digest(1)).await.unwrap(),
        None
    );
    let old_name = Username::parse("user_1").unwrap();
    assert_eq!(db.users().find_by_username(&old_name).await.unwrap(), None);
}

async fn an_update_keeps_created_at_and_can_clear_optional_fields(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    db.users().update(&everything_changed(&lea)).await.unwrap();
    let mut cleared = lea.clone();
    cleared.created_at = later(86_400);
    cleared.status = AccountStatus::Suspended {
        reason: "Enquête en cours".into(),
        until: None,
    };

    db.users().update(&cleared).await.unwrap();

    let stored = db.users().find(lea.id).await.unwrap().unwrap();
    assert_eq!(
        stored.created_at, lea.created_at,
        "created_at never changes"
    );
    assert_eq!(
        stored,
        UserRecord {
            created_at: lea.created_at,
            ..cleared
        }
    );
}

async fn updating_a_missing_account_is_an_error(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;

    let result = db.users().update(&user(1)).await;

    assert!(
        matches!(result, Err(RepositoryError::Internal(_))),
        "{result:?}"
    );
}

async fn instants_are_kept_to_the_microsecond_in_utc(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let mut lea = user(1);
    lea.created_at = datetime!(2026-11-29 12:00:00.123456789 +02:00);
    lea.locked_until = Some(datetime!(2026-11-29 11:00:00.000001 +01:00));

    db.users().insert(&lea).await.unwrap();

    let stored = db.users().find(lea.id).await.unwrap().unwrap();
    assert_eq!(stored.created_at, datetime!(2026-11-29 10:00:00.123456 UTC));
    assert_eq!(stored.created_at.offset(), time::UtcOffset::UTC);
    assert_eq!(
        stored.locked_until,
        Some(datetime!(2026-11-29 10:00:00.000001 UTC))
    );
}

async fn values_that_do_not_fit_their_columns_are_refused_on_every_engine(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let mut short_index = user(1);
    short_index.email_index = vec![1; 31];
    let mut long_policy = user(2);
    long_policy.policy_version = "v".repeat(33);

    for unfit in [short_index, long_policy] {
        let result = db.users().insert(&unfit).await;
        assert!(
            matches!(result, Err(RepositoryError::Internal(_))),
            "{result:?}"
        );
        assert_eq!(db.users().find(unfit.id).await.unwrap(), None);
    }
}

async fn data_keys_not_under_the_current_master_key_are_listed_up_to_the_limit(
    test_db: TestDatabase,
) {
    let db = support::migrated(&test_db).await;
    let users = db.users();
    let mut under_k1 = Vec::new();
    for n in 1..=3 {
        under_k1.push(stored_user(&db, n).await);
    }
    for n in 4..=5 {
        let mut current = user(n);
        current.data_key.key_id = KeyId("k2".into());
        users.insert(&current).await.unwrap();
    }
    let mut other_case = user(6);
    other_case.data_key.key_id = KeyId("K2".into());
    users.insert(&other_case).await.unwrap();

    let listed = users
        .data_keys_not_under(&KeyId("k2".into()), 10)
        .await
        .unwrap();

    let mut expected: Vec<_> = under_k1
        .iter()
        .chain([&other_case])
        .map(|u| (u.id, u.data_key.clone()))
        .collect();
    expected.sort_by_key(|(id, _)| *id);
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_by_key(|(id, _)| *id);
    assert_eq!(listed_sorted, expected, "K2 is another key than k2");
    assert_eq!(
        users
            .data_keys_not_under(&KeyId("k2".into()), 2)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        users
            .data_keys_not_under(&KeyId("k1".into()), 0)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn replace_data_key_is_a_compare_and_set(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let users = db.users();
    let lea = stored_user(&db, 1).await;
    let old = lea.data_key.clone();
    let new = WrappedKey {
        key_id: KeyId("k2".into()),
        bytes: vec![77; 60],
    };
    let newer = WrappedKey {
        key_id: KeyId("k3".into()),
        bytes: vec![78; 60],
    };

    assert!(users.replace_data_key(lea.id, &old, &new).await.unwrap());
    assert!(
        !users.replace_data_key(lea.id, &old, &newer).await.unwrap(),
        "a stale old key must not win"
    );

    let stored = users.find(lea.id).await.unwrap().unwrap();
    assert_eq!(stored.data_key, new);
    assert!(
        users
            .data_keys_not_under(&KeyId("k2".into()), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let same_id_other_bytes = WrappedKey {
        key_id: KeyId("k2".into()),
        bytes: vec![0; 60],
    };
    assert!(
        !users
            .replace_data_key(lea.id, &same_id_other_bytes, &newer)
            .await
            .unwrap()
    );
    assert!(
        !users
            .replace_data_key(UserId::generate(), &new, &newer)
            .await
            .unwrap()
    );
}

async fn of_concurrent_key_replacements_from_one_key_exactly_one_wins(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let old = lea.data_key.clone();

    let attempts = (0..8u8).map(|n| {
        let users = db.users();
        let old = old.clone();
        async move {
            let new = WrappedKey {
                key_id: KeyId(format!("k{}", 10 + n)),
                bytes: vec![n; 60],
            };
            users.replace_data_key(lea.id, &old, &new).await.unwrap()
        }
    });
    let won = futures_util::future::join_all(attempts).await;

    assert_eq!(won.iter().filter(|&&w| w).count(), 1, "{won:?}");
}

async fn recovery_codes_are_replaced_and_each_consumed_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let users = db.users();
    let lea = stored_user(&db, 1).await;
    let sam = stored_user(&db, 2).await;
    assert_eq!(users.recovery_codes_left(lea.id).await.unwrap(), 0);

    users
        .replace_recovery_codes(lea.id, &[digest(10), digest(11), digest(12)])
        .await
        .unwrap();
    users
        .replace_recovery_codes(sam.id, &[digest(20)])
        .await
        .unwrap();
    assert_eq!(users.recovery_codes_left(lea.id).await.unwrap(), 3);

    assert!(
        users
            .consume_recovery_code(lea.id, &digest(11))
            .await
            .unwrap()
    );
    assert!(
        !users
            .consume_recovery_code(lea.id, &digest(11))
            .await
            .unwrap()
    );
    assert!(
        !users
            .consume_recovery_code(lea.id, &digest(20))
            .await
            .unwrap(),
        "another account's code"
    );
    assert!(
        !users
            .consume_recovery_code(lea.id, &digest(99))
            .await
            .unwrap()
    );
    assert_eq!(users.recovery_codes_left(lea.id).await.unwrap(), 2);

    users
        .replace_recovery_codes(lea.id, &[digest(13), digest(14)])
        .await
        .unwrap();
    assert_eq!(users.recovery_codes_left(lea.id).await.unwrap(), 2);
    assert!(
        !users
            .consume_recovery_code(lea.id, &digest(10))
            .await
            .unwrap(),
        "replaced codes are gone"
    );
    assert!(
        users
            .consume_recovery_code(lea.id, &digest(14))
            .await
            .unwrap()
    );
    assert_eq!(users.recovery_codes_left(sam.id).await.unwrap(), 1);

    users.replace_recovery_codes(lea.id, &[]).await.unwrap();
    assert_eq!(users.recovery_codes_left(lea.id).await.unwrap(), 0);
}

async fn of_concurrent_uses_of_one_recovery_code_exactly_one_succeeds(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    db.users()
        .replace_recovery_codes(lea.id, &[digest(10), digest(11)])
        .await
        .unwrap();

    let uses = (0..8).map(|_| {
        let users = db.users();
        async move {
            users
                .consume_recovery_code(lea.id, &digest(10))
                .await
                .unwrap()
        }
    });
    let used = futures_util::future::join_all(uses).await;

    assert_eq!(used.iter().filter(|&&u| u).count(), 1, "{used:?}");
    assert_eq!(db.users().recovery_codes_left(lea.id).await.unwrap(), 1);
}

async fn a_recovery_code_digest_of_the_wrong_length_is_refused(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    db.users()
        .replace_recovery_codes(lea.id, &[digest(10)])
        .await
        .unwrap();

    let result = db
        .users()
        .replace_recovery_codes(lea.id, &[digest(11), vec![1; 16]])
        .await;

    assert!(matches!(result, Err(RepositoryError::Internal(_))));
    assert_eq!(
        db.users().recovery_codes_left(lea.id).await.unwrap(),
        1,
        "nothing replaced"
    );
}

async fn stored_accounts_read_back_the_same_on_a_new_pool(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    // Inserted, so that every column is written (an update leaves the
    // privacy choices).
    let lea = everything_changed(&user(1));
    db.users().insert(&lea).await.unwrap();
    db.close().await.unwrap();

    let reopened = support::migrated(&test_db).await;

    assert_eq!(reopened.users().find(lea.id).await.unwrap(), Some(lea));
}

async fn the_test_dump_shows_every_stored_byte(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let mut careless = user(1);
    careless.email = Sealed(b"lea.martin@exemple.fr".to_vec());
    db.users().insert(&careless).await.unwrap();

    let dump = rr_persistence::testing::dump_database(test_db.url())
        .await
        .unwrap();

    assert!(dump.contains("users: "), "{dump}");
    assert!(dump.contains("User_1"), "{dump}");
    assert!(
        dump.contains("lea.martin@exemple.fr"),
        "a value in clear in a binary column shows: {dump}"
    );
    assert!(dump.contains("categories: "), "{dump}");
}

on_every_engine!(
    an_inserted_account_is_found_by_id_email_index_and_username,
    unknown_accounts_are_not_found,
    a_taken_email_index_is_a_conflict_on_insert,
    a_taken_username_in_another_case_is_a_conflict_on_insert,
    inserting_one_id_twice_is_a_conflict,
    taking_another_accounts_email_index_or_username_is_a_conflict_on_update,
    an_account_may_change_the_case_of_its_own_username,
    an_update_round_trips_every_field,
    an_update_keeps_created_at_and_can_clear_optional_fields,
    updating_a_missing_account_is_an_error,
    instants_are_kept_to_the_microsecond_in_utc,
    values_that_do_not_fit_their_columns_are_refused_on_every_engine,
    data_keys_not_under_the_current_master_key_are_listed_up_to_the_limit,
    replace_data_key_is_a_compare_and_set,
    of_concurrent_key_replacements_from_one_key_exactly_one_wins,
    recovery_codes_are_replaced_and_each_consumed_once,
    of_concurrent_uses_of_one_recovery_code_exactly_one_succeeds,
    a_recovery_code_digest_of_the_wrong_length_is_refused,
    stored_accounts_read_back_the_same_on_a_new_pool,
    the_test_dump_shows_every_stored_byte,
);
