//! One keyed GCRA limiter (governor) with the figures the HTTP layer reports.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{NotUntil, Quota, RateLimiter};

/// Where a client stands against one limit, as the `RateLimit-*` headers report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStatus {
    /// Requests allowed in a burst (the bucket size).
    pub limit: u32,
    /// Requests the client may still make right now.
    pub remaining: u32,
    /// Whole seconds until the bucket is full again.
    pub reset_secs: u64,
    /// Whole seconds to wait before the next request can pass; 0 when it was allowed.
    pub retry_after_secs: u64,
}

impl RateStatus {
    pub fn is_limited(&self) -> bool {
        self.retry_after_secs > 0
    }
}

/// A governor limiter keyed by `K`, refilling `per_second` requests a second up to `burst`.
pub struct KeyedLimiter<K: Hash + Eq + Clone, C: Clock> {
    quota: Quota,
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, C, StateInformationMiddleware>,
}

impl<K: Hash + Eq + Clone, C: Clock> std::fmt::Debug for KeyedLimiter<K, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedLimiter")
            .field("quota", &self.quota)
            .field("n_keys", &self.limiter.len())
            .finish()
    }
}

impl<K: Hash + Eq + Clone, C: Clock> KeyedLimiter<K, C> {
    /// A limiter of `per_second` requests a second with bursts of up to `burst`; zeros count as
    /// one, so a limiter always lets something through eventually.
    pub fn new(per_second: u32, burst: u32, clock: C) -> Self {
        let per_second = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(per_second).allow_burst(burst);
        let limiter = RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock);
        KeyedLimiter { quota, limiter }
    }

    /// Counts one request for `key` and says whether it may pass.
    pub fn check(&self, key: &K) -> RateStatus {
        match self.limiter.check_key(key) {
            Ok(snapshot) => self.allowed(&snapshot),
            Err(not_until) => self.limited(&not_until),
        }
    }

    /// Drops keys whose bucket is full again (indistinguishable from a new key) and returns
    /// the freed memory, so idle clients cost nothing.
    pub fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// Keys currently remembered.
    pub fn n_keys(&self) -> usize {
        self.limiter.len()
    }

    fn burst(&self) -> u32 {
        self.quota.burst_size().get()
    }

    fn allowed(&self, snapshot: &StateSnapshot) -> RateStatus {
        let remaining = snapshot.remaining_burst_capacity();
        let used = self.burst().saturating_sub(remaining);
        RateStatus {
            limit: self.burst(),
            remaining,
            reset_secs: ceil_secs(self.quota.replenish_interval() * used),
            retry_after_secs: 0,
        }
    }

    fn limited(&self, not_until: &NotUntil<C::Instant>) -> RateStatus {
        let wait = not_until.wait_time_from(self.limiter.clock().now());
        let refill_rest = self.quota.replenish_interval() * (self.burst() - 1);
        RateStatus {
            limit: self.burst(),
            remaining: 0,
            reset_secs: ceil_secs(wait + refill_rest).max(1),
            retry_after_secs: ceil_secs(wait).max(1),
        }
    }
}

/// Rounds up: a client told to wait 0.2 s must not come back after 0.
fn ceil_secs(duration: Duration) -> u64 {
    let secs = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn limiter(
        per_second: u32,
        burst: u32,
    ) -> (KeyedLimiter<u32, FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (KeyedLimiter::new(per_second, burst, clock.clone()), clock)
    }

    #[test]
    fn allows_a_burst_then_limits_with_a_retry_time() {
        let (limiter, _clock) = limiter(1, 3);
        let statuses: Vec<_> = (0..4).map(|_| limiter.check(&7)).collect();
        let remaining: Vec<_> = statuses.iter().map(|status| status.remaining).collect();
        assert_eq!(remaining, [2, 1, 0, 0]);
        assert!(statuses[..3].iter().all(|status| !status.is_limited()));
        assert_eq!(statuses[3].retry_after_secs, 1);
        assert_eq!(statuses[3].limit, 3);
        assert_eq!(statuses[3].reset_secs, 3);
    }

    #[test]
    fn keys_are_independent_and_refill_with_time() {
        let (limiter, clock) = limiter(10, 10);
        for _ in 0..10 {
            assert!(!limiter.check(&1).is_limited());
        }
        assert!(limiter.check(&1).is_limited());
        assert!(!limiter.check(&2).is_limited());
        clock.advance(Duration::from_millis(100));
        assert!(!limiter.check(&1).is_limited());
        assert!(limiter.check(&1).is_limited());
    }

    #[test]
    fn reset_counts_the_time_to_refill_what_was_used() {
        let (limiter, _clock) = limiter(2, 10);
        for _ in 0..4 {
            limiter.check(&1);
        }
        // 5 used at 2 a second: full again in 2.5 s, rounded up.
        assert_eq!(limiter.check(&1).reset_secs, 3);
    }

    #[test]
    fn memory_stays_flat_over_many_distinct_idle_keys() {
        let (limiter, clock) = limiter(20, 40);
        for round in 0..5u32 {
            for key in 0..100_000u32 {
                limiter.check(&(round * 100_000 + key));
            }
            assert_eq!(limiter.n_keys(), 100_000);
            clock.advance(Duration::from_secs(3));
            limiter.sweep();
            assert_eq!(limiter.n_keys(), 0, "round {round} left keys behind");
        }
    }

    #[test]
    fn sweeping_keeps_keys_that_are_still_limited() {
        let (limiter, _clock) = limiter(1, 1);
        limiter.check(&1);
        assert!(limiter.check(&1).is_limited());
        limiter.sweep();
        assert_eq!(limiter.n_keys(), 1);
        assert!(limiter.check(&1).is_limited());
    }
}
