//! Comments in memory, keeping the port's contract: references checked,
//! version compare-and-set, thread order and keyset pages of top-level
//! comments, usernames read from an account store.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use rr_domain::community::CommentId;
use rr_domain::resource::ResourceId;

use crate::RepositoryError;
use crate::ports::{CommentRecord, CommentRepository, ThreadComment, ThreadCursor, UserRepository};

/// Comments in memory, with their authors' usernames from a user store.
///
/// It does not know resources: a comment on any resource id is accepted
/// (the use cases check resources before writing).
pub struct FakeComments {
    users: Arc<dyn UserRepository>,
    comments: Mutex<BTreeMap<CommentId, CommentRecord>>,
}

impl std::fmt::Debug for FakeComments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeComments").finish_non_exhaustive()
    }
}

impl FakeComments {
    /// An empty store whose authors are accounts of `users`.
    #[must_use]
    pub fn new(users: Arc<dyn UserRepository>) -> Self {
        Self {
            users,
            comments: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<CommentId, CommentRecord>> {
        self.comments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every stored comment, oldest id first.
    #[must_use]
    pub fn all(&self) -> Vec<CommentRecord> {
        self.lock().values().cloned().collect()
    }

    /// Replaces a stored comment as is (tests set states the use cases of
    /// another area produce, such as held or hidden).
    pub fn put(&self, comment: CommentRecord) {
        self.lock().insert(comment.id, comment);
    }
}

fn conflict(why: &'static str) -> RepositoryError {
    RepositoryError::Conflict(why.into())
}

/// `comments` of one resource in thread order (see the port).
fn thread_order(mut comments: Vec<CommentRecord>) -> Vec<CommentRecord> {
    comments.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id)));
    let mut children: HashMap<Option<CommentId>, Vec<CommentRecord>> = HashMap::new();
    for comment in comments {
        children.entry(comment.parent).or_default().push(comment);
    }
    let mut ordered = Vec::new();
    let mut stack = children.remove(&None).unwrap_or_default();
    while let Some(next) = stack.pop() {
        if let Some(replies) = children.remove(&Some(next.id)) {
            stack.extend(replies);
        }
        ordered.push(next);
    }
    ordered
}

#[async_trait]
impl CommentRepository for FakeComments {
    async fn insert(&self, comment: &CommentRecord) -> Result<(), RepositoryError> {
        if self.users.find(comment.author).await?.is_none() {
            return Err(conflict("unknown author"));
        }
        let mut comments = self.lock();
        if comments.contains_key(&comment.id) {
            return Err(conflict("taken id"));
        }
        if let Some(parent) = comment.parent
            && !comments.contains_key(&parent)
        {
            return Err(conflict("unknown parent"));
        }
        comments.insert(comment.id, comment.clone());
        Ok(())
    }

    async fn find(&self, id: CommentId) -> Result<Option<CommentRecord>, RepositoryError> {
        Ok(self.lock().get(&id).cloned())
    }

    async fn update(
        &self,
        comment: &CommentRecord,
        expected_version: u64,
    ) -> Result<(), RepositoryError> {
        let mut comments = self.lock();
        match comments.get_mut(&comment.id) {
            Some(stored) if stored.version == expected_version => {
                stored.body.clone_from(&comment.body);
                stored.state = comment.state.clone();
                stored.edited_at = comment.edited_at;
                stored.updated_at = comment.updated_at;
                stored.version = expected_version + 1;
                Ok(())
            }
            _ => Err(conflict("version moved")),
        }
    }

    async fn thread_page(
        &self,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: u64,
    ) -> Result<Vec<ThreadComment>, RepositoryError> {
        let of_resource: Vec<CommentRecord> = self
            .lock()
            .values()
            .filter(|c| c.resource == resource)
            .cloned()
            .collect();
        let mut tops: Vec<&CommentRecord> = of_resource
            .iter()
            .filter(|c| c.depth == 0)
            .filter(|c| after.is_none_or(|a| (c.created_at, c.id) > (a.created_at, a.id)))
            .collect();
        tops.sort_by_key(|c| (c.created_at, c.id));
        tops.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let roots: Vec<CommentId> = tops.iter().map(|c| c.id).collect();
        let page: Vec<CommentRecord> = of_resource
            .iter()
            .filter(|c| roots.contains(&c.root))
            .cloned()
            .collect();
        let mut out = Vec::with_capacity(page.len());
        for comment in thread_order(page) {
            let author =
                self.users.find(comment.author).await?.ok_or_else(|| {
                    RepositoryError::Internal("a comment's author is gone".into())
                })?;
            out.push(ThreadComment {
                comment,
                author_name: author.username,
                author_restricted: author.restricted_since.is_some(),
            });
        }
        Ok(out)
    }
}
