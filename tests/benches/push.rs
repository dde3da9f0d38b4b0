//! The push path under fan-out: how long one change takes to reach every subscriber, and what a
//! connection costs in memory. Prints figures; asserts nothing about time (machines are noisy).
//!
//! `cargo bench -p orderbell-tests --bench push` (optionally `-- <subscribers> <changes>`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use orderbell_tests::TestServer;
use serde_json::json;
use tokio::sync::mpsc;

/// Subscribe over SSE with a plain HTTP client (the lightest honest client) and report the id of
/// every `event` named `kind` as it arrives.
async fn subscribe(url: String, token: String, kind: &'static str, arrivals: mpsc::UnboundedSender<(u64, Instant)>) {
    let mut response = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("subscribe");
    assert_eq!(response.status(), 200);
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let id = frame
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .and_then(|v| v.parse().ok());
            let named = frame.lines().any(|l| l.strip_prefix("event: ") == Some(kind));
            if let (Some(id), true) = (id, named) {
                let _ = arrivals.send((id, Instant::now()));
            }
        }
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")
                    .map(|v| v.trim().trim_end_matches(" kB").to_owned())
            })
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Figures {
    latencies: Vec<Duration>,
    delivered: usize,
    elapsed: Duration,
}

impl Figures {
    fn print(&self, what: &str, subscribers: usize) {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
        println!(
            "{what}: {subscribers} subscribers, {} changes — change→last subscriber p50 {:?}, p95 {:?}, max {:?}; \
             {} deliveries in {:?} ({:.0}/s)",
            sorted.len(),
            at(0.5),
            at(0.95),
            at(1.0),
            self.delivered,
            self.elapsed,
            self.delivered as f64 / self.elapsed.as_secs_f64()
        );
    }
}

/// Make `changes` changes one after another with `change(i)`, each awaited until all
/// `subscribers` have it; returns the figures.
async fn measure<F, Fut>(
    subscribers: usize,
    changes: u64,
    first_id: u64,
    arrivals: &mut mpsc::UnboundedReceiver<(u64, Instant)>,
    mut change: F,
) -> Figures
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut latencies = Vec::new();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let started = Instant::now();
    for i in 0..changes {
        let sent = Instant::now();
        change(i).await;
        let id = first_id + i;
        loop {
            let (got, at) = tokio::time::timeout(Duration::from_secs(30), arrivals.recv())
                .await
                .expect("deliveries keep coming")
                .expect("subscribers alive");
            let count = seen.entry(got).or_default();
            *count += 1;
            if got == id && *count == subscribers {
                latencies.push(at - sent);
                break;
            }
        }
    }
    Figures {
        latencies,
        delivered: subscribers * changes as usize,
        elapsed: started.elapsed(),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let subscribers = args.first().copied().unwrap_or(500);
    let changes = args.get(1).copied().unwrap_or(100) as u64;
    let server = TestServer::start_with(|c| c.heartbeat_secs = 30).await;
    let before = rss_kib();

    // A table's cart: every phone at a (very large) table watches it.
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    for _ in 0..subscribers {
        let url = server.url("/api/store/order/sse/1");
        tokio::spawn(subscribe(
            url,
            server.table_token(1).to_owned(),
            "cart_update",
            tx.clone(),
        ));
    }
    // Everyone first receives the current cart (version 0).
    let mut connected = 0;
    while connected < subscribers {
        if arrivals.recv().await.is_some_and(|(id, _)| id == 0) {
            connected += 1;
        }
    }
    let after = rss_kib();
    println!(
        "memory: {} KiB for {subscribers} SSE connections (server and clients in one process): ~{} KiB each",
        after.saturating_sub(before),
        after.saturating_sub(before) / subscribers as u64
    );
    let diner = server.join(1, None).await;
    let figures = measure(subscribers, changes, 1, &mut arrivals, |i| {
        let body = json!({"tableId": 1, "cuisineId": 1001 + (i % 12) as i64, "quantity": 1});
        let request = server.add(&diner.token, body);
        async move {
            assert_eq!(request.await.status(), 200);
        }
    })
    .await;
    figures.print("cart fan-out", subscribers);

    // The store stream: every merchant and kitchen device hears each paid order.
    let (tx, mut arrivals) = mpsc::unbounded_channel();
    for _ in 0..subscribers {
        let url = server.url("/api/stores/1/events");
        tokio::spawn(subscribe(url, server.merchant.clone(), "order_paid", tx.clone()));
    }
    // Let the subscriptions open before the first event (they start from "now").
    tokio::time::sleep(Duration::from_secs(2)).await;
    let changes = changes.min(50);
    let mut orders = Vec::new();
    for i in 0..changes {
        orders.push(server.order(2 + (i % 10) as i64, &[(1002, 1)]).await);
    }
    let figures = measure(subscribers, changes, 1, &mut arrivals, |i| {
        server.pay(&orders[i as usize])
    })
    .await;
    figures.print(
        "store stream fan-out (order paid, via the payment simulator's HTTP callback)",
        subscribers,
    );
}
