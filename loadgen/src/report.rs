//! The run's outputs: a table on stdout, `results.json` (every row) and `results.md` (the
//! figures side by side, a column per target, with the ratios Orderbell ÷ nchan and each
//! engine ÷ the embedded default per line).

use std::fmt::Write;
use std::io;
use std::path::Path;

use crate::figures::Row;

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("–".into(), |v| format!("{v:.digits$}"))
}

/// One line per row, for the terminal.
pub fn print(rows: &[Row]) {
    println!(
        "{:<27} {:<17} {:<3} {:>7} {:>13} {:>4} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>7} {:>6} {:>6}",
        "scenario",
        "target",
        "tr",
        "conns",
        "recv/expect",
        "dup",
        "p50ms",
        "p99ms",
        "p999ms",
        "maxms",
        "compl50",
        "rate",
        "lagms",
        "acc/s",
        "srvCPU",
        "lgCPU"
    );
    for r in rows {
        let lat = r.latency_ms;
        println!(
            "{:<27} {:<17} {:<3} {:>7} {:>13} {:>4} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>7} {:>5.0}% {:>5.0}%{}",
            r.scenario,
            r.target,
            r.transport,
            format!("{}/{}", r.connections_ok, r.connections_ok + r.connections_failed),
            format!("{}/{}", r.received, r.expected),
            r.duplicates,
            opt(lat.map(|l| l.p50), 2),
            opt(lat.map(|l| l.p99), 2),
            opt(lat.map(|l| l.p999), 2),
            opt(lat.map(|l| l.max), 1),
            opt(r.completion_ms.map(|c| c.p50), 2),
            opt(r.rate_achieved, 0),
            opt(r.lag_ms, 1),
            opt(r.accepted_per_sec, 0),
            r.server_cpu_pct,
            r.loadgen_cpu_pct,
            match (r.rss_per_connection_kib, r.rss_after_close_mib) {
                (Some(per), Some(after)) => format!(
                    "  rss/conn {per:.1} KiB, baseline {:.0} MiB, after close {after:.0} MiB",
                    r.rss_baseline_mib.unwrap_or(0.0)
                ),
                _ => format!("  rss {:.0} MiB", r.server_rss_mib),
            }
        );
    }
}

type Metric = (&'static str, fn(&Row) -> Option<f64>);

/// What PostgreSQL and Redis cost beside the servers (none on the embedded default or nchan).
const ENGINE_CPU: Metric = ("PostgreSQL + Redis CPU % of a core", |r| r.engine_cpu_pct);
const ENGINE_PSS: Metric = ("PostgreSQL + Redis memory (PSS) MiB", |r| r.engine_pss_mib);

/// What is compared for each kind of scenario; what the engines cost when a target has them.
fn metrics(kind: &str, engines: bool) -> Vec<Metric> {
    let delivered: Metric = ("received / expected (dups)", |_| None);
    let mut metrics: Vec<Metric> = match kind {
        "fanout" | "store" => vec![
            delivered,
            ("delivery p50 ms", |r| r.latency_ms.map(|l| l.p50)),
            ("delivery p99 ms", |r| r.latency_ms.map(|l| l.p99)),
            ("delivery max ms", |r| r.latency_ms.map(|l| l.max)),
            ("completion p50 ms", |r| r.completion_ms.map(|l| l.p50)),
            ("completion p99 ms", |r| r.completion_ms.map(|l| l.p99)),
            ("server CPU % of a core", |r| Some(r.server_cpu_pct)),
            ("loadgen CPU %", |r| Some(r.loadgen_cpu_pct)),
        ],
        "open" => vec![
            delivered,
            ("rate achieved /s", |r| r.rate_achieved),
            ("lag behind schedule ms", |r| r.lag_ms),
            ("delivery p50 ms", |r| r.latency_ms.map(|l| l.p50)),
            ("delivery p99 ms", |r| r.latency_ms.map(|l| l.p99)),
            ("delivery p99.9 ms", |r| r.latency_ms.map(|l| l.p999)),
            ("delivery max ms", |r| r.latency_ms.map(|l| l.max)),
            ("server CPU % of a core", |r| Some(r.server_cpu_pct)),
            ("loadgen CPU %", |r| Some(r.loadgen_cpu_pct)),
        ],
        _ => vec![
            ("connections made / failed", |_| None),
            ("accepted per second", |r| r.accepted_per_sec),
            ("server RSS per connection KiB", |r| r.rss_per_connection_kib),
            ("server RSS baseline MiB", |r| r.rss_baseline_mib),
            ("server RSS 2 s after close MiB", |r| r.rss_after_close_mib),
            ("server CPU % of a core", |r| Some(r.server_cpu_pct)),
        ],
    };
    if engines {
        metrics.extend([ENGINE_CPU, ENGINE_PSS]);
    }
    metrics
}

fn cell(row: Option<&Row>, index: usize, metric: &Metric) -> String {
    let Some(r) = row else { return "–".into() };
    match (index, r.kind.as_str()) {
        (0, "idle") => format!("{} / {}", r.connections_ok, r.connections_failed),
        (0, _) => format!("{} / {} ({})", r.received, r.expected, r.duplicates),
        _ => opt((metric.1)(r), 2),
    }
}

/// What each scenario starts from, for the reader of results.md.
const STARTS_FROM: &str = "Each scenario, on each transport, runs on a server started for it alone (a fresh \
Orderbell process on an empty data directory, set up with the tables the scenario uses and one \
diner per table; a fresh nginx), so no figure inherits memory, connections or carts another \
scenario left:

- **idle**: a fresh server with the run's tables (2,500 at full size), subscribers spread over \
them; its RSS before any subscriber is the baseline, RSS per connection is (RSS with every connection held − baseline) ÷ connections, and \
\"after close\" is its RSS 2 s after the last one closed.
- **fan-out**: a fresh server; each subscriber count on a table no trigger has changed yet (nchan: \
a fresh channel), one after another on that server.
- **store stream**: a fresh server with 16 tables; each payment's order is made before the \
subscribers connect, so only the payments are timed.
- **open loop**: a fresh server with the run's tables (2,500 at full size), 4 subscribers \
each; the rates are steps one after another on the same connections, up to the first not held.
- **idle over many instances** (the cluster only; 100,000 over 8 instances at full size): as \
idle, past what one process holds (20,000 open files).

The targets: **Orderbell** is the embedded default (SQLite in its data directory, fan-out in \
the process). **on PostgreSQL** is one instance on a private PostgreSQL 15. **cluster** is two \
instances (8 for the wide idle run) on one PostgreSQL and one Redis; each table's subscribers \
connect to one instance (table by table in turn; the store stream's to the first) and its \
triggers go to the next, so every delivery crosses Redis. PostgreSQL and Redis are fresh for \
each scenario too, on loopback, durable as shipped (fsync on). Server CPU and RSS add up the \
instances; PostgreSQL + Redis are reported apart: CPU of the postmaster, every backend and \
Redis, and their memory as PSS (shared buffers counted once).

Subscribers are the load generator's worker processes (15,000 connections at most each); their \
CPU (\"loadgen CPU\") is reported beside the server's.
";

/// The targets, in their columns' order.
const TARGETS: [(&str, &str); 4] = [
    ("nchan", "nchan"),
    ("orderbell", "Orderbell"),
    ("orderbell-pg", "Orderbell on PostgreSQL"),
    ("orderbell-cluster", "Orderbell, cluster on PostgreSQL + Redis"),
];

/// The ratios shown, (numerator, denominator): Orderbell against the reference, and each engine
/// against the embedded default.
const RATIOS: [(&str, &str, &str); 3] = [
    ("orderbell", "nchan", "Orderbell ÷ nchan"),
    ("orderbell-pg", "orderbell", "PostgreSQL ÷ embedded"),
    ("orderbell-cluster", "orderbell", "cluster ÷ embedded"),
];

pub fn markdown(rows: &[Row], command: &str) -> String {
    let present = |target: &str| rows.iter().any(|r| r.target == target);
    let targets: Vec<_> = TARGETS.iter().filter(|(t, _)| present(t)).collect();
    let ratios: Vec<_> = RATIOS.iter().filter(|(a, b, _)| present(a) && present(b)).collect();
    let engines = rows.iter().any(|r| r.engine_cpu_pct.is_some());
    let mut md = String::new();
    let names: Vec<&str> = targets.iter().map(|(_, title)| *title).collect();
    let _ = writeln!(md, "# Push path, side by side: {}\n", names.join(" · "));
    let _ = writeln!(
        md,
        "Made by `{command}` (loadgen/). A column per target; ratios below 1 are the first lower.\n"
    );
    let _ = writeln!(md, "{STARTS_FROM}");
    let mut header = String::from("| scenario | transport | figure |");
    let mut rule = String::from("|---|---|---|");
    for (_, title) in &targets {
        let _ = write!(header, " {title} |");
        rule.push_str("---|");
    }
    for (_, _, title) in &ratios {
        let _ = write!(header, " {title} |");
        rule.push_str("---|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    let mut seen = Vec::new();
    for r in rows {
        let key = (r.scenario.clone(), r.transport.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let find = |target: &str| {
            rows.iter()
                .find(|x| x.scenario == r.scenario && x.transport == r.transport && x.target == target)
        };
        for (i, metric) in metrics(&r.kind, engines).iter().enumerate() {
            let mut line = format!("| {} | {} | {} |", r.scenario, r.transport, metric.0);
            for (target, _) in &targets {
                let _ = write!(line, " {} |", cell(find(target), i, metric));
            }
            for (a, b, _) in &ratios {
                let ratio = match (find(a).and_then(metric.1), find(b).and_then(metric.1)) {
                    (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
                    _ => "".into(),
                };
                let _ = write!(line, " {ratio} |");
            }
            let _ = writeln!(md, "{line}");
        }
    }
    md
}

pub fn write(dir: &Path, rows: &[Row], command: &str) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(rows).map_err(io::Error::other)?;
    std::fs::write(dir.join("results.json"), json + "\n")?;
    std::fs::write(dir.join("results.md"), markdown(rows, command))?;
    let plots = crate::plot::plots(rows);
    for (name, svg) in plots {
        std::fs::write(dir.join(name), svg)?;
    }
    Ok(())
}
