//! Reference rows (categories, relation types, resource types) to domain types.

use rr_application::RepositoryError;
use rr_domain::reference::{Category, Label, ReferenceId, RelationType, ResourceType, Slug};

use super::corrupt;
use crate::entities::{category, relation_type, resource_type};

/// The parts every reference row shares, parsed.
fn reference_parts(
    table: &'static str,
    id: uuid::Uuid,
    slug: &str,
    label: &str,
    position: i16,
) -> Result<(ReferenceId, Slug, Label, u16), RepositoryError> {
    Ok((
        ReferenceId::from_uuid(id),
        Slug::parse(slug).map_err(|e| corrupt(table, id, e))?,
        Label::parse(label).map_err(|e| corrupt(table, id, e))?,
        u16::try_from(position).map_err(|e| corrupt(table, id, e))?,
    ))
}

impl TryFrom<category::Model> for Category {
    type Error = RepositoryError;

    fn try_from(row: category::Model) -> Result<Self, Self::Error> {
        let (id, slug, label, position) =
            reference_parts("categories", row.id, &row.slug, &row.label, row.position)?;
        Ok(Self {
            id,
            slug,
            label,
            position,
            active: row.active,
        })
    }
}

impl TryFrom<relation_type::Model> for RelationType {
    type Error = RepositoryError;

    fn try_from(row: relation_type::Model) -> Result<Self, Self::Error> {
        let (id, slug, label, position) = reference_parts(
            "relation_types",
            row.id,
            &row.slug,
            &row.label,
            row.position,
        )?;
        Ok(Self {
            id,
            slug,
            label,
            position,
        })
    }
}

impl TryFrom<resource_type::Model> for ResourceType {
    type Error = RepositoryError;

    fn try_from(row: resource_type::Model) -> Result<Self, Self::Error> {
        let (id, slug, label, position) = reference_parts(
            "resource_types",
            row.id,
            &row.slug,
            &row.label,
            row.position,
        )?;
        Ok(Self {
            id,
            slug,
            label,
            position,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_row_the_domain_refuses_is_internal() {
        let row = category::Model {
            id: uuid::Uuid::nil(),
            slug: "Not A Slug".into(),
            label: "Loisirs".into(),
            position: 1,
            active: true,
        };
        assert!(matches!(
            Category::try_from(row),
            Err(RepositoryError::Internal(_))
        ));
    }

    #[test]
    fn a_negative_position_is_corrupt() {
        let row = relation_type::Model {
            id: uuid::Uuid::nil(),
            slug: "soi".into(),
            label: "Soi".into(),
            position: -1,
        };
        assert!(matches!(
            RelationType::try_from(row),
            Err(RepositoryError::Internal(_))
        ));
    }
}
