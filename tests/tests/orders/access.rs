//! Store credentials open their own store only, and each role does only its part.

use orderbell_tests::{TestServer, Ws};

use super::refused;

#[tokio::test]
async fn store_streams_need_that_stores_credential() {
    let server = TestServer::start().await;
    let get = |path: &str, token: &str| server.http.get(server.url(path)).bearer_auth(token).send();
    for path in ["/api/stores/1/events", "/api/stores/1/orders"] {
        refused(
            server.http.get(server.url(path)).send().await.expect("sent"),
            401,
            "unauthorized",
        )
        .await;
        refused(get(path, &server.other_merchant).await.expect("sent"), 403, "forbidden").await;
        refused(get(path, server.table_token(1)).await.expect("sent"), 403, "forbidden").await;
        assert_eq!(
            get(path, &server.kitchen).await.expect("sent").status(),
            200,
            "the kitchen reads tickets"
        );
    }
    let refused_ws = Ws::connect(&server.ws_url(&format!("/ws/stores/1?token={}", server.other_merchant))).await;
    assert!(
        refused_ws.is_err(),
        "another store's merchant cannot open this store's socket"
    );
}

#[tokio::test]
async fn the_kitchen_marks_ready_but_does_not_accept_and_customers_do_neither() {
    let server = TestServer::start().await;
    let order = server.order(2, &[(1005, 1)]).await;
    let id = order.order.order_id;
    let mut customer = server.order_stream(&order);
    customer.next_typed().await;
    server.pay(&order).await;
    customer.next_typed().await;

    refused(
        server
            .post_empty(&format!("/api/orders/{id}/accept"), &server.kitchen)
            .await,
        403,
        "forbidden",
    )
    .await;
    refused(
        server
            .post_empty(&format!("/api/orders/{id}/accept"), &order.token)
            .await,
        403,
        "forbidden",
    )
    .await;
    refused(
        server
            .post_empty(&format!("/api/orders/{id}/accept"), &server.other_merchant)
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        server
            .post_empty(&format!("/api/orders/{id}/accept"), &server.merchant)
            .await
            .status(),
        200
    );
    assert_eq!(
        server
            .post_empty(&format!("/api/orders/{id}/ready"), &server.kitchen)
            .await
            .status(),
        200
    );

    // One customer's credential does not open another's order.
    let other = server.order(3, &[(1005, 1)]).await;
    let stream = server
        .http
        .get(server.url(&format!("/api/orders/{id}/events")))
        .bearer_auth(&other.token)
        .send();
    refused(stream.await.expect("sent"), 403, "forbidden").await;
}
