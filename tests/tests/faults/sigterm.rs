//! Five SIGTERM restarts while orders are paid and carts change: the merchant's store stream,
//! over SSE and over WebSocket, and a phone's cart stream each come back by themselves with
//! their last id, with no event lost and none twice.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orderbell_shared::{DinerSession, SubmittedOrder};
use orderbell_tests::providers::FakeWebhook;
use orderbell_tests::{PATIENCE, ServerProcess, Sse};
use serde_json::json;

use crate::follow::{Follower, Transport};
use crate::{assert_consecutive, deliver, head, provider, scale};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_restarts_mid_flow_lose_and_repeat_nothing() {
    let restarts = 5;
    let paid_between_restarts: usize = scale(8, 60);
    let (provider, flags) = provider();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut server = ServerProcess::start(&flags).await;

    let sse = Follower::start(&server, Transport::Sse, Some(0), Duration::ZERO);
    let ws = Follower::start(&server, Transport::Ws, Some(0), Duration::ZERO);
    let mut phone = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None);
    let versions = Arc::new(Mutex::new(Vec::new()));
    let phone = {
        let versions = versions.clone();
        tokio::spawn(async move {
            loop {
                let (version, _) = phone.next_cart().await;
                let mut versions = versions.lock().expect("not poisoned");
                assert!(
                    versions.last().is_none_or(|last| version > *last),
                    "cart version {version} after {versions:?}: a repeat or a step back"
                );
                versions.push(version);
            }
        })
    };

    let stop = Arc::new(AtomicBool::new(false));
    let paid = Arc::new(AtomicUsize::new(0));
    let diners: Vec<(i64, String)> = (1..=4).map(|t| (t, server.table_token(t).to_owned())).collect();
    let work = tokio::spawn(diners_at_work(
        server.url(""),
        diners,
        provider,
        stop.clone(),
        paid.clone(),
    ));
    for _ in 0..restarts {
        let before = paid.load(Ordering::SeqCst);
        while paid.load(Ordering::SeqCst) < before + paid_between_restarts {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server.sigterm().await;
        server.restart().await;
    }
    stop.store(true, Ordering::SeqCst);
    let cart_changes = work.await.expect("the diners finish");

    let last = head(&server).await;
    for (name, follower) in [("SSE", &sse), ("WebSocket", &ws)] {
        let seen = follower.until(last, PATIENCE * 4).await;
        assert_eq!(seen.resyncs(), 0, "{name}: nothing was pruned, so no resync");
        assert_consecutive(&seen.ids(), 1, &format!("the store stream over {name}"));
        // The server goes on writing (unheard orders escalate), so the head may have moved on.
        let head_now = head(&server).await;
        assert!(
            seen.ids().last().is_some_and(|id| (last..=head_now).contains(id)),
            "{name} is at the head, not past it: {:?} for {last}..={head_now}",
            seen.ids().last()
        );
        println!(
            "SIGTERM x{restarts}: {name} store stream got all {last} events once over {} connections",
            seen.connects
        );
    }
    let final_cart = server.cart(1).await.version;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while versions.lock().expect("not poisoned").last() != Some(&final_cart) {
        assert!(!phone.is_finished(), "the phone's cart stream failed");
        assert!(
            tokio::time::Instant::now() < deadline,
            "the phone never saw cart version {final_cart}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    phone.abort();
    println!(
        "SIGTERM x{restarts}: {} orders paid, {cart_changes} cart changes, cart at version {final_cart}",
        paid.load(Ordering::SeqCst)
    );
}

/// Diners at `tables` fill carts, change them and pay, round after round, until `stop`. A
/// request the restart cut off is simply given up (a phone would retry); payments are retried by
/// the provider until they go through. Returns how many cart changes went through.
async fn diners_at_work(
    base: String,
    tables: Vec<(i64, String)>,
    provider: FakeWebhook,
    stop: Arc<AtomicBool>,
    paid: Arc<AtomicUsize>,
) -> usize {
    let http = reqwest::Client::new();
    let mut changes = 0;
    let mut round = 0_u64;
    while !stop.load(Ordering::SeqCst) {
        round += 1;
        for (table, link) in &tables {
            let joined = http
                .post(format!("{base}/api/tables/{table}/diners"))
                .bearer_auth(link)
                .json(&json!({}))
                .send()
                .await;
            let Ok(joined) = joined else { continue };
            let Ok(diner) = joined.json::<DinerSession>().await else {
                continue;
            };
            for (method, path) in [
                (reqwest::Method::POST, "cart/add".to_owned()),
                (
                    reqwest::Method::PUT,
                    format!("cart/update?tableId={table}&cuisineId=1001&quantity=3"),
                ),
            ] {
                let request = http
                    .request(method, format!("{base}/api/store/order/{path}"))
                    .bearer_auth(&diner.token)
                    .json(&json!({"tableId": table, "cuisineId": 1001, "quantity": 1}));
                if request.send().await.is_ok_and(|r| r.status().is_success()) {
                    changes += 1;
                }
            }
            let submitted = http
                .post(format!("{base}/api/orders"))
                .bearer_auth(&diner.token)
                .json(&json!({"tableId": table, "idempotencyKey": format!("r{round}t{table}")}))
                .send()
                .await;
            let Ok(submitted) = submitted else { continue };
            let Ok(order) = submitted.json::<SubmittedOrder>().await else {
                continue;
            };
            deliver(&base, &http, &provider, &order).await;
            paid.fetch_add(1, Ordering::SeqCst);
        }
    }
    changes
}
