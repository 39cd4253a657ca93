//! A short-lived memory of visitors' catalogue pages.
//!
//! Visitors all see the same public catalogue, and the same few pages (the
//! first ones, popular searches) are asked for over and over. Each answer is
//! kept for a configured time (a couple of seconds by default), so that a
//! burst of identical requests costs one query; what changes meanwhile (a
//! resource published, suspended or deleted) shows in visitors' lists once
//! the answer expires. Logged-in accounts are never served from it: their
//! lists include restricted resources and those shared with them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};

use crate::ports::{CatalogueEntry, CatalogueQuery};

/// Answers by question, with the instant each expires.
type Pages = HashMap<CatalogueQuery, (OffsetDateTime, Arc<[CatalogueEntry]>)>;

/// Visitors' answers, by question, with the instant they expire.
#[derive(Debug)]
pub(super) struct VisitorPages {
    ttl: Duration,
    capacity: usize,
    pages: Mutex<Pages>,
}

impl VisitorPages {
    /// Keeps answers for `ttl`, `capacity` questions at most.
    pub(super) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            pages: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pages> {
        self.pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The answer to `query` if kept and not expired at `now`.
    pub(super) fn get(
        &self,
        query: &CatalogueQuery,
        now: OffsetDateTime,
    ) -> Option<Arc<[CatalogueEntry]>> {
        match self.lock().get(query) {
            Some((expires, page)) if *expires > now => Some(Arc::clone(page)),
            _ => None,
        }
    }

    /// Keeps `page` as the answer to `query` from `now`. When full, expired
    /// answers go first, then all of them: memory stays bounded.
    pub(super) fn put(
        &self,
        query: CatalogueQuery,
        page: Arc<[CatalogueEntry]>,
        now: OffsetDateTime,
    ) {
        if self.ttl <= Duration::ZERO || self.capacity == 0 {
            return;
        }
        let mut pages = self.lock();
        if pages.len() >= self.capacity && !pages.contains_key(&query) {
            pages.retain(|_, (expires, _)| *expires > now);
            if pages.len() >= self.capacity {
                pages.clear();
            }
        }
        pages.insert(query, (now + self.ttl, page));
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn an_answer_lives_for_its_time_only() {
        let pages = VisitorPages::new(Duration::seconds(2), 10);
        let now = OffsetDateTime::UNIX_EPOCH;
        pages.put(query(20), Arc::from(Vec::new()), now);
        assert!(pages.get(&query(20), now + Duration::seconds(1)).is_some());
        assert!(pages.get(&query(21), now).is_none(), "another question");
        assert!(pages.get(&query(20), now + Duration::seconds(2)).is_none());
    }

    #[test]
    fn memory_stays_bounded() {
        let pages = VisitorPages::new(Duration::seconds(2), 3);
        let now = OffsetDateTime::UNIX_EPOCH;
        for limit in 1..=10 {
            pages.put(query(limit), Arc::from(Vec::new()), now);
            assert!(pages.lock().len() <= 3);
        }
        assert!(pages.get(&query(10), now).is_some(), "the newest is kept");
    }

    #[test]
    fn a_zero_time_keeps_nothing() {
        let pages = VisitorPages::new(Duration::ZERO, 10);
        let now = OffsetDateTime::UNIX_EPOCH;
        pages.put(query(20), Arc::from(Vec::new()), now);
        assert!(pages.get(&query(20), now).is_none());
    }
}
