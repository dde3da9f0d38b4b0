//! The merchant's app may be offline for a while — a dropped Wi-Fi, a restart of either side —
//! and still hears of every event once, in order.

use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::{Event, OrderStatus};
use orderbell_tests::{Sse, TestServer};

async fn paid(server: &TestServer, table: i64) -> i64 {
    let order = server.order(table, &[(1010, 1)]).await;
    let mut customer = server.order_stream(&order);
    customer.next_typed().await;
    server.pay(&order).await;
    customer.next_typed().await;
    order.order.order_id
}

/// Read `n` events and check they are numbered one after another from `after + 1`.
async fn read_run(stream: &mut Sse, after: u64, n: usize) -> Vec<Event> {
    let mut events = Vec::new();
    for expected in after + 1..=after + n as u64 {
        let (id, event) = stream.next_typed().await;
        assert_eq!(id, expected, "events arrive in order, each once, none missing");
        events.push(event);
    }
    events
}

#[tokio::test]
async fn a_merchant_coming_back_gets_the_whole_gap_once_then_live_events() {
    let server = TestServer::start().await;
    let mut merchant = server.store_stream(None).await;
    let first = paid(&server, 1).await;
    let (seen, _) = merchant.next_typed().await;
    drop(merchant);

    // While the app is offline: two more orders, and the first is accepted.
    let second = paid(&server, 2).await;
    let third = paid(&server, 3).await;
    assert_eq!(
        server
            .post_empty(&format!("/api/orders/{first}/accept"), &server.merchant)
            .await
            .status(),
        200
    );

    let mut merchant = server.store_stream(Some(seen)).await;
    let gap = read_run(&mut merchant, seen, 3).await;
    let ids: Vec<i64> = gap
        .iter()
        .map(|e| match e {
            Event::OrderPaid(o) => o.order_id,
            Event::OrderStatus(c) => c.order_id,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(ids, vec![second, third, first]);
    // Then it carries on live, with the next number: no repeat and no hole at the seam.
    let fourth = paid(&server, 4).await;
    let (id, event) = merchant.next_typed().await;
    assert_eq!(id, seen + 4);
    assert!(matches!(event, Event::OrderPaid(ref o) if o.order_id == fourth));
}

#[tokio::test]
async fn nothing_is_lost_across_a_server_restart() {
    let server = TestServer::start().await;
    let mut merchant = server.store_stream(None).await;
    paid(&server, 5).await;
    let (seen, _) = merchant.next_typed().await;
    drop(merchant);
    let during = paid(&server, 6).await;

    let server = server.restart().await;
    let after = paid(&server, 7).await;
    let mut merchant = server.store_stream(Some(seen)).await;
    let events = read_run(&mut merchant, seen, 2).await;
    assert!(matches!(events[0], Event::OrderPaid(ref o) if o.order_id == during));
    assert!(matches!(events[1], Event::OrderPaid(ref o) if o.order_id == after));
}

#[tokio::test]
async fn a_connected_app_rides_through_a_restart_without_repeats() {
    let server = TestServer::start().await;
    let mut merchant = server.store_stream(None).await;
    paid(&server, 8).await;
    let (seen, _) = merchant.next_typed().await;
    // eventsource-client reconnects by itself with its last id, as the desktop app will.
    let server = server.restart().await;
    let next = paid(&server, 9).await;
    let (id, event) = merchant.next_typed().await;
    assert_eq!(id, seen + 1);
    assert!(matches!(event, Event::OrderPaid(ref o) if o.order_id == next));
}

#[tokio::test]
async fn an_id_older_than_the_journal_keeps_gets_resync_and_the_snapshot_starts_fresh() {
    let server = TestServer::start_with(|c| c.event_retention = 2).await;
    let mut ids = Vec::new();
    for table in 1..=4 {
        ids.push(paid(&server, table).await);
    }
    // The journal keeps two of the four events; maintenance prunes the rest within moments.
    let mut told = false;
    for _ in 0..100 {
        let mut merchant = server.store_stream(Some(1)).await;
        if merchant.next_durable().await.is_none() {
            told = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        told,
        "a client asking for a pruned id is told to resync, never silently skipped"
    );

    let response = server
        .http
        .get(server.url("/api/stores/1/orders"))
        .bearer_auth(&server.merchant)
        .send()
        .await;
    let snapshot: StoreSnapshot = response.expect("snapshot").json().await.expect("snapshot body");
    assert_eq!(snapshot.last_event_id, 4);
    let open: Vec<i64> = snapshot.orders.iter().map(|o| o.order_id).collect();
    assert_eq!(open, ids, "every paid order is open, oldest first");
    assert!(snapshot.orders.iter().all(|o| o.status == OrderStatus::Paid));
}

#[tokio::test]
async fn a_garbage_last_event_id_is_refused_never_read_as_start_from_now() {
    let server = TestServer::start().await;
    let order = server.order(5, &[(1010, 1)]).await;
    let streams = [
        (format!("/api/stores/1/events?token={}", server.merchant), false),
        (
            format!("/api/orders/{}/events?token={}", order.order.order_id, order.token),
            false,
        ),
        (format!("/api/store/order/sse/5?token={}", server.table_token(5)), false),
        (format!("/ws/stores/1?token={}", server.merchant), true),
    ];
    for garbage in ["abc", "-1", "1.5", "0x10", "99999999999999999999"] {
        for (path, websocket) in &streams {
            let mut request = server.http.get(server.url(path)).header("last-event-id", garbage);
            if *websocket {
                request = request
                    .header("connection", "upgrade")
                    .header("upgrade", "websocket")
                    .header("sec-websocket-version", "13")
                    .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
            }
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), 400, "{path} with Last-Event-ID {garbage}");
            let body: orderbell_shared::ErrorBody = response.json().await.expect("a JSON error");
            assert_eq!(body.code, "invalid_last_event_id", "{path}");
        }
    }
    // An empty id is how browsers say "none": the stream opens.
    let ok = server
        .http
        .get(server.url(&streams[0].0))
        .header("last-event-id", "")
        .send()
        .await
        .expect("sent");
    assert_eq!(ok.status(), 200);
}
