//! Contract of `OneTimeTokenRepository` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::RepositoryError;
use rr_application::ports::{OneTimeToken, TokenPurpose};
use rr_domain::identity::UserId;
use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;
use support::identity::{digest, later, now, stored_user};

/// A token `digest(n)` for `user`, valid until an hour after `now()`.
async fn stored_token(db: &Database, user: UserId, n: u8, purpose: TokenPurpose) -> OneTimeToken {
    let token = OneTimeToken {
        digest: digest(n),
        purpose,
        user_id: user,
        expires_at: later(3_600),
    };
    db.one_time_tokens().insert(&token).await.unwrap();
    token
}

async fn a_token_is_consumed_once(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let tokens = db.one_time_tokens();
    let lea = stored_user(&db, 1).await;
    stored_token(&db, lea.id, 10, TokenPurpose::EmailVerification).await;

    assert_eq!(
        tokens
            .consume(&digest(10), TokenPurpose::EmailVerification, now())
            .await
            .unwrap(),
        Some(lea.id)
    );
    assert_eq!(
        tokens
            .consume(&digest(10), TokenPurpose::EmailVerification, now())
            .await
            .unwrap(),
        None
    );
}

async fn an_unknown_token_is_refused(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;

    assert_eq!(
        db.one_time_tokens()
            .consume(&digest(10), TokenPurpose::PasswordReset, now())
            .await
            .unwrap(),
        None
    );
}

async fn an_expired_token_is_refused(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let tokens = db.one_time_tokens();
    let lea = stored_user(&db, 1).await;
    stored_token(&db, lea.id, 10, TokenPurpose::PasswordReset).await;

    assert_eq!(
        tokens
            .consume(&digest(10), TokenPurpose::PasswordReset, later(3_600))
            .await
            .unwrap(),
        None,
        "expired at that very instant"
    );
    assert_eq!(
        tokens
            .consume(&digest(10), TokenPurpose::PasswordReset, later(7_200))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tokens
            .consume(&digest(10), TokenPurpose::PasswordReset, later(3_599))
            .await
            .unwrap(),
        Some(lea.id),
        "a refused attempt does not use the token up"
    );
}

async fn a_token_never_serves_another_purpose(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let tokens = db.one_time_tokens();
    let lea = stored_user(&db, 1).await;
    stored_token(&db, lea.id, 10, TokenPurpose::EmailVerification).await;

    for wrong in [TokenPurpose::PasswordReset, TokenPurpose::SecondFactor] {
        assert_eq!(
            tokens.consume(&digest(10), wrong, now()).await.unwrap(),
            None
        );
    }
    assert_eq!(
        tokens
            .consume(&digest(10), TokenPurpose::EmailVerification, now())
            .await
            .unwrap(),
        Some(lea.id)
    );
}

async fn revoke_all_uses_up_the_pending_tokens_of_one_user_and_purpose(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let tokens = db.one_time_tokens();
    let lea = stored_user(&db, 1).await;
    let sam = stored_user(&db, 2).await;
    stored_token(&db, lea.id, 10, TokenPurpose::PasswordReset).await;
    stored_token(&db, lea.id, 11, TokenPurpose::PasswordReset).await;
    stored_token(&db, lea.id, 12, TokenPurpose::EmailVerification).await;
    stored_token(&db, sam.id, 20, TokenPurpose::PasswordReset).await;

    tokens
        .revoke_all(lea.id, TokenPurpose::PasswordReset)
        .await
        .unwrap();

    for revoked in [10, 11] {
        assert_eq!(
            tokens
                .consume(&digest(revoked), TokenPurpose::PasswordReset, now())
                .await
                .unwrap(),
            None
        );
    }
    assert_eq!(
        tokens
            .consume(&digest(12), TokenPurpose::EmailVerification, now())
            .await
            .unwrap(),
        Some(lea.id)
    );
    assert_eq!(
        tokens
            .consume(&digest(20), TokenPurpose::PasswordReset, now())
            .await
            .unwrap(),
        Some(sam.id)
    );
    let newer = stored_token(&db, lea.id, 13, TokenPurpose::PasswordReset).await;
    assert_eq!(
        tokens
            .consume(&newer.digest, TokenPurpose::PasswordReset, now())
            .await
            .unwrap(),
        Some(lea.id),
        "a token issued after the revocation works"
    );
}

async fn of_concurrent_uses_of_one_token_exactly_one_gets_the_user(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    stored_token(&db, lea.id, 10, TokenPurpose::SecondFactor).await;

    let uses = (0..8).map(|_| {
        let tokens = db.one_time_tokens();
        async move {
            tokens
                .consume(&digest(10), TokenPurpose::SecondFactor, now())
                .await
                .unwrap()
        }
    });
    let results = futures_util::future::join_all(uses).await;

    assert_eq!(
        results.iter().flatten().collect::<Vec<_>>(),
        vec![&lea.id],
        "{results:?}"
    );
}

async fn storing_one_digest_twice_is_a_conflict(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let token = stored_token(&db, lea.id, 10, TokenPurpose::PasswordReset).await;

    assert!(matches!(
        db.one_time_tokens().insert(&token).await,
        Err(RepositoryError::Conflict(_))
    ));
}

async fn a_digest_of_the_wrong_length_is_refused(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let token = OneTimeToken {
        digest: vec![1; 20],
        purpose: TokenPurpose::PasswordReset,
        user_id: lea.id,
        expires_at: later(60),
    };

    assert!(matches!(
        db.one_time_tokens().insert(&token).await,
        Err(RepositoryError::Internal(_))
    ));
}

on_every_engine!(
    a_token_is_consumed_once,
    an_unknown_token_is_refused,
    an_expired_token_is_refused,
    a_token_never_serves_another_purpose,
    revoke_all_uses_up_the_pending_tokens_of_one_user_and_purpose,
    of_concurrent_uses_of_one_token_exactly_one_gets_the_user,
    storing_one_digest_twice_is_a_conflict,
    a_digest_of_the_wrong_length_is_refused,
);
