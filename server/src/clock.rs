//! Time, passed in: reminder rate limits, unpaid-order timeouts and signature windows all read
//! the clock through [`Clock`], so tests can move time instead of waiting for it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        now_ms()
    }
}

/// A clock that moves only when told to; starts at the real time.
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            now: AtomicI64::new(now_ms()),
        }
    }

    pub fn advance_secs(&self, secs: i64) {
        self.now.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}

/// Wall-clock seconds, for what a payment provider signs and checks against its own real time
/// (a test's manual clock would make every signature look stale to it).
pub fn now_secs() -> i64 {
    i64::try_from(since_epoch().as_secs()).unwrap_or(i64::MAX)
}

/// Wall-clock milliseconds, for timestamps that nothing depends on (message envelopes).
pub fn now_ms() -> i64 {
    i64::try_from(since_epoch().as_millis()).unwrap_or(i64::MAX)
}

/// Wall-clock microseconds, for the bills' hybrid clock: it orders changes made on several
/// instances, so it must be the real time the other instances read too, never a test's clock.
pub fn now_micros() -> u64 {
    u64::try_from(since_epoch().as_micros()).unwrap_or(u64::MAX)
}

/// The one place the server reads the wall clock; before 1970 counts as 1970.
fn since_epoch() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}
