//! Revoking a device: its open streams end with `device_revoked`, its next request is refused
//! with 「此设备已被停用，请重新配对」, and every other device goes on.

use futures_util::StreamExt as _;
use orderbell_shared::Event;
use orderbell_shared::access::Role;
use orderbell_tests::{PATIENCE, TestServer};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::{devices, get, issue, refused};

const REVOKED: &str = "此设备已被停用，请重新配对";

/// Read an SSE response until the server ends it; all that it sent.
async fn read_to_end(mut response: reqwest::Response) -> String {
    let read = async {
        let mut text = Vec::new();
        while let Some(chunk) = response.chunk().await.expect("the stream reads") {
            text.extend_from_slice(&chunk);
        }
        String::from_utf8(text).expect("utf-8")
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .expect("the revoked stream ends")
}

/// Read a socket until the server closes it; its text messages, as JSON.
async fn messages_until_closed(url: String) -> impl Future<Output = Vec<serde_json::Value>> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("the device's socket opens");
    async move {
        let read = async {
            let mut messages = Vec::new();
            while let Some(message) = socket.next().await {
                match message {
                    Ok(Message::Text(text)) => messages.push(serde_json::from_str(&text).expect("JSON")),
                    Ok(Message::Close(_)) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            messages
        };
        tokio::time::timeout(PATIENCE, read)
            .await
            .expect("the revoked socket closes")
    }
}

#[tokio::test]
async fn a_revoked_device_is_cut_off_at_once_and_refused_after_while_others_go_on() {
    let server = TestServer::start().await;
    let tablet = issue(&server, 1, &server.merchant, "厨房平板", Role::Kitchen).await;
    let mut owner_stream = server.store_stream(None).await;

    let sse = get(&server, "/api/stores/1/events?device=tablet", &tablet.credential).await;
    assert_eq!(sse.status(), 200);
    let sse = tokio::spawn(read_to_end(sse));
    let ws =
        messages_until_closed(server.ws_url(&format!("/ws/stores/1?device=tablet&token={}", tablet.credential))).await;
    let ws = tokio::spawn(ws);
    // Both are open: the device is online.
    let online = async {
        while !devices(&server, 1, &server.merchant)
            .await
            .iter()
            .any(|d| d.device_id == tablet.device_id && d.online)
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, online)
        .await
        .expect("the device is online");

    let revoke = server
        .http
        .delete(server.url(&format!("/api/stores/1/devices/{}", tablet.device_id)))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("sent");
    assert_eq!(revoke.status(), 204);

    let sse = sse.await.expect("reader");
    let error = sse
        .split("\n\n")
        .find(|frame| frame.starts_with("event: error"))
        .expect("an error event ends the stream");
    let data: serde_json::Value = serde_json::from_str(
        error
            .lines()
            .nth(1)
            .and_then(|l| l.strip_prefix("data: "))
            .expect("data"),
    )
    .expect("JSON");
    assert_eq!(data, json!({"code": "device_revoked", "message": REVOKED}));
    let ws = ws.await.expect("reader");
    let last = ws.last().expect("messages");
    assert_eq!(
        (&last["type"], &last["data"]["code"]),
        (&json!("error"), &json!("device_revoked"))
    );
    assert_eq!(last["data"]["message"], REVOKED);

    // Every later request of the device is refused, saying what to do.
    for path in ["/api/stores/1/orders", "/api/stores/1/events", "/api/credential"] {
        let body = refused(get(&server, path, &tablet.credential).await, 401, "device_revoked").await;
        assert_eq!(body.message, REVOKED);
    }
    let socket =
        tokio_tungstenite::connect_async(server.ws_url(&format!("/ws/stores/1?token={}", tablet.credential))).await;
    match socket {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("the socket must be refused: {:?}", other.map(|_| ())),
    }
    let listed = devices(&server, 1, &server.merchant).await;
    let row = listed
        .iter()
        .find(|d| d.device_id == tablet.device_id)
        .expect("still listed");
    assert!(row.revoked && !row.online, "{row:?}");

    // Revoking again is harmless; the name is free for a new device; the owner's stream goes on.
    let again = server
        .http
        .delete(server.url(&format!("/api/stores/1/devices/{}", tablet.device_id)))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 204);
    let replacement = issue(&server, 1, &server.merchant, "厨房平板", Role::Kitchen).await;
    assert_ne!(replacement.credential, tablet.credential);
    let order = server.order(1, &[(1001, 1)]).await;
    server.pay(&order).await;
    loop {
        if let (_, Event::OrderPaid(paid)) = owner_stream.next_typed().await {
            assert_eq!(paid.order_id, order.order.order_id);
            break;
        }
    }
}

#[tokio::test]
async fn a_revocation_survives_a_restart() {
    let server = TestServer::start().await;
    let tablet = issue(&server, 1, &server.merchant, "厨房平板", Role::Kitchen).await;
    let revoke = server
        .http
        .delete(server.url(&format!("/api/stores/1/devices/{}", tablet.device_id)))
        .bearer_auth(&server.merchant)
        .send();
    assert_eq!(revoke.await.expect("sent").status(), 204);
    let server = server.restart().await;
    refused(
        get(&server, "/api/stores/1/orders", &tablet.credential).await,
        401,
        "device_revoked",
    )
    .await;
    assert_eq!(
        get(&server, "/api/stores/1/orders", &server.kitchen).await.status(),
        200,
        "the others still count"
    );
}
