//! The catalogue (`GET /api/v1/resources`) over real actix services and
//! in-memory fakes: every bad query string is a 400 naming its parameter,
//! each caller sees only their audience, and searches and consultations are
//! counted when they should be, and only then.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use rr_application::ports::{ResourceRepository, Search};
use rr_application::test_util::{FakeResources, IdentityFixture};
use rr_domain::Uuid;
use rr_domain::identity::UserId;
use rr_domain::resource::{Lifecycle, ResourceId};
use serde_json::{Value, json};
use support::{
    CATEGORY, KIND, OTHER_CATEGORY, RELATION, Reference, TestApp, World, call, category, draft,
    fetch, reference_id, submit, token,
};

/// The fakes, with a second category. The tests publish through
/// [`World::resources`] (no moderator yet) and read the counts in
/// [`World::statistics`].
fn world() -> World {
    let mut reference = Reference::standard();
    reference
        .categories
        .push(category(OTHER_CATEGORY, "voisinage", "Voisinage"));
    World {
        reference: reference.store(),
        ..World::new()
    }
}

/// A page of the catalogue, which must answer 200.
async fn catalogue(app: &impl TestApp, query: &str, token: Option<&str>) -> Value {
    let (status, page) = call(
        app,
        TestRequest::get().uri(&format!("/api/v1/resources{query}")),
        token,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{query}: {page}");
    page
}

/// The titles of a page, in order.
fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect()
}

fn user_id(fx: &IdentityFixture, name: &str) -> UserId {
    fx.users
        .all()
        .into_iter()
        .find(|u| u.username.to_string() == name)
        .unwrap()
        .id
}

fn resource(title: &str, visibility: &str) -> Value {
    json!({
        "title": title, "summary": "Quelques pistes.", "body": "D'abord écouter, sans juger.",
        "categoryId": Uuid::from_u128(CATEGORY), "resourceTypeId": Uuid::from_u128(KIND),
        "relationTypeIds": [Uuid::from_u128(RELATION)], "visibility": visibility
    })
}

/// Publishes a resource as a moderator's approval would (no route yet).
async fn publish(resources: &FakeResources, id: Uuid) {
    let mut record = resources
        .find(ResourceId::from_uuid(id))
        .await
        .unwrap()
        .unwrap();
    record.state = Lifecycle::Published;
    record.published_at = Some(record.created_at);
    assert!(resources.update(&record).await.unwrap());
}

/// Percent-encodes a query string value.
fn enc(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[actix_web::test]
async fn every_bad_query_is_a_400_naming_its_parameter() {
    let world = world();
    let fx = &world.fx;
    let app = world.app().await;
    let lea = token(&app, fx, "lea").await;
    for n in 0..2 {
        let id = draft(&app, &lea, resource(&format!("Ressource {n}"), "public")).await;
        publish(&world.resources, id).await;
    }
    let first = catalogue(&app, "?limit=1", None).await;
    let newest_cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let eleven = (1..=11)
        .map(|n| Uuid::from_u128(n).to_string())
        .collect::<Vec<_>>()
        .join(",");

    let cases: Vec<(String, &str)> = vec![
        ("limit=0".into(), "limit"),
        ("limit=101".into(), "limit"),
        ("limit=-1".into(), "limit"),
        ("limit=abc".into(), "limit"),
        (
            format!("sort=most_viewed&cursor={}", enc(&newest_cursor)),
            "cursor",
        ),
        ("cursor=garbage".into(), "cursor"),
        ("cursor=n.0.".into(), "cursor"),
        ("category=not-a-uuid".into(), "category"),
        ("resourceType=42".into(), "resourceType"),
        ("relationTypes=not-a-uuid".into(), "relationTypes"),
        (
            format!("relationTypes={},oops", Uuid::from_u128(RELATION)),
            "relationTypes",
        ),
        (format!("relationTypes={}", enc(&eleven)), "relationTypes"),
        ("createdFrom=yesterday".into(), "createdFrom"),
        ("createdFrom=2026-01-01".into(), "createdFrom"),
        (
            format!("createdBefore={}", enc("2026-13-01T00:00:00Z")),
            "createdBefore",
        ),
        (format!("q={}", enc("le la de")), "q"),
        (format!("q={}", enc("pour les vous !")), "q"),
        (format!("q={}", enc(&"écoute ".repeat(29))), "q"),
        ("colour=blue".into(), "colour"),
        (format!("author={}", enc("x")), "author"),
        (format!("author={}", enc("lea martin!")), "author"),
        ("sort=oldest".into(), "sort"),
    ];
    let mut wrong = Vec::new();
    for (query, parameter) in cases {
        for token in [None, Some(lea.as_str())] {
            let answer = fetch(
                &app,
                TestRequest::get().uri(&format!("/api/v1/resources?{query}")),
                token,
            )
            .await;
            let (status, content_type, problem) =
                (answer.status, answer.content_type(), answer.json());
            let detail = problem["detail"].as_str().unwrap_or_default();
            if status != StatusCode::BAD_REQUEST
                || content_type != "application/problem+json"
                || problem["code"] != "invalid_query"
                || !detail.contains(&format!("`{parameter}`"))
            {
                wrong.push(format!(
                    "?{query} (naming `{parameter}`): {status} {problem}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        world.statistics.searches().is_empty(),
        "a refused query is not a search"
    );

    // At the bounds, and ten relation types, are fine.
    let ten = (1..=10)
        .map(|n| Uuid::from_u128(n).to_string())
        .collect::<Vec<_>>()
        .join(",");
    for query in [
        "?limit=1".to_owned(),
        "?limit=100".to_owned(),
        format!("?relationTypes={}", enc(&ten)),
        format!("?q={}", enc(&format!("{}ecoute", " ".repeat(194)))),
        format!("?createdFrom={}", enc("2026-01-01T00:00:00+01:00")),
        format!("?cursor={}", enc(&newest_cursor)),
    ] {
        catalogue(&app, &query, None).await;
    }
}

#[actix_web::test]
async fn each_caller_sees_only_the_published_resources_of_their_audience() {
    let world = world();
    let fx = &world.fx;
    let app = world.app().await;
    let lea = token(&app, fx, "lea").await;
    let tom = token(&app, fx, "tom").await;
    let zoe = token(&app, fx, "zoe").await;

    let public = draft(&app, &lea, resource("Publique", "public")).await;
    publish(&world.resources, public).await;
    let restricted = draft(&app, &lea, resource("Restreinte", "restricted")).await;
    publish(&world.resources, restricted).await;
    let private = draft(&app, &lea, resource("Privée", "private")).await;
    assert_eq!(submit(&app, &lea, private).await, "published");
    let mut to_tom = resource("Partagée avec Tom", "shared");
    to_tom["sharedWith"] = json!(["tom"]);
    let to_tom = draft(&app, &lea, to_tom).await;
    assert_eq!(submit(&app, &lea, to_tom).await, "published");
    let mut to_zoe = resource("Partagée avec Zoé", "shared");
    to_zoe["sharedWith"] = json!(["zoe"]);
    let to_zoe = draft(&app, &lea, to_zoe).await;
    assert_eq!(submit(&app, &lea, to_zoe).await, "published");
    draft(&app, &lea, resource("Brouillon public", "public")).await;
    draft(&app, &lea, resource("Brouillon restreint", "restricted")).await;
    let pending = draft(&app, &lea, resource("En attente", "public")).await;
    assert_eq!(submit(&app, &lea, pending).await, "pending_review");
    let archived = draft(&app, &lea, resource("Archivée", "public")).await;
    publish(&world.resources, archived).await;
    let (status, _) = call(
        &app,
        TestRequest::post().uri(&format!("/api/v1/resources/{archived}/archive")),
        Some(&lea),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    draft(&app, &tom, resource("Brouillon de Tom", "public")).await;

    assert_eq!(titles(&catalogue(&app, "", None).await), ["Publique"]);
    assert_eq!(
        titles(&catalogue(&app, "", Some(&tom)).await),
        ["Partagée avec Tom", "Restreinte", "Publique"],
        "newest first"
    );
    assert_eq!(
        titles(&catalogue(&app, "", Some(&zoe)).await),
        ["Partagée avec Zoé", "Restreinte", "Publique"]
    );
    assert_eq!(
        titles(&catalogue(&app, "", Some(&lea)).await),
        ["Restreinte", "Publique"],
        "the catalogue lists what one's audience sees; one's own are under /me/resources"
    );
    // The same audience rules under every filter and order.
    for query in [
        "?q=juger",
        "?q=ABORD",
        "?author=lea",
        "?sort=most_viewed",
        "?sort=most_favourited&limit=100",
    ] {
        let seen = titles(&catalogue(&app, query, None).await);
        assert_eq!(seen, ["Publique"], "{query}");
        let seen = titles(&catalogue(&app, query, Some(&tom)).await);
        assert_eq!(
            seen,
            ["Partagée avec Tom", "Restreinte", "Publique"],
            "{query}"
        );
    }

    let page = catalogue(&app, "", Some(&tom)).await;
    let item = &page["items"][2];
    assert_eq!(item["id"], public.to_string());
    assert_eq!(item["author"], "lea");
    assert_eq!(item["visibility"], "public");
    assert_eq!(item["categoryId"], Uuid::from_u128(CATEGORY).to_string());
    assert_eq!(item["resourceTypeId"], Uuid::from_u128(KIND).to_string());
    assert_eq!(
        item["relationTypeIds"],
        json!([Uuid::from_u128(RELATION).to_string()])
    );
    assert!(item.get("body").is_none(), "the catalogue lists no body");
    assert!(page["nextCursor"].is_null(), "one page only");

    assert_eq!(
        call(
            &app,
            TestRequest::get().uri("/api/v1/resources"),
            Some("garbage")
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED,
        "a bad token is not a visitor"
    );
}

#[actix_web::test]
async fn filters_and_pages_narrow_the_list() {
    let world = world();
    let fx = &world.fx;
    let app = world.app().await;
    let lea = token(&app, fx, "lea").await;

    let mut elsewhere = resource("Voisins solidaires", "public");
    elsewhere["categoryId"] = json!(Uuid::from_u128(OTHER_CATEGORY));
    let elsewhere = draft(&app, &lea, elsewhere).await;
    publish(&world.resources, elsewhere).await;
    fx.clock.advance(time::Duration::days(1));
    let tom = token(&app, fx, "tom").await;
    let by_tom = draft(&app, &tom, resource("Écouter son adolescent", "public")).await;
    publish(&world.resources, by_tom).await;

    let everything = titles(&catalogue(&app, "", None).await);
    assert_eq!(everything, ["Écouter son adolescent", "Voisins solidaires"]);
    assert_eq!(
        titles(
            &catalogue(
                &app,
                &format!("?category={}", Uuid::from_u128(OTHER_CATEGORY)),
                None
            )
            .await
        ),
        ["Voisins solidaires"]
    );
    assert_eq!(
        titles(&catalogue(&app, "?author=tom", None).await),
        ["Écouter son adolescent"]
    );
    assert!(
        titles(&catalogue(&app, "?author=personne", None).await).is_empty(),
        "an unknown author matches nothing"
    );
    assert!(
        titles(
            &catalogue(
                &app,
                &format!("?relationTypes={}", Uuid::from_u128(99)),
                None
            )
            .await
        )
        .is_empty()
    );
    let from = enc("2026-11-30T00:00:00Z");
    assert_eq!(
        titles(&catalogue(&app, &format!("?createdFrom={from}"), None).await),
        ["Écouter son adolescent"]
    );
    assert_eq!(
        titles(&catalogue(&app, &format!("?createdBefore={from}"), None).await),
        ["Voisins solidaires"]
    );
    assert_eq!(
        titles(&catalogue(&app, "?q=adolescent%20voisins", None).await),
        Vec::<String>::new(),
        "every word must appear"
    );

    // Keyset pages: one at a time, then the end.
    let first = catalogue(&app, "?limit=1", None).await;
    assert_eq!(titles(&first), ["Écouter son adolescent"]);
    let cursor = enc(first["nextCursor"].as_str().unwrap());
    let second = catalogue(&app, &format!("?limit=1&cursor={cursor}"), None).await;
    assert_eq!(titles(&second), ["Voisins solidaires"]);
    let cursor = enc(second["nextCursor"].as_str().unwrap());
    let last = catalogue(&app, &format!("?limit=1&cursor={cursor}"), None).await;
    assert!(titles(&last).is_empty());
    assert!(last["nextCursor"].is_null());
}

#[actix_web::test]
async fn the_first_page_of_a_search_is_counted_and_nothing_else() {
    let world = world();
    let fx = &world.fx;
    let app = world.app().await;
    let lea = token(&app, fx, "lea").await;
    let tom = token(&app, fx, "tom").await;
    for n in 0..3 {
        let id = draft(&app, &lea, resource(&format!("Ressource {n}"), "public")).await;
        publish(&world.resources, id).await;
    }

    // Plain browsing, in any order and on any page, is not a search.
    let first = catalogue(&app, "?limit=1", None).await;
    let cursor = enc(first["nextCursor"].as_str().unwrap());
    catalogue(&app, &format!("?limit=1&cursor={cursor}"), Some(&tom)).await;
    catalogue(&app, "?sort=most_viewed", Some(&tom)).await;
    catalogue(&app, "?sort=most_favourited&limit=5", None).await;
    // An empty search box is the whole list, not a search.
    let empty = catalogue(&app, "?q=&limit=5", None).await;
    assert_eq!(titles(&empty).len(), 3);
    assert_eq!(titles(&catalogue(&app, "?q=%20%20", None).await).len(), 3);
    assert_eq!(world.statistics.searches(), []);

    // Words and filters on the first page: counted, with the filters and
    // without the words.
    let category = Uuid::from_u128(CATEGORY);
    let first = catalogue(
        &app,
        &format!("?q=juger&category={category}&limit=1"),
        Some(&tom),
    )
    .await;
    assert_eq!(
        world.statistics.searches(),
        [Search {
            searcher: Some(user_id(fx, "tom")),
            at: fx.clock.now_for_tests(),
            category: Some(reference_id(CATEGORY)),
            resource_type: None,
            with_text: true,
        }]
    );

    // The following pages of that search are not counted again.
    let cursor = enc(first["nextCursor"].as_str().unwrap());
    let second = catalogue(
        &app,
        &format!("?q=juger&category={category}&limit=1&cursor={cursor}"),
        Some(&tom),
    )
    .await;
    assert_eq!(titles(&second).len(), 1);
    let cursor = enc(second["nextCursor"].as_str().unwrap());
    catalogue(
        &app,
        &format!("?q=juger&category={category}&limit=1&cursor={cursor}"),
        Some(&tom),
    )
    .await;
    assert_eq!(world.statistics.searches().len(), 1);

    // A filter alone is a search too, a visitor's has no searcher.
    fx.clock.advance(time::Duration::minutes(1));
    catalogue(
        &app,
        &format!("?resourceType={}", Uuid::from_u128(KIND)),
        None,
    )
    .await;
    catalogue(&app, "?author=lea", None).await;
    let searches = world.statistics.searches();
    assert_eq!(searches.len(), 3);
    assert_eq!(
        searches[1],
        Search {
            searcher: None,
            at: fx.clock.now_for_tests(),
            category: None,
            resource_type: Some(reference_id(KIND)),
            with_text: false,
        }
    );
    assert_eq!(
        (searches[2].category, searches[2].with_text),
        (None, false),
        "an author filter is counted, without naming the author"
    );
    assert!(
        world.statistics.consultations().is_empty(),
        "listing is not consulting"
    );
}

#[actix_web::test]
async fn reading_a_published_resource_is_a_consultation_unless_by_its_author() {
    let world = world();
    let fx = &world.fx;
    let app = world.app().await;
    let lea = token(&app, fx, "lea").await;
    let tom = token(&app, fx, "tom").await;
    let published = draft(&app, &lea, resource("Publiée", "public")).await;
    publish(&world.resources, published).await;
    let draft_id = draft(&app, &lea, resource("Brouillon", "public")).await;
    let pending = draft(&app, &lea, resource("En attente", "public")).await;
    submit(&app, &lea, pending).await;
    let get = |id: Uuid| TestRequest::get().uri(&format!("/api/v1/resources/{id}"));

    // The author reads their own, published or not: never counted.
    for id in [published, draft_id, pending] {
        assert_eq!(call(&app, get(id), Some(&lea)).await.0, StatusCode::OK);
    }
    // Others cannot read what is not published: nothing counted either.
    for id in [draft_id, pending] {
        assert_eq!(
            call(&app, get(id), Some(&tom)).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(call(&app, get(id), None).await.0, StatusCode::NOT_FOUND);
    }
    assert!(world.statistics.consultations().is_empty());

    assert_eq!(
        call(&app, get(published), Some(&tom)).await.0,
        StatusCode::OK
    );
    fx.clock.advance(time::Duration::minutes(5));
    assert_eq!(call(&app, get(published), None).await.0, StatusCode::OK);

    let consultations = world.statistics.consultations();
    assert_eq!(consultations.len(), 2, "{consultations:?}");
    assert_eq!(consultations[0].resource, ResourceId::from_uuid(published));
    assert_eq!(consultations[0].viewer, Some(user_id(fx, "tom")));
    assert_eq!(consultations[1].resource, ResourceId::from_uuid(published));
    assert_eq!(
        consultations[1].viewer, None,
        "a visitor is counted anonymously"
    );
    assert_eq!(consultations[1].at, fx.clock.now_for_tests());

    // A private resource read by its author, a shared one by its reader.
    let mut shared = resource("Partagée", "shared");
    shared["sharedWith"] = json!(["tom"]);
    let shared = draft(&app, &lea, shared).await;
    submit(&app, &lea, shared).await;
    assert_eq!(call(&app, get(shared), Some(&lea)).await.0, StatusCode::OK);
    assert_eq!(call(&app, get(shared), Some(&tom)).await.0, StatusCode::OK);
    let consultations = world.statistics.consultations();
    assert_eq!(consultations.len(), 3);
    assert_eq!(
        (consultations[2].resource, consultations[2].viewer),
        (ResourceId::from_uuid(shared), Some(user_id(fx, "tom")))
    );
    assert!(world.statistics.searches().is_empty());
}
