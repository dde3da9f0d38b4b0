//! Faults, against the real `orderbell` binary over real sockets: `kill -9` during retried
//! payment callbacks, slow and stalled subscribers, catching up across pruning, SIGTERM restarts
//! mid-flow, a sweep of malformed input, a locked database and a full disk, and a soak.
//!
//! Each runs a short version in `cargo test` and a long one with `ORDERBELL_FAULTS=long`
//! (docs/RELIABILITY.md). They print what they measured; they assert only what users depend on.

mod catch_up;
mod database;
mod follow;
mod kill9;
mod malformed;
mod malformed_ws;
mod postgres;
mod sigterm;
mod slow_clients;
mod soak;

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt as _;

use orderbell_shared::events::{Connected, kind};
use orderbell_shared::{Event, MenuDTO, SubmittedOrder};
pub use orderbell_tests::providers::webhook_provider as provider;
use orderbell_tests::providers::{FakeWebhook, paid_now};
use orderbell_tests::{Api, Sse};
use serde_json::json;

/// The short version fits in `cargo test`; `ORDERBELL_FAULTS=long` runs the long one.
pub fn long() -> bool {
    std::env::var("ORDERBELL_FAULTS").is_ok_and(|v| v == "long")
}

/// `short` in `cargo test`, `long` with `ORDERBELL_FAULTS=long`.
pub fn scale<T>(short: T, long: T) -> T {
    if self::long() { long } else { short }
}

pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_millis()).expect("milliseconds fit")
}

/// `n` orders, from the twelve demo tables in parallel (one order after another at each).
pub async fn many_orders(api: &Api, n: usize) -> Vec<SubmittedOrder> {
    let tables = futures_util::stream::iter(1..=12_i64).map(|table| async move {
        let mut mine = Vec::new();
        for k in 0..n.div_ceil(12) {
            let dish = 1001 + i64::try_from(k % 3).expect("small");
            mine.push(api.order(table, &[(dish, 1 + u32::from(k % 2 == 1))]).await);
        }
        mine
    });
    let mut orders: Vec<SubmittedOrder> = tables.buffer_unordered(12).concat().await;
    orders.truncate(n);
    orders
}

/// Deliver `order`'s signed `hmac` notification as a provider does: again and again until it is
/// answered 2xx, through refused connections and 5xx alike. A 4xx would make a provider give up
/// (money lost), so it fails the test.
pub async fn deliver(api_url: &str, http: &reqwest::Client, provider: &FakeWebhook, order: &SubmittedOrder) -> u32 {
    let url = format!("{api_url}/api/pay/notify/hmac");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let signed = paid_now(provider, order);
        let sent = http
            .post(&url)
            .headers(signed.header_map())
            .header("content-type", "application/json")
            .body(signed.body)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().is_success() => return attempts,
            Ok(answer) if answer.status().is_client_error() => {
                let status = answer.status();
                panic!(
                    "a provider gives up on a 4xx: {status} {}",
                    answer.text().await.unwrap_or_default()
                )
            }
            _ => {}
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the notification for {} is still refused after {attempts} attempts",
            order.order.order_no
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One delivery attempt, as a provider makes it: the status, or `None` when nothing answered.
pub async fn deliver_once(api: &Api, provider: &FakeWebhook, order: &SubmittedOrder) -> Option<u16> {
    let signed = paid_now(provider, order);
    let sent = api
        .http
        .post(api.url("/api/pay/notify/hmac"))
        .headers(signed.header_map())
        .header("content-type", "application/json")
        .body(signed.body)
        .timeout(Duration::from_secs(60))
        .send()
        .await;
    sent.ok().map(|answer| answer.status().as_u16())
}

/// An order at `table`, paid through the provider and accepted: ready for [`flip`].
pub async fn accepted_order(api: &Api, provider: &FakeWebhook, table: i64) -> SubmittedOrder {
    let order = api.order(table, &[(1001, 1)]).await;
    deliver(&api.url(""), &api.http, provider, &order).await;
    let accepted = api
        .post_empty(&format!("/api/orders/{}/accept", order.order.order_id), &api.merchant)
        .await;
    assert_eq!(accepted.status(), 200, "the merchant accepts a paid order");
    order
}

/// `n` store events, cheaply: the kitchen marks `order` ready and recalls it, again and again.
pub async fn flip(api: &Api, order: &SubmittedOrder, n: usize) {
    for k in 0..n {
        let step = if k % 2 == 0 { "ready" } else { "recall" };
        let path = format!("/api/orders/{}/{step}", order.order.order_id);
        let answer = api.post_empty(&path, &api.kitchen).await;
        assert_eq!(answer.status(), 200, "{step} succeeds");
    }
}

/// Orders of every dish on the menu, each with a 100-character remark (about 10 KB of
/// `order_paid`), paid, until `bytes` of events have been written.
pub async fn big_orders(api: &Api, provider: &FakeWebhook, table: i64, bytes: usize) {
    let menu: MenuDTO = api
        .http
        .get(api.url("/api/stores/1/menu"))
        .send()
        .await
        .expect("menu")
        .json()
        .await
        .expect("menu JSON");
    let dishes: Vec<i64> = menu
        .categories
        .iter()
        .flat_map(|c| c.dishes.iter().map(|d| d.cuisine_id))
        .collect();
    let remark = format!("{}多", "不要辣".repeat(33));
    let mut written = 0;
    while written < bytes {
        let diner = api.join(table, None).await;
        for dish in &dishes {
            let line = json!({"tableId": table, "cuisineId": dish, "quantity": 1, "remark": remark});
            assert_eq!(api.add(&diner.token, line).await.status(), 200);
        }
        let submit = json!({"tableId": table, "idempotencyKey": format!("big-{table}-{written}")});
        let order: SubmittedOrder = api
            .post("/api/orders", &diner.token, submit)
            .await
            .json()
            .await
            .expect("order");
        deliver(&api.url(""), &api.http, provider, &order).await;
        written += serde_json::to_string(&order.order).expect("JSON").len();
    }
}

/// The most a TCP socket's send buffer grows to (`net.ipv4.tcp_wmem`'s maximum).
pub fn send_buffer_max() -> usize {
    let wmem = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem").unwrap_or_default();
    wmem.split_whitespace()
        .nth(2)
        .and_then(|max| max.parse().ok())
        .unwrap_or(4 << 20)
}

/// The store stream's newest id, from the `connected` greeting.
pub async fn head(api: &Api) -> u64 {
    let mut stream = Sse::connect(&api.url("/api/stores/1/events"), &api.merchant, None);
    let greeting = stream.next_event().await;
    assert_eq!(greeting.event_type, kind::CONNECTED);
    let connected: Connected = serde_json::from_str(&greeting.data).expect("connected data");
    connected.last_event_id
}

/// Every event of the store stream from the first, as a new merchant app replays it.
pub async fn replay_store(api: &Api) -> Vec<(u64, Event)> {
    let last = head(api).await;
    let mut stream = api.store_stream(Some(0)).await;
    let mut events = Vec::new();
    while events.last().is_none_or(|(id, _)| *id < last) {
        events.push(stream.next_typed().await);
    }
    events
}

/// Ids `1, 2, 3, …` with no gap and no repeat.
pub fn assert_consecutive(ids: &[u64], first: u64, what: &str) {
    for (at, pair) in ids.windows(2).enumerate() {
        assert_eq!(
            pair[1],
            pair[0] + 1,
            "{what}: id {} follows {} at position {at}",
            pair[1],
            pair[0]
        );
    }
    assert_eq!(ids.first().copied(), Some(first), "{what} starts at {first}");
}

/// How many `order_paid` each order has in `events`; fails on any `payment_anomaly`.
pub fn paid_counts(events: &[(u64, Event)]) -> HashMap<i64, usize> {
    let mut paid = HashMap::new();
    for (id, event) in events {
        match event {
            Event::OrderPaid(order) => *paid.entry(order.order_id).or_default() += 1,
            Event::PaymentAnomaly(anomaly) => panic!("event {id} is a payment anomaly: {anomaly:?}"),
            _ => {}
        }
    }
    paid
}

/// The p50 and p99 of `samples`, for printing.
pub fn percentiles(samples: &mut [i64]) -> (i64, i64) {
    samples.sort_unstable();
    let at = |q: f64| {
        let last = samples.len().saturating_sub(1) as f64;
        samples.get((last * q).round() as usize).copied().unwrap_or(0)
    };
    (at(0.50), at(0.99))
}
