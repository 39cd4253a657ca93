use async_trait::async_trait;
use rr_domain::identity::{UserId, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{ResourceId, SearchText, Summary, Title, Visibility};
use time::OffsetDateTime;

use crate::RepositoryError;

/// Who is looking at the catalogue: it lists published resources of their
/// audience only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CatalogueAudience {
    /// Not logged in: public resources.
    Visitor,
    /// A logged-in account: public and restricted resources, and shared
    /// ones shared with it.
    Member(UserId),
}

/// The order of the catalogue; ties are broken by the id, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CatalogueSort {
    /// Newest first (ids are time-ordered).
    #[default]
    Newest,
    /// Most consulted first.
    MostViewed,
    /// Most often kept in favourites first.
    MostFavourited,
}

/// Where a page starts: just after this resource, whose sort key was `count`
/// (its views or favourites; 0 for [`CatalogueSort::Newest`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CatalogueCursor {
    /// The sort key of the last resource of the previous page.
    pub count: u64,
    /// The last resource of the previous page.
    pub id: ResourceId,
}

/// A question to the catalogue. Every filter narrows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CatalogueQuery {
    /// Whose catalogue.
    pub audience: CatalogueAudience,
    /// Only this category.
    pub category: Option<ReferenceId>,
    /// Only this resource type.
    pub resource_type: Option<ReferenceId>,
    /// Only resources with at least one of these relation types (none: all).
    pub relation_types: Vec<ReferenceId>,
    /// Only this author's.
    pub author: Option<UserId>,
    /// Only those created at or after this instant.
    pub created_from: Option<OffsetDateTime>,
    /// Only those created before this instant.
    pub created_before: Option<OffsetDateTime>,
    /// Only those whose title, summary or body hold every word.
    pub text: Option<SearchText>,
    /// Order.
    pub sort: CatalogueSort,
    /// Start after this resource (keyset pagination).
    pub after: Option<CatalogueCursor>,
    /// At most this many.
    pub limit: u64,
}

/// A resource as the catalogue lists it (no body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// Identifier.
    pub id: ResourceId,
    /// The author's public handle.
    pub author: Username,
    /// Title.
    pub title: Title,
    /// Summary.
    pub summary: Summary,
    /// Category.
    pub category: ReferenceId,
    /// Resource type.
    pub resource_type: ReferenceId,
    /// Relation types, in the order given.
    pub relation_types: Vec<ReferenceId>,
    /// Audience.
    pub visibility: Visibility,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// First publication.
    pub published_at: Option<OffsetDateTime>,
    /// Counted consultations.
    pub view_count: u64,
    /// Citizens who keep it in their favourites.
    pub favourite_count: u64,
}

impl CatalogueEntry {
    /// The cursor that starts the page after this entry, in `sort` order.
    #[must_use]
    pub fn cursor(&self, sort: CatalogueSort) -> CatalogueCursor {
        CatalogueCursor {
            count: match sort {
                CatalogueSort::Newest => 0,
                CatalogueSort::MostViewed => self.view_count,
                CatalogueSort::MostFavourited => self.favourite_count,
            },
            id: self.id,
        }
    }
}

/// Lists and searches published resources.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait ResourceCatalogue: Send + Sync {
    /// The published resources `query.audience` may see that match every
    /// filter, in `query.sort` order (ties: id, descending), starting after
    /// `query.after`, `query.limit` at most.
    ///
    /// Keyset pagination: walking the pages from the first never repeats or
    /// skips a resource that stays published with an unchanged sort key,
    /// whatever is published meanwhile.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn search(&self, query: &CatalogueQuery) -> Result<Vec<CatalogueEntry>, RepositoryError>;
}
