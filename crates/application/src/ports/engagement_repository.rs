use async_trait::async_trait;
use rr_domain::identity::{AuthenticatedActor, UserId, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{ResourceId, Summary, Title};
use time::OffsetDateTime;

use crate::RepositoryError;

/// A mark a citizen puts on a resource, besides favourites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgressMark {
    /// The citizen used the resource ("exploitée").
    Exploited,
    /// The citizen keeps it for later ("mise de côté").
    SetAside,
}

/// One of the three lists of a citizen's dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgressList {
    /// Their favourites, by when they were added.
    Favourites,
    /// Resources marked exploited, by when they were marked.
    Exploited,
    /// Resources set aside, by when they were set aside.
    SetAside,
}

impl ProgressList {
    /// The three lists, in dashboard order.
    pub const ALL: [Self; 3] = [Self::Favourites, Self::Exploited, Self::SetAside];
}

/// A resource in one of a citizen's lists: what a dashboard shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressItem {
    /// The resource.
    pub resource: ResourceId,
    /// Its title.
    pub title: Title,
    /// Its summary.
    pub summary: Summary,
    /// Its category.
    pub category: ReferenceId,
    /// Its resource type.
    pub resource_type: ReferenceId,
    /// Its author's public handle.
    pub author: Username,
    /// How many citizens keep it in their favourites.
    pub favourite_count: u64,
    /// When the citizen put it in this list.
    pub marked_at: OffsetDateTime,
}

impl ProgressItem {
    /// The position of this item, to list what comes after it.
    #[must_use]
    pub fn cursor(&self) -> ProgressCursor {
        ProgressCursor {
            marked_at: self.marked_at,
            resource: self.resource,
        }
    }
}

/// A position in a list, which is ordered by `marked_at` then resource id,
/// both descending: what comes after it is strictly older, or as old with a
/// smaller id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressCursor {
    /// When the last item seen was marked (to the microsecond).
    pub marked_at: OffsetDateTime,
    /// The last item seen.
    pub resource: ResourceId,
}

/// How many of a citizen's resources of one category and one resource type
/// are in each list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressTally {
    /// The category.
    pub category: ReferenceId,
    /// The resource type.
    pub resource_type: ReferenceId,
    /// In favourites.
    pub favourites: u64,
    /// Marked exploited.
    pub exploited: u64,
    /// Set aside.
    pub set_aside: u64,
}

/// Stores what citizens do with resources: favourites, and the exploited and
/// set-aside marks.
///
/// Every change is idempotent and reports whether it changed anything. Reads
/// (`tallies`, `list`) take a viewer and count or list only the resources
/// that `rr_domain::resource::can_view` lets that viewer see *now*: a mark on
/// a resource suspended, deleted or no longer shared since stays stored but
/// is left out, and comes back should the resource become visible again.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait EngagementRepository: Send + Sync {
    /// Puts `resource` in `user`'s favourites, added `at`. Returns `false`
    /// when it already was (its date stays the first one). The resource's
    /// favourite count goes up by one exactly when this returns `true`, in
    /// the same transaction.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when the user or the resource
    /// does not exist.
    async fn add_favourite(
        &self,
        user: UserId,
        resource: ResourceId,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Takes `resource` out of `user`'s favourites. Returns `false` when it was
    /// not there. The resource's favourite count goes down by one exactly when
    /// this returns `true`, in the same transaction.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn remove_favourite(
        &self,
        user: UserId,
        resource: ResourceId,
    ) -> Result<bool, RepositoryError>;

    /// Puts (`on`) or takes off (`!on`) `mark` on `resource` for `user`, `at`.
    /// Returns `false` when the mark already was as asked (a mark put twice
    /// keeps its first date). The other mark is left as it is.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when putting a mark and the
    /// user or the resource does not exist.
    async fn set_mark(
        &self,
        user: UserId,
        resource: ResourceId,
        mark: ProgressMark,
        on: bool,
        at: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// How many resources `viewer` may see are in each of their lists, by
    /// category and resource type: one tally per pair that has at least one,
    /// in no particular order.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn tallies(
        &self,
        viewer: &AuthenticatedActor,
    ) -> Result<Vec<ProgressTally>, RepositoryError>;

    /// The resources `viewer` may see in their `list`, most recently marked
    /// first (then by resource id, descending), `limit` at most, strictly
    /// after `after` (keyset pagination; `after` need not be an item).
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] when a stored row is corrupt.
    async fn list(
        &self,
        viewer: &AuthenticatedActor,
        list: ProgressList,
        after: Option<ProgressCursor>,
        limit: u64,
    ) -> Result<Vec<ProgressItem>, RepositoryError>;
}
