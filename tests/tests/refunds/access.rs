//! Who sees and handles refunds: the store's owner and counter (who take the money); the
//! order's own customer and the phones at its table; nobody else.

use orderbell_shared::access::{IssuedDevice, Role};
use orderbell_shared::refunds::{RefundDTO, RefundStatus};
use orderbell_tests::TestServer;
use serde_json::json;

use super::{refund_when, refused, reject};

#[tokio::test]
async fn refunds_are_the_counters_and_the_customers_and_nobody_elses() {
    let server = TestServer::start().await;
    let order = server.paid(7, &[(1001, 1)]).await;
    reject(&server, &order).await;
    let refund = refund_when(&server, &order, |r| r.status == RefundStatus::Succeeded).await;
    let id = refund.refund_id;

    let issued = server
        .post(
            "/api/stores/1/devices",
            &server.merchant,
            json!({"name": "收银台", "role": Role::Counter}),
        )
        .await;
    assert_eq!(issued.status(), 201, "the owner issues a counter device");
    let counter = issued.json::<IssuedDevice>().await.expect("device").credential;
    for token in [&server.merchant, &counter] {
        let all: Vec<RefundDTO> = server
            .get("/api/stores/1/refunds?status=all", token)
            .await
            .json()
            .await
            .expect("the store's refunds");
        assert_eq!(all, std::slice::from_ref(&refund));
    }
    refused(
        server.get("/api/stores/1/refunds", &server.kitchen).await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        server.get("/api/stores/1/refunds", &server.other_merchant).await,
        403,
        "forbidden",
    )
    .await;
    refused(
        server.get("/api/stores/1/refunds?status=some", &server.merchant).await,
        400,
        "invalid_status",
    )
    .await;
    let retry = |token: &str| server.post_empty(&format!("/api/refunds/{id}/retry"), token);
    refused(retry(&server.kitchen).await, 403, "role_not_allowed").await;
    refused(retry(&server.other_merchant).await, 403, "forbidden").await;
    refused(
        server.post_empty("/api/refunds/999999/retry", &server.merchant).await,
        404,
        "refund_not_found",
    )
    .await;

    let path = format!("/api/orders/{}/refunds", order.order.order_id);
    for token in [&order.token, &server.merchant] {
        let seen: Vec<RefundDTO> = server.get(&path, token).await.json().await.expect("refunds");
        assert_eq!(seen, std::slice::from_ref(&refund));
    }
    let elsewhere = server.join(8, None).await;
    refused(server.get(&path, &elsewhere.token).await, 403, "forbidden").await;
    refused(server.get(&path, &server.other_merchant).await, 403, "forbidden").await;
}
