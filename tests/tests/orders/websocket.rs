//! The store stream over WebSocket: the same events, the same resume, and bad messages answered
//! with an error on a socket that stays open.

use futures_util::{SinkExt as _, StreamExt as _};
use orderbell_shared::Event;
use orderbell_shared::events::{StreamMessage, kind};
use orderbell_tests::{PATIENCE, TestServer};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next(socket: &mut Socket) -> StreamMessage {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a message arrives");
        match message {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).expect("{type, id, data, timestamp}"),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("socket closed: {other:?}"),
        }
    }
}

async fn next_event(socket: &mut Socket) -> (u64, Event) {
    loop {
        let m = next(socket).await;
        if m.kind == kind::HEARTBEAT || m.kind == kind::CONNECTED {
            continue;
        }
        let parsed = Event::parse(&m.kind, &m.data.to_string())
            .expect("known kind")
            .expect("valid data");
        return (m.id.expect("durable events have ids"), parsed);
    }
}

#[tokio::test]
async fn the_store_socket_pushes_paid_orders_resumes_and_survives_bad_messages() {
    let server = TestServer::start().await;
    let url = server.ws_url(&format!("/ws/stores/1?token={}", server.merchant));
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("connect");
    assert_eq!(next(&mut socket).await.kind, kind::CONNECTED);

    let order = server.order(4, &[(2001, 1)]).await;
    server.pay(&order).await;
    let (id, event) = next_event(&mut socket).await;
    let Event::OrderPaid(paid) = event else {
        panic!("{event:?}")
    };
    assert_eq!(paid.order_id, order.order.order_id);

    socket.send(Message::text("{not json")).await.expect("send");
    let error = loop {
        let m = next(&mut socket).await;
        if m.kind != kind::HEARTBEAT {
            break m;
        }
    };
    assert_eq!(
        (error.kind.as_str(), error.data["code"].as_str()),
        ("error", Some("invalid_message"))
    );
    socket
        .send(Message::text(r#"{"type":"heartbeat"}"#))
        .await
        .expect("send");
    loop {
        let m = next(&mut socket).await;
        if m.kind == kind::HEARTBEAT && m.data == "pong" {
            break;
        }
    }
    drop(socket);

    // Accepted while the socket was closed: a new socket resuming from `id` gets it.
    assert_eq!(
        server
            .post_empty(&format!("/api/orders/{}/accept", paid.order_id), &server.merchant)
            .await
            .status(),
        200
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("{url}&lastEventId={id}"))
        .await
        .expect("reconnect");
    let (next_id, event) = next_event(&mut socket).await;
    assert_eq!(next_id, id + 1);
    assert!(matches!(event, Event::OrderStatus(ref c) if c.order_id == paid.order_id));
}

#[tokio::test]
async fn the_store_socket_beats_with_a_message_browser_code_can_see() {
    let server = TestServer::start().await;
    let url = server.ws_url(&format!("/ws/stores/1?token={}", server.merchant));
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("connect");
    assert_eq!(next(&mut socket).await.kind, kind::CONNECTED);
    // The test server beats every second, without being asked.
    let beat = next(&mut socket).await;
    assert_eq!(
        (beat.kind.as_str(), beat.data.as_str()),
        (kind::HEARTBEAT, Some("ping"))
    );
}
