//! 催单 rules: only the order's own customer, only while it is being made, and not too often.

use orderbell_shared::order::ReminderReceipt;
use orderbell_shared::{OrderStatus, SubmittedOrder};
use orderbell_tests::TestServer;
use serde_json::json;

use super::refused;

async fn paid_order(server: &TestServer, table: i64) -> SubmittedOrder {
    let order = server.order(table, &[(1001, 1)]).await;
    let mut customer = server.order_stream(&order);
    customer.next_typed().await;
    server.pay(&order).await;
    customer.next_typed().await;
    order
}

fn path(order: &SubmittedOrder) -> String {
    format!("/api/orders/{}/reminders", order.order.order_id)
}

#[tokio::test]
async fn one_reminder_per_interval_and_the_wait_is_told() {
    let server = TestServer::start().await;
    let unpaid = server.order(9, &[(1001, 1)]).await;
    let early = refused(
        server.post_empty(&path(&unpaid), &unpaid.token).await,
        409,
        "order_not_remindable",
    )
    .await;
    assert_eq!(early.current_status, Some(OrderStatus::PendingPayment));

    let order = paid_order(&server, 10).await;
    let first = server.post_empty(&path(&order), &order.token).await;
    assert_eq!(first.status(), 201);
    let receipt: ReminderReceipt = first.json().await.expect("receipt");
    assert_eq!(receipt.count, 1);

    let again = server.post_empty(&path(&order), &order.token).await;
    assert_eq!(
        again.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("180")
    );
    let body = refused(again, 429, "reminder_too_soon").await;
    assert_eq!(body.retry_after_secs, Some(180), "three minutes by default");

    server.clock.advance_secs(179);
    let body = refused(
        server.post_empty(&path(&order), &order.token).await,
        429,
        "reminder_too_soon",
    )
    .await;
    assert_eq!(body.retry_after_secs, Some(1));
    server.clock.advance_secs(1);
    let second = server.post_empty(&path(&order), &order.token).await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.json::<ReminderReceipt>().await.expect("receipt").count, 2);

    // Finished orders cannot be hurried.
    for step in ["accept", "ready", "complete"] {
        let response = server
            .post_empty(
                &format!("/api/orders/{}/{step}", order.order.order_id),
                &server.merchant,
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    server.clock.advance_secs(600);
    let done = refused(
        server.post_empty(&path(&order), &order.token).await,
        409,
        "order_not_remindable",
    )
    .await;
    assert_eq!(done.current_status, Some(OrderStatus::Completed));
}

#[tokio::test]
async fn only_the_orders_customer_may_hurry_it() {
    let server = TestServer::start().await;
    let order = paid_order(&server, 11).await;
    let other = server.order(12, &[(1002, 1)]).await;
    refused(server.post_empty(&path(&order), &other.token).await, 403, "forbidden").await;
    refused(
        server.post_empty(&path(&order), &server.merchant).await,
        403,
        "forbidden",
    )
    .await;
    refused(
        server.post_empty(&path(&order), server.table_token(11)).await,
        403,
        "forbidden",
    )
    .await;
    refused(server.post_empty(&path(&order), "nonsense").await, 401, "unauthorized").await;
    assert_eq!(
        server.fetch_order(&order).await.reminder_count,
        0,
        "no refused 催单 was counted"
    );
}

#[tokio::test]
async fn replies_come_from_the_merchant_in_thirty_characters() {
    let server = TestServer::start().await;
    let order = paid_order(&server, 1).await;
    let reply_path = format!("/api/orders/{}/reply", order.order.order_id);
    let reply = |token: &str, text: &str| server.post(&reply_path, token, json!({ "text": text }));
    refused(reply(&server.merchant, "正在制作").await, 409, "no_reminder").await;
    assert_eq!(server.post_empty(&path(&order), &order.token).await.status(), 201);
    refused(reply(&server.merchant, &"快".repeat(31)).await, 422, "invalid_reply").await;
    refused(reply(&server.kitchen, "正在制作").await, 403, "role_not_allowed").await;
    refused(reply(&order.token, "正在制作").await, 403, "forbidden").await;
    assert_eq!(reply(&server.merchant, &"快".repeat(30)).await.status(), 200);
}
