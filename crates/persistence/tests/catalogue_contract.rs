//! Contract of `ResourceCatalogue` and of the statistics counters on the real
//! migrations, on every engine: audiences, filters, orders, keyset pages and
//! French full-text search (MariaDB FULLTEXT, SQLite FTS5).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use std::collections::HashSet;

use rr_application::ports::{
    CatalogueAudience, CatalogueCursor, CatalogueQuery, CatalogueSort, Consultation,
    ResourceRecord, Search, StatisticsRecorder,
};
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, SearchText, Summary, Title, Visibility};
use rr_persistence::Database;
use rr_persistence::testing::{TestDatabase, execute};
use support::identity::{later, now, stored_user};

fn seeded(kind: u8, position: u8) -> ReferenceId {
    ReferenceId::from_uuid(
        uuid::Uuid::parse_str(&format!(
            "01a22499-f800-7{kind}{position:02x}-8000-000000000000"
        ))
        .unwrap(),
    )
}

fn category(position: u8) -> ReferenceId {
    seeded(1, position)
}

fn relation_type(position: u8) -> ReferenceId {
    seeded(2, position)
}

fn resource_type(position: u8) -> ReferenceId {
    seeded(3, position)
}

/// A published public resource by `author` with these words.
fn resource(author: UserId, title: &str, body: &str) -> ResourceRecord {
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse(title).unwrap(),
        summary: Summary::parse("Quelques pistes pour tous.").unwrap(),
        body: Body::parse(body).unwrap(),
        category: category(1),
        resource_type: resource_type(1),
        relation_types: vec![relation_type(2), relation_type(1)],
        external_link: None,
        visibility: Visibility::Public,
        state: Lifecycle::Published,
        shared_with: Vec::new(),
        created_at: now(),
        updated_at: now(),
        published_at: Some(now()),
        deleted_at: None,
        version: 0,
    }
}

fn query(audience: CatalogueAudience) -> CatalogueQuery {
    CatalogueQuery {
        audience,
        category: None,
        resource_type: None,
        relation_types: Vec::new(),
        author: None,
        created_from: None,
        created_before: None,
        text: None,
        sort: CatalogueSort::Newest,
        after: None,
        limit: 100,
    }
}

fn text(words: &str) -> Option<SearchText> {
    Some(SearchText::parse(words).unwrap())
}

/// The ids the catalogue answers, the same whichever plan a search takes
/// (SQLite: full-text index first, or row by row for common words).
async fn ids(db: &Database, query: &CatalogueQuery) -> Vec<ResourceId> {
    let mut answers = Vec::new();
    for common_matches in [0, i64::MAX - 1] {
        let ids: Vec<ResourceId> = db
            .catalogue_with_common_matches(common_matches)
            .search(query)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        answers.push(ids);
    }
    assert_eq!(answers[0], answers[1], "both plans answer alike");
    answers.pop().unwrap()
}

fn newest_first(mut ids: Vec<ResourceId>) -> Vec<ResourceId> {
    ids.sort_by(|a, b| b.cmp(a));
    ids
}

async fn insert(db: &Database, record: &ResourceRecord) -> ResourceId {
    db.resources().insert(record).await.unwrap();
    record.id
}

fn id_literal(id: uuid::Uuid) -> String {
    format!("X'{}'", id.simple())
}

async fn each_audience_sees_its_published_resources_only(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let max = stored_user(&db, 2).await.id;
    let zoe = stored_user(&db, 3).await.id;
    let with = |visibility, state: Lifecycle, shared: Vec<UserId>| {
        let mut r = resource(lea, "Parler à son ado", "Écouter d'abord.");
        r.visibility = visibility;
        r.state = state;
        r.shared_with = shared;
        r
    };
    let public = insert(&db, &with(Visibility::Public, Lifecycle::Published, vec![])).await;
    let restricted = insert(
        &db,
        &with(Visibility::Restricted, Lifecycle::Published, vec![]),
    )
    .await;
    let shared_with_max = insert(
        &db,
        &with(Visibility::Shared, Lifecycle::Published, vec![max]),
    )
    .await;
    // Never listed: not published, private, or shared with someone else.
    insert(
        &db,
        &with(Visibility::Private, Lifecycle::Published, vec![]),
    )
    .await;
    insert(
        &db,
        &with(Visibility::Shared, Lifecycle::Published, vec![zoe]),
    )
    .await;
    for state in [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Rejected { reason: "x".into() },
        Lifecycle::Suspended { reason: "x".into() },
        Lifecycle::Archived,
        Lifecycle::Deleted,
    ] {
        insert(&db, &with(Visibility::Public, state, vec![])).await;
    }

    assert_eq!(ids(&db, &query(CatalogueAudience::Visitor)).await, [public]);
    assert_eq!(
        ids(&db, &query(CatalogueAudience::Member(max))).await,
        newest_first(vec![public, restricted, shared_with_max])
    );
    assert_eq!(
        ids(&db, &query(CatalogueAudience::Member(lea))).await,
        newest_first(vec![public, restricted]),
        "an author's own shared resource is in their own list, not the catalogue"
    );
    // The same rules hold for a search, which takes another path.
    let mut search = query(CatalogueAudience::Member(max));
    search.text = text("ecouter");
    assert_eq!(
        ids(&db, &search).await,
        newest_first(vec![public, restricted, shared_with_max])
    );
    search.audience = CatalogueAudience::Visitor;
    assert_eq!(ids(&db, &search).await, [public]);
}

async fn search_ignores_case_and_accents_and_needs_every_word(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let teen = insert(
        &db,
        &resource(lea, "Écouter son adolescent", "Des pistes pour la fratrie."),
    )
    .await;
    let elders = insert(
        &db,
        &resource(
            lea,
            "Rendre visite aux aînés",
            "Une ÉCOUTE attentive du quartier.",
        ),
    )
    .await;
    let visitor = |words| {
        let mut q = query(CatalogueAudience::Visitor);
        q.text = text(words);
        q
    };
    for words in ["ecouter", "ÉCOUTER", "Ecouter", "écouter"] {
        assert_eq!(ids(&db, &visitor(words)).await, [teen], "{words}");
    }
    assert_eq!(ids(&db, &visitor("ecoute")).await, [elders], "whole words");
    assert_eq!(ids(&db, &visitor("aines quartier")).await, [elders]);
    assert_eq!(
        ids(&db, &visitor("FRATRIE")).await,
        [teen],
        "the body counts"
    );
    assert_eq!(
        ids(&db, &visitor("pistes")).await,
        newest_first(vec![teen, elders]),
        "and the summary"
    );
    assert!(ids(&db, &visitor("adolescent quartier")).await.is_empty());
    assert!(ids(&db, &visitor("inconnu")).await.is_empty());
}

async fn the_search_index_follows_edits_and_removals(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let mut record = resource(lea, "Jardiner ensemble", "Un potager partagé.");
    insert(&db, &record).await;
    let find = |words| {
        let mut q = query(CatalogueAudience::Visitor);
        q.text = text(words);
        q
    };
    assert_eq!(ids(&db, &find("potager")).await, [record.id]);

    record.body = Body::parse("Un verger partagé.").unwrap();
    assert!(db.resources().update(&record).await.unwrap());
    assert!(ids(&db, &find("potager")).await.is_empty());
    assert_eq!(ids(&db, &find("verger")).await, [record.id]);

    let removed = execute(
        test_db.url(),
        &format!(
            "DELETE FROM resources WHERE id = {}",
            id_literal(record.id.as_uuid())
        ),
    )
    .await
    .unwrap();
    assert_eq!(removed, 1);
    assert!(ids(&db, &find("verger")).await.is_empty());
}

async fn filters_narrow_the_list(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let max = stored_user(&db, 2).await.id;
    let plain = insert(&db, &resource(lea, "Premier pas", "Texte.")).await;
    let mut other = resource(max, "Second pas", "Texte.");
    other.category = category(7);
    other.resource_type = resource_type(3);
    other.relation_types = vec![relation_type(5)];
    other.created_at = later(86_400);
    let other = insert(&db, &other).await;
    let all = || query(CatalogueAudience::Visitor);

    let mut q = all();
    q.category = Some(category(7));
    assert_eq!(ids(&db, &q).await, [other]);
    let mut q = all();
    q.resource_type = Some(resource_type(1));
    assert_eq!(ids(&db, &q).await, [plain]);
    let mut q = all();
    q.relation_types = vec![relation_type(4), relation_type(5)];
    assert_eq!(ids(&db, &q).await, [other], "any of the relation types");
    q.relation_types = vec![relation_type(1), relation_type(5)];
    assert_eq!(ids(&db, &q).await, newest_first(vec![plain, other]));
    let mut q = all();
    q.author = Some(lea);
    assert_eq!(ids(&db, &q).await, [plain]);
    let mut q = all();
    q.created_from = Some(later(1));
    assert_eq!(ids(&db, &q).await, [other]);
    q.created_from = None;
    q.created_before = Some(later(1));
    assert_eq!(ids(&db, &q).await, [plain]);
    q.created_from = Some(now());
    q.created_before = Some(now());
    assert!(ids(&db, &q).await.is_empty(), "the end is excluded");
}

async fn entries_carry_what_a_list_shows(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await;
    let record = resource(lea.id, "Parler à son ado", "Corps du texte.");
    insert(&db, &record).await;
    let entries = db
        .catalogue()
        .search(&query(CatalogueAudience::Visitor))
        .await
        .unwrap();
    let entry = &entries[0];
    assert_eq!(entry.id, record.id);
    assert_eq!(entry.author, lea.username);
    assert_eq!(entry.title, record.title);
    assert_eq!(entry.summary, record.summary);
    assert_eq!(entry.category, record.category);
    assert_eq!(entry.resource_type, record.resource_type);
    assert_eq!(
        entry.relation_types, record.relation_types,
        "in their order"
    );
    assert_eq!(entry.visibility, Visibility::Public);
    assert_eq!(entry.created_at, record.created_at);
    assert_eq!(entry.published_at, record.published_at);
    assert_eq!((entry.view_count, entry.favourite_count), (0, 0));
}

/// Walks every page of `query`, `limit` at a time, calling `between` after
/// each page, with a catalogue that takes words matching more than
/// `common_matches` resources for common ones.
async fn walk_with(
    db: &Database,
    common_matches: i64,
    mut query: CatalogueQuery,
    limit: u64,
    mut between: impl AsyncFnMut(),
) -> Vec<ResourceId> {
    query.limit = limit;
    let catalogue = db.catalogue_with_common_matches(common_matches);
    let mut seen = Vec::new();
    loop {
        let page = catalogue.search(&query).await.unwrap();
        let Some(last) = page.last() else { break };
        query.after = Some(last.cursor(query.sort));
        let full = page.len() as u64 == limit;
        seen.extend(page.iter().map(|e| e.id));
        between().await;
        if !full {
            break;
        }
    }
    seen
}

async fn walk(
    db: &Database,
    query: CatalogueQuery,
    limit: u64,
    between: impl AsyncFnMut(),
) -> Vec<ResourceId> {
    walk_with(db, i64::MAX - 1, query, limit, between).await
}

async fn pages_never_repeat_or_skip_while_resources_arrive(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let max = stored_user(&db, 2).await.id;
    let mut existing = Vec::new();
    for n in 0..9 {
        let mut r = resource(lea, &format!("Ressource {n}"), "Texte commun.");
        if n % 3 == 1 {
            r.visibility = Visibility::Restricted;
        }
        if n % 3 == 2 {
            r.visibility = Visibility::Shared;
            r.shared_with = vec![max];
        }
        existing.push(insert(&db, &r).await);
    }
    for (with_text, common_matches) in [(false, 0), (true, 0), (true, i64::MAX - 1)] {
        let mut q = query(CatalogueAudience::Member(max));
        if with_text {
            q.text = text("commun");
        }
        // Everything listed at the start (the first pass adds to the second's).
        let at_start = ids(&db, &q).await;
        assert!(existing.iter().all(|id| at_start.contains(id)));
        let arriving = db.clone();
        let seen = walk_with(&db, common_matches, q, 2, async || {
            let r = resource(lea, "Nouvelle ressource", "Texte commun.");
            arriving.resources().insert(&r).await.unwrap();
        })
        .await;
        assert_eq!(seen, at_start, "text: {with_text}, plan {common_matches}");
    }
}

async fn counters_order_the_list_with_stable_pages(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let mut records = Vec::new();
    for n in 0..7_u64 {
        let r = resource(lea, &format!("Ressource {n}"), "Texte.");
        insert(&db, &r).await;
        // Views 0, 1, 2, 0, 1, 2, 0: ties broken by the id.
        let views = n % 3;
        execute(
            test_db.url(),
            &format!(
                "UPDATE resources SET view_count = {views}, favourite_count = {} WHERE id = {}",
                6 - n,
                id_literal(r.id.as_uuid())
            ),
        )
        .await
        .unwrap();
        records.push((r.id, views, 6 - n));
    }
    let mut by_views = records.clone();
    by_views.sort_by_key(|r| std::cmp::Reverse((r.1, r.0)));
    let mut q = query(CatalogueAudience::Visitor);
    q.sort = CatalogueSort::MostViewed;
    let seen = walk(&db, q.clone(), 3, async || {}).await;
    assert_eq!(seen, by_views.iter().map(|r| r.0).collect::<Vec<_>>());

    let mut by_favourites = records.clone();
    by_favourites.sort_by_key(|r| std::cmp::Reverse((r.2, r.0)));
    q.sort = CatalogueSort::MostFavourited;
    let seen = walk(&db, q.clone(), 2, async || {}).await;
    assert_eq!(seen, by_favourites.iter().map(|r| r.0).collect::<Vec<_>>());

    // A cursor in the middle of a tie.
    q.sort = CatalogueSort::MostViewed;
    q.after = Some(CatalogueCursor {
        count: by_views[1].1,
        id: by_views[1].0,
    });
    assert_eq!(
        ids(&db, &q).await,
        by_views[2..].iter().map(|r| r.0).collect::<Vec<_>>()
    );
}

async fn statistics_are_written_in_batches_without_objectors(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let counted = stored_user(&db, 2).await.id;
    let objector = stored_user(&db, 3).await.id;
    execute(
        test_db.url(),
        &format!(
            "UPDATE users SET statistics_objection = TRUE WHERE id = {}",
            id_literal(objector.as_uuid())
        ),
    )
    .await
    .unwrap();
    let first = insert(&db, &resource(lea, "Premier", "Texte.")).await;
    let second = insert(&db, &resource(lea, "Second", "Texte.")).await;
    let statistics = db.statistics(1_000);
    for (resource, viewer) in [
        (first, None),
        (first, Some(counted)),
        (first, Some(objector)),
        (second, Some(counted)),
        (ResourceId::generate(), None),
    ] {
        statistics.consulted(Consultation {
            resource,
            viewer,
            at: now(),
        });
    }
    for searcher in [None, Some(counted), Some(objector)] {
        statistics.searched(Search {
            searcher,
            at: now(),
            category: Some(category(1)),
            resource_type: None,
            with_text: true,
        });
    }

    let report = statistics.flush().await.unwrap();
    assert_eq!(
        (report.consultations, report.searches, report.left_out),
        (3, 2, 3)
    );
    let views = |id| {
        let db = db.clone();
        async move {
            db.catalogue()
                .search(&query(CatalogueAudience::Visitor))
                .await
                .unwrap()
                .into_iter()
                .find(|e| e.id == id)
                .unwrap()
                .view_count
        }
    };
    assert_eq!((views(first).await, views(second).await), (2, 1));
    let rows = |sql: &'static str| {
        let url = test_db.url().to_owned();
        async move {
            let conn = sea_orm::Database::connect(&url).await.unwrap();
            use sea_orm::ConnectionTrait;
            let row = conn
                .query_one_raw(sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    sql,
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    assert_eq!(rows("SELECT COUNT(*) FROM consultation_events").await, 3);
    assert_eq!(rows("SELECT COUNT(*) FROM search_events").await, 2);
    assert_eq!(
        rows(
            "SELECT COUNT(*) FROM consultation_events c JOIN users u ON u.id = c.viewer_id \
             WHERE u.statistics_objection = TRUE"
        )
        .await,
        0
    );

    // Nothing is written twice; a new batch adds up.
    assert_eq!(statistics.flush().await.unwrap().consultations, 0);
    statistics.consulted(Consultation {
        resource: second,
        viewer: None,
        at: now(),
    });
    statistics.flush().await.unwrap();
    assert_eq!(views(second).await, 2);
}

async fn a_full_buffer_drops_and_says_so(test_db: TestDatabase) {
    let db = support::migrated(&test_db).await;
    let lea = stored_user(&db, 1).await.id;
    let id = insert(&db, &resource(lea, "Premier", "Texte.")).await;
    let statistics = db.statistics(2);
    for _ in 0..5 {
        statistics.consulted(Consultation {
            resource: id,
            viewer: None,
            at: now(),
        });
    }
    let report = statistics.flush().await.unwrap();
    assert_eq!((report.consultations, report.dropped), (2, 3));
    let seen: HashSet<_> = ids(&db, &query(CatalogueAudience::Visitor))
        .await
        .into_iter()
        .collect();
    assert!(seen.contains(&id));
}

on_every_engine!(
    each_audience_sees_its_published_resources_only,
    search_ignores_case_and_accents_and_needs_every_word,
    the_search_index_follows_edits_and_removals,
    filters_narrow_the_list,
    entries_carry_what_a_list_shows,
    pages_never_repeat_or_skip_while_resources_arrive,
    counters_order_the_list_with_stable_pages,
    statistics_are_written_in_batches_without_objectors,
    a_full_buffer_drops_and_says_so,
);
