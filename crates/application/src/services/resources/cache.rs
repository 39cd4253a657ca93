//! A short-lived memory of visitors' catalogue pages.
//!
//! Visitors all see the same public catalogue, and the same few pages (the
//! first ones, popular searches) are asked for over and over. Each answer is
//! kept for a configured time (a couple of seconds by default), so that a
//! burst of identical requests costs one query; what changes meanwhile (a
//! resource published, suspended or deleted) shows in visitors' lists once
//! the answer expires. Requests that miss together wait for one query rather
//! than each running its own; once an answer has expired, the first request
//! asks again while the others are still given the expired answer (stale
//! while revalidating, 30 s past its time at most), so that a slow query does
//! not stall every visitor each time its answer expires. Logged-in accounts are
//! never served from it: their lists include restricted resources and those
//! shared with them.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures_util::lock::Mutex as AsyncMutex;
use time::{Duration, OffsetDateTime};

use crate::ports::{CatalogueEntry, CatalogueQuery};

/// A page, once fetched.
type Page = Arc<[CatalogueEntry]>;

/// How long past its time an answer may still be given while the next one
/// is being read (a slow query on a loaded database).
const STALE_GRACE: Duration = Duration::seconds(30);

/// The answer to one question: the last page fetched and when, and the
/// lock of whoever fetches it.
#[derive(Debug, Default)]
struct Slot {
    page: Mutex<Option<(OffsetDateTime, Page)>>,
    fetching: AsyncMutex<()>,
}

impl Slot {
    fn page(&self) -> Option<(OffsetDateTime, Page)> {
        self.page
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, at: OffsetDateTime, page: &Page) {
        *self
            .page
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((at, Arc::clone(page)));
    }
}

/// Visitors' answers, by question.
#[derive(Debug)]
pub(super) struct VisitorPages {
    ttl: Duration,
    capacity: usize,
    slots: Mutex<HashMap<CatalogueQuery, Arc<Slot>>>,
}

impl VisitorPages {
    /// Keeps answers for `ttl`, `capacity` questions at most; a zero `ttl`
    /// or `capacity` keeps nothing.
    pub(super) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            slots: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CatalogueQuery, Arc<Slot>>> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The slot of `query`, made if none is. When full, the slots whose
    /// answer is past serving go first, then all of them: memory stays
    /// bounded.
    fn slot(&self, query: &CatalogueQuery, now: OffsetDateTime) -> Arc<Slot> {
        let mut slots = self.lock();
        if let Some(slot) = slots.get(query) {
            return Arc::clone(slot);
        }
        if slots.len() >= self.capacity {
            let horizon = self.ttl + STALE_GRACE;
            slots.retain(|_, slot| slot.page().is_some_and(|(at, _)| now - at < horizon));
            if slots.len() >= self.capacity {
                slots.clear();
            }
        }
        let slot = Arc::new(Slot::default());
        slots.insert(query.clone(), Arc::clone(&slot));
        slot
    }

    /// The answer to `query` at `now`: the kept one while fresh; once
    /// expired, the kept one again while another request fetches the next
    /// ([`STALE_GRACE`] at most); otherwise `fetch`'s, kept for the others.
    /// A failed fetch is not kept: the next request tries again.
    pub(super) async fn get_or_fetch<E, F>(
        &self,
        query: &CatalogueQuery,
        now: OffsetDateTime,
        fetch: F,
    ) -> Result<Page, E>
    where
        F: Future<Output = Result<Vec<CatalogueEntry>, E>>,
    {
        if self.ttl <= Duration::ZERO || self.capacity == 0 {
            return fetch.await.map(Page::from);
        }
        let slot = self.slot(query, now);
        if let Some((at, page)) = slot.page() {
            let age = now - at;
            if age < self.ttl {
                return Ok(page);
            }
            match slot.fetching.try_lock() {
                // Someone is asking again: the expired answer will do.
                None if age < self.ttl + STALE_GRACE => return Ok(page),
                None => {}
                Some(_fetching) => {
                    let fetched: Page = fetch.await?.into();
                    slot.keep(now, &fetched);
                    return Ok(fetched);
                }
            }
        }
        let _fetching = slot.fetching.lock().await;
        if let Some((at, page)) = slot.page()
            && now - at < self.ttl
        {
            return Ok(page);
        }
        let fetched: Page = fetch.await?.into();
        slot.keep(now, &fetched);
        Ok(fetched)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::ports::{CatalogueAudience, CatalogueSort};

    fn query(limit: u64) -> CatalogueQuery {
        CatalogueQuery {
            audience: CatalogueAudience::Visitor,
            category: None,
            resource_type: None,
            relation_types: Vec::new(),
            author: None,
            created_from: None,
            created_before: None,
            text: None,
            sort: CatalogueSort::Newest,
            after: None,
            limit,
        }
    }

    /// A fetch that counts its runs.
    async fn fetch(runs: &AtomicUsize) -> Result<Vec<CatalogueEntry>, ()> {
        runs.fetch_add(1, Ordering::SeqCst);
        Ok(Vec::new())
    }

    #[tokio::test]
    async fn an_answer_lives_for_its_time_only() {
        let pages = VisitorPages::new(Duration::seconds(2), 10);
        let runs = AtomicUsize::new(0);
        let t0 = OffsetDateTime::UNIX_EPOCH;
        for (limit, at) in [(20, 0), (20, 1), (21, 1), (20, 2)] {
            pages
                .get_or_fetch(&query(limit), t0 + Duration::seconds(at), fetch(&runs))
                .await
                .unwrap();
        }
        assert_eq!(runs.load(Ordering::SeqCst), 3, "the 1 s one was reused");
    }

    #[tokio::test]
    async fn requests_that_miss_together_share_one_fetch() {
        let pages = VisitorPages::new(Duration::seconds(2), 10);
        let runs = AtomicUsize::new(0);
        let now = OffsetDateTime::UNIX_EPOCH;
        let slow = async {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(Vec::new())
        };
        let question = query(20);
        let quick = || pages.get_or_fetch(&question, now, fetch(&runs));
        let (a, b, c) = tokio::join!(pages.get_or_fetch(&question, now, slow), quick(), quick());
        assert!(a.is_ok() && b.is_ok() && c.is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_expired_answer_is_served_while_one_request_asks_again() {
        let pages = VisitorPages::new(Duration::seconds(2), 10);
        let runs = AtomicUsize::new(0);
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let question = query(20);
        pages
            .get_or_fetch(&question, t0, fetch(&runs))
            .await
            .unwrap();
        let expired = t0 + Duration::seconds(3);
        let slow = async {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(Vec::new())
        };
        let (refreshed, meanwhile) = tokio::join!(
            pages.get_or_fetch(&question, expired, slow),
            pages.get_or_fetch(&question, expired, fetch(&runs)),
        );
        assert!(refreshed.is_ok() && meanwhile.is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 2, "one fetch then one refresh");
        // Past its grace the expired answer is not served while someone
        // fetches: the request waits for the fetch.
        let late = t0 + Duration::seconds(40);
        let slow = async {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(Vec::new())
        };
        let (first, second) = tokio::join!(
            pages.get_or_fetch(&question, late, slow),
            pages.get_or_fetch(&question, late, fetch(&runs)),
        );
        assert!(first.is_ok() && second.is_ok());
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "the second waited and reused it"
        );
    }

    #[tokio::test]
    async fn a_failed_fetch_is_not_kept() {
        let pages = VisitorPages::new(Duration::seconds(2), 10);
        let now = OffsetDateTime::UNIX_EPOCH;
        let failed = pages
            .get_or_fetch(&query(20), now, async {
                Err::<Vec<CatalogueEntry>, _>("down")
            })
            .await;
        assert!(failed.is_err());
        let runs = AtomicUsize::new(0);
        pages
            .get_or_fetch(&query(20), now, fetch(&runs))
            .await
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn memory_stays_bounded_and_zero_keeps_nothing() {
        let pages = VisitorPages::new(Duration::seconds(2), 3);
        let runs = AtomicUsize::new(0);
        let now = OffsetDateTime::UNIX_EPOCH;
        for limit in 1..=10 {
            pages
                .get_or_fetch(&query(limit), now, fetch(&runs))
                .await
                .unwrap();
            assert!(pages.lock().len() <= 3);
        }
        let off = VisitorPages::new(Duration::ZERO, 10);
        off.get_or_fetch(&query(1), now, fetch(&runs))
            .await
            .unwrap();
        assert!(off.lock().is_empty());
    }
}
