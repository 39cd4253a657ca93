//! `GET /api/v1/privacy/processing-register` over HTTP: public, every
//! activity with its purposes, legal basis, data, people, recipients,
//! retention and no transfer outside the EU; the periods those the
//! retention policy holds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_application::services::{ProcessingRegisterService, RetentionPolicy};
use rr_domain::compliance::{RetentionPeriods, Span};
use rr_http::Services;
use serde_json::Value;
use support::{World, app_with, call, settings};

const REGISTER: &str = "/api/v1/privacy/processing-register";

/// `(category, amount, unit)` of every configured period.
fn periods(register: &Value) -> Vec<(String, u64, String)> {
    register["activities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["retention"].as_array().unwrap().iter())
        .filter_map(|r| r["period"].as_object())
        .map(|p| {
            (
                p["category"].as_str().unwrap().to_owned(),
                p["amount"].as_u64().unwrap(),
                p["unit"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn anyone_reads_the_register_with_every_activity_described() {
    let world = World::new();
    let app = world.app().await;

    let (status, register) = call(&app, TestRequest::get().uri(REGISTER), None).await;

    assert_eq!(status, StatusCode::OK);
    let activities = register["activities"].as_array().unwrap();
    assert!(activities.len() >= 7);
    for activity in activities {
        for list in [
            "purposes",
            "dataCategories",
            "dataSubjects",
            "recipients",
            "retention",
        ] {
            assert!(
                !activity[list].as_array().unwrap().is_empty(),
                "{list}: {activity}"
            );
        }
        assert!(
            activity["legalBasis"]["article"]
                .as_str()
                .unwrap()
                .starts_with("6(1)")
        );
        assert_eq!(activity["transfersOutsideEu"].as_array().unwrap().len(), 0);
    }
    assert!(!register["securityMeasures"].as_array().unwrap().is_empty());
    assert!(periods(&register).contains(&("inactive_accounts".into(), 3, "years".into())));
    assert!(periods(&register).contains(&("audit_log".into(), 365, "days".into())));
}

#[actix_web::test]
async fn the_periods_are_those_of_the_policy() {
    let world = World::new();
    let policy = RetentionPolicy {
        periods: RetentionPeriods {
            inactive_accounts: Span::Years(2),
            statistics_events: Span::Months(13),
            ..RetentionPeriods::default()
        },
        ..RetentionPolicy::default()
    };
    let services = Services {
        processing_register: ProcessingRegisterService::new(&policy),
        ..world.services()
    };
    let app = app_with(services, settings()).await;

    let (_, register) = call(&app, TestRequest::get().uri(REGISTER), None).await;

    let stated = periods(&register);
    assert!(stated.contains(&("inactive_accounts".into(), 2, "years".into())));
    assert!(stated.contains(&("statistics_events".into(), 13, "months".into())));
    assert!(
        !stated
            .iter()
            .any(|(c, n, _)| c == "inactive_accounts" && *n == 3)
    );
}
