//! The administrators' statistics on in-memory fakes: who may ask, what is
//! checked, and the disclosure rules — the small-cell rule at its boundary
//! (9 and 10 people), objections honoured at query time, visitors counted
//! apart, and the complementary cells withheld so that no small group can be
//! found by subtraction.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::sync::Arc;

use rr_application::AppError;
use rr_application::ports::UserRepository;
use rr_application::services::statistics::{
    StatisticsFilters, StatisticsReport, StatisticsRequest, StatisticsRow,
};
use rr_application::services::{StatisticsPolicy, StatisticsPorts, StatisticsService};
use rr_application::test_util::{
    FakeStatisticsQuery, IdentityFixture, InMemoryReferenceData, StatisticsEvent, UnavailableStore,
    identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::identity::{AuthenticatedActor, Region, Role, SessionId, UserId};
use rr_domain::reference::{Category, Label, ReferenceId, RelationType, ResourceType, Slug};
use rr_domain::statistics::{Grouping, Measure, MinCellPeople, Period, Tally};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

const PASSWORD: &str = "Tournesol-Bleu-2026!";

fn id(n: u128) -> ReferenceId {
    ReferenceId::from_uuid(Uuid::from_u128(n))
}

const FAMILY: u128 = 1;
const HEALTH: u128 = 2;
const LEISURE: u128 = 3;
const ARTICLE: u128 = 10;
const SELF: u128 = 20;
const FRIENDS: u128 = 21;

fn reference() -> Arc<InMemoryReferenceData> {
    let label = |raw: &str| Label::parse(raw).unwrap();
    let slug = |raw: &str| Slug::parse(raw).unwrap();
    let category = |n, name: &str| Category {
        id: id(n),
        slug: slug(name),
        label: label(name),
        position: 1,
        active: true,
    };
    let relation = |n, name: &str| RelationType {
        id: id(n),
        slug: slug(name),
        label: label(name),
        position: 1,
    };
    Arc::new(InMemoryReferenceData::new(
        vec![
            category(FAMILY, "famille"),
            category(HEALTH, "sante"),
            category(LEISURE, "loisirs"),
        ],
        vec![relation(SELF, "soi"), relation(FRIENDS, "amis")],
        vec![ResourceType {
            id: id(ARTICLE),
            slug: slug("article"),
            label: label("Article"),
            position: 1,
        }],
    ))
}

struct World {
    fx: IdentityFixture,
    events: Arc<FakeStatisticsQuery>,
    service: StatisticsService,
    people: usize,
}

fn world() -> World {
    let fx = identity_fixture();
    let events = Arc::new(FakeStatisticsQuery::new(fx.users.clone()));
    let service = StatisticsService::new(
        StatisticsPorts {
            query: events.clone(),
            reference_data: reference(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        StatisticsPolicy {
            min_cell_people: MinCellPeople::DEFAULT,
        },
    );
    World {
        fx,
        events,
        service,
        people: 0,
    }
}

fn staff(role: Role, two_factor: bool) -> AuthenticatedActor {
    AuthenticatedActor {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        role,
        two_factor,
    }
}

fn admin() -> AuthenticatedActor {
    staff(Role::Administrator, true)
}

fn month(from: Date, to: Date) -> Period {
    Period::new(from, to, Grouping::Month).unwrap()
}

fn request(measures: &[Measure], period: Period) -> StatisticsRequest {
    StatisticsRequest {
        measures: Some(measures.to_vec()),
        period,
        filters: StatisticsFilters::default(),
    }
}

fn figures(report: &StatisticsReport, measure: Measure, bucket: Date) -> Option<Tally> {
    row(report, measure, bucket).figures
}

fn row(report: &StatisticsReport, measure: Measure, bucket: Date) -> StatisticsRow {
    *report
        .rows
        .iter()
        .find(|r| r.measure == measure && r.bucket == bucket)
        .unwrap()
}

fn tally(events: u64, people: u64) -> Option<Tally> {
    Some(Tally { events, people })
}

fn codes(err: &AppError) -> Vec<(&'static str, &'static str)> {
    match err {
        AppError::Invalid(violations) => violations.iter().map(|v| (v.field, v.code)).collect(),
        other => panic!("not a validation failure: {other:?}"),
    }
}

impl World {
    /// `n` new citizens living in `region`.
    async fn citizens(&mut self, n: usize, region: Option<Region>) -> Vec<UserId> {
        let mut ids = Vec::new();
        for _ in 0..n {
            self.people += 1;
            let actor = self
                .fx
                .citizen(&format!("citoyen{}", self.people), PASSWORD)
                .await
                .unwrap();
            let mut record = self.fx.users.find(actor.user_id).await.unwrap().unwrap();
            record.region = region;
            self.fx.users.update(&record).await.unwrap();
            ids.push(actor.user_id);
        }
        ids
    }

    /// `person` objects to statistics, as recorded by the consents.
    async fn object(&self, person: UserId) {
        use rr_application::ports::ConsentRepository;
        use rr_domain::privacy::{ConsentRecord, PolicyVersion, Purpose};
        let choice = ConsentRecord {
            purpose: Purpose::Statistics,
            granted: false,
            policy_version: PolicyVersion::parse("2026-11").unwrap(),
            at: self.fx.clock.now_for_tests(),
        };
        assert!(self.fx.users.record(person, &[choice]).await.unwrap());
    }

    /// One event of `measure` at `at` by each of `people`, on a resource of
    /// `category` with `relations`.
    fn each(
        &self,
        measure: Measure,
        at: OffsetDateTime,
        people: &[UserId],
        category: Option<u128>,
        relations: &[u128],
    ) {
        for person in people {
            self.events.record(StatisticsEvent {
                category: category.map(id),
                relation_types: relations.iter().copied().map(id).collect(),
                ..StatisticsEvent::new(measure, at, Some(*person))
            });
        }
    }
}

#[tokio::test]
async fn a_cell_of_nine_people_is_withheld_and_a_cell_of_ten_is_published() {
    let mut w = world();
    let nine = w.citizens(9, None).await;
    let ten = w.citizens(10, None).await;
    let october = datetime!(2026-10-12 09:00 UTC);
    let november = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Favourites, october, &nine, None, &[]);
    w.each(Measure::Favourites, november, &ten, None, &[]);
    // Two events by one person: two events, still ten people.
    w.each(Measure::Favourites, november, &ten[..1], None, &[]);

    let report = w
        .service
        .report(
            &admin(),
            request(
                &[Measure::Favourites],
                month(date!(2026 - 10 - 01), date!(2026 - 12 - 01)),
            ),
        )
        .await
        .unwrap();

    let october = row(&report, Measure::Favourites, date!(2026 - 10 - 01));
    assert_eq!(october.figures, None, "9 people: withheld");
    assert!(october.suppressed());
    assert_eq!(
        figures(&report, Measure::Favourites, date!(2026 - 11 - 01)),
        tally(11, 10)
    );
    assert_eq!(report.rows.len(), 2, "one row per bucket and measure");
    assert_eq!(report.min_cell_people, 10);
}

#[tokio::test]
async fn empty_cells_are_published_as_zero() {
    let w = world();
    let report = w
        .service
        .report(
            &admin(),
            request(
                &[Measure::Creations, Measure::Registrations],
                month(date!(2026 - 10 - 01), date!(2026 - 11 - 01)),
            ),
        )
        .await
        .unwrap();
    assert_eq!(report.rows.len(), 2);
    assert!(
        report
            .rows
            .iter()
            .all(|r| r.figures == tally(0, 0) && r.visitor_events.is_none())
    );
}

#[tokio::test]
async fn an_objection_removes_past_events_from_every_later_statistic() {
    let mut w = world();
    let ten = w.citizens(10, None).await;
    let at = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Exploitations, at, &ten, None, &[]);
    let ask = || {
        request(
            &[Measure::Exploitations],
            month(date!(2026 - 11 - 01), date!(2026 - 12 - 01)),
        )
    };
    let before = w.service.report(&admin(), ask()).await.unwrap();
    assert_eq!(before.rows[0].figures, tally(10, 10));

    w.object(ten[3]).await;

    let after = w.service.report(&admin(), ask()).await.unwrap();
    assert_eq!(after.rows[0].figures, None, "9 people left: withheld");
}

#[tokio::test]
async fn visitors_are_counted_apart_and_never_as_people() {
    let mut w = world();
    let ten = w.citizens(10, Some(Region::Bretagne)).await;
    let at = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Consultations, at, &ten, None, &[]);
    for _ in 0..25 {
        w.events
            .record(StatisticsEvent::new(Measure::Consultations, at, None));
    }
    let period = month(date!(2026 - 11 - 01), date!(2026 - 12 - 01));

    let all = w
        .service
        .report(&admin(), request(&[Measure::Consultations], period))
        .await
        .unwrap();
    assert_eq!(all.rows[0].figures, tally(10, 10));
    assert_eq!(all.rows[0].visitor_events, Some(25));

    let bretagne = w
        .service
        .report(
            &admin(),
            StatisticsRequest {
                filters: StatisticsFilters {
                    region: Some(Region::Bretagne),
                    ..StatisticsFilters::default()
                },
                ..request(&[Measure::Consultations], period)
            },
        )
        .await
        .unwrap();
    assert_eq!(bretagne.rows[0].figures, tally(10, 10));
    assert_eq!(
        bretagne.rows[0].visitor_events, None,
        "visitors have no region"
    );
}

#[tokio::test]
async fn visitors_alone_make_no_person_and_publish_only_their_own_count() {
    let w = world();
    let at = datetime!(2026-11-03 18:30 UTC);
    for _ in 0..3 {
        w.events
            .record(StatisticsEvent::new(Measure::Searches, at, None));
    }
    let report = w
        .service
        .report(
            &admin(),
            request(
                &[Measure::Searches],
                month(date!(2026 - 11 - 01), date!(2026 - 12 - 01)),
            ),
        )
        .await
        .unwrap();
    assert_eq!(report.rows[0].figures, tally(0, 0));
    assert_eq!(report.rows[0].visitor_events, Some(3));
}

#[tokio::test]
async fn a_category_is_withheld_when_the_other_published_categories_would_reveal_a_small_one() {
    let mut w = world();
    let family = w.citizens(20, None).await;
    let health = w.citizens(15, None).await;
    let leisure = w.citizens(3, None).await;
    let at = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Creations, at, &family, Some(FAMILY), &[SELF]);
    w.each(Measure::Creations, at, &health, Some(HEALTH), &[SELF]);
    w.each(Measure::Creations, at, &leisure, Some(LEISURE), &[SELF]);
    let period = month(date!(2026 - 11 - 01), date!(2026 - 12 - 01));
    let by_category = |category| StatisticsRequest {
        filters: StatisticsFilters {
            category: Some(id(category)),
            ..StatisticsFilters::default()
        },
        ..request(&[Measure::Creations], period)
    };

    let all = w
        .service
        .report(&admin(), request(&[Measure::Creations], period))
        .await
        .unwrap();
    assert_eq!(all.rows[0].figures, tally(38, 38));
    let family = w
        .service
        .report(&admin(), by_category(FAMILY))
        .await
        .unwrap();
    assert_eq!(family.rows[0].figures, tally(20, 20));
    assert_eq!(
        family.filters.category.unwrap().label.as_str(),
        "famille",
        "the filter comes back with its label"
    );
    // 38 - 20 - 15 would give the 3 people of « loisirs »: « santé » is
    // withheld with it although it counts 15 people.
    let health = w
        .service
        .report(&admin(), by_category(HEALTH))
        .await
        .unwrap();
    assert_eq!(health.rows[0].figures, None);
    let leisure = w
        .service
        .report(&admin(), by_category(LEISURE))
        .await
        .unwrap();
    assert_eq!(leisure.rows[0].figures, None);
}

#[tokio::test]
async fn a_region_is_withheld_when_the_people_without_one_would_be_revealed() {
    let mut w = world();
    let bretons = w.citizens(12, Some(Region::Bretagne)).await;
    let unknown = w.citizens(2, None).await;
    let at = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Favourites, at, &bretons, None, &[]);
    w.each(Measure::Favourites, at, &unknown, None, &[]);
    let report = w
        .service
        .report(
            &admin(),
            StatisticsRequest {
                filters: StatisticsFilters {
                    region: Some(Region::Bretagne),
                    ..StatisticsFilters::default()
                },
                ..request(
                    &[Measure::Favourites],
                    month(date!(2026 - 11 - 01), date!(2026 - 12 - 01)),
                )
            },
        )
        .await
        .unwrap();
    // All (14) minus Bretagne (12) would give the 2 without a region.
    assert_eq!(report.rows[0].figures, None);
}

#[tokio::test]
async fn a_relation_type_is_withheld_when_the_resources_without_it_count_too_few_people() {
    let mut w = world();
    let with = w.citizens(20, None).await;
    let without = w.citizens(3, None).await;
    let at = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Favourites, at, &with, None, &[SELF, FRIENDS]);
    w.each(Measure::Favourites, at, &without, None, &[FRIENDS]);
    let period = month(date!(2026 - 11 - 01), date!(2026 - 12 - 01));
    let by_relation = |relation| StatisticsRequest {
        filters: StatisticsFilters {
            relation_type: Some(id(relation)),
            ..StatisticsFilters::default()
        },
        ..request(&[Measure::Favourites], period)
    };

    let self_report = w.service.report(&admin(), by_relation(SELF)).await.unwrap();
    assert_eq!(
        self_report.rows[0].figures, None,
        "all (23) minus « soi » (20) would give 3 people"
    );
    let friends = w
        .service
        .report(&admin(), by_relation(FRIENDS))
        .await
        .unwrap();
    assert_eq!(
        friends.rows[0].figures,
        tally(23, 23),
        "nothing lies outside « amis »"
    );
}

#[tokio::test]
async fn a_cell_with_two_filters_is_withheld_when_the_unfiltered_bucket_less_it_counts_too_few() {
    let mut w = world();
    let bretons = w.citizens(12, Some(Region::Bretagne)).await;
    let corses = w.citizens(3, Some(Region::Corse)).await;
    let at = datetime!(2026-11-03 18:30 UTC);
    w.each(Measure::Favourites, at, &bretons, Some(FAMILY), &[]);
    w.each(Measure::Favourites, at, &corses, Some(HEALTH), &[]);
    let period = month(date!(2026 - 11 - 01), date!(2026 - 12 - 01));
    let filtered = |category, region| StatisticsRequest {
        filters: StatisticsFilters {
            category,
            region,
            ..StatisticsFilters::default()
        },
        ..request(&[Measure::Favourites], period)
    };

    // Every Breton favourite is in « famille », every « famille » favourite
    // is Breton: neither filter alone leaves a remainder within the other.
    let both = w
        .service
        .report(&admin(), filtered(Some(id(FAMILY)), Some(Region::Bretagne)))
        .await
        .unwrap();
    // But all (15) minus « famille » in Bretagne (12) would give 3 people.
    assert_eq!(both.rows[0].figures, None);
    let all = w
        .service
        .report(&admin(), filtered(None, None))
        .await
        .unwrap();
    assert_eq!(all.rows[0].figures, tally(15, 15));
}

#[tokio::test]
async fn a_day_is_withheld_when_its_month_would_reveal_a_small_group() {
    let mut w = world();
    let monday = w.citizens(12, None).await;
    let tuesday = w.citizens(11, None).await;
    let wednesday = w.citizens(3, None).await;
    // 2026-11-02 is a Monday: the three days share a week and a month.
    w.each(
        Measure::Favourites,
        datetime!(2026-11-02 10:00 UTC),
        &monday,
        None,
        &[],
    );
    w.each(
        Measure::Favourites,
        datetime!(2026-11-03 10:00 UTC),
        &tuesday,
        None,
        &[],
    );
    w.each(
        Measure::Favourites,
        datetime!(2026-11-04 10:00 UTC),
        &wednesday,
        None,
        &[],
    );
    let days = Period::new(date!(2026 - 11 - 01), date!(2026 - 11 - 06), Grouping::Day).unwrap();

    let report = w
        .service
        .report(&admin(), request(&[Measure::Favourites], days))
        .await
        .unwrap();

    assert_eq!(report.rows.len(), 5);
    assert_eq!(
        figures(&report, Measure::Favourites, date!(2026 - 11 - 01)),
        tally(0, 0)
    );
    assert_eq!(
        figures(&report, Measure::Favourites, date!(2026 - 11 - 02)),
        tally(12, 12)
    );
    // Month (26) minus Monday (12) minus Tuesday (11) would give Wednesday's 3.
    assert_eq!(
        figures(&report, Measure::Favourites, date!(2026 - 11 - 03)),
        None
    );
    assert_eq!(
        figures(&report, Measure::Favourites, date!(2026 - 11 - 04)),
        None
    );
    let monthly = w
        .service
        .report(
            &admin(),
            request(
                &[Measure::Favourites],
                month(date!(2026 - 11 - 01), date!(2026 - 12 - 01)),
            ),
        )
        .await
        .unwrap();
    assert_eq!(monthly.rows[0].figures, tally(26, 26));
}

#[tokio::test]
async fn only_administrators_with_two_factor_authentication_see_statistics() {
    let w = world();
    let period = month(date!(2026 - 11 - 01), date!(2026 - 12 - 01));
    for (actor, code) in [
        (staff(Role::Citizen, false), "forbidden"),
        (staff(Role::Moderator, true), "forbidden"),
        (staff(Role::Administrator, false), "two_factor_required"),
        (
            staff(Role::SuperAdministrator, false),
            "two_factor_required",
        ),
    ] {
        let err = w
            .service
            .report(&actor, request(&Measure::ALL, period))
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "{:?}", actor.role);
    }
    assert!(w.events.requests().is_empty(), "nothing was counted");
    for actor in [admin(), staff(Role::SuperAdministrator, true)] {
        assert!(
            w.service
                .report(&actor, request(&Measure::ALL, period))
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn unknown_reference_data_and_filters_a_measure_cannot_take_are_named() {
    let w = world();
    let period = month(date!(2026 - 11 - 01), date!(2026 - 12 - 01));
    let err = w
        .service
        .report(
            &admin(),
            StatisticsRequest {
                filters: StatisticsFilters {
                    category: Some(id(999)),
                    resource_type: Some(id(998)),
                    relation_type: Some(id(997)),
                    region: None,
                },
                ..request(&[Measure::Consultations], period)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&err),
        [
            ("category", "unknown_category"),
            ("resourceType", "unknown_resource_type"),
            ("relationType", "unknown_relation_type"),
        ]
    );

    let relation = StatisticsFilters {
        relation_type: Some(id(SELF)),
        ..StatisticsFilters::default()
    };
    let err = w
        .service
        .report(
            &admin(),
            StatisticsRequest {
                filters: relation,
                ..request(&[Measure::Searches, Measure::Registrations], period)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&err),
        [
            ("relationType", "filter_not_applicable"),
            ("relationType", "filter_not_applicable"),
        ]
    );

    // Without a list, the measures are those the filters apply to.
    let report = w
        .service
        .report(
            &admin(),
            StatisticsRequest {
                measures: None,
                period,
                filters: relation,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        report.measures,
        [
            Measure::Consultations,
            Measure::Exploitations,
            Measure::Favourites,
            Measure::Creations,
        ]
    );
    let err = w
        .service
        .report(&admin(), request(&[], period))
        .await
        .unwrap_err();
    assert_eq!(codes(&err), [("measures", "no_measure")]);
}

#[tokio::test]
async fn every_query_is_audited_without_personal_data() {
    let w = world();
    let admin = admin();
    w.service
        .report(
            &admin,
            StatisticsRequest {
                filters: StatisticsFilters {
                    region: Some(Region::Corse),
                    ..StatisticsFilters::default()
                },
                ..request(
                    &[Measure::Registrations],
                    month(date!(2026 - 11 - 01), date!(2026 - 12 - 01)),
                )
            },
        )
        .await
        .unwrap();
    let entries = w.fx.audit.entries();
    let entry = entries.last().unwrap();
    assert_eq!(entry.event.action, "statistics_queried");
    assert_eq!(entry.event.actor, Some(admin.user_id));
    assert_eq!(entry.event.subject, None);
    assert_eq!(
        entry.event.detail,
        "measures=registrations from=2026-11-01 to=2026-12-01 group_by=month region=94"
    );
}

#[tokio::test]
async fn a_store_that_is_down_is_unavailable() {
    let fx = identity_fixture();
    let service = StatisticsService::new(
        StatisticsPorts {
            query: Arc::new(UnavailableStore),
            reference_data: reference(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        },
        StatisticsPolicy::default(),
    );
    let err = service
        .report(
            &admin(),
            request(
                &Measure::ALL,
                month(date!(2026 - 11 - 01), date!(2026 - 12 - 01)),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "service_unavailable");
    assert!(fx.audit.entries().is_empty());
}

#[tokio::test]
async fn days_are_counted_once_when_no_day_is_small_enough_to_need_its_week_or_month() {
    let mut w = world();
    let people = w.citizens(10, None).await;
    for day in 2..=4 {
        let at = OffsetDateTime::new_utc(
            Date::from_calendar_date(2026, time::Month::November, day).unwrap(),
            time::Time::from_hms(10, 0, 0).unwrap(),
        );
        w.each(Measure::Favourites, at, &people, None, &[]);
    }
    let days = Period::new(date!(2026 - 11 - 02), date!(2026 - 11 - 05), Grouping::Day).unwrap();

    let report = w
        .service
        .report(&admin(), request(&[Measure::Favourites], days))
        .await
        .unwrap();

    assert!(report.rows.iter().all(|r| r.figures == tally(10, 10)));
    // The days of the whole weeks and months around, counted once; no week
    // or month: they add up to their days.
    let asked: Vec<Grouping> = w.events.requests().iter().map(|r| r.grouping).collect();
    assert_eq!(asked, [Grouping::Day]);
}

#[tokio::test]
async fn a_relation_type_over_consultations_the_purge_aggregated_is_refused_with_the_first_day_possible()
 {
    let w = world();
    w.events.set_aggregated_before(Some(date!(2024 - 10 - 01)));
    let by_relation = |measures: &[Measure], period: Period| StatisticsRequest {
        filters: StatisticsFilters {
            relation_type: Some(id(SELF)),
            ..StatisticsFilters::default()
        },
        ..request(measures, period)
    };
    let days = |from, to| Period::new(from, to, Grouping::Day).unwrap();

    // The days of October 2024 are kept, but 1 October is a Tuesday: its
    // week began in September, which is aggregated.
    let err = w
        .service
        .report(
            &admin(),
            by_relation(
                &[Measure::Consultations],
                days(date!(2024 - 10 - 01), date!(2024 - 10 - 08)),
            ),
        )
        .await
        .unwrap_err();
    let AppError::Invalid(violations) = err else {
        panic!("refused as invalid")
    };
    assert_eq!(
        (violations[0].field, violations[0].code),
        ("relationType", "relation_type_not_kept")
    );
    assert!(
        violations[0].message.contains("2024-10-07"),
        "{}",
        violations[0].message
    );
    assert!(w.events.requests().is_empty(), "nothing counted");

    // From the first whole week, by month from October, other measures, or
    // without the filter: answered.
    for (measures, period) in [
        (
            vec![Measure::Consultations],
            days(date!(2024 - 10 - 07), date!(2024 - 10 - 14)),
        ),
        (
            vec![Measure::Consultations],
            month(date!(2024 - 10 - 01), date!(2024 - 12 - 01)),
        ),
        (
            vec![Measure::Favourites],
            month(date!(2024 - 01 - 01), date!(2024 - 12 - 01)),
        ),
    ] {
        assert!(
            w.service
                .report(&admin(), by_relation(&measures, period))
                .await
                .is_ok(),
            "{measures:?} {period:?}"
        );
    }
    assert!(
        w.service
            .report(
                &admin(),
                request(
                    &[Measure::Consultations],
                    month(date!(2024 - 01 - 01), date!(2024 - 12 - 01))
                )
            )
            .await
            .is_ok()
    );
}
