//! PostgreSQL stopped for 10 s under a running server, while a provider delivers payment
//! callbacks: every request meanwhile is answered at once with a 503 `{code, message}` a person
//! can read, a callback is refused so that the provider retries it, nothing is half-written, and
//! once PostgreSQL is back the same process serves again by itself: each retried callback pays
//! its order once, and the merchant hears each order once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use orderbell_shared::{Event, OrderStatus, SubmittedOrder};
use orderbell_tests::services::postgres::PostgresServer;
use orderbell_tests::{Api, PATIENCE, ServerProcess, refused};
use serde_json::json;

use crate::{assert_consecutive, deliver, deliver_once, many_orders, paid_counts, provider, replay_store};

/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(10);

/// Wait until the server answers a read again (it reconnects by itself: nothing restarts it).
async fn recovered(api: &Api, order: &SubmittedOrder) -> Duration {
    let started = Instant::now();
    loop {
        let answer = api
            .get(&format!("/api/orders/{}", order.order.order_id), &order.token)
            .await;
        if answer.status() == 200 {
            return started.elapsed();
        }
        assert_eq!(answer.status(), 503, "while it reconnects: 503, nothing else");
        assert!(
            started.elapsed() < PATIENCE,
            "the server still cannot reach PostgreSQL after {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_for_10_s_answers_503_and_the_server_recovers_by_itself() {
    // A cluster of its own, whatever engine the other tests run on: this one is stopped.
    let mut postgres = PostgresServer::start().await;
    let (provider, mut flags) = provider();
    flags.extend(["--database-url".to_owned(), postgres.url()]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = ServerProcess::start(&flags).await;
    let pid = server.pid();

    let orders = many_orders(&server, 24).await;
    let diner = server.join(5, None).await;
    let mut merchant = server.store_stream(None).await;

    // The provider delivers each order's callback once, four at a time; PostgreSQL stops
    // after the first few are answered, with the rest in flight or still to come.
    let answered = tokio::sync::Semaphore::new(0);
    let deliveries = futures_util::stream::iter(&orders)
        .map(|order| {
            let (server, provider, answered) = (&server, &provider, &answered);
            async move {
                let status = deliver_once(server, provider, order).await;
                answered.add_permits(1);
                (order.order.order_id, status)
            }
        })
        .buffer_unordered(4)
        .collect::<HashMap<i64, Option<u16>>>();
    let add = json!({"tableId": 5, "cuisineId": 1001, "quantity": 1});
    let outage = async {
        let _first_few = answered.acquire_many(6).await.expect("deliveries answer");
        postgres.stop().await;
        let stopped = Instant::now();
        // A diner adding a dish while the database is away: told so at once, in Chinese.
        let body = refused(server.add(&diner.token, add.clone()).await, 503, "database_unavailable").await;
        println!(
            "PostgreSQL down: a cart change was answered 503 after {:?}: {}",
            stopped.elapsed(),
            body.message
        );
        stopped
    };
    let (answers, stopped) = tokio::join!(deliveries, outage);
    let refused_callbacks: Vec<i64> = answers
        .iter()
        .filter(|(_, status)| status.is_none_or(|s| s >= 500))
        .map(|(id, _)| *id)
        .collect();
    for (order_id, status) in &answers {
        assert!(
            status.is_none_or(|s| (200..300).contains(&s) || s >= 500),
            "order {order_id}: a callback is taken (2xx) or refused with a 5xx for a retry, never a 4xx: {status:?}"
        );
    }
    assert!(
        !refused_callbacks.is_empty(),
        "callbacks arrived while PostgreSQL was down, and were refused"
    );
    println!(
        "PostgreSQL down: {} of {} callbacks refused for a retry, after {:?} of outage",
        refused_callbacks.len(),
        answers.len(),
        stopped.elapsed()
    );

    tokio::time::sleep(OUTAGE.saturating_sub(stopped.elapsed())).await;
    postgres.restart().await;
    let took = recovered(&server, &orders[0]).await;
    println!("PostgreSQL back: the server answered again {took:?} later");

    // Nothing half-written: an order is paid exactly when the stream says so once, and every
    // callback taken (2xx) paid its order; the cart change refused left the cart as it was.
    let events = replay_store(&server).await;
    let paid = paid_counts(&events);
    for order in &orders {
        let id = order.order.order_id;
        let status = server.fetch_order(order).await.status;
        let once = paid.get(&id).copied().unwrap_or(0);
        assert_eq!(
            status == OrderStatus::Paid,
            once == 1,
            "order {id} is {status:?} with {once} order_paid"
        );
        assert!(once <= 1, "order {id} has {once} order_paid");
        if answers.get(&id).is_some_and(|s| s.is_some_and(|s| s < 300)) {
            assert_eq!(status, OrderStatus::Paid, "order {id}'s callback was taken");
        }
    }
    assert!(
        server.cart(5).await.items.is_empty(),
        "the refused cart change left nothing"
    );

    // The provider retries what was refused: each lands once.
    for order in orders.iter().filter(|o| refused_callbacks.contains(&o.order.order_id)) {
        deliver(&server.url(""), &server.http, &provider, order).await;
    }
    for order in &orders {
        assert_eq!(server.fetch_order(order).await.status, OrderStatus::Paid);
    }
    let events = replay_store(&server).await;
    let ids: Vec<u64> = events.iter().map(|(id, _)| *id).collect();
    assert_consecutive(&ids, 1, "the store stream after the outage");
    let paid = paid_counts(&events);
    for order in &orders {
        assert_eq!(paid.get(&order.order.order_id), Some(&1), "one order_paid each");
    }

    // The merchant connected before the outage hears every order once.
    let mut heard: HashMap<i64, usize> = HashMap::new();
    while heard.len() < orders.len() {
        let (_, event) = merchant
            .next_durable()
            .await
            .expect("the merchant's stream resumes without a resync");
        if let Event::OrderPaid(order) = event {
            *heard.entry(order.order_id).or_default() += 1;
        }
    }
    assert!(heard.values().all(|n| *n == 1), "each order heard once: {heard:?}");

    assert_eq!(
        server.add(&diner.token, add).await.status(),
        200,
        "cart changes work again"
    );
    assert_eq!(server.pid(), pid, "the same process throughout, never restarted");
}
