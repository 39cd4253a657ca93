//! Reference data: the categories, relation types and resource types that
//! classify every resource (DESIGN.md §1).
//!
//! Each item has an opaque id, a stable [`Slug`] that clients may rely on, a French
//! [`Label`] shown to citizens, and a display position.

mod label;
mod slug;

pub use label::Label;
pub use slug::Slug;

use uuid::Uuid;

/// Identifier of a piece of reference data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReferenceId(Uuid);

impl ReferenceId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// A category of resources ("Parentalité", "Santé psychique", …).
///
/// Administrators may deactivate a category: it keeps its resources but takes no
/// new ones and leaves the public list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Identifier.
    pub id: ReferenceId,
    /// Stable machine name.
    pub slug: Slug,
    /// French name shown to citizens.
    pub label: Label,
    /// Display order, ascending.
    pub position: u16,
    /// Whether the category accepts new resources and appears in the public list.
    pub active: bool,
}

/// The kind of relationship a resource helps with ("Soi", "Famille", …). Fixed reference data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationType {
    /// Identifier.
    pub id: ReferenceId,
    /// Stable machine name.
    pub slug: Slug,
    /// French name shown to citizens.
    pub label: Label,
    /// Display order, ascending.
    pub position: u16,
}

/// The form of a resource ("Article", "Vidéo", …). Fixed reference data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// Identifier.
    pub id: ReferenceId,
    /// Stable machine name.
    pub slug: Slug,
    /// French name shown to citizens.
    pub label: Label,
    /// Display order, ascending.
    pub position: u16,
}

/// Keeps the categories a visitor may see (the active ones), in display order.
#[must_use]
pub fn public_categories(mut categories: Vec<Category>) -> Vec<Category> {
    categories.retain(|c| c.active);
    categories.sort_by(|a, b| {
        a.position
            .cmp(&b.position)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    categories
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(slug: &str, position: u16, active: bool) -> Category {
        Category {
            id: ReferenceId::from_uuid(Uuid::nil()),
            slug: Slug::parse(slug).unwrap(),
            label: Label::parse(slug).unwrap(),
            position,
            active,
        }
    }

    #[test]
    fn public_categories_drops_inactive_ones_and_orders_by_position() {
        let listed = public_categories(vec![
            category("loisirs", 5, true),
            category("cultures", 2, false),
            category("communication", 1, true),
        ]);
        let slugs: Vec<_> = listed.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(slugs, ["communication", "loisirs"]);
    }

    #[test]
    fn equal_positions_fall_back_to_the_slug() {
        let listed = public_categories(vec![category("b", 1, true), category("a", 1, true)]);
        assert_eq!(listed[0].slug.as_str(), "a");
    }
}
