//! A bounded soak: round after round, merchants and phones connect, carts change, orders are
//! paid and moved along, and everyone leaves again. The server's memory, open files and threads
//! at the end are where they were after warming up: no connection, task or buffer leaks.

use std::time::{Duration, Instant};

use orderbell_tests::{PATIENCE, ServerProcess, Sse, Ws};
use serde_json::json;

use crate::{deliver, provider, scale};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soak_of_connections_carts_and_payments_leaks_nothing() {
    let length = Duration::from_secs(scale(30, 600));
    let (provider, flags) = provider();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = ServerProcess::start(&flags).await;

    let mut rounds = 0_u64;
    for _ in 0..3 {
        round(&server, &provider, rounds).await;
        rounds += 1;
    }
    let warm = settled(&server, None).await;

    let started = Instant::now();
    let mut peak_kib = warm.rss_kib;
    while started.elapsed() < length {
        round(&server, &provider, rounds).await;
        rounds += 1;
        peak_kib = peak_kib.max(server.resources().rss_kib);
    }
    let end = settled(&server, Some(warm.fds)).await;
    println!(
        "soak: {rounds} rounds in {:?}: RSS {} KiB after warm-up, {peak_kib} KiB peak, {} KiB at the end; fds {} -> {}; threads {} -> {}",
        started.elapsed(),
        warm.rss_kib,
        end.rss_kib,
        warm.fds,
        end.fds,
        warm.threads,
        end.threads
    );
    assert!(
        end.fds <= warm.fds + 8,
        "connections are let go once clients leave: {} fds after warm-up, {} at the end",
        warm.fds,
        end.fds
    );
    assert!(
        end.threads <= warm.threads + 16,
        "threads do not pile up: {} -> {}",
        warm.threads,
        end.threads
    );
    assert!(
        end.rss_kib <= warm.rss_kib * 2 + 64 * 1024,
        "memory stays flat: {} KiB after warm-up, {} KiB at the end",
        warm.rss_kib,
        end.rss_kib
    );
}

/// One round: 20 merchant apps and 8 phones connect; at four tables a diner fills the cart,
/// orders, and the provider pays; the merchant moves each order to done; everyone leaves.
async fn round(server: &ServerProcess, provider: &orderbell_tests::providers::FakeWebhook, n: u64) {
    let mut merchants = Vec::new();
    for _ in 0..20 {
        merchants.push(server.store_stream(None).await);
    }
    let mut phones = Vec::new();
    for table in 1..=4 {
        let token = server.table_token(table);
        let mut socket = Ws::connect(&server.ws_url(&format!("/ws/cart/{table}?token={token}")))
            .await
            .expect("the cart socket opens");
        socket.next().await;
        phones.push((
            socket,
            Sse::connect(&server.url(&format!("/api/store/order/sse/{table}")), token, None),
        ));
    }
    for table in 1..=4 {
        let diner = server.join(table, None).await;
        let change = json!({"tableId": table, "cuisineId": 1002, "quantity": 1, "remark": format!("第{n}轮")});
        assert_eq!(server.add(&diner.token, change).await.status(), 200);
        let order = server.order(table, &[(1001, 2)]).await;
        deliver(&server.url(""), &server.http, provider, &order).await;
        for (step, who) in [
            ("accept", &server.merchant),
            ("ready", &server.kitchen),
            ("complete", &server.merchant),
        ] {
            let path = format!("/api/orders/{}/{step}", order.order.order_id);
            assert_eq!(server.post_empty(&path, who).await.status(), 200, "{step}");
        }
    }
    for merchant in &mut merchants {
        merchant.next_typed().await;
    }
    for (_, phone) in &mut phones {
        phone.next_cart().await;
    }
}

/// The server's resources once the clients of the last round are gone: the fds are read until
/// they are back to `baseline` (or stop falling), since the server notices a departed client on
/// its next write.
async fn settled(server: &ServerProcess, baseline: Option<usize>) -> orderbell_tests::Resources {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut now = server.resources();
    while tokio::time::Instant::now() < deadline && baseline.is_none_or(|fds| now.fds > fds + 2) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let next = server.resources();
        if baseline.is_none() && next.fds >= now.fds {
            return next;
        }
        now = next;
    }
    now
}
