//! Data-subject requests received outside the application, on in-memory
//! fakes: who may handle them, recording by id or email (journaled), the
//! deadline and its one extension, acting through erasure and export,
//! closing, the history of every action, and the overdue list.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use rr_application::AppError;
use rr_application::ports::{ConsentRepository, UserRepository};
use rr_application::ports::{RequestAction, RequestStatusFilter};
use rr_application::services::ErasurePolicy;
use rr_application::services::identity::StaffAccount;
use rr_application::services::subject_requests::{
    NewRequest, Objection, Rectification, RequestFilters, SubjectLookup,
};
use rr_application::services::{AttachmentPolicy, DataExportPolicy};
use rr_application::test_util::{
    DataExportFixture, ErasureFixture, FakeResources, IdentityFixture, attachment_fixture,
    data_export_fixture, erasure_fixture, identity_fixture,
};
use rr_domain::credentials::Password;
use rr_domain::identity::{
    AuthenticatedActor, CountryCode, Email, PersonName, PersonalField, Role, SessionId, UserId,
    Username,
};
use rr_domain::privacy::Purpose;
use rr_domain::subject_rights::{
    ContentChoice, RequestChannel, RequestKind, RequestOutcome, RequestStatus, RequestText,
    SubjectRequest,
};
use time::Duration;
use time::macros::date;

const PASSWORD: &str = "Tournesol-Bleu-2026!";

/// An administrator with or without two-factor authentication, or another role.
async fn staff(fx: &Fx, name: &str, role: Role, two_factor: bool) -> AuthenticatedActor {
    let id = fx
        .identity
        .service
        .bootstrap_account(
            StaffAccount {
                email: Email::parse(&format!("{name}@exemple.fr")).unwrap(),
                username: Username::parse(name).unwrap(),
                first_name: PersonName::parse("Camille").unwrap(),
                last_name: PersonName::parse("Durand").unwrap(),
                country: CountryCode::parse("FR").unwrap(),
                role,
            },
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    AuthenticatedActor {
        user_id: id,
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn new_request(subject: SubjectLookup, kind: RequestKind) -> NewRequest {
    NewRequest {
        subject,
        kind,
        channel: RequestChannel::Letter,
        received_on: date!(2026 - 11 - 20),
        notes: RequestText::parse("Lettre de Léa Martin, 12 rue des Lilas"),
    }
}

fn text(raw: &str) -> RequestText {
    RequestText::parse(raw).unwrap()
}

/// The identity fixture, erasure and requests on it, and exports.
struct Fx {
    identity: IdentityFixture,
    erasure: ErasureFixture,
    #[allow(dead_code, reason = "kept alive with the services on it")]
    exports: DataExportFixture,
}

struct World {
    fx: Fx,
    admin: AuthenticatedActor,
    lea: AuthenticatedActor,
}

async fn world() -> World {
    let identity = identity_fixture();
    let attachments = attachment_fixture(
        std::sync::Arc::new(FakeResources::default()),
        identity.clock.clone(),
        AttachmentPolicy::default(),
    );
    let exports = data_export_fixture(&identity, DataExportPolicy::default());
    let erasure = erasure_fixture(
        &identity,
        attachments.service,
        exports.service.clone(),
        ErasurePolicy::default(),
    );
    let fx = Fx {
        identity,
        erasure,
        exports,
    };
    let admin = staff(&fx, "camille", Role::Administrator, true).await;
    let lea = fx.identity.citizen("lea_m", PASSWORD).await.unwrap();
    World { fx, admin, lea }
}

async fn record(w: &World, kind: RequestKind) -> SubjectRequest {
    w.fx.erasure
        .requests
        .record(
            &w.admin,
            new_request(SubjectLookup::Id(w.lea.user_id), kind),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn only_administrators_with_two_factor_handle_requests() {
    let w = world().await;
    let without = staff(&w.fx, "dominique", Role::Administrator, false).await;
    let moderator = staff(&w.fx, "sacha", Role::Moderator, true).await;
    let lookup = || new_request(SubjectLookup::Id(w.lea.user_id), RequestKind::Access);

    let refusals = [
        w.fx.erasure
            .requests
            .record(&without, lookup())
            .await
            .unwrap_err(),
        w.fx.erasure
            .requests
            .record(&moderator, lookup())
            .await
            .unwrap_err(),
        w.fx.erasure
            .requests
            .record(&w.lea, lookup())
            .await
            .unwrap_err(),
        w.fx.erasure
            .requests
            .list(&w.lea, RequestFilters::default(), None, 10)
            .await
            .unwrap_err(),
    ];

    assert_eq!(
        refusals.iter().map(AppError::code).collect::<Vec<_>>(),
        ["two_factor_required", "forbidden", "forbidden", "forbidden"]
    );
}

#[tokio::test]
async fn a_request_is_due_one_month_after_receipt_and_its_recording_kept() {
    let w = world().await;

    let request = record(&w, RequestKind::Access).await;

    assert_eq!(request.subject, Some(w.lea.user_id));
    assert_eq!(request.received_on, date!(2026 - 11 - 20));
    assert_eq!(request.due_on, date!(2026 - 12 - 20));
    assert_eq!(request.status, RequestStatus::Open);
    let detail =
        w.fx.erasure
            .requests
            .detail(&w.admin, request.id)
            .await
            .unwrap();
    assert!(!detail.overdue);
    assert_eq!(detail.history.len(), 1);
    assert_eq!(detail.history[0].action, RequestAction::Recorded);
    assert_eq!(detail.history[0].actor, Some(w.admin.user_id));
    assert_eq!(
        detail.history[0].detail,
        "kind=access channel=letter due_on=2026-12-20"
    );
    let entry = w.fx.identity.audit.entries().pop().unwrap();
    assert_eq!(entry.event.action, "subject_request_recorded");
    assert_eq!(entry.event.subject, Some(w.lea.user_id));
    assert!(
        w.fx.erasure.journal.all().is_empty(),
        "no personal data was read"
    );
}

#[tokio::test]
async fn finding_the_person_by_email_is_journaled() {
    let w = world().await;

    let request =
        w.fx.erasure
            .requests
            .record(
                &w.admin,
                new_request(
                    SubjectLookup::Email(Email::parse("lea_m@exemple.fr").unwrap()),
                    RequestKind::Erasure,
                ),
            )
            .await
            .unwrap();

    assert_eq!(request.subject, Some(w.lea.user_id));
    let journal = w.fx.erasure.journal.all();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].subject, w.lea.user_id);
    assert_eq!(journal[0].staff, w.admin.user_id);
    assert_eq!(journal[0].fields, [PersonalField::Email]);
    assert!(
        journal[0]
            .reason
            .as_str()
            .contains(&request.id.as_uuid().to_string())
    );
}

#[tokio::test]
async fn an_unknown_person_or_a_future_date_is_refused() {
    let w = world().await;
    let nobody = [
        SubjectLookup::Id(UserId::generate()),
        SubjectLookup::Email(Email::parse("personne@exemple.fr").unwrap()),
        SubjectLookup::Id(rr_domain::subject_rights::ERASED_AUTHOR),
    ];
    for lookup in nobody {
        let refused =
            w.fx.erasure
                .requests
                .record(&w.admin, new_request(lookup.clone(), RequestKind::Access))
                .await;
        let Err(AppError::Invalid(violations)) = refused else {
            panic!("{lookup:?}: {refused:?}");
        };
        assert_eq!(violations[0].code, "subject_not_found");
    }
    let mut future = new_request(SubjectLookup::Id(w.lea.user_id), RequestKind::Access);
    future.received_on = date!(2026 - 11 - 30);
    let Err(AppError::Invalid(violations)) = w.fx.erasure.requests.record(&w.admin, future).await
    else {
        panic!("a future date was accepted");
    };
    assert_eq!(
        (violations[0].field, violations[0].code),
        ("receivedOn", "received_in_future")
    );
}

#[tokio::test]
async fn the_deadline_is_extended_once_with_a_reason_and_in_time() {
    let w = world().await;
    let request = record(&w, RequestKind::Portability).await;

    let extended =
        w.fx.erasure
            .requests
            .extend(&w.admin, request.id, text("Volume de données important"))
            .await
            .unwrap();
    let again =
        w.fx.erasure
            .requests
            .extend(&w.admin, request.id, text("Encore"))
            .await;

    assert_eq!(extended.due_on, date!(2027 - 02 - 20));
    assert!(matches!(
        again,
        Err(AppError::ConflictWith("already_extended"))
    ));
    let late = record(&w, RequestKind::Access).await;
    w.fx.identity.clock.advance(Duration::days(22)); // 2026-12-21: past 2026-12-20
    let too_late =
        w.fx.erasure
            .requests
            .extend(&w.admin, late.id, text("Trop tard"))
            .await;
    assert!(matches!(
        too_late,
        Err(AppError::ConflictWith("extension_too_late"))
    ));
    let history =
        w.fx.erasure
            .requests
            .detail(&w.admin, request.id)
            .await
            .unwrap()
            .history;
    assert_eq!(history[1].action, RequestAction::Extended);
    assert_eq!(history[1].detail, "due_on=2027-02-20");
}

#[tokio::test]
async fn overdue_requests_are_listed_the_most_urgent_first() {
    let w = world().await;
    let first = record(&w, RequestKind::Access).await;
    let extended = record(&w, RequestKind::Objection).await;
    w.fx.erasure
        .requests
        .extend(&w.admin, extended.id, text("Analyse juridique"))
        .await
        .unwrap();
    let closed = record(&w, RequestKind::Rectification).await;
    w.fx.erasure
        .requests
        .close(&w.admin, closed.id, RequestOutcome::Completed, None)
        .await
        .unwrap();
    let mut later = new_request(SubjectLookup::Id(w.lea.user_id), RequestKind::Restriction);
    later.received_on = date!(2026 - 11 - 28);
    let later = w.fx.erasure.requests.record(&w.admin, later).await.unwrap();

    w.fx.identity.clock.advance(Duration::days(23)); // 2026-12-22
    let overdue =
        w.fx.erasure
            .requests
            .list(
                &w.admin,
                RequestFilters {
                    overdue: true,
                    ..RequestFilters::default()
                },
                None,
                10,
            )
            .await
            .unwrap();
    let open =
        w.fx.erasure
            .requests
            .list(
                &w.admin,
                RequestFilters {
                    status: Some(RequestStatusFilter::Open),
                    ..RequestFilters::default()
                },
                None,
                2,
            )
            .await
            .unwrap();
    let rest =
        w.fx.erasure
            .requests
            .list(
                &w.admin,
                RequestFilters {
                    status: Some(RequestStatusFilter::Open),
                    ..RequestFilters::default()
                },
                open.next,
                2,
            )
            .await
            .unwrap();

    let ids = |page: &rr_application::services::subject_requests::RequestPage| {
        page.items.iter().map(|i| i.request.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(&overdue), [first.id]);
    assert!(overdue.items[0].overdue);
    assert_eq!(ids(&open), [first.id, later.id]);
    assert_eq!(ids(&rest), [extended.id]);
    assert_eq!(rest.next, None);
}

#[tokio::test]
async fn an_erasure_request_erases_through_the_same_use_case() {
    let w = world().await;
    let request = record(&w, RequestKind::Erasure).await;

    let erased =
        w.fx.erasure
            .requests
            .erase(&w.admin, request.id, ContentChoice::Delete)
            .await
            .unwrap();

    assert_eq!(erased.subject, w.lea.user_id);
    assert_eq!(w.fx.erasure.store.plans()[0].content, ContentChoice::Delete);
    let entry =
        w.fx.identity
            .audit
            .entries()
            .into_iter()
            .find(|e| e.event.action == "account_erased")
            .unwrap();
    assert_eq!(entry.event.actor, Some(w.admin.user_id));
    assert!(
        entry
            .event
            .detail
            .starts_with(&format!("by=staff request={}", request.id.as_uuid()))
    );
    let detail =
        w.fx.erasure
            .requests
            .detail(&w.admin, request.id)
            .await
            .unwrap();
    assert_eq!(
        detail.request.subject, None,
        "the request outlives the account"
    );
    assert_eq!(detail.request.notes, None, "its notes went with it");
    assert!(detail.request.is_open());
    let last = detail.history.last().unwrap();
    assert_eq!(last.action, RequestAction::ErasureExecuted);
    assert!(last.detail.starts_with("content=delete"));

    let again =
        w.fx.erasure
            .requests
            .erase(&w.admin, request.id, ContentChoice::Delete)
            .await;
    assert!(matches!(
        again,
        Err(AppError::ConflictWith("subject_erased"))
    ));
    w.fx.erasure
        .requests
        .close(&w.admin, request.id, RequestOutcome::Completed, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn only_an_open_erasure_request_erases_and_never_a_staff_account() {
    let w = world().await;
    let access = record(&w, RequestKind::Access).await;
    let wrong =
        w.fx.erasure
            .requests
            .erase(&w.admin, access.id, ContentChoice::Delete)
            .await;
    assert!(matches!(
        wrong,
        Err(AppError::ConflictWith("wrong_request_kind"))
    ));

    let closed = record(&w, RequestKind::Erasure).await;
    w.fx.erasure
        .requests
        .close(&w.admin, closed.id, RequestOutcome::Withdrawn, None)
        .await
        .unwrap();
    let late =
        w.fx.erasure
            .requests
            .erase(&w.admin, closed.id, ContentChoice::Delete)
            .await;
    assert!(matches!(
        late,
        Err(AppError::ConflictWith("request_closed"))
    ));

    let moderator = staff(&w.fx, "sacha", Role::Moderator, true).await;
    let about_staff =
        w.fx.erasure
            .requests
            .record(
                &w.admin,
                new_request(SubjectLookup::Id(moderator.user_id), RequestKind::Erasure),
            )
            .await
            .unwrap();
    let staff_erasure =
        w.fx.erasure
            .requests
            .erase(&w.admin, about_staff.id, ContentChoice::Delete)
            .await;
    assert!(matches!(
        staff_erasure,
        Err(AppError::Forbidden("staff_account"))
    ));
    assert!(w.fx.erasure.store.plans().is_empty());
}

#[tokio::test]
async fn an_access_request_asks_for_an_export_on_the_persons_behalf() {
    let w = world().await;
    let request = record(&w, RequestKind::Access).await;

    let export =
        w.fx.erasure
            .requests
            .export(&w.admin, request.id)
            .await
            .unwrap();

    assert_eq!(export.subject, w.lea.user_id);
    let last =
        w.fx.erasure
            .requests
            .detail(&w.admin, request.id)
            .await
            .unwrap()
            .history
            .pop()
            .unwrap();
    assert_eq!(last.action, RequestAction::ExportRequested);
    assert_eq!(last.detail, format!("export={}", export.id));
    let erasure = record(&w, RequestKind::Erasure).await;
    let wrong = w.fx.erasure.requests.export(&w.admin, erasure.id).await;
    assert!(matches!(
        wrong,
        Err(AppError::ConflictWith("wrong_request_kind"))
    ));
}

#[tokio::test]
async fn a_refusal_states_its_reasons_and_a_closed_request_stays_closed() {
    let w = world().await;
    let request = record(&w, RequestKind::Rectification).await;

    let bare =
        w.fx.erasure
            .requests
            .close(&w.admin, request.id, RequestOutcome::Refused, None)
            .await;
    let Err(AppError::Invalid(violations)) = bare else {
        panic!("a refusal without reasons was accepted");
    };
    assert_eq!(violations[0].code, "refusal_reason_required");
    let closed =
        w.fx.erasure
            .requests
            .close(
                &w.admin,
                request.id,
                RequestOutcome::Refused,
                Some(text("Identité non établie")),
            )
            .await
            .unwrap();
    let RequestStatus::Closed { outcome, by, .. } = &closed.status else {
        panic!("not closed");
    };
    assert_eq!(
        (*outcome, *by),
        (RequestOutcome::Refused, Some(w.admin.user_id))
    );
    let again =
        w.fx.erasure
            .requests
            .close(&w.admin, request.id, RequestOutcome::Completed, None)
            .await;
    assert!(matches!(
        again,
        Err(AppError::ConflictWith("request_closed"))
    ));
    assert_eq!(
        w.fx.identity.audit.actions().last(),
        Some(&"subject_request_closed")
    );
}

#[tokio::test]
async fn an_unknown_request_is_not_found() {
    let w = world().await;
    let id = rr_domain::subject_rights::SubjectRequestId::generate();
    assert!(matches!(
        w.fx.erasure.requests.detail(&w.admin, id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        w.fx.erasure
            .requests
            .close(&w.admin, id, RequestOutcome::Completed, None)
            .await,
        Err(AppError::NotFound)
    ));
}

// ───────────────────── rectification, restriction, objection ─────────────────────

/// The history entry of `action` last appended to `request`.
async fn last_entry(w: &World, request: &SubjectRequest) -> (RequestAction, String) {
    let detail =
        w.fx.erasure
            .requests
            .detail(&w.admin, request.id)
            .await
            .unwrap();
    let last = detail.history.last().unwrap();
    (last.action, last.detail.clone())
}

fn audited(w: &World, action: &str) -> Vec<(Option<UserId>, Option<UserId>, String)> {
    w.fx.identity
        .audit
        .entries()
        .into_iter()
        .filter(|e| e.event.action == action)
        .map(|e| (e.event.actor, e.event.subject, e.event.detail))
        .collect()
}

#[tokio::test]
async fn a_rectification_request_rectifies_through_the_same_use_case() {
    let w = world().await;
    let request = record(&w, RequestKind::Rectification).await;
    let requests = &w.fx.erasure.requests;

    let detail = requests
        .rectify(
            &w.admin,
            request.id,
            Rectification {
                email: Some(Email::parse("lea.martin@exemple.fr").unwrap()),
                last_name: Some(PersonName::parse("Martin-Roux").unwrap()),
                ..Rectification::default()
            },
        )
        .await
        .unwrap();

    let me = w.fx.identity.service.me(&w.lea).await.unwrap();
    assert_eq!(me.last_name.as_str(), "Martin-Roux");
    assert_eq!(me.email.as_str(), "lea.martin@exemple.fr");
    assert!(!me.email_verified, "a new address is verified again");
    assert!(
        w.fx.identity
            .outbox
            .sent()
            .iter()
            .any(|mail| mail.to.as_str() == "lea.martin@exemple.fr")
    );
    assert_eq!(
        audited(&w, "profile_rectified"),
        [(
            Some(w.admin.user_id),
            Some(w.lea.user_id),
            "fields=email,last_name email_changed=true".to_owned()
        )]
    );
    let last = detail.history.last().unwrap();
    assert_eq!(last.action, RequestAction::Rectified);
    assert_eq!(last.actor, Some(w.admin.user_id));
    assert_eq!(last.detail, "fields=email,last_name", "names, never values");
    assert!(detail.request.is_open(), "open until closed");
}

#[tokio::test]
async fn a_rectification_is_refused_when_empty_taken_or_on_another_kind() {
    let w = world().await;
    let tom = w.fx.identity.citizen("tom_b", PASSWORD).await.unwrap();
    let rectification = record(&w, RequestKind::Rectification).await;
    let access = record(&w, RequestKind::Access).await;
    let requests = &w.fx.erasure.requests;
    let rename = |name: &str| Rectification {
        username: Some(Username::parse(name).unwrap()),
        ..Rectification::default()
    };

    let empty = requests
        .rectify(&w.admin, rectification.id, Rectification::default())
        .await
        .unwrap_err();
    let taken = requests
        .rectify(&w.admin, rectification.id, rename("tom_b"))
        .await
        .unwrap_err();
    let wrong = requests
        .rectify(&w.admin, access.id, rename("lea_r"))
        .await
        .unwrap_err();
    let citizen = requests
        .rectify(&tom, rectification.id, rename("lea_r"))
        .await
        .unwrap_err();

    assert!(
        matches!(&empty, AppError::Invalid(v) if v[0].code == "rectification_required"),
        "{empty:?}"
    );
    assert!(matches!(taken, AppError::ConflictWith("username_taken")));
    assert!(matches!(
        wrong,
        AppError::ConflictWith("wrong_request_kind")
    ));
    assert!(matches!(citizen, AppError::Forbidden("forbidden")));
    let me = w.fx.identity.service.me(&w.lea).await.unwrap();
    assert_eq!(me.username.as_str(), "lea_m", "nothing changed");
    assert_eq!(
        last_entry(&w, &rectification).await.0,
        RequestAction::Recorded
    );
}

#[tokio::test]
async fn a_restriction_request_restricts_and_lifts_through_the_same_use_case() {
    let w = world().await;
    let request = record(&w, RequestKind::Restriction).await;
    let requests = &w.fx.erasure.requests;
    let restricted = async || {
        w.fx.identity
            .users
            .find(w.lea.user_id)
            .await
            .unwrap()
            .unwrap()
            .restricted_since
            .is_some()
    };

    requests.restrict(&w.admin, request.id, true).await.unwrap();

    assert!(restricted().await);
    assert_eq!(
        last_entry(&w, &request).await,
        (RequestAction::RestrictionApplied, "changed=true".to_owned())
    );
    assert_eq!(
        audited(&w, "processing_restricted"),
        [(Some(w.admin.user_id), Some(w.lea.user_id), String::new())]
    );

    requests.restrict(&w.admin, request.id, true).await.unwrap();
    assert_eq!(
        last_entry(&w, &request).await,
        (
            RequestAction::RestrictionApplied,
            "changed=false".to_owned()
        )
    );
    assert_eq!(audited(&w, "processing_restricted").len(), 1);

    requests
        .restrict(&w.admin, request.id, false)
        .await
        .unwrap();
    assert!(!restricted().await);
    assert_eq!(
        last_entry(&w, &request).await,
        (RequestAction::RestrictionLifted, "changed=true".to_owned())
    );
    assert_eq!(audited(&w, "processing_restriction_lifted").len(), 1);

    let erasure = record(&w, RequestKind::Erasure).await;
    assert!(matches!(
        requests.restrict(&w.admin, erasure.id, true).await,
        Err(AppError::ConflictWith("wrong_request_kind"))
    ));
    assert!(!restricted().await);
}

#[tokio::test]
async fn an_objection_request_is_recorded_in_the_persons_consent_history() {
    let w = world().await;
    let request = record(&w, RequestKind::Objection).await;
    let requests = &w.fx.erasure.requests;

    let detail = requests
        .record_objection(
            &w.admin,
            request.id,
            Objection {
                statistics: true,
                communications: false,
            },
        )
        .await
        .unwrap();

    let account =
        w.fx.identity
            .users
            .find(w.lea.user_id)
            .await
            .unwrap()
            .unwrap();
    assert!(account.statistics_objection);
    let history = w.fx.identity.users.history(w.lea.user_id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!((last.purpose, last.granted), (Purpose::Statistics, false));
    assert_eq!(last.policy_version.as_str(), "2026-11");
    assert_eq!(
        audited(&w, "consents_changed"),
        [(
            Some(w.admin.user_id),
            Some(w.lea.user_id),
            "statistics=false".to_owned()
        )]
    );
    let entry = detail.history.last().unwrap();
    assert_eq!(
        (entry.action, entry.detail.as_str()),
        (RequestAction::ObjectionRecorded, "objected=statistics")
    );

    // Objecting again changes nothing; objecting to nothing is refused.
    requests
        .record_objection(
            &w.admin,
            request.id,
            Objection {
                statistics: true,
                communications: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        last_entry(&w, &request).await,
        (RequestAction::ObjectionRecorded, "objected=none".to_owned())
    );
    assert_eq!(audited(&w, "consents_changed").len(), 1);
    let nothing = requests
        .record_objection(&w.admin, request.id, Objection::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&nothing, AppError::Invalid(v) if v[0].code == "objection_required"),
        "{nothing:?}"
    );

    // A closed request is acted on no more.
    requests
        .close(&w.admin, request.id, RequestOutcome::Completed, None)
        .await
        .unwrap();
    let choices = w.fx.identity.users.history(w.lea.user_id).await.unwrap();
    assert!(matches!(
        requests
            .record_objection(
                &w.admin,
                request.id,
                Objection {
                    statistics: false,
                    communications: true,
                },
            )
            .await,
        Err(AppError::ConflictWith("request_closed"))
    ));
    assert_eq!(
        w.fx.identity.users.history(w.lea.user_id).await.unwrap(),
        choices,
        "no choice recorded"
    );
}
