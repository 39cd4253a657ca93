//! The queries of the dashboard: what a viewer may see, the lists and the tallies.

use rr_application::ports::{ProgressCursor, ProgressList};
use rr_domain::identity::{AuthenticatedActor, Role};
use rr_domain::resource::{Lifecycle, Visibility};
use sea_orm::sea_query::{
    Alias, Condition, DynIden, Expr, ExprTrait, IntoIden, Order, Query, SelectStatement,
};

use crate::entities::{favourite, resource, resource_progress, resource_share, user};
use crate::mapping::to_column;
use rr_application::RepositoryError;

/// Where a list's rows are: the table, its user and resource columns, the
/// instant of the mark, and the flag that must be set (progress marks).
struct Source {
    table: DynIden,
    user: DynIden,
    resource: DynIden,
    marked: DynIden,
    flag: Option<DynIden>,
}

impl Source {
    fn of(list: ProgressList) -> Self {
        let progress = |marked: resource_progress::Column, flag: resource_progress::Column| Self {
            table: resource_progress::Entity.into_iden(),
            user: resource_progress::Column::UserId.into_iden(),
            resource: resource_progress::Column::ResourceId.into_iden(),
            marked: marked.into_iden(),
            flag: Some(flag.into_iden()),
        };
        match list {
            ProgressList::Favourites => Self {
                table: favourite::Entity.into_iden(),
                user: favourite::Column::UserId.into_iden(),
                resource: favourite::Column::ResourceId.into_iden(),
                marked: favourite::Column::CreatedAt.into_iden(),
                flag: None,
            },
            ProgressList::Exploited => progress(
                resource_progress::Column::ExploitedAt,
                resource_progress::Column::Exploited,
            ),
            ProgressList::SetAside => progress(
                resource_progress::Column::SetAsideAt,
                resource_progress::Column::SetAside,
            ),
        }
    }

    fn col(&self, column: &DynIden) -> Expr {
        Expr::col((self.table.clone(), column.clone()))
    }

    /// `viewer`'s rows of the list joined with their resources, restricted
    /// to the resources the viewer may see.
    fn select(&self, viewer: &AuthenticatedActor) -> SelectStatement {
        let mut query = Query::select();
        query
            .from(self.table.clone())
            .inner_join(
                resource::Entity,
                Expr::col((resource::Entity, resource::Column::Id))
                    .equals((self.table.clone(), self.resource.clone())),
            )
            .and_where(self.col(&self.user).eq(viewer.user_id.as_uuid()))
            .cond_where(visible_to(viewer));
        if let Some(flag) = &self.flag {
            query.and_where(self.col(flag).eq(true));
        }
        query
    }
}

/// The machine names of the states moderators are concerned with
/// ([`Lifecycle::is_moderated`]).
fn moderated_states() -> Vec<&'static str> {
    let reason = String::new;
    [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Published,
        Lifecycle::Rejected { reason: reason() },
        Lifecycle::Suspended { reason: reason() },
        Lifecycle::Archived,
        Lifecycle::Deleted,
    ]
    .iter()
    .filter(|state| state.is_moderated())
    .map(Lifecycle::name)
    .collect()
}

/// The resources `viewer` may see: `rr_domain::resource::can_view`, in SQL.
/// The contract suite checks the two agree on every visibility, state and
/// relation of the viewer to the resource.
fn visible_to(viewer: &AuthenticatedActor) -> Condition {
    let state = || Expr::col((resource::Entity, resource::Column::State));
    let visibility = || Expr::col((resource::Entity, resource::Column::Visibility));
    let reviewed =
        || visibility().is_in([Visibility::Public.as_str(), Visibility::Restricted.as_str()]);
    let viewer_id = viewer.user_id.as_uuid();

    let shared_with_viewer = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(resource_share::Entity)
            .and_where(
                Expr::col((resource_share::Entity, resource_share::Column::ResourceId))
                    .equals((resource::Entity, resource::Column::Id)),
            )
            .and_where(
                Expr::col((resource_share::Entity, resource_share::Column::UserId)).eq(viewer_id),
            )
            .to_owned(),
    );
    let published_to_audience = Condition::all()
        .add(state().eq(Lifecycle::Published.name()))
        .add(
            Condition::any().add(reviewed()).add(
                Condition::all()
                    .add(visibility().eq(Visibility::Shared.as_str()))
                    .add(shared_with_viewer),
            ),
        );
    let mut seen = Condition::any()
        .add(Expr::col((resource::Entity, resource::Column::AuthorId)).eq(viewer_id))
        .add(published_to_audience);
    if viewer.may_act_as(Role::Moderator) {
        // Reviewers see public and restricted resources in the states they moderate.
        seen = seen.add(
            Condition::all()
                .add(reviewed())
                .add(state().is_in(moderated_states())),
        );
    }
    let mut visible = Condition::any().add(
        Condition::all()
            .add(state().ne(Lifecycle::Deleted.name()))
            .add(seen),
    );
    if viewer.may_act_as(Role::Administrator) {
        // Administrators see deleted public and restricted ones (to restore them).
        visible = visible.add(
            Condition::all()
                .add(state().eq(Lifecycle::Deleted.name()))
                .add(reviewed()),
        );
    }
    // A restricted author's resources are theirs alone (GDPR Art. 18). The
    // restricted accounts are few: read once, on `idx_users_restricted_at`,
    // not looked up per row.
    let author = || Expr::col((resource::Entity, resource::Column::AuthorId));
    let restricted_authors = Query::select()
        .column((Alias::new("ra"), user::Column::Id))
        .from_as(user::Entity, Alias::new("ra"))
        .and_where(Expr::col((Alias::new("ra"), user::Column::RestrictedAt)).is_not_null())
        .to_owned();
    Condition::all().add(visible).add(
        Condition::any()
            .add(author().eq(viewer_id))
            .add(author().not_in_subquery(restricted_authors)),
    )
}

/// The page of `viewer`'s `list` after `after`, most recently marked first.
///
/// # Errors
/// [`RepositoryError::Internal`] when the cursor's instant cannot be stored.
pub(super) fn list_query(
    viewer: &AuthenticatedActor,
    list: ProgressList,
    after: Option<ProgressCursor>,
    limit: u64,
) -> Result<SelectStatement, RepositoryError> {
    let source = Source::of(list);
    let mut query = source.select(viewer);
    query
        .column((resource::Entity, resource::Column::Id))
        .column((resource::Entity, resource::Column::Title))
        .column((resource::Entity, resource::Column::Summary))
        .column((resource::Entity, resource::Column::CategoryId))
        .column((resource::Entity, resource::Column::ResourceTypeId))
        .column((resource::Entity, resource::Column::FavouriteCount))
        .column((user::Entity, user::Column::Username))
        .expr_as(source.col(&source.marked), Alias::new("marked_at"))
        .inner_join(
            user::Entity,
            Expr::col((user::Entity, user::Column::Id))
                .equals((resource::Entity, resource::Column::AuthorId)),
        );
    if let Some(after) = after {
        let at = to_column(after.marked_at)?;
        let id = after.resource.as_uuid();
        query.cond_where(
            Condition::any().add(source.col(&source.marked).lt(at)).add(
                Condition::all()
                    .add(source.col(&source.marked).eq(at))
                    .add(source.col(&source.resource).lt(id)),
            ),
        );
    }
    query
        .order_by((source.table.clone(), source.marked.clone()), Order::Desc)
        .order_by((source.table.clone(), source.resource.clone()), Order::Desc)
        .limit(limit);
    Ok(query)
}

/// How many of `viewer`'s resources are in `list`, by category and resource type.
pub(super) fn tally_query(viewer: &AuthenticatedActor, list: ProgressList) -> SelectStatement {
    let mut query = Source::of(list).select(viewer);
    query
        .column((resource::Entity, resource::Column::CategoryId))
        .column((resource::Entity, resource::Column::ResourceTypeId))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("marks"))
        .group_by_col((resource::Entity, resource::Column::CategoryId))
        .group_by_col((resource::Entity, resource::Column::ResourceTypeId));
    query
}
