//! What a scenario measured: the ledger of triggers and deliveries, and the row it reports.

use serde::Serialize;

use crate::clock::ms;

/// Latency percentiles, in milliseconds.
#[derive(Serialize, Clone, Copy, Debug, Default)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl Percentiles {
    pub fn of(mut ns: Vec<u64>) -> Option<Percentiles> {
        if ns.is_empty() {
            return None;
        }
        ns.sort_unstable();
        let at = |q: f64| ms(ns[((q * ns.len() as f64).ceil() as usize).clamp(1, ns.len()) - 1]);
        Some(Percentiles {
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            p999: at(0.999),
            max: at(1.0),
        })
    }
}

/// Every trigger of a scenario (by sequence number from `first`): when it was sent, how many
/// deliveries it should make, how many the workers' progress says arrived (what a closed loop
/// waits on), how many their records hold and when the last did.
pub struct Ledger {
    first: u64,
    sent: Vec<u64>,
    expected: Vec<u64>,
    progress: Vec<u64>,
    got: Vec<u64>,
    last: Vec<u64>,
    latencies: Vec<u64>,
}

impl Ledger {
    pub fn new(first: u64, count: usize) -> Ledger {
        Ledger {
            first,
            sent: vec![0; count],
            expected: vec![0; count],
            progress: vec![0; count],
            got: vec![0; count],
            last: vec![0; count],
            latencies: Vec::new(),
        }
    }

    pub fn sent(&mut self, seq: u64, at: u64, expected: u64) {
        if let Some(i) = self.index(seq) {
            self.sent[i] = at;
            self.expected[i] = expected;
        }
    }

    fn index(&self, seq: u64) -> Option<usize> {
        seq.checked_sub(self.first)
            .map(|i| i as usize)
            .filter(|i| *i < self.sent.len())
    }

    /// `count` more arrivals of `seq` reported by a worker's progress line.
    pub fn progress(&mut self, seq: u64, count: u64) {
        if let Some(i) = self.index(seq) {
            self.progress[i] += count;
        }
    }

    /// Progress on every trigger together.
    pub fn progressed(&self) -> u64 {
        self.progress.iter().sum()
    }

    /// A first arrival of `seq` at `at`, from a worker's record.
    pub fn delivered(&mut self, seq: u64, at: u64) {
        let Some(i) = self.index(seq) else { return };
        self.got[i] += 1;
        if self.sent[i] > 0 {
            self.latencies.push(at.saturating_sub(self.sent[i]));
            self.last[i] = self.last[i].max(at);
        }
    }

    pub fn complete(&self, seq: u64) -> bool {
        self.index(seq).is_none_or(|i| self.progress[i] >= self.expected[i])
    }

    pub fn expected(&self) -> u64 {
        self.expected.iter().sum()
    }

    pub fn received(&self) -> u64 {
        self.got.iter().sum()
    }

    pub fn latency(&self) -> Option<Percentiles> {
        Percentiles::of(self.latencies.clone())
    }

    /// From each trigger's send to its last delivery.
    pub fn completion(&self) -> Option<Percentiles> {
        let done = (0..self.sent.len())
            .filter(|i| self.sent[*i] > 0 && self.last[*i] > 0)
            .map(|i| self.last[i] - self.sent[i]);
        Percentiles::of(done.collect())
    }
}

/// One line of the report: one scenario, one target, one transport.
#[derive(Serialize, Clone, Debug, Default)]
pub struct Row {
    /// The kind, for grouping and plots: fanout, store, open, idle.
    pub kind: String,
    pub scenario: String,
    pub target: String,
    /// Server processes sharing the load (a cluster's instances).
    pub instances: u64,
    pub transport: String,
    pub subscribers: u64,
    pub triggers: u64,
    pub triggers_failed: u64,
    pub connections_ok: u64,
    pub connections_failed: u64,
    pub expected: u64,
    pub received: u64,
    pub duplicates: u64,
    pub dropped: u64,
    pub latency_ms: Option<Percentiles>,
    pub completion_ms: Option<Percentiles>,
    pub rate_target: Option<f64>,
    pub rate_achieved: Option<f64>,
    pub lag_ms: Option<f64>,
    pub accepted_per_sec: Option<f64>,
    pub rss_per_connection_kib: Option<f64>,
    pub rss_baseline_mib: Option<f64>,
    pub rss_after_close_mib: Option<f64>,
    pub server_cpu_pct: f64,
    pub server_rss_mib: f64,
    pub loadgen_cpu_pct: f64,
    /// PostgreSQL and Redis behind the servers, when there are: CPU (% of one core) and memory
    /// (PSS, MiB) at the end of the measured stretch.
    pub engine_cpu_pct: Option<f64>,
    pub engine_pss_mib: Option<f64>,
    pub secs: f64,
}

impl Row {
    /// Nothing missing, nothing twice, every connection made.
    pub fn whole(&self) -> bool {
        self.received == self.expected
            && self.duplicates == 0
            && self.connections_failed == 0
            && self.triggers_failed == 0
    }
}
