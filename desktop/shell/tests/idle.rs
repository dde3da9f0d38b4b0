//! A benchmark, not a test: the real app idle with a full board, against the real server, under
//! `desktop/test-env`. It prints the CPU time the app's processes (the app, WebKitWebProcess,
//! WebKitNetworkProcess) spend over the idle window, as % of one core, and their summed PSS and
//! RSS. Timings depend on the machine, so nothing is asserted about them. Run it with
//!
//! ```sh
//! desktop/test-env cargo test -p orderbell-desktop --features orderbell-desktop/desktop-env \
//!   --test idle -- --ignored --nocapture
//! ```
//!
//! `ORDERBELL_BENCH_CARDS` (default 30) orders, `ORDERBELL_BENCH_SECS` (default 20) seconds;
//! `ORDERBELL_BENCH_CLOSED=1` closes the window to the tray first (the app alerting from the tray);
//! other variables (e.g. `WEBKIT_DISABLE_COMPOSITING_MODE=1`) reach the app unchanged.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use orderbell_tests::TestServer;
use support::{close_window, name, stat, tree, web_processes};

mod support;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `Pss:` and `Rss:` of `pid`, in MB.
fn memory_mb(pid: u32) -> (f64, f64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("Pss:"), field("Rss:"))
}

/// `cards` orders, paid and then accepted (every third also ready), so none is announced again
/// while the app idles.
async fn full_board(server: &TestServer, cards: u64) {
    for i in 0..cards {
        let table = i64::try_from(i % 12).expect("small") + 1;
        let order = server.order(table, &[(1001, 1)]).await;
        let id = order.order.order_id;
        server.pay(&order).await;
        let step = |name: &str| server.post_empty(&format!("/api/orders/{id}/{name}"), &server.merchant);
        // The simulator's payment lands a moment later; until then 接单 is refused.
        while step("accept").await.status() != 200 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if i % 3 == 2 {
            assert_eq!(step("ready").await.status(), 200);
        }
        // Orders paid at scattered seconds, so their ages turn at different moments, as in a
        // restaurant: each 23 s before the last (30 orders, 30 different seconds of the minute).
        server.clock.advance_secs(-23);
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run it inside desktop/test-env with --ignored --nocapture"]
async fn the_app_idles_with_a_full_board() {
    let (cards, secs) = (
        setting("ORDERBELL_BENCH_CARDS", 30),
        setting("ORDERBELL_BENCH_SECS", 20),
    );
    let server = TestServer::start().await;
    full_board(&server, cards).await;
    let home = tempfile::tempdir().expect("home");
    let link = format!("{}?token={}", server.url("/"), server.merchant);
    let mut child = Command::new(env!("CARGO_BIN_EXE_orderbell-desktop"))
        .args([
            "--data-dir",
            &home.path().join("data").to_string_lossy(),
            "--pair",
            &link,
        ])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("share"))
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app starts");
    let stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
    let drawn = format!("orders={cards}");
    tokio::task::block_in_place(|| {
        let mut lines = stderr.lines().map_while(Result::ok);
        assert!(
            lines.any(|l| l.contains("window shows the board") && l.contains(&drawn)),
            "the app drew its board"
        );
        // Keep reading, or the app blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        std::thread::sleep(Duration::from_secs(5)); // the first paint and the voice settle
        let closed = setting("ORDERBELL_BENCH_CLOSED", 0) == 1;
        if closed {
            close_window(child.id());
            let start = Instant::now();
            while web_processes(child.id()) > 0 && start.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_millis(200));
            }
            std::thread::sleep(Duration::from_secs(5));
        }
        let pids = tree(child.id());
        let ticks = |pid: u32| stat(pid).map_or(0, |(_, t)| t);
        let before: Vec<u64> = pids.iter().map(|p| ticks(*p)).collect();
        let started = Instant::now();
        std::thread::sleep(Duration::from_secs(secs));
        let elapsed = started.elapsed().as_secs_f64();
        // Per process: name, % of a core (USER_HZ ticks), PSS and RSS in MB.
        let each: Vec<(String, f64, f64, f64)> = pids
            .iter()
            .zip(before)
            .map(|(p, before)| {
                let cpu = ticks(*p).saturating_sub(before) as f64 / 100.0 / elapsed * 100.0;
                let (pss, rss) = memory_mb(*p);
                (name(*p), cpu, pss, rss)
            })
            .collect();
        let total = |pick: fn(&(String, f64, f64, f64)) -> f64| each.iter().map(pick).sum::<f64>();
        let parts: Vec<String> = each
            .iter()
            .map(|(n, cpu, pss, _)| format!("{n} {cpu:.2} % {pss:.0} MB"))
            .collect();
        println!(
            "the app idle with {cards} orders for {secs} s{}: CPU {:.2} % of a core, PSS {:.0} MB, \
             RSS {:.0} MB ({})",
            if closed { ", window closed to the tray" } else { "" },
            total(|e| e.1),
            total(|e| e.2),
            total(|e| e.3),
            parts.join(", ")
        );
    });
    let _ = child.kill();
    let _ = child.wait();
}
