//! Several phones at one table, on SSE and on WebSocket, all see every change from any channel.

use orderbell_shared::ws::{AddItem, UpdateQuantity};
use orderbell_shared::{CartCommand, MessageType, Money, sse};
use orderbell_tests::{Sse, TestServer, Ws};
use serde_json::json;

#[tokio::test]
async fn two_sse_and_two_websocket_clients_see_every_change_from_http_and_websocket() {
    let server = TestServer::start().await;
    let alice = server.join(1, Some("13800138000")).await;
    let bob = server.join(1, Some("13900139000")).await;
    let sse_url = server.url("/api/store/order/sse/1");
    let mut sse_a = Sse::connect(&sse_url, server.table_token(1), None);
    let mut sse_b = Sse::connect(&sse_url, &alice.token, None);
    let mut ws_a = Ws::connect(&server.ws_url(&format!("/ws/cart/1?token={}", bob.token)))
        .await
        .expect("ws a");
    let mut ws_b = Ws::connect(&server.ws_url(&format!("/ws/cart/1?token={}", server.table_token(1))))
        .await
        .expect("ws b");

    // Everyone starts from the same, empty cart.
    for cart in [
        sse_a.cart_at(0).await,
        sse_b.cart_at(0).await,
        ws_a.cart_at(0).await,
        ws_b.cart_at(0).await,
    ] {
        assert!(cart.items.is_empty());
    }

    // Alice adds over HTTP.
    let response = server
        .add(
            &alice.token,
            json!({"tableId": 1, "cuisineId": 1001, "quantity": 2, "remark": "不要花生"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let answered: orderbell_shared::CartDTO = response.json().await.expect("the add answers with the cart");
    assert_eq!(answered.version, 1);
    for cart in [
        sse_a.cart_at(1).await,
        sse_b.cart_at(1).await,
        ws_a.cart_at(1).await,
        ws_b.cart_at(1).await,
    ] {
        assert_eq!(cart, answered, "every client sees exactly the cart the change produced");
    }
    let line = &answered.items[0];
    assert_eq!((line.cuisine_name.as_str(), line.quantity), ("宫保鸡丁", 2));
    assert_eq!(line.subtotal_amount, Money::from_cents(7600));
    assert_eq!(
        line.add_user_id,
        Some(alice.diner_id),
        "the adder comes from Alice's credential"
    );
    assert_eq!(line.add_user_phone.as_deref(), Some("138****8000"));
    assert_eq!(line.remark.as_deref(), Some("不要花生"));

    // Bob adds over WebSocket: he gets the seed's acknowledgement, and everyone the update.
    ws_a.send(&CartCommand::AddItem(AddItem {
        cuisine_id: 1006,
        quantity: 1,
        remark: None,
    }))
    .await;
    let ack = ws_a.reply().await;
    assert_eq!(ack.kind, MessageType::AddItemSuccess);
    let after = ack.data.expect("the acknowledgement carries the cart");
    assert_eq!(after.version, 2);
    for cart in [
        sse_a.cart_at(2).await,
        sse_b.cart_at(2).await,
        ws_a.cart_at(2).await,
        ws_b.cart_at(2).await,
    ] {
        assert_eq!(cart, after);
    }
    assert_eq!(after.total_quantity, 3);
    assert_eq!(after.total_amount, Money::from_cents(7600 + 1200));
    assert_eq!(after.items[1].add_user_id, Some(bob.diner_id));

    // Quantity change and removal over WebSocket reach the SSE clients too.
    ws_a.send(&CartCommand::UpdateQuantity(UpdateQuantity {
        cuisine_id: 1001,
        quantity: 5,
    }))
    .await;
    assert_eq!(ws_a.reply().await.kind, MessageType::UpdateQuantitySuccess);
    assert_eq!(sse_b.cart_at(3).await.items[0].quantity, 5);
    ws_a.send(&CartCommand::ClearCart).await;
    let cleared = ws_a.reply().await;
    assert_eq!(cleared.kind, MessageType::ClearCartSuccess);
    let empty = sse_a.cart_at(4).await;
    assert!(empty.items.is_empty());
    assert_eq!(
        (empty.total_quantity, empty.total_amount, empty.version),
        (0, Money::ZERO, 4)
    );
}

#[tokio::test]
async fn streams_say_connected_then_beat_and_websocket_answers_heartbeats() {
    let server = TestServer::start().await;
    let mut stream = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None);
    let first = stream.next_event().await;
    assert_eq!(
        (first.event_type.as_str(), first.data.as_str()),
        (sse::CONNECTED, "连接成功")
    );
    // The test server beats every second; the cart and then a heartbeat must follow.
    stream.next_cart().await;
    let beat = stream.next_event().await;
    assert_eq!((beat.event_type.as_str(), beat.data.as_str()), (sse::HEARTBEAT, "ping"));

    let mut ws = Ws::connect(&server.ws_url(&format!("/ws/cart/1?token={}", server.table_token(1))))
        .await
        .expect("ws");
    let hello = ws.next().await;
    assert_eq!(
        (hello.kind, hello.message.as_str()),
        (MessageType::Connected, "连接成功")
    );
    ws.send_raw(r#"{"type":"heartbeat"}"#).await;
    loop {
        let message = ws.next().await;
        if message.kind == MessageType::Heartbeat {
            assert_eq!(message.message, "pong");
            break;
        }
    }
}

#[tokio::test]
async fn the_stream_has_the_headers_proxies_need() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/api/store/order/sse/1"))
        .bearer_auth(server.table_token(1))
        .send()
        .await
        .expect("sse request");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert!(header("content-type").is_some_and(|v| v.starts_with("text/event-stream")));
    assert_eq!(header("cache-control").as_deref(), Some("no-cache"));
    assert_eq!(header("x-accel-buffering").as_deref(), Some("no"));
}

/// A phone that opens a table someone already watches is given the table's newest cart from
/// memory: it must be exactly the cart the last change produced, and a phone resuming at that
/// version is not sent it again.
#[tokio::test]
async fn a_phone_joining_a_watched_table_starts_from_its_newest_cart() {
    let server = TestServer::start().await;
    let alice = server.join(1, None).await;
    let sse_url = server.url("/api/store/order/sse/1");
    let mut watching = Sse::connect(&sse_url, server.table_token(1), None);
    assert!(watching.cart_at(0).await.items.is_empty());
    let mut answered = None;
    for remark in ["少辣", "不要葱"] {
        let change = json!({"tableId": 1, "cuisineId": 1001, "quantity": 1, "remark": remark});
        let response = server.add(&alice.token, change).await;
        assert_eq!(response.status(), 200);
        answered = Some(response.json::<orderbell_shared::CartDTO>().await.expect("the cart"));
    }
    let answered = answered.expect("two changes");
    assert_eq!(watching.cart_at(2).await, answered);

    let mut late = Sse::connect(&sse_url, server.table_token(1), None);
    assert_eq!(
        late.next_cart().await,
        (2, answered.clone()),
        "the first cart a late phone sees is the newest"
    );
    let ws_url = server.ws_url(&format!("/ws/cart/1?token={}", server.table_token(1)));
    let mut socket = Ws::connect(&ws_url).await.expect("ws");
    let first = loop {
        let message = socket.next().await;
        if message.kind == MessageType::CartUpdate {
            break message.data.expect("cart_update carries the cart");
        }
    };
    assert_eq!(first, answered, "and so over WebSocket");

    let mut resumed = Sse::connect(&sse_url, server.table_token(1), Some(2)).connected().await;
    let response = server
        .add(&alice.token, json!({"tableId": 1, "cuisineId": 1006, "quantity": 1}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        resumed.next_cart().await.0,
        3,
        "a phone that has version 2 gets only what came after"
    );
}
