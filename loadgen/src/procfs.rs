//! CPU time and resident memory of a process, read from /proc: the servers' and our own.

use std::collections::HashMap;
use std::fs;

/// User plus system CPU time of `pid` (all its threads), in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}

pub fn ticks_per_sec() -> f64 {
    rustix::param::clock_ticks_per_second() as f64
}

/// Resident set size of `pid` in KiB (0 once it is gone).
pub fn rss_kib(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The direct children of `pid` (nginx's workers under its master).
pub fn children(pid: u32) -> Vec<u32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|s| s.split_whitespace().filter_map(|p| p.parse().ok()).collect())
        .unwrap_or_default()
}

/// Proportional set size of `pid` in KiB: shared pages divided among the processes mapping them
/// (PostgreSQL's shared buffers counted once across its backends). 0 once it is gone.
pub fn pss_kib(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// CPU ticks of a set of processes between two readings, as a percentage of one core.
pub struct CpuMeter {
    pids: Vec<u32>,
    /// Processes whose children count too, those of the moment of each reading (PostgreSQL's
    /// backends, forked as connections come).
    parents: Vec<u32>,
    start_ticks: HashMap<u32, u64>,
    start_ns: u64,
}

impl CpuMeter {
    pub fn start(pids: Vec<u32>) -> Self {
        CpuMeter::start_with_children(pids, Vec::new())
    }

    pub fn start_with_children(pids: Vec<u32>, parents: Vec<u32>) -> Self {
        let mut meter = CpuMeter {
            pids,
            parents,
            start_ticks: HashMap::new(),
            start_ns: crate::clock::now_ns(),
        };
        meter.start_ticks = meter.members().into_iter().map(|p| (p, cpu_ticks(p))).collect();
        meter
    }

    fn members(&self) -> Vec<u32> {
        let children = self.parents.iter().flat_map(|p| children(*p));
        self.pids.iter().chain(&self.parents).copied().chain(children).collect()
    }

    /// Processes born during the stretch (their whole CPU time counts).
    pub fn include(&mut self, pids: Vec<u32>) {
        self.pids.extend(pids);
    }

    pub fn percent(&self) -> f64 {
        let ticks: u64 = self
            .members()
            .into_iter()
            .map(|p| cpu_ticks(p).saturating_sub(self.start_ticks.get(&p).copied().unwrap_or(0)))
            .sum();
        let secs = (crate::clock::now_ns() - self.start_ns) as f64 / 1e9;
        if secs <= 0.0 {
            return 0.0;
        }
        ticks as f64 / ticks_per_sec() / secs * 100.0
    }
}
