//! Reference data of DESIGN.md §1: 13 categories, 6 relation types, 8 resource types.
//!
//! Ids are fixed UUIDs in the version 7 layout (timestamp of 2026-11-29, then a
//! kind digit — 1 category, 2 relation type, 3 resource type — and the position)
//! so that every database holds the same ids for the same items.

use sea_orm_migration::prelude::*;

use crate::table;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Slug,
    Label,
    Position,
    Active,
}

#[derive(DeriveIden)]
enum RelationTypes {
    Table,
    Id,
    Slug,
    Label,
    Position,
}

#[derive(DeriveIden)]
enum ResourceTypes {
    Table,
    Id,
    Slug,
    Label,
    Position,
}

const CATEGORIES: [(&str, &str, &str); 13] = [
    (
        "01a22499-f800-7101-8000-000000000000",
        "communication",
        "Communication",
    ),
    (
        "01a22499-f800-7102-8000-000000000000",
        "cultures",
        "Cultures",
    ),
    (
        "01a22499-f800-7103-8000-000000000000",
        "developpement-personnel",
        "Développement personnel",
    ),
    (
        "01a22499-f800-7104-8000-000000000000",
        "intelligence-emotionnelle",
        "Intelligence émotionnelle",
    ),
    ("01a22499-f800-7105-8000-000000000000", "loisirs", "Loisirs"),
    (
        "01a22499-f800-7106-8000-000000000000",
        "monde-professionnel",
        "Monde professionnel",
    ),
    (
        "01a22499-f800-7107-8000-000000000000",
        "parentalite",
        "Parentalité",
    ),
    (
        "01a22499-f800-7108-8000-000000000000",
        "qualite-de-vie",
        "Qualité de vie",
    ),
    (
        "01a22499-f800-7109-8000-000000000000",
        "recherche-de-sens",
        "Recherche de sens",
    ),
    (
        "01a22499-f800-710a-8000-000000000000",
        "sante-physique",
        "Santé physique",
    ),
    (
        "01a22499-f800-710b-8000-000000000000",
        "sante-psychique",
        "Santé psychique",
    ),
    (
        "01a22499-f800-710c-8000-000000000000",
        "spiritualite",
        "Spiritualité",
    ),
    (
        "01a22499-f800-710d-8000-000000000000",
        "vie-affective",
        "Vie affective",
    ),
];

const RELATION_TYPES: [(&str, &str, &str); 6] = [
    ("01a22499-f800-7201-8000-000000000000", "soi", "Soi"),
    (
        "01a22499-f800-7202-8000-000000000000",
        "conjoints",
        "Conjoints",
    ),
    (
        "01a22499-f800-7203-8000-000000000000",
        "famille",
        "Famille (enfants / parents / fratrie)",
    ),
    (
        "01a22499-f800-7204-8000-000000000000",
        "professionnelle",
        "Professionnelle (collègues, collaborateurs, managers)",
    ),
    (
        "01a22499-f800-7205-8000-000000000000",
        "amis-et-communautes",
        "Amis et communautés",
    ),
    (
        "01a22499-f800-7206-8000-000000000000",
        "inconnus",
        "Inconnus",
    ),
];

const RESOURCE_TYPES: [(&str, &str, &str); 8] = [
    (
        "01a22499-f800-7301-8000-000000000000",
        "activite-jeu",
        "Activité / jeu à réaliser",
    ),
    ("01a22499-f800-7302-8000-000000000000", "article", "Article"),
    (
        "01a22499-f800-7303-8000-000000000000",
        "carte-defi",
        "Carte défi",
    ),
    (
        "01a22499-f800-7304-8000-000000000000",
        "cours-pdf",
        "Cours au format PDF",
    ),
    (
        "01a22499-f800-7305-8000-000000000000",
        "exercice-atelier",
        "Exercice / atelier",
    ),
    (
        "01a22499-f800-7306-8000-000000000000",
        "fiche-de-lecture",
        "Fiche de lecture",
    ),
    (
        "01a22499-f800-7307-8000-000000000000",
        "jeu-en-ligne",
        "Jeu en ligne",
    ),
    ("01a22499-f800-7308-8000-000000000000", "video", "Vidéo"),
];

fn uuid(text: &str) -> Result<sea_orm::prelude::Uuid, DbErr> {
    sea_orm::prelude::Uuid::parse_str(text)
        .map_err(|e| DbErr::Migration(format!("bad seed id {text}: {e}")))
}

/// Columns every reference table shares: id, unique slug, label, position.
fn reference_table(
    manager: &SchemaManager,
    table: impl IntoIden,
    id: impl IntoIden,
    slug: impl IntoIden,
    label: impl IntoIden,
    position: impl IntoIden,
) -> TableCreateStatement {
    table::create(manager, table)
        .col(ColumnDef::new(id).uuid().not_null().primary_key())
        .col(ColumnDef::new(slug).string_len(64).not_null().unique_key())
        .col(ColumnDef::new(label).string_len(80).not_null())
        .col(ColumnDef::new(position).small_integer().not_null())
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut categories = reference_table(
            manager,
            Categories::Table,
            Categories::Id,
            Categories::Slug,
            Categories::Label,
            Categories::Position,
        );
        categories.col(
            ColumnDef::new(Categories::Active)
                .boolean()
                .not_null()
                .default(true),
        );
        manager.create_table(categories).await?;
        manager
            .create_table(reference_table(
                manager,
                RelationTypes::Table,
                RelationTypes::Id,
                RelationTypes::Slug,
                RelationTypes::Label,
                RelationTypes::Position,
            ))
            .await?;
        manager
            .create_table(reference_table(
                manager,
                ResourceTypes::Table,
                ResourceTypes::Id,
                ResourceTypes::Slug,
                ResourceTypes::Label,
                ResourceTypes::Position,
            ))
            .await?;

        manager
            .exec_stmt(seed(
                Categories::Table,
                [
                    Categories::Id,
                    Categories::Slug,
                    Categories::Label,
                    Categories::Position,
                ],
                &CATEGORIES,
            )?)
            .await?;
        manager
            .exec_stmt(seed(
                RelationTypes::Table,
                [
                    RelationTypes::Id,
                    RelationTypes::Slug,
                    RelationTypes::Label,
                    RelationTypes::Position,
                ],
                &RELATION_TYPES,
            )?)
            .await?;
        manager
            .exec_stmt(seed(
                ResourceTypes::Table,
                [
                    ResourceTypes::Id,
                    ResourceTypes::Slug,
                    ResourceTypes::Label,
                    ResourceTypes::Position,
                ],
                &RESOURCE_TYPES,
            )?)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ResourceTypes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RelationTypes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Categories::Table).to_owned())
            .await
    }
}

/// One `INSERT` of `(id, slug, label)` rows into `(id, slug, label, position)`,
/// positions counted from 1 in the order given.
fn seed<C: IntoIden>(
    table: impl IntoIden,
    columns: [C; 4],
    rows: &[(&str, &str, &str)],
) -> Result<InsertStatement, DbErr> {
    let mut insert = Query::insert()
        .into_table(table)
        .columns(columns)
        .to_owned();
    for (position, (id, slug, label)) in (1_i16..).zip(rows) {
        insert
            .values([
                uuid(id)?.into(),
                (*slug).into(),
                (*label).into(),
                position.into(),
            ])
            .map_err(|e| DbErr::Migration(format!("reference data: {e}")))?;
    }
    Ok(insert)
}
