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
    expect_error(
        add(json!({"tableId": 6, "cuisineId": 1002, "quantity": -1})).await,
        422,
        "invalid_body",
    )
    .await;
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
    let response = update("tableId=6&cuisineId=1001&quantity=100").await.expect("sent");
    expect_error(response, 422, "invalid_quantity").await;
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
