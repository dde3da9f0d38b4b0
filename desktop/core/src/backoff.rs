//! How long to wait before reconnecting: exponential from about a second to about thirty, with
//! jitter, so that after a server restart a hundred restaurants do not all knock at once.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

/// The bounds of the wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }
}

/// Consecutive failures so far, and the random source of the jitter.
pub struct Backoff {
    policy: BackoffPolicy,
    failures: u32,
    rng: StdRng,
}

impl Backoff {
    pub fn new(policy: BackoffPolicy) -> Backoff {
        Backoff::with_rng(policy, StdRng::from_os_rng())
    }

    pub fn with_rng(policy: BackoffPolicy, rng: StdRng) -> Backoff {
        Backoff {
            policy,
            failures: 0,
            rng,
        }
    }

    /// The wait after one more failure: "equal jitter", a random point in the upper half of
    /// `initial × 2^failures`, capped at `max`. It never waits less than half the cap, so it
    /// really backs off, and never more than `max`, so it comes back quickly when it can.
    pub fn next_delay(&mut self) -> Duration {
        let doubling = 2u32.saturating_pow(self.failures.min(20));
        let cap = self.policy.initial.saturating_mul(doubling).min(self.policy.max);
        self.failures = self.failures.saturating_add(1);
        let half = cap / 2;
        let jitter_ms = self
            .rng
            .random_range(0..=half.as_millis().min(u128::from(u64::MAX)) as u64);
        half + Duration::from_millis(jitter_ms)
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// After a connection that worked, start again from the shortest wait.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BackoffPolicy {
        BackoffPolicy::default()
    }

    #[test]
    fn waits_grow_from_about_a_second_to_at_most_thirty() {
        let mut backoff = Backoff::with_rng(policy(), StdRng::seed_from_u64(7));
        let caps = [1u64, 2, 4, 8, 16, 30, 30, 30, 30, 30];
        for (n, cap) in caps.into_iter().enumerate() {
            let cap = Duration::from_secs(cap);
            let wait = backoff.next_delay();
            assert!(
                wait >= cap / 2 && wait <= cap,
                "failure {n}: {wait:?} within [{:?}, {cap:?}]",
                cap / 2
            );
        }
        assert_eq!(backoff.failures(), 10);
    }

    #[test]
    fn jitter_spreads_clients_apart() {
        let waits: std::collections::BTreeSet<Duration> = (0..20)
            .map(|seed| {
                let mut b = Backoff::with_rng(policy(), StdRng::seed_from_u64(seed));
                (0..5).map(|_| b.next_delay()).last().unwrap_or_default()
            })
            .collect();
        assert!(waits.len() > 10, "twenty clients do not retry in lockstep: {waits:?}");
    }

    #[test]
    fn a_good_connection_resets_the_wait_and_it_never_overflows() {
        let mut backoff = Backoff::with_rng(policy(), StdRng::seed_from_u64(1));
        for _ in 0..1000 {
            assert!(backoff.next_delay() <= Duration::from_secs(30));
        }
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_secs(1));
    }
}
