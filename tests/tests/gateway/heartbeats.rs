//! nginx closes a proxied connection on which the instance sent nothing for `proxy_read_timeout`.
//! A stream is quiet between events, so the heartbeats are what keep it open: here the timeout is
//! 3 s and the server beats every second, and a client stays on one connection through twice
//! that and still receives changes.

use std::time::{Duration, Instant};

use orderbell_shared::ws::AddItem;
use orderbell_shared::{CartCommand, MessageType, sse};
use orderbell_tests::{Sse, Ws};
use serde_json::json;

use crate::Gateway;

const READ_TIMEOUT: Duration = Duration::from_secs(3);

#[tokio::test]
async fn an_sse_client_stays_connected_past_the_read_timeout_thanks_to_heartbeats() {
    let gateway = Gateway::start_with(Some(READ_TIMEOUT)).await;
    let diner = gateway.join(8, None).await;
    let mut phone = Sse::connect(&gateway.url("/api/store/order/sse/8"), &diner.token, None)
        .connected()
        .await;
    phone.next_cart().await;

    // The client reconnects by itself: a cut would show as a second `connected`.
    let quiet_until = Instant::now() + 2 * READ_TIMEOUT;
    while Instant::now() < quiet_until {
        let event = phone.next_event().await;
        assert_eq!(
            event.event_type,
            sse::HEARTBEAT,
            "a quiet stream carries heartbeats only, on the same connection (nginx's log: {})",
            gateway.nginx.error_log()
        );
    }

    let response = gateway
        .add(&diner.token, json!({"tableId": 8, "cuisineId": 1001}))
        .await;
    assert_eq!(response.status(), 200);
    let change = loop {
        let event = phone.next_event().await;
        if event.event_type != sse::HEARTBEAT {
            break event;
        }
    };
    assert_eq!(
        (change.event_type.as_str(), change.id.as_deref()),
        (sse::CART_UPDATE, Some("1")),
        "the change arrives on the connection that stayed open"
    );
}

#[tokio::test]
async fn a_websocket_stays_open_past_the_read_timeout_thanks_to_heartbeats() {
    let gateway = Gateway::start_with(Some(READ_TIMEOUT)).await;
    let diner = gateway.join(9, None).await;
    let mut phone = Ws::connect(&gateway.ws_url(&format!("/ws/cart/9?token={}", diner.token)))
        .await
        .expect("a socket through nginx");
    assert_eq!(phone.next().await.kind, MessageType::Connected);

    // Reading fails the test if the socket closes.
    let quiet_until = Instant::now() + 2 * READ_TIMEOUT;
    while Instant::now() < quiet_until {
        let message = phone.next().await;
        assert!(
            matches!(message.kind, MessageType::Heartbeat | MessageType::CartUpdate),
            "{message:?}"
        );
    }

    phone
        .send(&CartCommand::AddItem(AddItem {
            cuisine_id: 1003,
            quantity: 1,
            remark: None,
        }))
        .await;
    let ack = phone.reply().await;
    assert_eq!(
        ack.kind,
        MessageType::AddItemSuccess,
        "the socket still carries changes"
    );
}
