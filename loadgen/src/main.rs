//! `orderbell-loadgen`: drives Orderbell (embedded, on PostgreSQL, or a cluster on PostgreSQL
//! and Redis) and nginx + nchan through the same scenarios over loopback and reports them side
//! by side (docs/bench/). `scripts/bench` is the documented way
//! to run it; `orderbell-loadgen worker` is its own subscriber process, started by itself.

mod clock;
mod figures;
mod fleet;
mod http;
mod plot;
mod procfs;
mod report;
mod scenarios;
mod targets;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use figures::Row;
use scenarios::Run;
use targets::{Engine, Nchan, Orderbell, Target};

#[derive(Parser)]
#[command(about = "The push path's load generator: Orderbell and nginx+nchan side by side")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    options: Options,
}

#[derive(Subcommand)]
enum Command {
    /// A subscriber process (started by the run itself).
    #[command(hide = true)]
    Worker,
}

#[derive(clap::Args)]
struct Options {
    /// How big: full (the report's figures, ~10 min), quick (a minute), smoke (seconds).
    #[arg(long, value_enum, default_value = "full")]
    size: Size,
    /// Which servers, comma-separated: orderbell (embedded SQLite), orderbell-pg (one instance
    /// on PostgreSQL), orderbell-cluster (instances on PostgreSQL and Redis), nchan.
    #[arg(long, value_delimiter = ',', default_value = "orderbell,nchan")]
    targets: Vec<TargetName>,
    /// Which scenarios, comma-separated (default: all for the size).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<Scenario>,
    /// Where results.json, results.md and the plots go (nothing written without it).
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long, default_value = "target/release/orderbell")]
    orderbell_bin: PathBuf,
    #[arg(long, default_value = "/usr/sbin/nginx")]
    nginx: PathBuf,
    #[arg(long, default_value = "/usr/lib/nginx/modules/ngx_nchan_module.so")]
    nchan_module: PathBuf,
    /// Fail (exit 1) when a row misses a delivery, has a duplicate or a failed connection.
    #[arg(long)]
    check: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Size {
    Full,
    Quick,
    Smoke,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum TargetName {
    Orderbell,
    OrderbellPg,
    OrderbellCluster,
    Nchan,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Scenario {
    Idle,
    Fanout,
    Store,
    Open,
    /// Idle connections beyond one process's open files, over many instances (the cluster only).
    IdleWide,
}

/// The figures of a size.
struct Plan {
    tables: usize,
    phones: u32,
    idle: u32,
    fanout: Vec<(u32, u64)>,
    store: (u32, u64),
    open_sse: Vec<(u64, u64)>,
    open_ws: Vec<(u64, u64)>,
    /// Idle connections over how many cluster instances.
    wide: (u32, usize),
    scenarios: Vec<Scenario>,
}

/// A cluster's instances in every scenario but the wide idle one.
const CLUSTER: usize = 2;

fn plan(size: Size) -> Plan {
    let all = vec![
        Scenario::Idle,
        Scenario::Fanout,
        Scenario::Store,
        Scenario::Open,
        Scenario::IdleWide,
    ];
    match size {
        Size::Full => Plan {
            tables: 2_500,
            phones: 4,
            idle: 19_000,
            fanout: vec![(100, 98), (1_000, 98), (5_000, 50), (10_000, 50)],
            store: (1_000, 50),
            open_sse: vec![(1_000, 5), (2_000, 3), (3_000, 3), (4_000, 3), (5_000, 3), (6_000, 3)],
            open_ws: vec![(1_000, 5)],
            // 12,500 connections an instance: below its 20,000 open files with room for its
            // database connections.
            wide: (100_000, 8),
            scenarios: all,
        },
        Size::Quick => Plan {
            tables: 250,
            phones: 4,
            idle: 2_000,
            fanout: vec![(100, 20), (1_000, 20)],
            store: (100, 10),
            open_sse: vec![(500, 2), (1_000, 2)],
            open_ws: vec![(500, 2)],
            wide: (6_000, 3),
            scenarios: all,
        },
        Size::Smoke => Plan {
            tables: 8,
            phones: 2,
            idle: 20,
            fanout: vec![(20, 10)],
            store: (20, 5),
            open_sse: vec![(20, 1)],
            open_ws: vec![(20, 1)],
            wide: (40, 3),
            scenarios: vec![Scenario::Fanout, Scenario::Store],
        },
    }
}

/// The tables a scenario's fresh server is set up with.
fn tables_for(scenario: Scenario, plan: &Plan) -> usize {
    match scenario {
        Scenario::Idle | Scenario::Open | Scenario::IdleWide => plan.tables,
        Scenario::Fanout => plan.fanout.len(),
        // Payments' orders go round these.
        Scenario::Store => 16,
    }
}

async fn start(name: TargetName, options: &Options, tables: usize, instances: usize) -> std::io::Result<Target> {
    let setup = std::time::Instant::now();
    let orderbell = |engine| Orderbell::start(&options.orderbell_bin, engine, instances, tables);
    let target = match name {
        TargetName::Orderbell => Target::Orderbell(Box::new(orderbell(Engine::Sqlite).await?)),
        TargetName::OrderbellPg => Target::Orderbell(Box::new(orderbell(Engine::Postgres).await?)),
        TargetName::OrderbellCluster => Target::Orderbell(Box::new(orderbell(Engine::Cluster).await?)),
        TargetName::Nchan => Target::Nchan(Nchan::start(&options.nginx, &options.nchan_module).await?),
    };
    eprintln!(
        "{} started and set up ({} instance(s), {tables} tables) in {:.1} s",
        target.name(),
        target.instance_count(),
        setup.elapsed().as_secs_f64()
    );
    Ok(target)
}

/// One scenario on one transport, on a server started for it alone: no scenario measures
/// memory, CPU or latency on what another left behind.
async fn scenario(
    name: TargetName,
    options: &Options,
    plan: &Plan,
    scenario: Scenario,
    websocket: bool,
    seq: &mut u64,
) -> std::io::Result<Vec<Row>> {
    let instances = if scenario == Scenario::IdleWide {
        plan.wide.1
    } else {
        CLUSTER
    };
    let mut run = Run {
        target: start(name, options, tables_for(scenario, plan), instances).await?,
        seq: *seq,
        used_tables: 0,
    };
    let outcome = async {
        let mut rows = Vec::new();
        match scenario {
            Scenario::Idle => rows.push(scenarios::idle(&mut run, plan.tables, plan.idle, websocket).await?),
            Scenario::IdleWide => {
                let mut row = scenarios::idle(&mut run, plan.tables, plan.wide.0, websocket).await?;
                row.scenario = format!("{} over {} instances", row.scenario, row.instances);
                rows.push(row);
            }
            Scenario::Fanout => {
                for &(subscribers, changes) in &plan.fanout {
                    rows.push(scenarios::fanout(&mut run, false, subscribers, changes, websocket).await?);
                }
            }
            Scenario::Store => {
                let (subscribers, payments) = plan.store;
                rows.push(scenarios::fanout(&mut run, true, subscribers, payments, websocket).await?);
            }
            Scenario::Open => {
                let steps = if websocket { &plan.open_ws } else { &plan.open_sse };
                rows.extend(scenarios::open_loop(&mut run, plan.tables, plan.phones, steps, websocket).await?);
            }
        }
        std::io::Result::Ok(rows)
    }
    .await;
    run.target.stop();
    *seq = run.seq;
    outcome
}

async fn run(options: Options) -> std::io::Result<bool> {
    let mut plan = plan(options.size);
    if !options.scenarios.is_empty() {
        plan.scenarios.retain(|s| options.scenarios.contains(s));
        for s in &options.scenarios {
            if !plan.scenarios.contains(s) {
                plan.scenarios.push(*s);
            }
        }
    }
    let started = std::time::Instant::now();
    let mut rows = Vec::new();
    let mut seq = 1;
    for name in &options.targets {
        for kind in &plan.scenarios {
            // One process holds at most 20,000 connections: only a cluster takes the wide run.
            if *kind == Scenario::IdleWide && *name != TargetName::OrderbellCluster {
                continue;
            }
            for websocket in [false, true] {
                let done = scenario(*name, &options, &plan, *kind, websocket, &mut seq).await?;
                report::print(&done);
                rows.extend(done);
            }
        }
    }
    println!("\nall scenarios, {:.0} s:", started.elapsed().as_secs_f64());
    report::print(&rows);
    if let Some(out) = &options.out {
        let command: Vec<String> = std::env::args().skip(1).collect();
        report::write(out, &rows, &format!("orderbell-loadgen {}", command.join(" ")))?;
    }
    let whole = rows.iter().all(Row::whole);
    if !whole {
        eprintln!("some deliveries are missing or doubled, or connections failed (see received/expected and dup)");
    }
    Ok(whole || !options.check)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.command {
        Some(Command::Worker) => runtime.block_on(worker::run()).map(|()| true),
        None => runtime.block_on(run(cli.options)),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("orderbell-loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
