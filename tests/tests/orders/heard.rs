//! Heard, not just sent: devices report what they showed and sounded; an alert nobody hears
//! escalates to every device and to the customer; the owner sees devices and unheard time.

use orderbell_shared::heard::{
    AlertKind, AlertSettings, DeviceDTO, DeviceKind, EscalationReason, Presence, ReceiptState, UnheardAction,
    UnheardReport,
};
use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::{Event, OrderStatus, SubmittedOrder};
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

use crate::refused;

/// A device's store stream. The device is its credential, whatever the query calls it (the
/// desktop app and the kitchen board still name themselves).
fn device_stream(server: &TestServer, token: &str) -> Sse {
    Sse::connect(
        &server.url("/api/stores/1/events?device=front-1&deviceName=%E5%89%8D%E5%8F%B0"),
        token,
        None,
    )
}

async fn receipt(
    server: &TestServer,
    token: &str,
    device: &str,
    order: &SubmittedOrder,
    state: &str,
) -> reqwest::Response {
    server
        .post(
            "/api/stores/1/receipts",
            token,
            json!({"deviceId": device, "deviceName": "前台电脑", "orderId": order.order.order_id,
                   "alert": "order", "state": state}),
        )
        .await
}

/// GET `path` with `token` and read the JSON answer.
async fn get<T: serde::de::DeserializeOwned>(server: &TestServer, path: &str, token: &str) -> T {
    let response = server
        .http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("JSON")
}

async fn devices(server: &TestServer) -> Vec<DeviceDTO> {
    get(server, "/api/stores/1/devices", &server.merchant).await
}

async fn presence(server: &TestServer) -> Presence {
    get(server, "/api/tables/1/presence", server.table_token(1)).await
}

/// The next event of `stream` that is not one of the heard loop's own, or the first one that is.
/// Bounded: heartbeats keep a stream busy, so a wait for an event that never comes must end.
async fn next_alert_event(stream: &mut Sse) -> Event {
    let wait = async {
        loop {
            let (_, event) = stream.next_typed().await;
            if matches!(
                event,
                Event::AlertReceipt(_) | Event::AlertEscalated(_) | Event::AlertSettled(_)
            ) {
                return event;
            }
        }
    };
    tokio::time::timeout(orderbell_tests::PATIENCE, wait)
        .await
        .expect("an alert event arrives")
}

#[tokio::test]
async fn devices_report_what_they_heard_and_every_device_sees_it() {
    let server = TestServer::start().await;
    let mut front = device_stream(&server, &server.merchant).connected().await;
    let mut kitchen = device_stream(&server, &server.kitchen).connected().await;
    assert!(presence(&server).await.merchant_online, "a device is online");

    let order = server.order(1, &[(1001, 1)]).await;
    server.pay(&order).await;
    assert!(matches!(front.next_typed().await.1, Event::OrderPaid(_)));
    for state in ["shown", "sounded", "sounded"] {
        let response = receipt(&server, &server.merchant, "front-1", &order, state).await;
        assert_eq!(response.status(), 200, "{state}: a repeated receipt is harmless");
    }
    // The kitchen (every device) hears that the counter rang, once per state.
    let mut states = Vec::new();
    while states.len() < 2 {
        if let Event::AlertReceipt(r) = next_alert_event(&mut kitchen).await {
            // Named by its credential (店主), not by what the receipt says (前台电脑).
            assert_eq!((r.order_id, r.device_name.as_str()), (order.order.order_id, "店主"));
            states.push(r.state);
        }
    }
    assert_eq!(states, [ReceiptState::Shown, ReceiptState::Sounded]);

    // A device paired later learns the same from the snapshot.
    let snapshot: StoreSnapshot = get(&server, "/api/stores/1/orders", &server.merchant).await;
    assert_eq!(snapshot.receipts.len(), 2);
    assert!(snapshot.escalated.is_empty(), "it was heard: nothing escalated");

    let listed = devices(&server).await;
    let find = |name: &str| listed.iter().find(|d| d.name == name).cloned().expect("listed");
    assert_eq!((find("店主").kind, find("店主").online), (DeviceKind::Desktop, true));
    assert_eq!((find("厨房").kind, find("厨房").online), (DeviceKind::Kitchen, true));
    assert!(snapshot.receipts.iter().all(|r| r.device_id == find("店主").device_id));
    drop(front);
    drop(kitchen);
    let deadline = tokio::time::Instant::now() + orderbell_tests::PATIENCE;
    while devices(&server).await.iter().any(|d| d.online) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "devices go offline when they disconnect"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        !presence(&server).await.merchant_online,
        "the customer page can say 商家暂时离线"
    );
}

#[tokio::test]
async fn an_order_paid_while_every_device_is_away_escalates_to_the_customer_and_settles_when_heard() {
    let server = TestServer::start().await;
    // The counter's app was paired once and is closed now.
    drop(device_stream(&server, &server.merchant).connected().await);
    while presence(&server).await.merchant_online {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let order = server.order(2, &[(1001, 1)]).await;
    let mut customer = server.order_stream(&order);
    server.pay(&order).await;
    let escalated = next_alert_event(&mut customer).await;
    let Event::AlertEscalated(e) = escalated else {
        panic!("{escalated:?}")
    };
    assert_eq!(
        (e.order_id, e.alert, e.reason),
        (order.order.order_id, AlertKind::Order, EscalationReason::NoDeviceOnline)
    );

    // The counter's app comes back two minutes later and sounds it.
    server.clock.advance_secs(120);
    let front = device_stream(&server, &server.merchant).connected().await;
    assert_eq!(
        receipt(&server, &server.merchant, "front-1", &order, "sounded")
            .await
            .status(),
        200
    );
    let settled = next_alert_event(&mut customer).await;
    let Event::AlertSettled(s) = settled else {
        panic!("{settled:?}")
    };
    assert_eq!(s.unheard_ms, 120_000, "two minutes unheard");
    let report: UnheardReport = get(&server, "/api/stores/1/unheard", &server.merchant).await;
    assert_eq!((report.total_ms, report.alerts.len()), (120_000, 1));
    assert!(report.alerts[0].settled_at.is_some());
    drop(front);
}

#[tokio::test]
async fn an_order_nobody_sounds_escalates_after_the_wait_and_the_owners_choice_is_taken() {
    let server = TestServer::start().await;
    let mut front = device_stream(&server, &server.merchant).connected().await;
    let settings = AlertSettings {
        escalate_after_secs: 15,
        unheard_action: UnheardAction::Reject,
        unheard_action_after_secs: 60,
    };
    let saved = server
        .http
        .put(server.url("/api/stores/1/alert-settings"))
        .bearer_auth(&server.merchant)
        .json(&settings)
        .send()
        .await
        .expect("sent");
    assert_eq!(saved.status(), 200);
    let kitchen_put = server
        .http
        .put(server.url("/api/stores/1/alert-settings"))
        .bearer_auth(&server.kitchen)
        .json(&settings)
        .send()
        .await
        .expect("sent");
    refused(kitchen_put, 403, "role_not_allowed").await;

    let order = server.order(3, &[(1001, 1)]).await;
    server.pay(&order).await;
    // The payment lands through the simulator's callback; the clock moves only after it, so the
    // waits below count from the payment.
    assert!(matches!(front.next_typed().await.1, Event::OrderPaid(_)));
    // Shown but muted: on screen is not heard.
    assert_eq!(
        receipt(&server, &server.merchant, "front-1", &order, "shown")
            .await
            .status(),
        200
    );
    server.clock.advance_secs(15);
    let escalated = loop {
        if let Event::AlertEscalated(e) = next_alert_event(&mut front).await {
            break e;
        }
    };
    assert_eq!(escalated.reason, EscalationReason::NotHeard);

    server.clock.advance_secs(45);
    let rejected = tokio::time::timeout(orderbell_tests::PATIENCE, async {
        loop {
            if let (_, Event::OrderStatus(change)) = front.next_typed().await {
                break change;
            }
        }
    })
    .await
    .expect("the owner's choice is taken");
    assert_eq!(rejected.to, OrderStatus::Rejected, "as the owner chose");
    assert_eq!(server.fetch_order(&order).await.status, OrderStatus::Rejected);
}

#[tokio::test]
async fn bad_receipts_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let order = server.order(4, &[(1001, 1)]).await;
    let send = |body: serde_json::Value, token: &str| server.post("/api/stores/1/receipts", token, body);
    let good = json!({"deviceId": "front-1", "deviceName": "前台电脑", "orderId": order.order.order_id,
                      "alert": "order", "state": "shown"});
    let with = |key: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    refused(
        send(with("alert", json!("reminder")), &server.merchant).await,
        422,
        "invalid_receipt",
    )
    .await;
    refused(
        send(with("orderId", json!(999_999)), &server.merchant).await,
        404,
        "order_not_found",
    )
    .await;
    refused(send(good.clone(), &server.other_merchant).await, 403, "forbidden").await;
    refused(send(good, &order.token).await, 403, "forbidden").await;
    assert!(
        devices(&server).await.iter().all(|d| d.last_seen_at.is_none()),
        "no refused receipt counted as a device seen"
    );
}

#[tokio::test]
async fn the_merchants_reply_is_store_state_in_the_snapshot() {
    let server = TestServer::start().await;
    let order = server.order(5, &[(1001, 1)]).await;
    server.pay(&order).await;
    while server.fetch_order(&order).await.status != OrderStatus::Paid {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let path = format!("/api/orders/{}/reminders", order.order.order_id);
    assert_eq!(server.post_empty(&path, &order.token).await.status(), 201);
    let reply = format!("/api/orders/{}/reply", order.order.order_id);
    assert_eq!(
        server
            .post(&reply, &server.merchant, json!({"text": "马上就好"}))
            .await
            .status(),
        200
    );
    let snapshot: StoreSnapshot = get(&server, "/api/stores/1/orders", &server.kitchen).await;
    let reminder = snapshot.reminders.first().expect("the 催单 is there");
    assert_eq!(reminder.reply.as_deref(), Some("马上就好"));
}
