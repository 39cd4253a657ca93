//! Contract of `StatisticsQuery` on the real migrations, on every engine,
//! over hand-made data: exact events and distinct people of every measure
//! by UTC day, ISO week and month (bounds included and excluded to the
//! microsecond), each filter and split, visitors counted apart, objections
//! honoured at query time; then the statistics use case on the real store at
//! the small-cell boundary (9 and 10 people).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::sync::Arc;

use rr_application::ports::{
    Consultation, ProgressMark, RelationFilter, ResourceRecord, Search, SplitKey, StatisticsQuery,
    StatisticsRecorder, SystemClock, TallyFilters, TallyRequest, TallyRow,
};
use rr_application::services::statistics::{StatisticsFilters, StatisticsRequest};
use rr_application::services::{StatisticsPolicy, StatisticsPorts, StatisticsService};
use rr_domain::identity::{AuthenticatedActor, Region, Role, SessionId, UserId, UserRecord};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_domain::statistics::{Dimension, Grouping, Measure, Period, Tally};
use rr_persistence::Database;
use rr_persistence::testing::TestDatabase;
use support::identity::user;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

/// A seeded category (kind 1), relation type (kind 2) or resource type (kind
/// 3), by position.
fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

fn category(n: u8) -> ReferenceId {
    seeded(1, n)
}

fn relation(n: u8) -> ReferenceId {
    seeded(2, n)
}

fn kind(n: u8) -> ReferenceId {
    seeded(3, n)
}

/// An account numbered `n`, in `region`, created at `at`.
async fn account(db: &Database, n: u8, region: Option<Region>, at: OffsetDateTime) -> UserId {
    let record = UserRecord {
        region,
        created_at: at,
        updated_at: at,
        ..user(n)
    };
    db.users().insert(&record).await.unwrap();
    record.id
}

/// `person` objects to statistics, through the consents (the account's
/// state and its history together).
async fn object(db: &Database, person: UserId) {
    let choice = rr_domain::privacy::ConsentRecord {
        purpose: rr_domain::privacy::Purpose::Statistics,
        granted: false,
        policy_version: rr_domain::privacy::PolicyVersion::parse("2026-11").unwrap(),
        at: time::OffsetDateTime::now_utc(),
    };
    assert!(db.consents().record(person, &[choice]).await.unwrap());
}

/// A published public resource by `author`, created at `at`.
async fn resource(
    db: &Database,
    author: UserId,
    (category, kind, relations): (ReferenceId, ReferenceId, Vec<ReferenceId>),
    at: OffsetDateTime,
) -> ResourceId {
    let record = ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("D'abord écouter.").unwrap(),
        category,
        resource_type: kind,
        relation_types: relations,
        external_link: None,
        visibility: Visibility::Public,
        state: Lifecycle::Published,
        shared_with: Vec::new(),
        created_at: at,
        updated_at: at,
        published_at: Some(at),
        deleted_at: None,
        version: 0,
    };
    db.resources().insert(&record).await.unwrap();
    record.id
}

/// The hand-made data set.
struct Data {
    db: Database,
    b: UserId,
}

/// Accounts `a` (Bretagne), `b` (Île-de-France), `c` (no region) and `d`
/// (Bretagne, objects to statistics from the start); their resources,
/// favourites, marks, consultations and searches in November and December
/// 2026 (2026-11-02 and 2026-11-30 are Mondays).
async fn data(test_db: &TestDatabase) -> Data {
    let db = support::migrated(test_db).await;
    let a = account(
        &db,
        1,
        Some(Region::Bretagne),
        datetime!(2026-11-02 10:00 UTC),
    )
    .await;
    let b = account(
        &db,
        2,
        Some(Region::IleDeFrance),
        datetime!(2026-11-02 23:59:59.999999 UTC),
    )
    .await;
    let c = account(&db, 3, None, datetime!(2026-11-03 00:00 UTC)).await;
    let d = account(
        &db,
        4,
        Some(Region::Bretagne),
        datetime!(2026-11-04 08:00 UTC),
    )
    .await;
    object(&db, d).await;

    let r1 = resource(
        &db,
        a,
        (category(1), kind(1), vec![relation(1), relation(2)]),
        datetime!(2026-11-02 12:00 UTC),
    )
    .await;
    let r2 = resource(
        &db,
        b,
        (category(2), kind(2), vec![relation(2)]),
        datetime!(2026-11-09 12:00 UTC),
    )
    .await;
    resource(
        &db,
        d,
        (category(1), kind(1), vec![relation(1)]),
        datetime!(2026-11-02 12:00 UTC),
    )
    .await;

    let engagement = db.engagement();
    let thursday = datetime!(2026-11-05 09:00 UTC);
    for (who, what, at) in [
        (a, r1, thursday),
        (b, r1, thursday),
        (c, r2, datetime!(2026-11-29 23:59:59.999999 UTC)),
        (d, r2, thursday),
    ] {
        assert!(engagement.add_favourite(who, what, at).await.unwrap());
    }
    let exploited = ProgressMark::Exploited;
    for (who, what, at) in [
        (a, r2, datetime!(2026-11-30 00:00 UTC)),
        (b, r1, datetime!(2026-11-06 08:00 UTC)),
        (c, r1, datetime!(2026-12-01 17:00 UTC)),
    ] {
        assert!(
            engagement
                .set_mark(who, what, exploited, true, at)
                .await
                .unwrap()
        );
    }
    // Withdrawn: no longer an exploitation.
    engagement
        .set_mark(b, r1, exploited, false, datetime!(2026-11-07 08:00 UTC))
        .await
        .unwrap();

    let recorder = db.statistics(1_000);
    let consult = |viewer: Option<UserId>, resource: ResourceId, at: OffsetDateTime| {
        recorder.consulted(Consultation {
            resource,
            viewer,
            at,
        });
    };
    consult(Some(a), r1, thursday);
    consult(Some(a), r1, datetime!(2026-11-05 21:00 UTC));
    consult(Some(b), r2, thursday);
    consult(Some(d), r1, thursday);
    for _ in 0..3 {
        consult(None, r1, thursday);
    }
    consult(Some(c), r1, datetime!(2026-11-06 07:00 UTC));
    let search = |searcher, at, category, resource_type| {
        recorder.searched(Search {
            searcher,
            at,
            category,
            resource_type,
            with_text: true,
        });
    };
    search(Some(a), thursday, Some(category(1)), None);
    search(None, thursday, None, None);
    search(None, thursday, None, Some(kind(2)));
    search(
        Some(c),
        datetime!(2026-11-06 07:00 UTC),
        None,
        Some(kind(2)),
    );
    search(Some(d), thursday, None, None);
    let report = recorder.flush().await.unwrap();
    assert_eq!(
        (report.consultations, report.searches),
        (7, 4),
        "d left out"
    );
    Data { db, b }
}

fn ask(measure: Measure, grouping: Grouping, (from, to): (Date, Date)) -> TallyRequest {
    TallyRequest {
        measure,
        grouping,
        from,
        to,
        filters: TallyFilters::default(),
        split: None,
    }
}

const NOVEMBER_AND_DECEMBER: (Date, Date) = (date!(2026 - 11 - 01), date!(2027 - 01 - 01));

/// `(bucket, key, events, people, visitors)`, sorted.
type Line = (Date, Option<SplitKey>, u64, u64, u64);

async fn tally(query: &dyn StatisticsQuery, request: TallyRequest) -> Vec<Line> {
    let mut lines: Vec<Line> = query
        .tally(&request)
        .await
        .unwrap()
        .into_iter()
        .map(|row: TallyRow| {
            (
                row.bucket,
                row.key,
                row.tally.events,
                row.tally.people,
                row.visitor_events,
            )
        })
        .collect();
    lines.sort();
    lines
}

fn line(bucket: Date, events: u64, people: u64, visitors: u64) -> Line {
    (bucket, None, events, people, visitors)
}

async fn every_measure_counts_its_events_and_distinct_people_by_day(test_db: TestDatabase) {
    let data = data(&test_db).await;
    let query = data.db.statistics_query();
    let days = |measure| ask(measure, Grouping::Day, NOVEMBER_AND_DECEMBER);

    assert_eq!(
        tally(query.as_ref(), days(Measure::Registrations)).await,
        [
            line(date!(2026 - 11 - 02), 2, 2, 0),
            line(date!(2026 - 11 - 03), 1, 1, 0),
        ],
        "d objects: not counted"
    );
    assert_eq!(
        tally(query.as_ref(), days(Measure::Creations)).await,
        [
            line(date!(2026 - 11 - 02), 1, 1, 0),
            line(date!(2026 - 11 - 09), 1, 1, 0),
        ]
    );
    assert_eq!(
        tally(query.as_ref(), days(Measure::Favourites)).await,
        [
            line(date!(2026 - 11 - 05), 2, 2, 0),
            line(date!(2026 - 11 - 29), 1, 1, 0),
        ]
    );
    assert_eq!(
        tally(query.as_ref(), days(Measure::Exploitations)).await,
        [
            line(date!(2026 - 11 - 30), 1, 1, 0),
            line(date!(2026 - 12 - 01), 1, 1, 0),
        ],
        "a withdrawn mark is no exploitation"
    );
    assert_eq!(
        tally(query.as_ref(), days(Measure::Consultations)).await,
        [
            line(date!(2026 - 11 - 05), 3, 2, 3),
            line(date!(2026 - 11 - 06), 1, 1, 0),
        ]
    );
    assert_eq!(
        tally(query.as_ref(), days(Measure::Searches)).await,
        [
            line(date!(2026 - 11 - 05), 1, 1, 2),
            line(date!(2026 - 11 - 06), 1, 1, 0),
        ]
    );
}

async fn weeks_start_on_monday_months_on_the_first_and_bounds_hold_to_the_microsecond(
    test_db: TestDatabase,
) {
    let data = data(&test_db).await;
    let query = data.db.statistics_query();

    assert_eq!(
        tally(
            query.as_ref(),
            ask(Measure::Favourites, Grouping::Week, NOVEMBER_AND_DECEMBER)
        )
        .await,
        [
            line(date!(2026 - 11 - 02), 2, 2, 0),
            // Sunday 29 November, 23:59:59.999999: still the week of the 23rd.
            line(date!(2026 - 11 - 23), 1, 1, 0),
        ]
    );
    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Exploitations,
                Grouping::Week,
                NOVEMBER_AND_DECEMBER
            )
        )
        .await,
        [line(date!(2026 - 11 - 30), 2, 2, 0)]
    );
    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Exploitations,
                Grouping::Month,
                NOVEMBER_AND_DECEMBER
            )
        )
        .await,
        [
            line(date!(2026 - 11 - 01), 1, 1, 0),
            line(date!(2026 - 12 - 01), 1, 1, 0),
        ]
    );
    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Registrations,
                Grouping::Month,
                NOVEMBER_AND_DECEMBER
            )
        )
        .await,
        [line(date!(2026 - 11 - 01), 3, 3, 0)]
    );
    // Distinct people over the days of a week and of a month, visitors apart.
    for grouping in [Grouping::Week, Grouping::Month] {
        let start = grouping.start_of(date!(2026 - 11 - 05));
        assert_eq!(
            tally(
                query.as_ref(),
                ask(Measure::Consultations, grouping, NOVEMBER_AND_DECEMBER)
            )
            .await,
            [line(start, 4, 3, 3)],
            "{grouping:?}"
        );
    }
    // From included (midnight exactly), to excluded.
    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Exploitations,
                Grouping::Day,
                (date!(2026 - 11 - 30), date!(2026 - 12 - 01))
            )
        )
        .await,
        [line(date!(2026 - 11 - 30), 1, 1, 0)]
    );
    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Registrations,
                Grouping::Day,
                (date!(2026 - 11 - 01), date!(2026 - 11 - 03))
            )
        )
        .await,
        [line(date!(2026 - 11 - 02), 2, 2, 0)],
        "the last microsecond of the 2nd is in, midnight of the 3rd is out"
    );
}

async fn filters_narrow_by_category_type_relation_and_region(test_db: TestDatabase) {
    let data = data(&test_db).await;
    let query = data.db.statistics_query();
    let filtered = |measure, filters| TallyRequest {
        filters,
        ..ask(measure, Grouping::Month, NOVEMBER_AND_DECEMBER)
    };
    let november = date!(2026 - 11 - 01);
    let cases = [
        (
            Measure::Consultations,
            TallyFilters {
                category: Some(category(1)),
                ..TallyFilters::default()
            },
            vec![line(november, 3, 2, 3)],
        ),
        (
            Measure::Consultations,
            TallyFilters {
                category: Some(category(2)),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Consultations,
            TallyFilters {
                relation_type: Some(RelationFilter::With(relation(1))),
                ..TallyFilters::default()
            },
            vec![line(november, 3, 2, 3)],
        ),
        (
            Measure::Consultations,
            TallyFilters {
                relation_type: Some(RelationFilter::Without(relation(1))),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Consultations,
            TallyFilters {
                region: Some(Region::Bretagne),
                ..TallyFilters::default()
            },
            vec![line(november, 2, 1, 0)],
        ),
        (
            Measure::Consultations,
            TallyFilters {
                category: Some(category(1)),
                resource_type: Some(kind(1)),
                relation_type: Some(RelationFilter::With(relation(2))),
                region: Some(Region::Bretagne),
            },
            vec![line(november, 2, 1, 0)],
        ),
        (
            Measure::Searches,
            TallyFilters {
                resource_type: Some(kind(2)),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 1)],
        ),
        (
            Measure::Searches,
            TallyFilters {
                category: Some(category(1)),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Favourites,
            TallyFilters {
                relation_type: Some(RelationFilter::Without(relation(1))),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Exploitations,
            TallyFilters {
                resource_type: Some(kind(2)),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Creations,
            TallyFilters {
                category: Some(category(1)),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Registrations,
            TallyFilters {
                region: Some(Region::IleDeFrance),
                ..TallyFilters::default()
            },
            vec![line(november, 1, 1, 0)],
        ),
        (
            Measure::Registrations,
            TallyFilters {
                region: Some(Region::Corse),
                ..TallyFilters::default()
            },
            vec![],
        ),
    ];
    for (measure, filters, expected) in cases {
        assert_eq!(
            tally(query.as_ref(), filtered(measure, filters)).await,
            expected,
            "{measure:?} {filters:?}"
        );
    }
}

async fn splits_give_a_row_per_value_and_none_for_events_without_one(test_db: TestDatabase) {
    let data = data(&test_db).await;
    let query = data.db.statistics_query();
    let split = |measure, dimension| TallyRequest {
        split: Some(dimension),
        ..ask(measure, Grouping::Month, NOVEMBER_AND_DECEMBER)
    };
    let november = date!(2026 - 11 - 01);
    let region = |r| Some(SplitKey::Region(r));
    let reference = |id| Some(SplitKey::Reference(id));

    assert_eq!(
        tally(
            query.as_ref(),
            split(Measure::Consultations, Dimension::Region)
        )
        .await,
        [
            (november, None, 1, 1, 3),
            (november, region(Region::IleDeFrance), 1, 1, 0),
            (november, region(Region::Bretagne), 2, 1, 0),
        ]
    );
    let mut by_category = vec![
        (november, reference(category(1)), 3, 2, 3),
        (november, reference(category(2)), 1, 1, 0),
    ];
    by_category.sort();
    assert_eq!(
        tally(
            query.as_ref(),
            split(Measure::Consultations, Dimension::Category)
        )
        .await,
        by_category
    );
    // Without a type filter: a's search (with a category) and a visitor's
    // search fall in one row.
    assert_eq!(
        tally(
            query.as_ref(),
            split(Measure::Searches, Dimension::ResourceType)
        )
        .await,
        [
            (november, None, 1, 1, 1),
            (november, reference(kind(2)), 1, 1, 1),
        ]
    );
    assert_eq!(
        tally(
            query.as_ref(),
            split(Measure::Registrations, Dimension::Region)
        )
        .await,
        [
            (november, None, 1, 1, 0),
            (november, region(Region::IleDeFrance), 1, 1, 0),
            (november, region(Region::Bretagne), 1, 1, 0),
        ]
    );
}

async fn an_objection_removes_past_events_at_query_time(test_db: TestDatabase) {
    let data = data(&test_db).await;
    let query = data.db.statistics_query();
    object(&data.db, data.b).await;

    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Consultations,
                Grouping::Month,
                NOVEMBER_AND_DECEMBER
            )
        )
        .await,
        [line(date!(2026 - 11 - 01), 3, 2, 3)],
        "b's consultation is neither counted nor turned into a visitor's"
    );
    assert_eq!(
        tally(
            query.as_ref(),
            ask(
                Measure::Registrations,
                Grouping::Month,
                NOVEMBER_AND_DECEMBER
            )
        )
        .await,
        [line(date!(2026 - 11 - 01), 2, 2, 0)]
    );
    assert_eq!(
        tally(
            query.as_ref(),
            ask(Measure::Creations, Grouping::Month, NOVEMBER_AND_DECEMBER)
        )
        .await,
        [line(date!(2026 - 11 - 01), 1, 1, 0)]
    );
}

/// The tallies of the month in which `b` consulted, registered (and others created).
async fn november(query: &dyn StatisticsQuery) -> [Vec<Line>; 2] {
    [
        tally(
            query,
            ask(
                Measure::Consultations,
                Grouping::Month,
                NOVEMBER_AND_DECEMBER,
            ),
        )
        .await,
        tally(
            query,
            ask(
                Measure::Registrations,
                Grouping::Month,
                NOVEMBER_AND_DECEMBER,
            ),
        )
        .await,
    ]
}

async fn a_restriction_removes_past_events_until_it_is_lifted(test_db: TestDatabase) {
    let data = data(&test_db).await;
    let query = data.db.statistics_query();
    let before = november(query.as_ref()).await;
    let consents = data.db.consents();

    assert!(
        consents
            .set_restriction(data.b, Some(datetime!(2026-12-10 10:00 UTC)))
            .await
            .unwrap()
    );
    let [consultations, registrations] = november(query.as_ref()).await;
    assert_eq!(
        consultations,
        [line(date!(2026 - 11 - 01), 3, 2, 3)],
        "b's consultation is neither counted nor turned into a visitor's"
    );
    assert_eq!(registrations, [line(date!(2026 - 11 - 01), 2, 2, 0)]);

    assert!(consents.set_restriction(data.b, None).await.unwrap());
    assert_eq!(
        november(query.as_ref()).await,
        before,
        "lifted: b counts again"
    );
}

async fn nine_people_are_withheld_and_ten_published_by_the_use_case(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let author = account(&db, 100, None, datetime!(2026-09-01 10:00 UTC)).await;
    let kept = resource(
        &db,
        author,
        (category(1), kind(1), vec![relation(1)]),
        datetime!(2026-09-01 12:00 UTC),
    )
    .await;
    let engagement = db.engagement();
    for n in 0..19_u8 {
        let person = account(&db, n + 1, None, datetime!(2026-09-02 10:00 UTC)).await;
        let at = if n < 9 {
            datetime!(2026-10-10 10:00 UTC)
        } else {
            datetime!(2026-11-10 10:00 UTC)
        };
        engagement.add_favourite(person, kept, at).await.unwrap();
    }
    let service = StatisticsService::new(
        StatisticsPorts {
            query: db.statistics_query(),
            reference_data: db.reference_data(),
            audit: db.audit_log(),
            clock: Arc::new(SystemClock),
        },
        StatisticsPolicy::default(),
    );
    let admin = AuthenticatedActor {
        user_id: author,
        session_id: SessionId::generate(),
        role: Role::Administrator,
        two_factor: true,
    };

    let report = service
        .report(
            &admin,
            StatisticsRequest {
                measures: Some(vec![Measure::Favourites]),
                period: Period::new(
                    date!(2026 - 10 - 01),
                    date!(2026 - 12 - 01),
                    Grouping::Month,
                )
                .unwrap(),
                filters: StatisticsFilters {
                    category: Some(category(1)),
                    ..StatisticsFilters::default()
                },
            },
        )
        .await
        .unwrap();

    let figures: Vec<Option<Tally>> = report.rows.iter().map(|r| r.figures).collect();
    assert_eq!(
        figures,
        [
            None,
            Some(Tally {
                events: 10,
                people: 10
            })
        ]
    );
    assert_eq!(
        report.filters.category.unwrap().slug.as_str(),
        "communication",
        "the seeded category, by its label and slug"
    );
}

on_every_engine!(
    every_measure_counts_its_events_and_distinct_people_by_day,
    weeks_start_on_monday_months_on_the_first_and_bounds_hold_to_the_microsecond,
    filters_narrow_by_category_type_relation_and_region,
    splits_give_a_row_per_value_and_none_for_events_without_one,
    an_objection_removes_past_events_at_query_time,
    a_restriction_removes_past_events_until_it_is_lifted,
    nine_people_are_withheld_and_ten_published_by_the_use_case,
);
