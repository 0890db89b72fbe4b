//! Facts probed of each URL, kept for a while (`serve`, `check_many`).

use super::MediaFacts;

/// What recent calls probed of each URL, for a caller that checks many
/// requests over time (`serve`): an asset seen within `ttl` is not fetched
/// again. Bounded: at most `max_entries` URLs (the oldest go first).
#[derive(Debug)]
pub struct ProbeCache {
    ttl: std::time::Duration,
    max_entries: usize,
    map: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, MediaFacts)>>,
}

impl ProbeCache {
    /// A cache keeping each URL's facts for `ttl`, at most `max_entries`.
    pub fn new(ttl: std::time::Duration, max_entries: usize) -> Self {
        ProbeCache {
            ttl,
            max_entries: max_entries.max(1),
            map: Default::default(),
        }
    }

    pub(crate) fn get(&self, url: &str, now: std::time::Instant) -> Option<MediaFacts> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(url)
            .filter(|(at, _)| now.saturating_duration_since(*at) < self.ttl)
            .map(|(_, f)| f.clone())
    }

    pub(crate) fn put(&self, url: &str, facts: &MediaFacts, now: std::time::Instant) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max_entries {
            map.retain(|_, (at, _)| now.saturating_duration_since(*at) < self.ttl);
        }
        if map.len() >= self.max_entries {
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(url.to_string(), (now, facts.clone()));
    }

    /// URLs held now.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
