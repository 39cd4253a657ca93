//! Contract of `ReferenceDataRepository` on the real migrations, on every engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

mod support;

use rr_persistence::testing::TestDatabase;

const CATEGORIES: [(&str, &str); 13] = [
    ("communication", "Communication"),
    ("cultures", "Cultures"),
    ("developpement-personnel", "Développement personnel"),
    ("intelligence-emotionnelle", "Intelligence émotionnelle"),
    ("loisirs", "Loisirs"),
    ("monde-professionnel", "Monde professionnel"),
    ("parentalite", "Parentalité"),
    ("qualite-de-vie", "Qualité de vie"),
    ("recherche-de-sens", "Recherche de sens"),
    ("sante-physique", "Santé physique"),
    ("sante-psychique", "Santé psychique"),
    ("spiritualite", "Spiritualité"),
    ("vie-affective", "Vie affective"),
];

const RELATION_TYPES: [(&str, &str); 6] = [
    ("soi", "Soi"),
    ("conjoints", "Conjoints"),
    ("famille", "Famille (enfants / parents / fratrie)"),
    (
        "professionnelle",
        "Professionnelle (collègues, collaborateurs, managers)",
    ),
    ("amis-et-communautes", "Amis et communautés"),
    ("inconnus", "Inconnus"),
];

const RESOURCE_TYPES: [(&str, &str); 8] = [
    ("activite-jeu", "Activité / jeu à réaliser"),
    ("article", "Article"),
    ("carte-defi", "Carte défi"),
    ("cours-pdf", "Cours au format PDF"),
    ("exercice-atelier", "Exercice / atelier"),
    ("fiche-de-lecture", "Fiche de lecture"),
    ("jeu-en-ligne", "Jeu en ligne"),
    ("video", "Vidéo"),
];

async fn lists_the_seeded_categories_in_order_with_their_french_labels(test_db: TestDatabase) {
    let repository = support::migrated(&test_db).await.reference_data();

    let categories = repository.list_categories().await.unwrap();

    let listed: Vec<_> = categories
        .iter()
        .map(|c| (c.slug.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(listed, CATEGORIES);
    assert!(categories.iter().all(|c| c.active));
    let positions: Vec<_> = categories.iter().map(|c| c.position).collect();
    assert_eq!(positions, (1..=13).collect::<Vec<u16>>());
}

async fn lists_the_seeded_relation_types(test_db: TestDatabase) {
    let repository = support::migrated(&test_db).await.reference_data();

    let items = repository.list_relation_types().await.unwrap();

    let listed: Vec<_> = items
        .iter()
        .map(|c| (c.slug.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(listed, RELATION_TYPES);
}

async fn lists_the_seeded_resource_types(test_db: TestDatabase) {
    let repository = support::migrated(&test_db).await.reference_data();

    let items = repository.list_resource_types().await.unwrap();

    let listed: Vec<_> = items
        .iter()
        .map(|c| (c.slug.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(listed, RESOURCE_TYPES);
}

async fn ids_are_the_same_on_every_database(test_db: TestDatabase) {
    let repository = support::migrated(&test_db).await.reference_data();

    let categories = repository.list_categories().await.unwrap();

    assert_eq!(
        categories[0].id.as_uuid().to_string(),
        "01a22499-f800-7101-8000-000000000000"
    );
    assert_eq!(categories[0].id.as_uuid().get_version_num(), 7);
}

async fn a_missing_schema_is_an_internal_error_not_a_panic(test_db: TestDatabase) {
    let db = rr_persistence::Database::connect(&test_db.settings())
        .await
        .unwrap();

    let err = db.reference_data().list_categories().await.unwrap_err();

    assert!(
        matches!(err, rr_application::RepositoryError::Internal(_)),
        "{err:?}"
    );
}

fn category(slug: &str, label: &str, position: u16) -> rr_domain::reference::Category {
    rr_domain::reference::Category {
        id: rr_domain::reference::ReferenceId::from_uuid(rr_domain::Uuid::now_v7()),
        slug: rr_domain::reference::Slug::parse(slug).unwrap(),
        label: rr_domain::reference::Label::parse(label).unwrap(),
        position,
        active: true,
    }
}

async fn administrators_add_rename_and_deactivate_categories(test_db: TestDatabase) {
    let repository = support::migrated(&test_db).await.reference_data();
    let mut new = category("solidarite", "Solidarité", 14);

    repository.insert_category(&new).await.unwrap();
    new.label = rr_domain::reference::Label::parse("Solidarités").unwrap();
    new.active = false;
    assert!(repository.update_category(&new).await.unwrap());
    assert!(
        repository.update_category(&new).await.unwrap(),
        "an update to the same values still finds it"
    );

    let stored = repository.list_categories().await.unwrap();
    assert_eq!(stored.len(), 14);
    assert_eq!(stored.last().unwrap(), &new);
    assert!(
        !repository
            .update_category(&category("absente", "Absente", 1))
            .await
            .unwrap()
    );
}

async fn a_taken_slug_is_a_conflict(test_db: TestDatabase) {
    let repository = support::migrated(&test_db).await.reference_data();

    let err = repository
        .insert_category(&category("loisirs", "Loisirs bis", 20))
        .await
        .unwrap_err();

    assert!(
        matches!(err, rr_application::RepositoryError::Conflict(_)),
        "{err:?}"
    );
    assert_eq!(repository.list_categories().await.unwrap().len(), 13);
}

on_every_engine!(
    administrators_add_rename_and_deactivate_categories,
    a_taken_slug_is_a_conflict,
    lists_the_seeded_categories_in_order_with_their_french_labels,
    lists_the_seeded_relation_types,
    lists_the_seeded_resource_types,
    ids_are_the_same_on_every_database,
    a_missing_schema_is_an_internal_error_not_a_panic,
);
