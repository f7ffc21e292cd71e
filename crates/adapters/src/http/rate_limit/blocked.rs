//! Addresses refused for too many failed authentications, remembered until their wait is
//! over so that further calls are refused before any key is looked up.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A map from key to the instant its block ends. An entry exists only while a key is refused,
/// and [`Blocklist::sweep`] drops ended blocks, so its size is bounded by the keys refused
/// within one sweep interval plus the longest wait.
#[derive(Debug)]
pub struct Blocklist<K> {
    until: Mutex<HashMap<K, Instant>>,
}

impl<K: Hash + Eq> Default for Blocklist<K> {
    fn default() -> Self {
        Blocklist {
            until: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq> Blocklist<K> {
    /// Refuses `key` for `wait` from `now`, extending a block that ends earlier.
    pub fn block(&self, key: K, now: Instant, wait: Duration) {
        let end = now + wait;
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = until.entry(key).or_insert(end);
        *entry = (*entry).max(end);
    }

    /// What is left of `key`'s block at `now`; `None` when it is not blocked.
    pub fn remaining(&self, key: &K, now: Instant) -> Option<Duration> {
        let until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        let end = *until.get(key)?;
        (end > now).then(|| end - now)
    }

    /// Forgets blocks that have ended by `now`.
    pub fn sweep(&self, now: Instant) {
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        until.retain(|_, end| *end > now);
        until.shrink_to_fit();
    }

    /// Keys currently remembered.
    pub fn len(&self) -> usize {
        self.until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_holds_until_its_end_and_is_then_swept() {
        let list = Blocklist::default();
        let start = Instant::now();
        list.block(1u32, start, Duration::from_secs(2));
        assert_eq!(
            list.remaining(&1, start + Duration::from_secs(1)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(list.remaining(&2, start), None);
        assert_eq!(list.remaining(&1, start + Duration::from_secs(2)), None);
        list.sweep(start + Duration::from_secs(1));
        assert_eq!(list.len(), 1);
        list.sweep(start + Duration::from_secs(3));
        assert_eq!(list.len(), 0);
    }

    #[test]
    fn a_shorter_block_does_not_shorten_a_longer_one() {
        let list = Blocklist::default();
        let start = Instant::now();
        list.block(1u32, start, Duration::from_secs(5));
        list.block(1u32, start, Duration::from_secs(1));
        assert_eq!(list.remaining(&1, start), Some(Duration::from_secs(5)));
    }
}
