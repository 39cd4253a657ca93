//! Accounts and instants for the identity contract suites.

use rr_domain::credentials::PasswordHash;
use rr_domain::identity::{
    AccountStatus, KeyId, Role, Sealed, UserId, UserRecord, Username, WrappedKey,
};
use rr_persistence::Database;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// A fixed instant with a microsecond part, so that round trips prove the
/// fraction survives.
pub fn now() -> OffsetDateTime {
    datetime!(2026-11-29 10:15:30.123456 UTC)
}

/// `now()` moved by `seconds`.
pub fn later(seconds: i64) -> OffsetDateTime {
    now() + Duration::seconds(seconds)
}

/// A digest (32 bytes) told apart by `n`.
pub fn digest(n: u8) -> Vec<u8> {
    vec![n; 32]
}

/// A valid active citizen, told apart from others by `n`: username `user_<n>`,
/// email index `digest(n)`, data key under master key `k1`.
pub fn user(n: u8) -> UserRecord {
    UserRecord {
        id: UserId::generate(),
        username: Username::parse(&format!("User_{n}")).unwrap(),
        email_index: digest(n),
        data_key: WrappedKey {
            key_id: KeyId("k1".into()),
            bytes: vec![n; 60],
        },
        email: Sealed(vec![1, n]),
        first_name: Sealed(vec![2, n]),
        last_name: Sealed(vec![3, n]),
        country: Sealed(vec![4, n]),
        phone: None,
        password_hash: PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
        role: Role::Citizen,
        status: AccountStatus::Active,
        email_verified_at: None,
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        failed_logins: 0,
        locked_until: None,
        policy_version: "2026-11".into(),
        statistics_objection: false,
        region: None,
        communications_consent: false,
        restricted_since: None,
        created_at: now(),
        updated_at: now(),
    }
}

/// `user(n)`, stored.
pub async fn stored_user(db: &Database, n: u8) -> UserRecord {
    let user = user(n);
    db.users().insert(&user).await.unwrap();
    user
}

/// A raw connection to the test database, to do what no port allows (tamper).
pub async fn raw(test_db: &rr_persistence::testing::TestDatabase) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(test_db.url()).await.unwrap()
}
