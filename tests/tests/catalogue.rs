//! The catalogue over real HTTP on every engine: French full-text search,
//! audiences, keyset pages while others publish, popularity from counted
//! consultations (objectors and authors left out), and filters.
//!
//! Public and restricted resources need a moderator's approval, which has no
//! route yet: these tests publish them by updating the row, naming it by a
//! hexadecimal blob literal (`X'…'`), which both engines compare with their
//! binary ids.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rr_acceptance_tests::{TestApp, on_every_engine};
use rr_persistence::testing::{dump_database, execute};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const FAMILY: &str = "01a22499-f800-7107-8000-000000000000";
const HEALTH: &str = "01a22499-f800-7101-8000-000000000000";
const ARTICLE: &str = "01a22499-f800-7302-8000-000000000000";
const ACTIVITY: &str = "01a22499-f800-7301-8000-000000000000";
const SELF: &str = "01a22499-f800-7201-8000-000000000000";
const FAMILY_TIES: &str = "01a22499-f800-7203-8000-000000000000";
const OTHER_TIES: &str = "01a22499-f800-7205-8000-000000000000";

fn resource(title: &str, visibility: &str) -> Value {
    json!({
        "title": title, "summary": "Quelques pistes pour renouer le dialogue.",
        "body": "Parler sans juger, accueillir ses émotions.",
        "categoryId": FAMILY, "resourceTypeId": ARTICLE,
        "relationTypeIds": [FAMILY_TIES], "visibility": visibility
    })
}

/// Creates a draft; returns its JSON.
async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app
        .post("/api/v1/resources", body, Some(token))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().unwrap().to_owned()
}

/// Publishes a resource as a moderator's approval would.
async fn publish(app: &TestApp, id: &str) {
    let hex = uuid::Uuid::parse_str(id).unwrap().simple().to_string();
    let changed = execute(
        app.database_url(),
        &format!(
            "UPDATE resources SET state = 'published', published_at = updated_at WHERE id = X'{hex}'"
        ),
    )
    .await
    .unwrap();
    assert_eq!(changed, 1, "resource {id} published");
}

/// Creates and publishes a resource; returns its id.
async fn published_body(app: &TestApp, token: &str, body: &Value) -> String {
    let created = create(app, token, body).await;
    let id = id_of(&created);
    if matches!(body["visibility"].as_str(), Some("private" | "shared")) {
        let submitted: Value = app
            .post(
                &format!("/api/v1/resources/{id}/submit"),
                &json!({}),
                Some(token),
            )
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(submitted["state"], "published");
    } else {
        publish(app, &id).await;
    }
    id
}

/// A page of the catalogue, which must answer 200.
async fn list(app: &TestApp, query: &[(&str, &str)], token: Option<&str>) -> Value {
    let mut request = app
        .client
        .get(format!("{}/api/v1/resources", app.address))
        .query(query);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let page: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{query:?}: {page}");
    page
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn search(app: &TestApp, q: &str, token: Option<&str>) -> Vec<String> {
    titles(&list(app, &[("q", q)], token).await)
}

async fn french_search_ignores_accents_and_case_and_needs_every_word(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    published(&app, &lea, "Écouter son adolescent", "public", |r| {
        r["summary"] = json!("Quelques pistes pour renouer le dialogue.");
        r["body"] = json!("D'abord l’écoute : parler sans juger, accueillir ses émotions.");
    })
    .await;
    published(&app, &lea, "Le dialogue entre voisins", "public", |r| {
        r["summary"] = json!("Entraide et solidarité au quotidien.");
        r["body"] = json!("Organiser une fête de QUARTIER.");
    })
    .await;
    published(&app, &lea, "Écouter en famille", "restricted", |r| {
        r["summary"] = json!("Un moment à soi, ensemble.");
        r["body"] = json!("Des repas sans écrans.");
    })
    .await;

    for q in [
        "ecouter",
        "ÉCOUTER",
        "Écouter",
        "écOUTer",
        "adolescent",
        "ADOLESCENT",
    ] {
        assert_eq!(
            search(&app, q, None).await,
            ["Écouter son adolescent"],
            "{q}"
        );
    }
    for q in [
        "emotions",
        "ÉMOTIONS",
        "juger",
        "renouer",
        "abord",
        "ecoute",
    ] {
        assert_eq!(
            search(&app, q, None).await,
            ["Écouter son adolescent"],
            "a word of the body or summary: {q}"
        );
    }
    for q in ["solidarite", "quartier", "fete", "Fête"] {
        assert_eq!(
            search(&app, q, None).await,
            ["Le dialogue entre voisins"],
            "{q}"
        );
    }
    assert_eq!(
        search(&app, "dialogue", None).await,
        ["Le dialogue entre voisins", "Écouter son adolescent"],
        "title or summary, newest first"
    );
    assert_eq!(
        search(&app, "dialogue voisins", None).await,
        ["Le dialogue entre voisins"],
        "every word is required"
    );
    assert!(search(&app, "écouter voisins", None).await.is_empty());
    assert!(search(&app, "introuvable", None).await.is_empty());
    assert_eq!(
        search(&app, "l'écouter, et le dialogue !", None).await,
        ["Écouter son adolescent"],
        "short words and punctuation are not searched for"
    );
    assert_eq!(
        search(&app, "+ecouter \"famille*\"", Some(&tom)).await,
        ["Écouter en famille"],
        "operators of the engines are only separators"
    );
    assert_eq!(
        search(&app, "ecouter -adolescent", Some(&tom)).await,
        ["Écouter son adolescent"],
        "a minus excludes nothing: the word is required like any other"
    );
    assert_eq!(
        search(&app, "ecouter", Some(&tom)).await,
        ["Écouter en famille", "Écouter son adolescent"],
        "a member's search covers restricted resources"
    );

    // An edit is searchable at once.
    let edited = published(&app, &lea, "Cuisiner ensemble", "public", |_| {}).await;
    let response = app
        .client
        .patch(format!("{}/api/v1/resources/{edited}", app.address))
        .bearer_auth(&lea)
        .json(&json!({"title": "Pâtisserie en famille"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    publish(&app, &edited).await;
    assert_eq!(
        search(&app, "patisserie", None).await,
        ["Pâtisserie en famille"]
    );
    assert!(search(&app, "cuisiner", None).await.is_empty());
}

/// Creates and publishes a resource from [`resource`], changed by `change`.
async fn published(
    app: &TestApp,
    token: &str,
    title: &str,
    visibility: &str,
    change: impl FnOnce(&mut Value),
) -> String {
    let mut body = resource(title, visibility);
    change(&mut body);
    published_body(app, token, &body).await
}

async fn a_resource_never_reaches_someone_who_may_not_see_it(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let zoe = app.citizen("zoe").await.unwrap();
    let public = published(&app, &lea, "Jardinage public", "public", |_| {}).await;
    let restricted = published(&app, &lea, "Jardinage restreint", "restricted", |_| {}).await;
    published(&app, &lea, "Jardinage privé", "private", |_| {}).await;
    let to_tom = published(&app, &lea, "Jardinage pour Tom", "shared", |r| {
        r["sharedWith"] = json!(["tom"]);
    })
    .await;
    let to_zoe = published(&app, &lea, "Jardinage pour Zoé", "shared", |r| {
        r["sharedWith"] = json!(["zoe"]);
    })
    .await;
    create(&app, &lea, &resource("Jardinage brouillon", "public")).await;
    create(
        &app,
        &tom,
        &resource("Jardinage brouillon de Tom", "restricted"),
    )
    .await;
    let pending = id_of(&create(&app, &lea, &resource("Jardinage en attente", "public")).await);
    app.post(
        &format!("/api/v1/resources/{pending}/submit"),
        &json!({}),
        Some(&lea),
    )
    .await
    .unwrap();
    let archived = published(&app, &lea, "Jardinage archivé", "public", |_| {}).await;
    let response = app
        .post(
            &format!("/api/v1/resources/{archived}/archive"),
            &json!({}),
            Some(&lea),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deleted = published(&app, &lea, "Jardinage supprimé", "restricted", |_| {}).await;
    let response = app
        .client
        .delete(format!("{}/api/v1/resources/{deleted}", app.address))
        .bearer_auth(&lea)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);

    let audiences: [(&str, Option<&str>, Vec<&String>); 4] = [
        ("a visitor", None, vec![&public]),
        ("tom", Some(&tom), vec![&to_tom, &restricted, &public]),
        ("zoe", Some(&zoe), vec![&to_zoe, &restricted, &public]),
        ("lea, their author", Some(&lea), vec![&restricted, &public]),
    ];
    let queries: [&[(&str, &str)]; 7] = [
        &[],
        &[("q", "jardinage")],
        &[("sort", "most_viewed")],
        &[("sort", "most_favourited"), ("limit", "100")],
        &[("author", "lea")],
        &[("category", FAMILY), ("resourceType", ARTICLE)],
        &[("relationTypes", FAMILY_TIES), ("q", "JARDINAGE")],
    ];
    for (who, token, expected) in &audiences {
        for query in queries {
            let seen = ids(&list(&app, query, *token).await);
            let expected: Vec<String> = expected.iter().map(|id| (*id).clone()).collect();
            assert_eq!(seen, expected, "{who}, {query:?}");
        }
        // And one at a time, through the merge of audience segments.
        let mut walked = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", "1")];
            if let Some(c) = &cursor {
                query.push(("cursor", c));
            }
            let page = list(&app, &query, *token).await;
            walked.extend(ids(&page));
            match page["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let expected: Vec<String> = expected.iter().map(|id| (*id).clone()).collect();
        assert_eq!(walked, expected, "{who}, one by one");
    }
}

/// Walks every page of `query` with `limit=2`, calling `between` after each
/// page; returns the ids in order.
async fn walk(
    app: &TestApp,
    query: &[(&str, &str)],
    token: Option<&str>,
    mut between: impl AsyncFnMut(),
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut q: Vec<(&str, &str)> = query.to_vec();
        q.push(("limit", "2"));
        if let Some(c) = &cursor {
            q.push(("cursor", c));
        }
        let page = list(app, &q, token).await;
        let items = ids(&page);
        assert!(items.len() <= 2);
        seen.extend(items);
        between().await;
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return seen,
        }
    }
    panic!("the pages never end: {seen:?}");
}

async fn pages_never_repeat_or_skip_while_others_are_published(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    // Newest first: the order of creation, reversed.
    let mut existing = Vec::new();
    for n in 0..7 {
        let visibility = ["public", "restricted", "shared"][n % 3];
        let id = published(
            &app,
            &lea,
            &format!("Balade numéro {n}"),
            visibility,
            |r| {
                if visibility == "shared" {
                    r["sharedWith"] = json!(["tom"]);
                }
            },
        )
        .await;
        existing.push(id);
    }
    existing.reverse();
    let public: Vec<String> = existing
        .iter()
        .enumerate()
        .filter(|(i, _)| (6 - i) % 3 == 0)
        .map(|(_, id)| id.clone())
        .collect();

    let mut n = 0;
    let queries: [&[(&str, &str)]; 4] = [
        &[],
        &[("sort", "most_viewed")],
        &[("sort", "most_favourited")],
        &[("q", "balade")],
    ];
    for query in queries {
        for (token, expected) in [(Some(tom.as_str()), &existing), (None, &public)] {
            let mut all: Vec<(&str, &str)> = query.to_vec();
            all.push(("limit", "100"));
            let at_start = ids(&list(&app, &all, token).await);
            assert!(at_start.len() < 100);
            let original: Vec<String> = at_start
                .iter()
                .filter(|id| existing.contains(id))
                .cloned()
                .collect();
            assert_eq!(&original, expected, "{query:?}, {token:?}: the audience");

            // Others publish, in every audience segment, while the pages are
            // walked (during the first three only, so that this ends).
            let mut pages = 0;
            let seen = walk(&app, query, token, async || {
                pages += 1;
                if pages > 3 {
                    return;
                }
                n += 1;
                for visibility in ["public", "restricted", "shared"] {
                    published(
                        &app,
                        &lea,
                        &format!("Balade ajoutée {n}"),
                        visibility,
                        |r| {
                            if visibility == "shared" {
                                r["sharedWith"] = json!(["tom"]);
                            }
                        },
                    )
                    .await;
                }
            })
            .await;
            let unique: HashSet<&String> = seen.iter().collect();
            assert_eq!(unique.len(), seen.len(), "{query:?}: repeated in {seen:?}");
            assert_eq!(
                seen, at_start,
                "{query:?}, {token:?}: every page as it was at the start"
            );
        }
    }
}

/// Polls `check` every 100 ms for up to 15 s.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what}: not within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn view_counts(app: &TestApp) -> Vec<(String, u64)> {
    list(app, &[("sort", "most_viewed")], None).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["title"].as_str().unwrap().to_owned(),
                item["viewCount"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn rows_of(dump: &str, table: &str) -> usize {
    dump.lines()
        .filter(|line| line.starts_with(&format!("{table}: ")))
        .count()
}

async fn the_most_viewed_are_counted_without_authors_or_objectors(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let zoe = app.citizen("zoe").await.unwrap();
    let changed = execute(
        app.database_url(),
        "UPDATE users SET statistics_objection = 1 WHERE username = 'zoe'",
    )
    .await
    .unwrap();
    assert_eq!(changed, 1);
    let first = published(&app, &lea, "Premier", "public", |_| {}).await;
    let second = published(&app, &lea, "Deuxième", "public", |_| {}).await;
    let third = published(&app, &lea, "Troisième", "public", |_| {}).await;
    let read = |id: &str| format!("/api/v1/resources/{id}");

    // Searches, counted without their words; the objector's left out.
    list(&app, &[("q", "zygomatique")], Some(&tom)).await;
    list(&app, &[("q", "zygomatique")], Some(&zoe)).await;
    list(&app, &[("category", FAMILY)], None).await;
    // Reads by the objector and by the author first: once the later
    // readings show, these were written (or left out) too.
    for _ in 0..4 {
        assert_eq!(
            app.get_with(&read(&third), &zoe).await.unwrap().status(),
            200
        );
    }
    for _ in 0..5 {
        assert_eq!(
            app.get_with(&read(&third), &lea).await.unwrap().status(),
            200
        );
    }
    for _ in 0..3 {
        assert_eq!(
            app.get_with(&read(&second), &tom).await.unwrap().status(),
            200
        );
    }
    assert_eq!(
        app.get_with(&read(&first), &tom).await.unwrap().status(),
        200
    );
    assert_eq!(app.get(&read(&first)).await.unwrap().status(), 200);

    eventually("the consultations are counted", async || {
        view_counts(&app).await
            == [
                ("Deuxième".to_owned(), 3),
                ("Premier".to_owned(), 2),
                ("Troisième".to_owned(), 0),
            ]
    })
    .await;

    let dump = dump_database(app.database_url()).await.unwrap();
    assert_eq!(rows_of(&dump, "consultation_events"), 5);
    assert_eq!(rows_of(&dump, "search_events"), 2);
    assert!(!dump.contains("zygomatique"), "no search text is kept");

    // Pages of the most viewed carry the counts in their cursors.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("sort", "most_viewed"), ("limit", "1")];
        if let Some(c) = &cursor {
            query.push(("cursor", c));
        }
        let page = list(&app, &query, Some(&tom)).await;
        walked.extend(ids(&page));
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(walked, [second, first, third]);
    let newest = list(&app, &[], None).await;
    assert_eq!(titles(&newest), ["Troisième", "Deuxième", "Premier"]);
}

/// Query string parameters.
type Query<'a> = Vec<(&'a str, &'a str)>;

async fn filters_narrow_the_catalogue(app: TestApp) {
    let lea = app.citizen("lea").await.unwrap();
    let tom = app.citizen("tom").await.unwrap();
    let a = create(&app, &lea, &resource("Alpha", "public")).await;
    publish(&app, &id_of(&a)).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut b = resource("Bravo", "public");
    b["categoryId"] = json!(HEALTH);
    b["resourceTypeId"] = json!(ACTIVITY);
    b["relationTypeIds"] = json!([SELF]);
    let b = create(&app, &tom, &b).await;
    publish(&app, &id_of(&b)).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut c = resource("Charlie", "restricted");
    c["resourceTypeId"] = json!(ACTIVITY);
    c["relationTypeIds"] = json!([SELF, OTHER_TIES]);
    let c = create(&app, &tom, &c).await;
    publish(&app, &id_of(&c)).await;

    // Bravo's creation time as stored (the catalogue reads it back).
    let listed = list(&app, &[("author", "tom")], None).await;
    assert_eq!(listed["items"][0]["id"], b["id"]);
    let b_created =
        OffsetDateTime::parse(listed["items"][0]["createdAt"].as_str().unwrap(), &Rfc3339).unwrap();
    let in_paris = b_created
        .to_offset(time::UtcOffset::from_hms(1, 0, 0).unwrap())
        .format(&Rfc3339)
        .unwrap();
    let utc = b_created.format(&Rfc3339).unwrap();
    let relations = format!("{SELF},{OTHER_TIES}");
    let other_relations = format!("{FAMILY_TIES}, {OTHER_TIES}");
    let cases: Vec<(Query, Vec<&str>)> = vec![
        (vec![], vec!["Charlie", "Bravo", "Alpha"]),
        (vec![("category", FAMILY)], vec!["Charlie", "Alpha"]),
        (vec![("category", HEALTH)], vec!["Bravo"]),
        (vec![("resourceType", ACTIVITY)], vec!["Charlie", "Bravo"]),
        (
            vec![("category", FAMILY), ("resourceType", ACTIVITY)],
            vec!["Charlie"],
        ),
        (vec![("relationTypes", SELF)], vec!["Charlie", "Bravo"]),
        (vec![("relationTypes", OTHER_TIES)], vec!["Charlie"]),
        (
            vec![("relationTypes", &relations)],
            vec!["Charlie", "Bravo"],
        ),
        (
            vec![("relationTypes", &other_relations)],
            vec!["Charlie", "Alpha"],
        ),
        (vec![("author", "tom")], vec!["Charlie", "Bravo"]),
        (vec![("author", "lea")], vec!["Alpha"]),
        (vec![("author", "personne")], vec![]),
        (vec![("createdFrom", &utc)], vec!["Charlie", "Bravo"]),
        (vec![("createdFrom", &in_paris)], vec!["Charlie", "Bravo"]),
        (vec![("createdBefore", &utc)], vec!["Alpha"]),
        (vec![("createdBefore", &in_paris)], vec!["Alpha"]),
        (vec![("createdFrom", &utc), ("createdBefore", &utc)], vec![]),
        (
            vec![("createdFrom", "2000-01-01T00:00:00Z"), ("author", "tom")],
            vec!["Charlie", "Bravo"],
        ),
        (vec![("createdFrom", "2999-01-01T00:00:00Z")], vec![]),
        (
            vec![("author", "tom"), ("category", FAMILY), ("q", "pistes")],
            vec!["Charlie"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            titles(&list(&app, &query, Some(&lea)).await),
            expected,
            "{query:?}"
        );
    }
    assert_eq!(
        titles(&list(&app, &[("resourceType", ACTIVITY)], None).await),
        ["Bravo"],
        "a visitor's filters keep to public resources"
    );
    let page = list(&app, &[("author", "tom")], Some(&lea)).await;
    let charlie = &page["items"][0];
    assert_eq!(charlie["author"], "tom");
    assert_eq!(charlie["relationTypeIds"], json!([SELF, OTHER_TIES]));
    assert_eq!(charlie["viewCount"], 0);
    assert_eq!(charlie["favouriteCount"], 0);
    assert!(charlie["publishedAt"].is_string());

    let response = app
        .client
        .get(format!("{}/api/v1/resources", app.address))
        .query(&[("createdFrom", "hier")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_query");
}

on_every_engine!(
    french_search_ignores_accents_and_case_and_needs_every_word,
    a_resource_never_reaches_someone_who_may_not_see_it,
    pages_never_repeat_or_skip_while_others_are_published,
    the_most_viewed_are_counted_without_authors_or_objectors,
    filters_narrow_the_catalogue,
);
