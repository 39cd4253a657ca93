//! The catalogue: what a caller may see of published resources, filtered,
//! sorted and searched; and the counting of consultations and searches.

use rr_domain::identity::{Actor, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::SearchText;
use time::OffsetDateTime;

use super::{MAX_PAGE, ResourceService};
use crate::AppError;
use crate::ports::{
    CatalogueAudience, CatalogueCursor, CatalogueEntry, CatalogueQuery, CatalogueSort, Search,
};

/// A catalogue request, parsed.
#[derive(Debug, Clone, Default)]
pub struct CatalogueRequest {
    /// Only this category.
    pub category: Option<ReferenceId>,
    /// Only this resource type.
    pub resource_type: Option<ReferenceId>,
    /// Only resources with one of these relation types (none: all).
    pub relation_types: Vec<ReferenceId>,
    /// Only this author's (by username).
    pub author: Option<Username>,
    /// Only those created at or after this instant.
    pub created_from: Option<OffsetDateTime>,
    /// Only those created before this instant.
    pub created_before: Option<OffsetDateTime>,
    /// Words to search for.
    pub text: Option<SearchText>,
    /// Order.
    pub sort: CatalogueSort,
    /// Start after this resource.
    pub after: Option<CatalogueCursor>,
    /// At most this many (1 to [`MAX_PAGE`]).
    pub limit: u64,
}

impl CatalogueRequest {
    /// Whether the caller searched (words or a filter) rather than browsed.
    fn is_search(&self) -> bool {
        self.text.is_some()
            || self.category.is_some()
            || self.resource_type.is_some()
            || !self.relation_types.is_empty()
            || self.author.is_some()
            || self.created_from.is_some()
            || self.created_before.is_some()
    }
}

impl ResourceService {
    /// A page of the catalogue: the published resources the caller may see
    /// (public ones for visitors; public, restricted and those shared with
    /// them for logged-in accounts) matching every filter.
    ///
    /// The first page of a search (words or filters) is counted for
    /// statistics, without its words; following pages are not.
    ///
    /// # Errors
    /// Only infrastructure failures. An unknown author matches nothing.
    pub async fn catalogue(
        &self,
        actor: &Actor,
        request: CatalogueRequest,
    ) -> Result<Vec<CatalogueEntry>, AppError> {
        let viewer = actor.user().map(|user| user.user_id);
        if request.after.is_none() && request.is_search() {
            self.ports.statistics.searched(Search {
                searcher: viewer,
                at: self.ports.clock.now(),
                category: request.category,
                resource_type: request.resource_type,
                with_text: request.text.is_some(),
            });
        }
        let author = match &request.author {
            None => None,
            Some(name) => match self.ports.users.find_by_username(name).await? {
                Some(user) => Some(user.id),
                None => return Ok(Vec::new()),
            },
        };
        let query = CatalogueQuery {
            audience: viewer.map_or(CatalogueAudience::Visitor, CatalogueAudience::Member),
            category: request.category,
            resource_type: request.resource_type,
            relation_types: request.relation_types,
            author,
            created_from: request.created_from,
            created_before: request.created_before,
            text: request.text,
            sort: request.sort,
            after: request.after,
            limit: request.limit.clamp(1, MAX_PAGE),
        };
        if query.audience != CatalogueAudience::Visitor {
            return Ok(self.ports.catalogue.search(&query).await?);
        }
        let now = self.ports.clock.now();
        let page = self
            .visitor_pages
            .get_or_fetch(&query, now, self.ports.catalogue.search(&query))
            .await?;
        Ok(page.to_vec())
    }
}
