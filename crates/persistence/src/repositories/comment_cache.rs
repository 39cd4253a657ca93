//! A short-lived memory of the pages of comment threads, shared by every
//! comment repository of one [`crate::Database`].
//!
//! A busy thread's first page is asked for over and over; each page read is
//! kept for a configured time (off unless configured), so that a burst of
//! identical requests costs one query. It holds the stored records, whatever
//! their state: what each viewer may read of them is still decided per
//! request by the use case, and the resource's visibility is still read per
//! request.
//!
//! Every write through a repository of the same database (a new comment, an
//! edit, a tombstone, a moderator's decision) drops the pages of its
//! resource once it is committed, and a page read while any write was under
//! way is not kept: on one API node, a hidden or deleted comment's text is
//! never served after the write that removed it returned. Other nodes keep
//! their pages until they expire (`comments.thread_cache_ttl_ms`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rr_application::ports::{ThreadComment, ThreadCursor};
use rr_domain::resource::ResourceId;
use time::OffsetDateTime;
use uuid::Uuid;

/// A page's question: the resource, the cursor and the limit.
type Key = (Uuid, Option<(OffsetDateTime, Uuid)>, u64);

fn key(resource: ResourceId, after: Option<ThreadCursor>, limit: u64) -> Key {
    (
        resource.as_uuid(),
        after.map(|c| (c.created_at, c.id.as_uuid())),
        limit,
    )
}

#[derive(Debug, Default)]
struct Pages {
    ttl: Duration,
    capacity: usize,
    pages: HashMap<Key, (Instant, Arc<[ThreadComment]>)>,
}

/// Pages of threads, by question (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct ThreadCache {
    /// Writes begun, and writes ended: a page read while they differ, or
    /// while either moved, may predate a write and is not kept.
    begun: AtomicU64,
    ended: AtomicU64,
    pages: Mutex<Pages>,
}

/// Where the writes stood when a read began.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadMark(Option<u64>);

impl ThreadCache {
    fn lock(&self) -> MutexGuard<'_, Pages> {
        self.pages.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps pages for `ttl`, `capacity` of them at most; a zero `ttl` or
    /// `capacity` keeps nothing. Drops what was kept.
    pub(crate) fn configure(&self, ttl: Duration, capacity: usize) {
        let mut pages = self.lock();
        pages.ttl = ttl;
        pages.capacity = capacity;
        pages.pages.clear();
    }

    /// The page, if kept and fresh.
    pub(crate) fn get(
        &self,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: u64,
    ) -> Option<Arc<[ThreadComment]>> {
        let pages = self.lock();
        let (at, page) = pages.pages.get(&key(resource, after, limit))?;
        (at.elapsed() < pages.ttl).then(|| Arc::clone(page))
    }

    /// To call before reading a page that may be kept.
    pub(crate) fn mark(&self) -> ReadMark {
        let ended = self.ended.load(Ordering::SeqCst);
        let begun = self.begun.load(Ordering::SeqCst);
        ReadMark((begun == ended).then_some(begun))
    }

    /// Keeps a page read since `mark`, unless a write began or ended
    /// meanwhile (or was under way then).
    pub(crate) fn keep(
        &self,
        mark: ReadMark,
        resource: ResourceId,
        after: Option<ThreadCursor>,
        limit: u64,
        page: &[ThreadComment],
    ) {
        let mut pages = self.lock();
        if pages.ttl.is_zero() || pages.capacity == 0 {
            return;
        }
        let unchanged = mark.0.is_some_and(|writes| {
            self.begun.load(Ordering::SeqCst) == writes
                && self.ended.load(Ordering::SeqCst) == writes
        });
        if !unchanged {
            return;
        }
        if pages.pages.len() >= pages.capacity {
            let ttl = pages.ttl;
            pages.pages.retain(|_, (at, _)| at.elapsed() < ttl);
            if pages.pages.len() >= pages.capacity {
                pages.pages.clear();
            }
        }
        pages
            .pages
            .insert(key(resource, after, limit), (Instant::now(), page.into()));
    }

    /// To hold while writing a comment of `resource`: when it is dropped
    /// (the write committed, failed, or its request was abandoned), the
    /// resource's pages go.
    pub(crate) fn write(&self, resource: ResourceId) -> WriteGuard<'_> {
        self.begun.fetch_add(1, Ordering::SeqCst);
        WriteGuard {
            cache: self,
            resource: Some(resource),
        }
    }

    /// To hold while writing comments of any number of resources (an
    /// account's erasure): when it is dropped, every page goes.
    pub(crate) fn write_all(&self) -> WriteGuard<'_> {
        self.begun.fetch_add(1, Ordering::SeqCst);
        WriteGuard {
            cache: self,
            resource: None,
        }
    }
}

/// A write under way (see [`ThreadCache::write`]).
#[derive(Debug)]
pub(crate) struct WriteGuard<'a> {
    cache: &'a ThreadCache,
    /// The resource whose pages go; `None`: every page.
    resource: Option<ResourceId>,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        let mut pages = self.cache.lock();
        match self.resource {
            Some(resource) => pages
                .pages
                .retain(|(id, _, _), _| *id != resource.as_uuid()),
            None => pages.pages.clear(),
        }
        self.cache.ended.fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn cache() -> ThreadCache {
        let cache = ThreadCache::default();
        cache.configure(Duration::from_secs(60), 10);
        cache
    }

    #[test]
    fn a_page_read_with_no_write_under_way_is_kept() {
        let cache = cache();
        let resource = ResourceId::generate();
        let mark = cache.mark();
        cache.keep(mark, resource, None, 21, &[]);
        assert!(cache.get(resource, None, 21).is_some());
        assert!(cache.get(resource, None, 20).is_none(), "another question");
    }

    #[test]
    fn a_page_read_across_a_write_is_not_kept() {
        let cache = cache();
        let resource = ResourceId::generate();

        let before = cache.mark();
        drop(cache.write(ResourceId::generate()));
        cache.keep(before, resource, None, 21, &[]);
        assert!(
            cache.get(resource, None, 21).is_none(),
            "a write ended meanwhile"
        );

        let write = cache.write(resource);
        let during = cache.mark();
        cache.keep(during, resource, None, 21, &[]);
        assert!(
            cache.get(resource, None, 21).is_none(),
            "a write was under way"
        );
        drop(write);
        let after = cache.mark();
        cache.keep(after, resource, None, 21, &[]);
        assert!(cache.get(resource, None, 21).is_some(), "and is over");
    }

    #[test]
    fn a_write_drops_its_resources_pages_only() {
        let cache = cache();
        let (one, other) = (ResourceId::generate(), ResourceId::generate());
        for resource in [one, other] {
            let mark = cache.mark();
            cache.keep(mark, resource, None, 21, &[]);
        }
        drop(cache.write(one));
        assert!(cache.get(one, None, 21).is_none());
        assert!(cache.get(other, None, 21).is_some());
    }

    #[test]
    fn a_write_to_every_resource_drops_every_page() {
        let cache = cache();
        let resources = [ResourceId::generate(), ResourceId::generate()];
        for resource in resources {
            let mark = cache.mark();
            cache.keep(mark, resource, None, 21, &[]);
        }
        let write = cache.write_all();
        let during = cache.mark();
        cache.keep(during, resources[0], None, 21, &[]);
        drop(write);
        for resource in resources {
            assert!(cache.get(resource, None, 21).is_none());
        }
    }

    #[test]
    fn nothing_is_kept_unless_configured_and_never_past_its_time() {
        let off = ThreadCache::default();
        let resource = ResourceId::generate();
        let mark = off.mark();
        off.keep(mark, resource, None, 21, &[]);
        assert!(off.get(resource, None, 21).is_none());

        let brief = ThreadCache::default();
        brief.configure(Duration::from_millis(1), 10);
        let mark = brief.mark();
        brief.keep(mark, resource, None, 21, &[]);
        std::thread::sleep(Duration::from_millis(5));
        assert!(brief.get(resource, None, 21).is_none());
    }

    #[test]
    fn the_capacity_bounds_the_pages_kept() {
        let cache = ThreadCache::default();
        cache.configure(Duration::from_secs(60), 3);
        for _ in 0..10 {
            let mark = cache.mark();
            cache.keep(mark, ResourceId::generate(), None, 21, &[]);
            assert!(cache.lock().pages.len() <= 3);
        }
    }
}
