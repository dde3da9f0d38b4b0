//! `kill -9` three times while a provider delivers and retries payment callbacks, some twice at
//! once: every order is paid exactly once, and the store stream says so exactly once each, with
//! no hole, no repeat and no anomaly.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures_util::StreamExt as _;
use orderbell_shared::OrderStatus;
use orderbell_tests::ServerProcess;

use crate::{assert_consecutive, deliver, many_orders, paid_counts, provider, replay_store, scale};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_retried_callbacks_pays_every_order_exactly_once() {
    let orders_wanted: usize = scale(200, 1_000);
    let (provider, flags) = provider();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut server = ServerProcess::start(&flags).await;

    let orders = many_orders(&server, orders_wanted).await;

    // The provider: 16 deliveries at a time; every fifth order is delivered twice at once, as a
    // provider retrying before the first answer arrived does.
    let delivered = Arc::new(AtomicUsize::new(0));
    let provider = Arc::new(provider);
    let base = server.url("");
    let started = Instant::now();
    let deliveries = {
        let (orders, delivered, provider) = (orders.clone(), delivered.clone(), provider.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let attempts: Vec<u32> = futures_util::stream::iter(orders.into_iter().enumerate())
                .map(|(n, order)| {
                    let (http, provider, delivered, base) = (&http, &provider, &delivered, &base);
                    async move {
                        let once = deliver(base, http, provider, &order);
                        let attempts = if n % 5 == 0 {
                            let (a, b) = tokio::join!(once, deliver(base, http, provider, &order));
                            a + b
                        } else {
                            once.await
                        };
                        delivered.fetch_add(1, Ordering::SeqCst);
                        attempts
                    }
                })
                .buffer_unordered(16)
                .collect()
                .await;
            attempts
        })
    };

    // Three power cuts, at a quarter, half and three quarters of the deliveries.
    for quarter in 1..=3 {
        while delivered.load(Ordering::SeqCst) < orders_wanted * quarter / 4 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        server.kill9().await;
        server.restart().await;
    }
    let attempts = deliveries.await.expect("the provider finishes");
    let total: u32 = attempts.iter().sum();
    println!(
        "kill -9: {orders_wanted} orders, {total} deliveries (retries included) in {:?} with 3 SIGKILLs",
        started.elapsed()
    );

    for order in &orders {
        let now = server.fetch_order(order).await;
        assert_eq!(now.status, OrderStatus::Paid, "{} is paid", order.order.order_no);
    }
    let events = replay_store(&server).await;
    let ids: Vec<u64> = events.iter().map(|(id, _)| *id).collect();
    assert_consecutive(&ids, 1, "the store stream replayed from 0");
    let paid = paid_counts(&events);
    for order in &orders {
        assert_eq!(
            paid.get(&order.order.order_id),
            Some(&1),
            "{} has exactly one order_paid",
            order.order.order_no
        );
    }
    println!(
        "kill -9: the store stream holds {} events, one order_paid per order",
        ids.len()
    );
}
