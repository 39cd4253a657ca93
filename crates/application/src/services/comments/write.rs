//! Posting a comment or a reply; its author's edits and deletion.

use rr_domain::community::{CommentBody, CommentId, CommentState, NotificationKind};
use rr_domain::identity::{Actor, AuthenticatedActor, Role};
use rr_domain::resource::{Lifecycle, ResourceId};

use super::{CommentService, CommentView, NewComment};
use crate::ports::CommentRecord;
use crate::services::WriteAction;
use crate::{AppError, FieldViolation, RepositoryError};

/// A write lost to a concurrent one (another edit, a moderator's decision),
/// or to the comment or a reference vanishing meanwhile.
fn edit_conflict(err: RepositoryError) -> AppError {
    match err {
        RepositoryError::Conflict(_) => AppError::ConflictWith("edit_conflict"),
        other => other.into(),
    }
}

impl CommentService {
    /// Posts a comment on a resource the caller may see, at the top of its
    /// thread or in reply to one of its comments.
    ///
    /// The caller's budget of comments is spent first
    /// ([`crate::services::write_limits`]). A reply tells the parent's
    /// author, unless the caller is that author, once it is stored.
    ///
    /// # Errors
    /// [`AppError::WriteRateLimited`] when the caller posted too much lately;
    /// [`AppError::Forbidden`] `two_factor_required` (staff without it) or
    /// `forbidden` (citizens) when speaking as a moderator;
    /// [`AppError::NotFound`] when the caller may not see the resource;
    /// [`AppError::ConflictWith`] `comments_closed` unless the resource is
    /// published, `parent_unavailable` when the parent is deleted, held or
    /// hidden; [`AppError::Invalid`] on `parentId`: `unknown_parent` when it
    /// is not a comment of this resource, `thread_too_deep` when the reply
    /// would be deeper than [`super::CommentPolicy::max_depth`].
    pub async fn post(
        &self,
        actor: &AuthenticatedActor,
        resource: ResourceId,
        new: NewComment,
    ) -> Result<CommentView, AppError> {
        self.ports
            .write_limits
            .check(actor.user_id, WriteAction::Comment)?;
        if new.as_moderator && !actor.may_act_as(Role::Moderator) {
            return Err(if actor.role >= Role::Moderator {
                AppError::Forbidden("two_factor_required")
            } else {
                AppError::Forbidden("forbidden")
            });
        }
        let who = Actor::User(*actor);
        let target = self.visible_resource(&who, resource).await?;
        if target.state != Lifecycle::Published {
            return Err(AppError::ConflictWith("comments_closed"));
        }
        let parent = match new.parent {
            Some(id) => Some(self.parent(resource, id).await?),
            None => None,
        };
        let id = CommentId::generate();
        let now = self.ports.clock.now();
        let comment = CommentRecord {
            id,
            resource,
            parent: parent.as_ref().map(|p| p.id),
            root: parent.as_ref().map_or(id, |p| p.root),
            depth: parent.as_ref().map_or(0, |p| p.depth + 1),
            author: actor.user_id,
            body: Some(new.body),
            as_moderator: new.as_moderator,
            state: CommentState::Visible,
            created_at: now,
            edited_at: None,
            updated_at: now,
            version: 0,
        };
        self.ports
            .comments
            .insert(&comment)
            .await
            .map_err(|err| match err {
                // The resource or the parent vanished between the check and
                // the write (a purge): as if never there.
                RepositoryError::Conflict(_) => AppError::NotFound,
                other => other.into(),
            })?;
        if let Some(parent) = parent
            && parent.author != actor.user_id
        {
            self.ports
                .notifier
                .notify(
                    parent.author,
                    NotificationKind::CommentReply {
                        resource,
                        parent: parent.id,
                        reply: id,
                    },
                )
                .await;
        }
        let author = self.username(actor.user_id).await?;
        // The author reads their own comment: their restriction hides nothing from them.
        Ok(CommentView::of(&who, comment, author, false))
    }

    /// The comment `id` replies go to, checked.
    async fn parent(&self, resource: ResourceId, id: CommentId) -> Result<CommentRecord, AppError> {
        let parent = self
            .ports
            .comments
            .find(id)
            .await?
            .filter(|parent| parent.resource == resource)
            .ok_or_else(|| {
                AppError::Invalid(vec![FieldViolation::new(
                    "parentId",
                    "unknown_parent",
                    "Ce commentaire n'existe pas sur cette ressource.",
                )])
            })?;
        if parent.state != CommentState::Visible {
            return Err(AppError::ConflictWith("parent_unavailable"));
        }
        if parent.depth >= self.policy.max_depth {
            return Err(AppError::Invalid(vec![FieldViolation::new(
                "parentId",
                "thread_too_deep",
                format!(
                    "Une discussion compte {} niveaux de réponses au plus ; répondez plus haut.",
                    self.policy.max_depth
                ),
            )]));
        }
        Ok(parent)
    }

    /// Its author changes the text of a visible comment; it is marked edited
    /// (with the time). The same text again changes nothing.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the comment does not exist or the caller
    /// may not see its resource; [`AppError::Forbidden`] `forbidden` for
    /// anyone but its author; [`AppError::ConflictWith`]
    /// `invalid_transition` unless visible (held, hidden and deleted
    /// comments keep their text), `edit_conflict` when it changed meanwhile.
    pub async fn edit(
        &self,
        actor: &AuthenticatedActor,
        id: CommentId,
        body: CommentBody,
    ) -> Result<CommentView, AppError> {
        let who = Actor::User(*actor);
        let (mut comment, _) = self.visible_comment(&who, id).await?;
        if comment.author != actor.user_id {
            return Err(AppError::Forbidden("forbidden"));
        }
        comment.state = comment
            .state
            .edit()
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        if comment.body.as_ref() != Some(&body) {
            let now = self.ports.clock.now();
            comment.body = Some(body);
            comment.edited_at = Some(now);
            comment.updated_at = now;
            self.ports
                .comments
                .update(&comment, comment.version)
                .await
                .map_err(edit_conflict)?;
            comment.version += 1;
        }
        let author = self.username(actor.user_id).await?;
        // The author reads their own comment: their restriction hides nothing from them.
        Ok(CommentView::of(&who, comment, author, false))
    }

    /// Its author deletes a comment, whatever its state: it becomes a
    /// tombstone that keeps its place in the thread (replies stay) and
    /// nothing of its text, in storage either.
    ///
    /// # Errors
    /// As [`Self::edit`]; `invalid_transition` when already deleted.
    pub async fn delete(&self, actor: &AuthenticatedActor, id: CommentId) -> Result<(), AppError> {
        let who = Actor::User(*actor);
        let (mut comment, _) = self.visible_comment(&who, id).await?;
        if comment.author != actor.user_id {
            return Err(AppError::Forbidden("forbidden"));
        }
        comment.state = comment
            .state
            .delete()
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        comment.body = None;
        comment.updated_at = self.ports.clock.now();
        self.ports
            .comments
            .update(&comment, comment.version)
            .await
            .map_err(edit_conflict)
    }
}
