//! Data-subject requests (`SubjectRequestRepository`) on every engine: what
//! is stored comes back, changes are compare-and-set with their history,
//! lists filter and page by deadline.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_application::RepositoryError;
use rr_application::ports::{
    RequestAction, RequestCursor, RequestEvent, RequestQuery, RequestStatusFilter,
};
use rr_domain::identity::UserId;
use rr_domain::subject_rights::{
    RequestChannel, RequestKind, RequestOutcome, RequestText, SubjectRequest, SubjectRequestId,
};
use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;
use support::identity::{later, now, stored_user};
use time::Date;
use time::macros::date;

fn event(actor: UserId, action: RequestAction, seconds: i64) -> RequestEvent {
    RequestEvent {
        at: later(seconds),
        actor: Some(actor),
        action,
        detail: format!("{}=1", action.as_str()),
    }
}

fn request(subject: UserId, by: UserId, kind: RequestKind, received_on: Date) -> SubjectRequest {
    SubjectRequest::receive(
        subject,
        kind,
        RequestChannel::Email,
        received_on,
        RequestText::parse("Courriel au DPO\nreçu le matin"),
        now(),
        by,
    )
    .unwrap()
}

async fn stored(db: &Database, request: &SubjectRequest, by: UserId) {
    db.subject_requests()
        .insert(request, &event(by, RequestAction::Recorded, 0))
        .await
        .unwrap();
}

fn query() -> RequestQuery {
    RequestQuery {
        status: None,
        kind: None,
        overdue_on: None,
        subject: None,
        after: None,
        limit: 10,
    }
}

fn ids(requests: &[SubjectRequest]) -> Vec<SubjectRequestId> {
    requests.iter().map(|r| r.id).collect()
}

async fn a_request_and_its_history_come_back_as_stored(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let admin = stored_user(&db, 2).await;
    let mut request = request(
        lea.id,
        admin.id,
        RequestKind::Portability,
        date!(2026 - 01 - 31),
    );
    stored(&db, &request, admin.id).await;
    let repository = db.subject_requests();

    assert_eq!(
        repository.find(request.id).await.unwrap(),
        Some(request.clone())
    );
    assert_eq!(request.due_on, date!(2026 - 02 - 28));

    request
        .extend(
            RequestText::parse("Données volumineuses").unwrap(),
            date!(2026 - 02 - 01),
        )
        .unwrap();
    assert!(
        repository
            .update(&request, &event(admin.id, RequestAction::Extended, 10))
            .await
            .unwrap()
    );
    request.version += 1;
    request
        .close(
            RequestOutcome::Refused,
            RequestText::parse("Demande manifestement excessive"),
            later(20),
            admin.id,
        )
        .unwrap();
    assert!(
        repository
            .update(&request, &event(admin.id, RequestAction::Closed, 20))
            .await
            .unwrap()
    );
    request.version += 1;
    repository
        .append(
            request.id,
            &event(admin.id, RequestAction::ErasureExecuted, 30),
        )
        .await
        .unwrap();

    assert_eq!(
        repository.find(request.id).await.unwrap(),
        Some(request.clone())
    );
    let history = repository.history(request.id).await.unwrap();
    assert_eq!(
        history.iter().map(|e| e.action).collect::<Vec<_>>(),
        [
            RequestAction::Recorded,
            RequestAction::Extended,
            RequestAction::Closed,
            RequestAction::ErasureExecuted
        ]
    );
    assert_eq!(history[1], event(admin.id, RequestAction::Extended, 10));
}

async fn every_action_is_kept_in_the_history(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let admin = stored_user(&db, 2).await;
    let request = request(
        lea.id,
        admin.id,
        RequestKind::Objection,
        date!(2026 - 11 - 02),
    );
    stored(&db, &request, admin.id).await;
    let repository = db.subject_requests();

    for (n, action) in RequestAction::ALL.into_iter().skip(1).enumerate() {
        let seconds = i64::try_from(n).unwrap() + 1;
        repository
            .append(request.id, &event(admin.id, action, seconds))
            .await
            .unwrap();
    }

    let history = repository.history(request.id).await.unwrap();
    assert_eq!(
        history.iter().map(|e| e.action).collect::<Vec<_>>(),
        RequestAction::ALL
    );
}

async fn a_stale_change_is_refused_and_leaves_no_history(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let admin = stored_user(&db, 2).await;
    let request = request(lea.id, admin.id, RequestKind::Access, date!(2026 - 11 - 20));
    stored(&db, &request, admin.id).await;
    let repository = db.subject_requests();
    let mut first = request.clone();
    first
        .close(RequestOutcome::Completed, None, later(5), admin.id)
        .unwrap();
    let mut second = request.clone();
    second
        .close(RequestOutcome::Withdrawn, None, later(6), admin.id)
        .unwrap();

    assert!(
        repository
            .update(&first, &event(admin.id, RequestAction::Closed, 5))
            .await
            .unwrap()
    );
    assert!(
        !repository
            .update(&second, &event(admin.id, RequestAction::Closed, 6))
            .await
            .unwrap()
    );

    let stored = repository.find(request.id).await.unwrap().unwrap();
    assert_eq!(stored.status, first.status);
    assert_eq!(repository.history(request.id).await.unwrap().len(), 2);
}

async fn a_request_needs_an_existing_account_and_request(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let admin = stored_user(&db, 2).await;
    let orphan = request(
        UserId::generate(),
        admin.id,
        RequestKind::Access,
        date!(2026 - 11 - 20),
    );

    let refused = db
        .subject_requests()
        .insert(&orphan, &event(admin.id, RequestAction::Recorded, 0))
        .await;
    let unknown = db
        .subject_requests()
        .append(
            SubjectRequestId::generate(),
            &event(admin.id, RequestAction::Closed, 0),
        )
        .await;

    assert!(matches!(refused, Err(RepositoryError::Conflict(_))));
    assert!(matches!(unknown, Err(RepositoryError::Conflict(_))));
    assert_eq!(db.subject_requests().find(orphan.id).await.unwrap(), None);
}

async fn lists_filter_and_page_by_deadline(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let leo = stored_user(&db, 3).await;
    let admin = stored_user(&db, 2).await;
    let oldest = request(lea.id, admin.id, RequestKind::Access, date!(2026 - 10 - 01));
    let same_day_a = request(
        leo.id,
        admin.id,
        RequestKind::Erasure,
        date!(2026 - 11 - 01),
    );
    let same_day_b = request(
        lea.id,
        admin.id,
        RequestKind::Erasure,
        date!(2026 - 11 - 01),
    );
    let mut closed = request(
        lea.id,
        admin.id,
        RequestKind::Objection,
        date!(2026 - 10 - 15),
    );
    let recent = request(leo.id, admin.id, RequestKind::Access, date!(2026 - 11 - 25));
    for r in [&oldest, &same_day_a, &same_day_b, &closed, &recent] {
        stored(&db, r, admin.id).await;
    }
    closed
        .close(RequestOutcome::Completed, None, later(1), admin.id)
        .unwrap();
    assert!(
        db.subject_requests()
            .update(&closed, &event(admin.id, RequestAction::Closed, 1))
            .await
            .unwrap()
    );
    let repository = db.subject_requests();
    let (a, b) = if same_day_a.id < same_day_b.id {
        (same_day_a.id, same_day_b.id)
    } else {
        (same_day_b.id, same_day_a.id)
    };

    let all = repository.list(&query()).await.unwrap();
    let open = repository
        .list(&RequestQuery {
            status: Some(RequestStatusFilter::Open),
            ..query()
        })
        .await
        .unwrap();
    let overdue = repository
        .list(&RequestQuery {
            overdue_on: Some(date!(2026 - 12 - 02)),
            ..query()
        })
        .await
        .unwrap();
    let erasures_of_lea = repository
        .list(&RequestQuery {
            kind: Some(RequestKind::Erasure),
            subject: Some(lea.id),
            ..query()
        })
        .await
        .unwrap();
    let first_page = repository
        .list(&RequestQuery {
            limit: 2,
            ..query()
        })
        .await
        .unwrap();
    let second_page = repository
        .list(&RequestQuery {
            after: Some(RequestCursor::of(&first_page[1])),
            limit: 2,
            ..query()
        })
        .await
        .unwrap();
    let closed_only = repository
        .list(&RequestQuery {
            status: Some(RequestStatusFilter::Closed),
            ..query()
        })
        .await
        .unwrap();

    assert_eq!(ids(&all), [oldest.id, closed.id, a, b, recent.id]);
    assert_eq!(ids(&open), [oldest.id, a, b, recent.id]);
    assert_eq!(
        ids(&overdue),
        [oldest.id, a, b],
        "due 2026-12-01 and before"
    );
    assert_eq!(ids(&erasures_of_lea), [same_day_b.id]);
    assert_eq!(ids(&first_page), [oldest.id, closed.id]);
    assert_eq!(ids(&second_page), [a, b]);
    assert_eq!(ids(&closed_only), [closed.id]);
}

on_every_engine!(
    a_request_and_its_history_come_back_as_stored,
    every_action_is_kept_in_the_history,
    a_stale_change_is_refused_and_leaves_no_history,
    a_request_needs_an_existing_account_and_request,
    lists_filter_and_page_by_deadline,
);
