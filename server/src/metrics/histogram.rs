//! A histogram of seconds whose observation is a few atomic additions, with no lock.
//!
//! prometheus-client's own `Histogram` takes a mutex on every observation. Delivery lag is
//! observed once per event per connection, from every worker thread at once: a shared lock there
//! would make the push path wait on its own measurement.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use prometheus_client::encoding::{EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::exemplar::Exemplar;
use prometheus_client::metrics::{MetricType, TypedMetric};

/// Upper bounds in seconds: 0.5 ms to 10 s, about three to a decade. Deliveries take well under
/// a millisecond on a quiet server; HTTP requests a few milliseconds; a database sync ~4 ms.
pub const BOUNDS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Default)]
pub struct Seconds {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// One more than the bounds: the last counts what is above them all (`+Inf`).
    buckets: [AtomicU64; BOUNDS.len() + 1],
    count: AtomicU64,
    /// In nanoseconds, so that it is an integer that atomics can add.
    sum_nanos: AtomicU64,
}

impl Seconds {
    pub fn observe(&self, took: Duration) {
        let secs = took.as_secs_f64();
        let bucket = BOUNDS.iter().position(|bound| secs <= *bound).unwrap_or(BOUNDS.len());
        // Relaxed: each is a tally on its own; a scrape may see one a moment before another.
        self.inner.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.inner.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.inner.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

impl TypedMetric for Seconds {
    const TYPE: MetricType = MetricType::Histogram;
}

impl EncodeMetric for Seconds {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        let buckets: Vec<(f64, u64)> = BOUNDS
            .iter()
            .copied()
            .chain([f64::INFINITY])
            .zip(self.inner.buckets.iter().map(|b| b.load(Ordering::Relaxed)))
            .collect();
        // The count is the buckets' total, so that `_count` and `le="+Inf"` always agree.
        let count = buckets.iter().map(|(_, n)| n).sum();
        let sum = self.inner.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        encoder.encode_histogram::<NoLabelSet>(sum, count, &buckets, None::<&HashMap<usize, Exemplar<NoLabelSet, f64>>>)
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

#[cfg(test)]
mod tests {
    use prometheus_client::encoding::text::encode;
    use prometheus_client::registry::Registry;

    use super::*;

    #[test]
    fn observations_land_in_their_bucket_and_the_buckets_add_up() {
        let seconds = Seconds::default();
        seconds.observe(Duration::from_micros(300));
        seconds.observe(Duration::from_millis(3));
        seconds.observe(Duration::from_secs(60));
        let mut registry = Registry::default();
        registry.register("lag_seconds", "test", seconds);
        let mut text = String::new();
        encode(&mut text, &registry).expect("encode");
        assert!(text.contains("lag_seconds_bucket{le=\"0.0005\"} 1\n"), "{text}");
        assert!(
            text.contains("lag_seconds_bucket{le=\"0.005\"} 2\n"),
            "cumulative: {text}"
        );
        assert!(text.contains("lag_seconds_bucket{le=\"10.0\"} 2\n"), "{text}");
        assert!(text.contains("lag_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(text.contains("lag_seconds_count 3\n"), "{text}");
        assert!(text.contains("lag_seconds_sum 60.0033\n"), "{text}");
    }
}
