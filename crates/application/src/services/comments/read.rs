//! Reading a resource's thread, a page of top-level comments at a time.

use rr_domain::identity::Actor;
use rr_domain::resource::ResourceId;

use super::{CommentPage, CommentService, CommentView};
use crate::AppError;
use crate::ports::ThreadCursor;

impl CommentService {
    /// A page of the thread of a resource the caller may see: at most
    /// `limit` top-level comments (clamped to the policy's page sizes;
    /// `None` for the default), oldest first, strictly after `after`, each
    /// followed by all its replies in thread order. Every comment is shown
    /// as the caller may see it (`rr_domain::community::comment_sight`):
    /// tombstones and withheld comments keep their place, without their text.
    ///
    /// Two statements: the resource (to decide whether the caller sees it),
    /// then the page with its replies and their authors.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the resource does not exist or the caller
    /// may not see it.
    pub async fn thread(
        &self,
        actor: &Actor,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: Option<u64>,
    ) -> Result<CommentPage, AppError> {
        self.visible_resource(actor, resource).await?;
        let limit = limit
            .unwrap_or(self.policy.page_size)
            .clamp(1, self.policy.max_page_size);
        // One more top-level comment than asked tells whether a page follows.
        let mut comments = self
            .ports
            .comments
            .thread_page(resource, after, limit + 1)
            .await?;
        let mut tops = 0;
        let cut = comments.iter().position(|c| {
            if c.comment.depth == 0 {
                tops += 1;
            }
            tops > limit
        });
        let next = match cut {
            Some(index) => {
                comments.truncate(index);
                comments
                    .iter()
                    .rev()
                    .find(|c| c.comment.depth == 0)
                    .map(|c| c.comment.cursor())
            }
            None => None,
        };
        let items = comments
            .into_iter()
            .map(|c| CommentView::of(actor, c.comment, c.author_name, c.author_restricted))
            .collect();
        Ok(CommentPage { items, next })
    }
}
