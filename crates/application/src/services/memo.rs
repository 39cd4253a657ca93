//! A short-lived memory of answers that many requests share.
//!
//! Some reads are asked for over and over with the same answer for everyone:
//! the first pages of the visitors' catalogue, the lists of categories and
//! resource types. Each answer is kept for a configured time, so that a burst
//! of identical requests costs one query; what changes meanwhile shows once
//! the answer expires (or at once, where the change goes through the service
//! that keeps the memo and it [forgets](Memo::forget) the answer). Requests
//! that miss together wait for one query rather than each running its own;
//! once an answer has expired, the first request asks again while the others
//! are still given the expired answer (stale while revalidating, 30 s past
//! its time at most), so that a slow query does not stall every request each
//! time its answer expires.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use futures_util::lock::Mutex as AsyncMutex;
use time::{Duration, OffsetDateTime};

/// How long past its time an answer may still be given while the next one
/// is being read (a slow query on a loaded database).
const STALE_GRACE: Duration = Duration::seconds(30);

/// The answer to one question: the last one fetched and when, and the lock
/// of whoever fetches it.
#[derive(Debug)]
struct Slot<V: ?Sized> {
    answer: Mutex<Option<(OffsetDateTime, Arc<V>)>>,
    fetching: AsyncMutex<()>,
}

impl<V: ?Sized> Default for Slot<V> {
    fn default() -> Self {
        Self {
            answer: Mutex::new(None),
            fetching: AsyncMutex::new(()),
        }
    }
}

impl<V: ?Sized> Slot<V> {
    fn answer(&self) -> Option<(OffsetDateTime, Arc<V>)> {
        self.answer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, at: OffsetDateTime, answer: &Arc<V>) {
        *self
            .answer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((at, Arc::clone(answer)));
    }
}

/// Answers of type `V` by question `K`, each kept for `ttl`.
#[derive(Debug)]
pub(crate) struct Memo<K, V: ?Sized> {
    ttl: Duration,
    capacity: usize,
    slots: Mutex<HashMap<K, Arc<Slot<V>>>>,
}

impl<K: Eq + Hash + Clone, V: ?Sized> Memo<K, V> {
    /// Keeps answers for `ttl`, `capacity` questions at most; a zero `ttl`
    /// or `capacity` keeps nothing (as does a `ttl` too long for a
    /// `time::Duration`).
    pub(crate) fn new(ttl: std::time::Duration, capacity: usize) -> Self {
        Self {
            ttl: Duration::try_from(ttl).unwrap_or(Duration::ZERO),
            capacity,
            slots: Mutex::default(),
        }
    }

    /// A memo that keeps nothing: every request fetches.
    pub(crate) fn off() -> Self {
        Self::new(std::time::Duration::ZERO, 0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Arc<Slot<V>>>> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The slot of `question`, made if none is. When full, the slots whose
    /// answer is past serving go first, then all of them: memory stays
    /// bounded.
    fn slot(&self, question: &K, now: OffsetDateTime) -> Arc<Slot<V>> {
        let mut slots = self.lock();
        if let Some(slot) = slots.get(question) {
            return Arc::clone(slot);
        }
        if slots.len() >= self.capacity {
            let horizon = self.ttl + STALE_GRACE;
            slots.retain(|_, slot| slot.answer().is_some_and(|(at, _)| now - at < horizon));
            if slots.len() >= self.capacity {
                slots.clear();
            }
        }
        let slot = Arc::new(Slot::default());
        slots.insert(question.clone(), Arc::clone(&slot));
        slot
    }

    /// Drops the answer to `question`: the next request fetches it. A fetch
    /// already under way answers the requests that were waiting for it, and
    /// keeps what it read where no later request looks.
    pub(crate) fn forget(&self, question: &K) {
        self.lock().remove(question);
    }

    /// The answer to `question` at `now`: the kept one while fresh; once
    /// expired, the kept one again while another request fetches the next
    /// ([`STALE_GRACE`] at most); otherwise `fetch`'s, kept for the others.
    /// A failed fetch is not kept: the next request tries again.
    pub(crate) async fn get_or_fetch<T, E, F>(
        &self,
        question: &K,
        now: OffsetDateTime,
        fetch: F,
    ) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<T, E>>,
        Arc<V>: From<T>,
    {
        if self.ttl <= Duration::ZERO || self.capacity == 0 {
            return fetch.await.map(Arc::from);
        }
        let slot = self.slot(question, now);
        if let Some((at, answer)) = slot.answer() {
            let age = now - at;
            if age < self.ttl {
                return Ok(answer);
            }
            match slot.fetching.try_lock() {
                // Someone is asking again: the expired answer will do.
                None if age < self.ttl + STALE_GRACE => return Ok(answer),
                None => {}
                Some(_fetching) => {
                    let fetched = Arc::from(fetch.await?);
                    slot.keep(now, &fetched);
                    return Ok(fetched);
                }
            }
        }
        let _fetching = slot.fetching.lock().await;
        if let Some((at, answer)) = slot.answer()
            && now - at < self.ttl
        {
            return Ok(answer);
        }
        let fetched = Arc::from(fetch.await?);
        slot.keep(now, &fetched);
        Ok(fetched)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    type Pages = Memo<u64, [u64]>;

    const TTL: std::time::Duration = std::time::Duration::from_secs(2);

    fn query(limit: u64) -> u64 {
        limit
    }

    /// A fetch that counts its runs.
    async fn fetch(runs: &AtomicUsize) -> Result<Vec<u64>, ()> {
        runs.fetch_add(1, Ordering::SeqCst);
        Ok(Vec::new())
    }

    /// A fetch that counts its runs and lets the other requests run before
    /// it answers.
    async fn slow(runs: &AtomicUsize) -> Result<Vec<u64>, ()> {
        runs.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        Ok(Vec::new())
    }

    #[tokio::test]
    async fn an_answer_lives_for_its_time_only() {
        let pages = Pages::new(TTL, 10);
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
        let pages = Pages::new(TTL, 10);
        let runs = AtomicUsize::new(0);
        let now = OffsetDateTime::UNIX_EPOCH;
        let question = query(20);
        let quick = || pages.get_or_fetch(&question, now, fetch(&runs));
        let (a, b, c) = tokio::join!(
            pages.get_or_fetch(&question, now, slow(&runs)),
            quick(),
            quick()
        );
        assert!(a.is_ok() && b.is_ok() && c.is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_expired_answer_is_served_while_one_request_asks_again() {
        let pages = Pages::new(TTL, 10);
        let runs = AtomicUsize::new(0);
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let question = query(20);
        pages
            .get_or_fetch(&question, t0, fetch(&runs))
            .await
            .unwrap();
        let expired = t0 + Duration::seconds(3);
        let (refreshed, meanwhile) = tokio::join!(
            pages.get_or_fetch(&question, expired, slow(&runs)),
            pages.get_or_fetch(&question, expired, fetch(&runs)),
        );
        assert!(refreshed.is_ok() && meanwhile.is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 2, "one fetch then one refresh");
        // Past its grace the expired answer is not served while someone
        // fetches: the request waits for the fetch.
        let late = t0 + Duration::seconds(40);
        let (first, second) = tokio::join!(
            pages.get_or_fetch(&question, late, slow(&runs)),
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
    async fn a_forgotten_answer_is_fetched_again() {
        let pages = Pages::new(TTL, 10);
        let runs = AtomicUsize::new(0);
        let now = OffsetDateTime::UNIX_EPOCH;
        pages.get_or_fetch(&1, now, fetch(&runs)).await.unwrap();
        pages.get_or_fetch(&2, now, fetch(&runs)).await.unwrap();
        pages.forget(&1);
        pages.get_or_fetch(&1, now, fetch(&runs)).await.unwrap();
        pages.get_or_fetch(&2, now, fetch(&runs)).await.unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "only the forgotten one again"
        );
    }

    #[tokio::test]
    async fn a_failed_fetch_is_not_kept() {
        let pages = Pages::new(TTL, 10);
        let now = OffsetDateTime::UNIX_EPOCH;
        let failed = pages
            .get_or_fetch(&query(20), now, async { Err::<Vec<u64>, _>("down") })
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
        let pages = Pages::new(TTL, 3);
        let runs = AtomicUsize::new(0);
        let now = OffsetDateTime::UNIX_EPOCH;
        for limit in 1..=10 {
            pages
                .get_or_fetch(&query(limit), now, fetch(&runs))
                .await
                .unwrap();
            assert!(pages.lock().len() <= 3);
        }
        let off = Pages::new(std::time::Duration::ZERO, 10);
        off.get_or_fetch(&query(1), now, fetch(&runs))
            .await
            .unwrap();
        assert!(off.lock().is_empty());
    }
}
