//! Bad input gets a clear error naming the problem, and changes nothing.

use orderbell_shared::{CartCommand, ErrorBody, MessageType};
use orderbell_tests::{TestServer, Ws};
use serde_json::json;

async fn expect_error(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status(), status, "status for {code}");
    let body: ErrorBody = response.json().await.expect("errors are JSON {code, message}");
    assert_eq!(body.code, code);
    assert!(!body.message.is_empty());
}

#[tokio::test]
async fn bad_http_requests_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let diner = server.join(6, None).await;
    assert_eq!(
        server
            .add(&diner.token, json!({"tableId": 6, "cuisineId": 1001, "quantity": 98}))
            .await
            .status(),
        200
    );
    let before = server.cart(6).await;

    let add = |body| server.add(&diner.token, body);
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 424242})).await,
        404,
        "dish_not_found",
    )
    .await;
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 1002, "quantity": 0})).await,
        422,
        "invalid_quantity",
    )
    .await;
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 1002, "quantity": 100})).await,
        422,
        "invalid_quantity",
    )
    .await;
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 1001, "quantity": 2})).await,
        422,
        "invalid_quantity",
    )
    .await;
    // Numbers that are no count of dishes are a bad quantity, not a bad body.
    for quantity in [json!(-1), json!(4_294_967_296_u64), json!(1e30), json!(1.5)] {
        expect_error(
            add(json!({"tableId": 6, "cuisineId": 1002, "quantity": quantity})).await,
            422,
            "invalid_quantity",
        )
        .await;
    }
    let long = "辣".repeat(101);
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 1002, "remark": long})).await,
        422,
        "remark_too_long",
    )
    .await;
    expect_error(add(json!({"tableId": 999, "cuisineId": 1002})).await, 403, "forbidden").await;
    let huge = "x".repeat(64 * 1024);
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 1002, "remark": huge})).await,
        413,
        "body_too_large",
    )
    .await;

    let raw = |body: &'static str, content_type: &'static str| {
        server
            .http
            .post(server.url("/api/store/order/cart/add"))
            .bearer_auth(&diner.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    expect_error(
        raw(r#"{"tableId": 6,"#, "application/json").await.expect("sent"),
        400,
        "malformed_json",
    )
    .await;
    expect_error(
        raw(r#"{"tableId": 6}"#, "text/plain").await.expect("sent"),
        415,
        "unsupported_media_type",
    )
    .await;

    let update = |query: &str| {
        server
            .http
            .put(server.url(&format!("/api/store/order/cart/update?{query}")))
            .bearer_auth(&diner.token)
            .send()
    };
    for quantity in ["100", "-1", "4294967296", "1e30"] {
        let response = update(&format!("tableId=6&cuisineId=1001&quantity={quantity}"))
            .await
            .expect("sent");
        expect_error(response, 422, "invalid_quantity").await;
    }
    expect_error(
        update("tableId=6&cuisineId=1002&quantity=3").await.expect("sent"),
        404,
        "item_not_in_cart",
    )
    .await;
    expect_error(
        update("tableId=6&cuisineId=abc&quantity=3").await.expect("sent"),
        400,
        "invalid_query",
    )
    .await;
    let remove = server
        .http
        .delete(server.url("/api/store/order/cart/remove?tableId=6"))
        .bearer_auth(&diner.token)
        .send();
    expect_error(remove.await.expect("sent"), 422, "invalid_query").await;

    assert_eq!(
        server.cart(6).await,
        before,
        "no bad request changed the cart or its version"
    );
}

#[tokio::test]
async fn bad_websocket_messages_get_an_error_and_the_socket_stays_open() {
    let server = TestServer::start().await;
    let diner = server.join(7, None).await;
    let mut ws = Ws::connect(&server.ws_url(&format!("/ws/cart/7?token={}", diner.token)))
        .await
        .expect("ws");
    ws.next().await; // connected
    ws.cart_at(0).await;

    for (message, code) in [
        ("this is not json", "invalid_message"),
        (r#"{"type":"order_everything"}"#, "invalid_message"),
        (r#"{"type":"add_item","data":{"quantity":1}}"#, "invalid_message"),
        (
            r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":0}}"#,
            "invalid_quantity",
        ),
        (
            r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":-1}}"#,
            "invalid_quantity",
        ),
        (
            r#"{"type":"update_quantity","data":{"cuisineId":1001,"quantity":4294967296}}"#,
            "invalid_quantity",
        ),
        (
            r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":1e30}}"#,
            "invalid_quantity",
        ),
        (r#"{"type":"add_item","data":{"cuisineId":31337}}"#, "dish_not_found"),
        (
            r#"{"type":"remove_item","data":{"cuisineId":1001}}"#,
            "item_not_in_cart",
        ),
    ] {
        ws.send_raw(message).await;
        let reply = ws.reply().await;
        assert_eq!(reply.kind, MessageType::Error, "{message} must be refused");
        assert_eq!(reply.code.as_deref(), Some(code), "{message}");
        assert!(!reply.message.is_empty());
    }

    // The same socket still works, and nothing above changed the cart.
    ws.send(&CartCommand::AddItem(orderbell_shared::ws::AddItem {
        cuisine_id: 1001,
        quantity: 1,
        remark: None,
    }))
    .await;
    let ok = ws.reply().await;
    assert_eq!(ok.kind, MessageType::AddItemSuccess);
    assert_eq!(
        ok.data.map(|c| c.version),
        Some(1),
        "only the good message changed the cart"
    );
}

#[tokio::test]
async fn watching_with_the_table_link_alone_cannot_change_the_cart() {
    let server = TestServer::start().await;
    let mut ws = Ws::connect(&server.ws_url(&format!("/ws/cart/8?token={}", server.table_token(8))))
        .await
        .expect("ws");
    ws.next().await;
    ws.cart_at(0).await;
    ws.send(&CartCommand::ClearCart).await;
    let reply = ws.reply().await;
    assert_eq!(reply.code.as_deref(), Some("diner_required"));
    let response = server
        .add(server.table_token(8), json!({"tableId": 8, "cuisineId": 1001}))
        .await;
    expect_error(response, 401, "diner_required").await;
    assert_eq!(server.cart(8).await.version, 0);
}

#[tokio::test]
async fn every_refusal_is_json_even_from_the_framework() {
    let server = TestServer::start().await;
    // A route that exists, with a method it does not take.
    let wrong_method = server.http.get(server.url("/api/orders")).send().await.expect("sent");
    expect_error(wrong_method, 405, "method_not_allowed").await;
    // A payment notification too large to be real.
    let huge = server
        .http
        .post(server.url("/api/pay/notify/hmac"))
        .header("content-type", "application/json")
        .body(vec![b' '; 64 * 1024])
        .send()
        .await
        .expect("sent");
    expect_error(huge, 413, "body_too_large").await;
    // A socket's address asked over plain HTTP, and with the wrong method.
    for path in ["/ws/cart/1", "/ws/stores/1"] {
        let plain = server.http.get(server.url(path)).send().await.expect("sent");
        expect_error(plain, 400, "websocket_required").await;
        let posted = server.http.post(server.url(path)).send().await.expect("sent");
        expect_error(posted, 405, "method_not_allowed").await;
    }
}

#[tokio::test]
async fn an_oversized_websocket_message_closes_with_1009_and_a_reason() {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    let server = TestServer::start().await;
    let diner = server.join(9, None).await;
    for path in [
        format!("/ws/cart/9?token={}", diner.token),
        format!("/ws/stores/1?token={}", server.merchant),
    ] {
        let (mut socket, _) = tokio_tungstenite::connect_async(server.ws_url(&path))
            .await
            .expect("connect");
        let huge = format!(r#"{{"type":"heartbeat","pad":"{}"}}"#, "x".repeat(64 * 1024));
        socket.send(Message::text(huge)).await.expect("sent");
        let close = tokio::time::timeout(orderbell_tests::PATIENCE, async {
            loop {
                match socket.next().await {
                    Some(Ok(Message::Close(frame))) => return frame,
                    Some(Ok(_)) => continue,
                    other => panic!("{path}: the socket ended without a close frame: {other:?}"),
                }
            }
        })
        .await
        .expect("a close frame arrives");
        let frame = close.expect("the close frame says why");
        assert_eq!(frame.code, CloseCode::Size, "{path}");
        assert!(!frame.reason.is_empty(), "{path}");
    }
}
