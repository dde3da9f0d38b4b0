//! The scenarios, each run against one target and one transport: fan-out (closed loop, one
//! trigger at a time, each awaited until every subscriber has it), the store stream (the same,
//! with payments), the open loop (fixed rates over many tables) and idle connections.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io;
use std::net::SocketAddr;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::clock::now_ns;
use crate::figures::{Ledger, Row};
use crate::fleet::{Collected, Ended, Fleet, Ready, Report};
use crate::http::{Conn, Request};
use crate::procfs::CpuMeter;
use crate::targets::{Channel, Target};
use crate::worker::{Group, Spec};

/// One scenario's server (started for it alone), the next sequence number (unique over the
/// whole run) and the tables fan-out has used.
pub struct Run {
    pub target: Target,
    pub seq: u64,
    pub used_tables: usize,
}

fn transport(websocket: bool) -> &'static str {
    if websocket { "ws" } else { "sse" }
}

/// Server, engine and load generator CPU over a measured stretch.
struct Meters {
    server: CpuMeter,
    engines: Option<CpuMeter>,
    loadgen: CpuMeter,
    started: u64,
}

impl Meters {
    fn start(target: &Target, workers: Vec<u32>) -> Meters {
        let mut ours = workers;
        ours.push(std::process::id());
        Meters {
            server: CpuMeter::start(target.pids()),
            engines: target.engine_meter(),
            loadgen: CpuMeter::start(ours),
            started: now_ns(),
        }
    }

    fn fill(&self, row: &mut Row, target: &Target) {
        row.server_cpu_pct = self.server.percent();
        row.engine_cpu_pct = self.engines.as_ref().map(CpuMeter::percent);
        row.loadgen_cpu_pct = self.loadgen.percent();
        row.server_rss_mib = target.rss_kib() as f64 / 1024.0;
        row.engine_pss_mib = target.engine_pss_mib();
        row.secs = (now_ns() - self.started) as f64 / 1e9;
    }
}

async fn subscribe(
    run: &Run,
    groups: Vec<Group>,
    channel: &Channel,
    websocket: bool,
    keys: Range<u64>,
) -> io::Result<(Fleet, Ready)> {
    let total: u32 = groups.iter().map(|g| g.count).sum();
    let spec = Spec {
        websocket,
        groups,
        filter: run.target.filter(channel, websocket),
        keys,
        sources: Vec::new(),
        parallel: 256,
        max_secs: 900,
    };
    let mut fleet = Fleet::start(&spec, if total >= 2_000 { 2 } else { 1 }).await?;
    // A busy cluster accepted ~1,200/s (idle 6,000 over 3 instances): 100,000 would pass a fixed
    // 120 s. The wait grows with the count (250 s for 100,000).
    let limit = Duration::from_secs(120.max(u64::from(total) / 400));
    let ready = fleet.ready(limit).await;
    // Give the last subscriptions a moment to be registered behind their response heads.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok((fleet, ready))
}

fn base_row(kind: &str, scenario: String, run: &Run, websocket: bool, ready: &Ready, ended: &Ended) -> Row {
    Row {
        kind: kind.into(),
        scenario,
        target: run.target.name().into(),
        instances: run.target.instance_count() as u64,
        transport: transport(websocket).into(),
        connections_ok: ready.ok,
        connections_failed: ready.failed,
        duplicates: ended.collected.duplicates,
        dropped: ended.dropped,
        ..Row::default()
    }
}

/// Takes the workers' progress into the ledger until `done` holds or `limit` passes.
async fn pump(fleet: &mut Fleet, ledger: &mut Ledger, done: impl Fn(&Ledger) -> bool, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    while !done(ledger) {
        match tokio::time::timeout_at(deadline, fleet.events.recv()).await {
            Ok(Some(Report::Progress(pairs))) => {
                for (key, count) in pairs {
                    ledger.progress(key, count);
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return,
        }
    }
}

impl Ledger {
    fn record(&mut self, collected: &Collected) {
        for &(key, at) in &collected.arrivals {
            self.delivered(key, at);
        }
    }
}

async fn send_all(conn: &mut Conn, requests: &[Request]) -> Option<u64> {
    let (last, before) = requests.split_last()?;
    for request in before {
        conn.send(request).await.ok().filter(|r| r.status < 300)?;
    }
    let response = conn.send(last).await.ok()?;
    (response.status < 300).then_some(response.sent_ns)
}

/// Closed loop: `subscribers` on one channel, `triggers` one at a time, each awaited until
/// every subscriber has it (or 10 s). `store`: the store stream with payments.
pub async fn fanout(run: &mut Run, store: bool, subscribers: u32, triggers: u64, websocket: bool) -> io::Result<Row> {
    let channel = if store {
        run.target.store()
    } else {
        run.target.fresh_table(&mut run.used_tables)
    };
    let first = run.seq;
    run.seq += triggers;
    run.target.prepare(&channel, first..first + triggers).await?;
    let group = run.target.group(&channel, subscribers, websocket);
    let keys = first..first + triggers;
    let (mut fleet, ready) = subscribe(run, vec![group], &channel, websocket, keys).await?;
    let meters = Meters::start(&run.target, fleet.pids());
    let addr = run.target.trigger_addr(&channel);
    let mut conn = Conn::connect(addr).await?;
    let mut ledger = Ledger::new(first, triggers as usize);
    let mut failed = 0;
    for seq in first..first + triggers {
        let requests = run.target.trigger(&channel, seq);
        let Some(sent) = send_all(&mut conn, &requests).await else {
            failed += 1;
            conn = Conn::connect(addr).await?;
            continue;
        };
        ledger.sent(seq, sent, ready.ok);
        pump(&mut fleet, &mut ledger, |l| l.complete(seq), Duration::from_secs(10)).await;
    }
    // The records come inside the measured stretch: shipping them is the load generator's work.
    let collected = fleet.collect().await;
    let mut row = Row::default();
    meters.fill(&mut row, &run.target);
    let mut ended = fleet.end().await;
    ended.collected.add(collected);
    ledger.record(&ended.collected);
    let (kind, what) = if store {
        ("store", "store stream")
    } else {
        ("fanout", "fan-out")
    };
    Ok(Row {
        subscribers: u64::from(subscribers),
        triggers,
        triggers_failed: failed,
        expected: ledger.expected(),
        received: ledger.received(),
        latency_ms: ledger.latency(),
        completion_ms: ledger.completion(),
        ..base_row(kind, format!("{what} {subscribers}"), run, websocket, &ready, &ended)
    }
    .with_meters(row))
}

impl Row {
    fn with_meters(mut self, measured: Row) -> Row {
        self.server_cpu_pct = measured.server_cpu_pct;
        self.engine_cpu_pct = measured.engine_cpu_pct;
        self.engine_pss_mib = measured.engine_pss_mib;
        self.loadgen_cpu_pct = measured.loadgen_cpu_pct;
        self.server_rss_mib = measured.server_rss_mib;
        self.secs = measured.secs;
        self
    }
}

/// Open loop: `phones` subscribers on each of `tables` tables, and changes at fixed rates, one
/// step after another, each over `secs`; stops after the first step not held (achieved < 97 % of
/// the rate, or p99 ≥ 50 ms).
pub async fn open_loop(
    run: &mut Run,
    tables: usize,
    phones: u32,
    steps: &[(u64, u64)],
    websocket: bool,
) -> io::Result<Vec<Row>> {
    let channels = run.target.tables(tables);
    let groups = channels
        .iter()
        .map(|c| run.target.group(c, phones, websocket))
        .collect();
    let all: u64 = steps.iter().map(|(rate, secs)| rate * secs).sum();
    let keys = run.seq..run.seq + all;
    let (mut fleet, ready) = subscribe(run, groups, &channels[0], websocket, keys).await?;
    // Idle trigger connections, 64 to each instance triggers go to.
    let mut pools = HashMap::new();
    for channel in &channels {
        let addr = run.target.trigger_addr(channel);
        if let Entry::Vacant(entry) = pools.entry(addr) {
            let (idle_tx, idle) = mpsc::unbounded_channel();
            for _ in 0..64 {
                let _ = idle_tx.send(Conn::connect(addr).await?);
            }
            entry.insert((idle_tx, idle));
        }
    }
    let per_trigger = ready.ok / channels.len().max(1) as u64;
    let mut rows = Vec::new();
    for &(rate, secs) in steps {
        let count = rate * secs;
        let first = run.seq;
        run.seq += count;
        let jobs: Vec<(SocketAddr, Vec<Request>)> = (first..first + count)
            .map(|seq| {
                let channel = &channels[(seq % channels.len() as u64) as usize];
                (run.target.trigger_addr(channel), run.target.trigger(channel, seq))
            })
            .collect();
        let sent = Arc::new(Mutex::new(Vec::with_capacity(count as usize)));
        let meters = Meters::start(&run.target, fleet.pids());
        let start = now_ns() + 10_000_000;
        let mut lag = 0u64;
        let mut last_send = start;
        let mut tasks = Vec::with_capacity(count as usize);
        for (i, (addr, requests)) in jobs.into_iter().enumerate() {
            let seq = first + i as u64;
            let scheduled = start + i as u64 * 1_000_000_000 / rate;
            let now = now_ns();
            if scheduled > now {
                tokio::time::sleep(Duration::from_nanos(scheduled - now)).await;
            }
            let Some((idle_tx, idle)) = pools.get_mut(&addr) else {
                break;
            };
            let Some(mut conn) = idle.recv().await else { break };
            last_send = now_ns();
            lag = lag.max(last_send.saturating_sub(scheduled));
            let (idle_tx, sent) = (idle_tx.clone(), sent.clone());
            tasks.push(tokio::spawn(async move {
                let outcome = send_all(&mut conn, &requests).await;
                if outcome.is_none() {
                    match Conn::connect(addr).await {
                        Ok(fresh) => conn = fresh,
                        Err(_) => return,
                    }
                }
                if let Ok(mut sent) = sent.lock() {
                    sent.push((seq, outcome));
                }
                let _ = idle_tx.send(conn);
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
        let mut ledger = Ledger::new(first, count as usize);
        let mut failed = 0;
        for (seq, outcome) in sent.lock().map(|s| s.clone()).unwrap_or_default() {
            match outcome {
                Some(at) => ledger.sent(seq, at, per_trigger),
                None => failed += 1,
            }
        }
        // Progress lines wait in the fleet's channel while the schedule runs; then the records.
        let expected = count * per_trigger;
        pump(
            &mut fleet,
            &mut ledger,
            |l| l.progressed() >= expected,
            Duration::from_secs(3),
        )
        .await;
        let collected = fleet.collect().await;
        ledger.record(&collected);
        let mut measured = Row::default();
        meters.fill(&mut measured, &run.target);
        let achieved = count as f64 / ((last_send - start) as f64 / 1e9).max(secs as f64);
        let row = Row {
            subscribers: ready.ok,
            triggers: count,
            triggers_failed: failed,
            expected: ledger.expected(),
            received: ledger.received(),
            latency_ms: ledger.latency(),
            rate_target: Some(rate as f64),
            rate_achieved: Some(achieved),
            lag_ms: Some(lag as f64 / 1e6),
            ..base_row(
                "open",
                format!("open loop {rate}/s"),
                run,
                websocket,
                &ready,
                &Ended { collected, dropped: 0 },
            )
        }
        .with_meters(measured);
        let held = achieved >= 0.97 * rate as f64 && row.latency_ms.is_some_and(|l| l.p99 < 50.0);
        rows.push(row);
        if !held {
            break;
        }
    }
    let ended = fleet.end().await;
    // Drops are counted per connection over all the steps: they go on the first; what arrived
    // after the last step's records were taken is late for it.
    if let Some(first) = rows.first_mut() {
        first.dropped = ended.dropped;
    }
    if let Some(last) = rows.last_mut() {
        last.duplicates += ended.collected.duplicates;
    }
    Ok(rows)
}

/// Idle: `count` subscribers opened as fast as they are accepted over the tables, held, then
/// closed: accept rate, server RSS per connection, RSS 2 s after they close.
pub async fn idle(run: &mut Run, tables: usize, count: u32, websocket: bool) -> io::Result<Row> {
    let channels = run.target.tables(tables);
    let each = count / channels.len() as u32;
    let extra = count as usize % channels.len();
    let groups = channels
        .iter()
        .enumerate()
        .map(|(i, c)| run.target.group(c, each + u32::from(i < extra), websocket))
        .collect();
    let baseline = run.target.rss_kib();
    let mut meters = Meters::start(&run.target, Vec::new());
    let (fleet, ready) = subscribe(run, groups, &channels[0], websocket, 0..0).await?;
    meters.loadgen.include(fleet.pids());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let held = run.target.rss_kib();
    let mut measured = Row::default();
    meters.fill(&mut measured, &run.target);
    let ended = fleet.end().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = run.target.rss_kib();
    let secs = (ready.last.saturating_sub(ready.first)) as f64 / 1e9;
    Ok(Row {
        subscribers: u64::from(count),
        accepted_per_sec: (secs > 0.0).then(|| ready.ok as f64 / secs),
        rss_per_connection_kib: (ready.ok > 0).then(|| held.saturating_sub(baseline) as f64 / ready.ok as f64),
        rss_baseline_mib: Some(baseline as f64 / 1024.0),
        rss_after_close_mib: Some(after as f64 / 1024.0),
        ..base_row("idle", format!("idle {count}"), run, websocket, &ready, &ended)
    }
    .with_meters(measured))
}
