//! Two stores on one server: no credential of one opens anything of the other, on any route or
//! either kind of socket, and nothing of one store's streams reaches the other's.

use futures_util::StreamExt as _;
use orderbell_shared::access::Role;
use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::{Event, OrderStatus};
use orderbell_tests::{OTHER_STORE, PATIENCE, Sse, TestServer};
use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::{devices, get, issue};

/// One request: method, path, JSON body.
type Call = (Method, String, Option<serde_json::Value>);

/// Every route that takes a store's credential, for `store`, naming `device` (one of its devices).
fn store_routes(store: i64, device: &str, order: i64) -> Vec<Call> {
    let s = |path: &str| format!("/api/stores/{store}{path}");
    vec![
        (Method::GET, s("/events"), None),
        (Method::GET, s("/orders"), None),
        (Method::GET, s("/devices"), None),
        (
            Method::POST,
            s("/devices"),
            Some(json!({"name": "闯入者", "role": "owner"})),
        ),
        (Method::DELETE, s(&format!("/devices/{device}")), None),
        (
            Method::POST,
            s("/receipts"),
            Some(json!({"orderId": order, "alert": "order", "state": "sounded"})),
        ),
        (Method::GET, s("/unheard"), None),
        (Method::GET, s("/alert-settings"), None),
        (
            Method::PUT,
            s("/alert-settings"),
            Some(json!({"escalateAfterSecs": 5, "unheardAction": "reject", "unheardActionAfterSecs": 60})),
        ),
        (Method::GET, s("/tables"), None),
        (Method::POST, s("/tables"), Some(json!({"number": "X9"}))),
        (Method::PATCH, s("/tables/1"), Some(json!({"number": "X9"}))),
        (Method::DELETE, s("/tables/1"), None),
        (Method::POST, s("/tables/1/link"), None),
        (Method::GET, s("/tables/1/qr.png"), None),
        (Method::GET, s("/tables/1/qr.svg"), None),
        (Method::GET, s("/tables/qr-sheet.pdf"), None),
    ]
}

/// Every route about one order, and about one table, which no store credential of another
/// store (nor any store credential, for a table's cart) may use.
fn order_and_table_routes(order: i64, table: i64) -> Vec<Call> {
    let o = |step: &str| format!("/api/orders/{order}{step}");
    let mut calls: Vec<Call> = [
        "/accept",
        "/ready",
        "/recall",
        "/complete",
        "/cancel",
        "/pay",
        "/reminders",
    ]
    .into_iter()
    .map(|step| (Method::POST, o(step), None))
    .collect();
    calls.extend([
        (Method::GET, o(""), None),
        (Method::GET, o("/events"), None),
        (Method::POST, o("/reject"), Some(json!({"reason": "不做了"}))),
        (Method::POST, o("/reply"), Some(json!({"text": "马上就好"}))),
        (Method::GET, format!("/api/store/order/cart/{table}"), None),
        (Method::GET, format!("/api/store/order/sse/{table}"), None),
        (
            Method::POST,
            "/api/store/order/cart/add".into(),
            Some(json!({"tableId": table, "cuisineId": 1001, "quantity": 1})),
        ),
        (
            Method::PUT,
            format!("/api/store/order/cart/update?tableId={table}&cuisineId=1001&quantity=3"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/store/order/cart/remove?tableId={table}&cuisineId=1001"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/store/order/cart/clear?tableId={table}"),
            None,
        ),
        (Method::POST, format!("/api/tables/{table}/diners"), Some(json!({}))),
        (Method::GET, format!("/api/tables/{table}/presence"), None),
        (
            Method::POST,
            "/api/orders".into(),
            Some(json!({"tableId": table, "idempotencyKey": "intruder"})),
        ),
    ]);
    calls
}

async fn send(server: &TestServer, (method, path, body): &Call, token: &str) -> reqwest::Response {
    let mut request = server.http.request(method.clone(), server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("sent")
}

/// `call` with `token` must be 403 `forbidden`.
async fn must_be_forbidden(server: &TestServer, call: &Call, token: &str, whose: &str) {
    let response = send(server, call, token).await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(
        (status.as_u16(), body.contains(r#""code":"forbidden""#)),
        (403, true),
        "{whose} on {} {}: {body}",
        call.0,
        call.1
    );
}

/// A socket handshake that must be refused with 403.
async fn socket_forbidden(server: &TestServer, path: &str, token: &str) {
    let url = server.ws_url(&format!("{path}?token={token}"));
    match tokio_tungstenite::connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403, "{path}");
        }
        other => panic!("{path} must be refused: {:?}", other.map(|_| ())),
    }
}

/// Everything one store's devices see of their store, to compare before and after.
async fn state_of(
    server: &TestServer,
    store: i64,
    owner: &str,
) -> (Vec<orderbell_shared::heard::DeviceDTO>, StoreSnapshot, String) {
    let snapshot: StoreSnapshot = get(server, &format!("/api/stores/{store}/orders"), owner)
        .await
        .json()
        .await
        .expect("snapshot");
    let settings = get(server, &format!("/api/stores/{store}/alert-settings"), owner)
        .await
        .text()
        .await
        .expect("settings");
    (devices(server, store, owner).await, snapshot, settings)
}

#[tokio::test]
async fn no_credential_of_one_store_opens_any_route_or_socket_of_the_other() {
    let server = TestServer::start().await;
    let two = OTHER_STORE;
    let ones = [
        server.merchant.clone(),
        issue(&server, 1, &server.merchant, "前台电脑", Role::Counter)
            .await
            .credential,
        server.kitchen.clone(),
    ];
    let twos = [
        server.other_merchant.clone(),
        issue(&server, two, &server.other_merchant, "前台电脑", Role::Counter)
            .await
            .credential,
        issue(&server, two, &server.other_merchant, "厨房", Role::Kitchen)
            .await
            .credential,
    ];
    let device_of = |store: i64| {
        let server = &server;
        async move {
            let owner = if store == 1 {
                &server.merchant
            } else {
                &server.other_merchant
            };
            devices(server, store, owner).await[0].device_id.clone()
        }
    };
    let (device_one, device_two) = (device_of(1).await, device_of(two).await);

    // Store 1 has a paid order, a cart with a dish in it, and an open stream of its own.
    let order = server.order(1, &[(1001, 1)]).await;
    server.pay_landed(&order).await;
    let diner = server.join(2, None).await;
    let added = server
        .add(&diner.token, json!({"tableId": 2, "cuisineId": 1001, "quantity": 1}))
        .await;
    assert_eq!(added.status(), 200);
    let before = (
        state_of(&server, 1, &server.merchant).await,
        state_of(&server, two, &server.other_merchant).await,
    );
    let cart_before = server.cart(2).await;

    let order_id = order.order.order_id;
    for (mine, their_store, their_device) in [(&twos, 1, &device_one), (&ones, two, &device_two)] {
        for token in mine {
            for call in store_routes(their_store, their_device, order_id) {
                must_be_forbidden(&server, &call, token, "another store's device").await;
            }
            socket_forbidden(&server, &format!("/ws/stores/{their_store}"), token).await;
        }
    }
    // Store 2's devices touch nothing of store 1's orders and tables (and store 1's devices are
    // staff, not diners: a table's cart takes the table's own link).
    for token in twos.iter().chain(ones.iter().skip(1)) {
        for call in order_and_table_routes(order_id, 2) {
            if ones.contains(token) && call.1.starts_with("/api/orders/") {
                continue; // store 1's own staff may act on store 1's order
            }
            must_be_forbidden(&server, &call, token, "a store device").await;
        }
        socket_forbidden(&server, "/ws/cart/2", token).await;
    }
    // A table's link and a customer's order token open no store's routes either.
    for token in [server.table_token(1), &diner.token, &order.token] {
        for store in [1, two] {
            for call in store_routes(store, "1", order_id) {
                must_be_forbidden(&server, &call, token, "a customer").await;
            }
            socket_forbidden(&server, &format!("/ws/stores/{store}"), token).await;
        }
    }

    let after = (
        state_of(&server, 1, &server.merchant).await,
        state_of(&server, two, &server.other_merchant).await,
    );
    assert_eq!(after, before, "no refused request changed either store");
    assert_eq!(server.cart(2).await, cart_before);
    assert_eq!(server.fetch_order(&order).await.status, OrderStatus::Paid);
}

#[tokio::test]
async fn one_stores_events_never_reach_the_others_streams() {
    let server = TestServer::start().await;
    let two = OTHER_STORE;
    let mut theirs = Sse::connect(
        &server.url(&format!("/api/stores/{two}/events")),
        &server.other_merchant,
        None,
    )
    .connected()
    .await;
    let (mut their_socket, _) =
        tokio_tungstenite::connect_async(server.ws_url(&format!("/ws/stores/{two}?token={}", server.other_merchant)))
            .await
            .expect("store 2's socket");
    let mut ours = server.store_stream(None).await;

    let order = server.order(1, &[(1001, 1)]).await;
    server.pay(&order).await;
    loop {
        if let (_, Event::OrderPaid(paid)) = ours.next_typed().await {
            assert_eq!(paid.order_id, order.order.order_id);
            break;
        }
    }
    // The event is published to its store's subscribers at once; everything store 2's streams
    // receive up to their next heartbeat would include it if it leaked.
    loop {
        let event = theirs.next_event().await;
        assert!(
            matches!(event.event_type.as_str(), "connected" | "heartbeat"),
            "store 2's stream got {}: {}",
            event.event_type,
            event.data
        );
        if event.event_type == "heartbeat" {
            break;
        }
    }
    let read = async {
        while let Some(Ok(message)) = their_socket.next().await {
            let Message::Text(text) = message else { continue };
            let message: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            match message["type"].as_str() {
                Some("connected") => {}
                Some("heartbeat") => return,
                other => panic!("store 2's socket got {other:?}: {message}"),
            }
        }
        panic!("store 2's socket closed");
    };
    tokio::time::timeout(PATIENCE, read).await.expect("a heartbeat");
    let snapshot: StoreSnapshot = get(&server, &format!("/api/stores/{two}/orders"), &server.other_merchant)
        .await
        .json()
        .await
        .expect("snapshot");
    assert!(
        snapshot.orders.is_empty() && snapshot.last_event_id == 0,
        "{snapshot:?}"
    );
}
