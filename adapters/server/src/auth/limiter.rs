//! Rate limits of SPEC §3, on sharded maps (no global lock on the request path):
//! failed authentications per agent email and per client address, and requests per credential.

use dashmap::DashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    count: u32,
}

/// Fixed windows that start at a key's first event.
#[derive(Debug)]
pub struct WindowCounter<K: Hash + Eq> {
    windows: DashMap<K, Window>,
    limit: u32,
    length: Duration,
}

fn seconds_left(start: Instant, length: Duration, now: Instant) -> u64 {
    let left = (start + length).saturating_duration_since(now);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

impl<K: Hash + Eq + Clone> WindowCounter<K> {
    pub fn new(limit: u32, length: Duration) -> Self {
        Self {
            windows: DashMap::new(),
            limit,
            length,
        }
    }

    /// `Some(seconds)` until the key's window ends if it already has `limit` events.
    pub fn blocked(&self, key: &K, now: Instant) -> Option<u64> {
        let w = *self.windows.get(key)?;
        let open = now.saturating_duration_since(w.start) < self.length;
        (open && w.count >= self.limit).then(|| seconds_left(w.start, self.length, now).max(1))
    }

    /// Counts one event.
    pub fn record(&self, key: &K, now: Instant) {
        let mut w = self.windows.entry(key.clone()).or_insert(Window {
            start: now,
            count: 0,
        });
        if now.saturating_duration_since(w.start) >= self.length {
            *w = Window {
                start: now,
                count: 0,
            };
        }
        w.count = w.count.saturating_add(1);
    }

    /// Counts one event unless the key is over its limit; `Err(seconds)` then.
    pub fn try_acquire(&self, key: &K, now: Instant) -> Result<(), u64> {
        let mut w = self.windows.entry(key.clone()).or_insert(Window {
            start: now,
            count: 0,
        });
        if now.saturating_duration_since(w.start) >= self.length {
            *w = Window {
                start: now,
                count: 0,
            };
        }
        if w.count >= self.limit {
            return Err(seconds_left(w.start, self.length, now).max(1));
        }
        w.count += 1;
        Ok(())
    }

    /// Drops finished windows (called periodically so the maps cannot grow without bound).
    pub fn prune(&self, now: Instant) {
        self.windows
            .retain(|_, w| now.saturating_duration_since(w.start) < self.length);
    }

    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_ends() {
        let c = WindowCounter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(c.blocked(&"a", t0), None);
            c.record(&"a", t0);
        }
        assert_eq!(c.blocked(&"a", t0 + Duration::from_millis(500)), Some(60));
        assert_eq!(c.blocked(&"a", t0 + Duration::from_secs(59)), Some(1));
        assert_eq!(c.blocked(&"b", t0), None);
        assert_eq!(c.blocked(&"a", t0 + Duration::from_secs(60)), None);
        c.prune(t0 + Duration::from_secs(61));
        assert!(c.is_empty());
    }

    #[test]
    fn try_acquire_counts_up_to_the_limit() {
        let c = WindowCounter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(c.try_acquire(&1, t0).is_ok());
        assert!(c.try_acquire(&1, t0).is_ok());
        assert_eq!(c.try_acquire(&1, t0 + Duration::from_secs(30)), Err(30));
        assert!(c.try_acquire(&1, t0 + Duration::from_secs(60)).is_ok());
    }
}
