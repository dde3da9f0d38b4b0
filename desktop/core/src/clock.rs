//! Time, passed in. Alert repetition, the lost-connection alarm and quiet hours all read the
//! clock through [`Clock`], so tests move time instead of waiting 20 seconds for a repeat.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// The local time zone's offset from UTC at `now_ms`, for quiet hours.
    fn utc_offset_secs(&self) -> i32;
}

/// The real time, in the machine's time zone.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }

    fn utc_offset_secs(&self) -> i32 {
        chrono::Local::now().offset().local_minus_utc()
    }
}

/// A clock that moves only when told to; starts at the real time, in UTC.
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            now: AtomicI64::new(SystemClock.now_ms()),
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

    fn utc_offset_secs(&self) -> i32 {
        0
    }
}
