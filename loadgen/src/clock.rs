//! One clock for every process of a run: CLOCK_MONOTONIC is system-wide, so a trigger's send time
//! in the coordinator and an arrival time in a worker process subtract to a latency.

use rustix::time::{ClockId, clock_gettime};

/// Nanoseconds on the system's monotonic clock.
pub fn now_ns() -> u64 {
    let t = clock_gettime(ClockId::Monotonic);
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

pub fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}
