//! Each step from the right state moves the order; repeating it changes nothing; from the wrong
//! state it is a 409 that says where the order stands.

use orderbell_shared::{Actor, Event, OrderStatus};
use orderbell_tests::TestServer;
use serde_json::json;

use super::{conflict, refused};

#[tokio::test]
async fn steps_from_the_wrong_state_conflict_and_repeats_are_harmless() {
    let server = TestServer::start().await;
    let order = server.order(4, &[(1002, 1)]).await;
    let id = order.order.order_id;
    let step = |name: &str| server.post_empty(&format!("/api/orders/{id}/{name}"), &server.merchant);

    conflict(step("accept").await, OrderStatus::PendingPayment).await;
    let mut merchant = server.store_stream(None).await;
    server.pay(&order).await;
    assert!(matches!(merchant.next_typed().await.1, Event::OrderPaid(_)));

    assert_eq!(step("accept").await.status(), 200);
    assert_eq!(step("accept").await.status(), 200, "a second tap on 接单 is harmless");
    conflict(step("complete").await, OrderStatus::Accepted).await;
    assert_eq!(step("ready").await.status(), 200);
    // The store stream shows accept and ready once each: the repeat wrote nothing.
    let (a, accepted) = merchant.next_typed().await;
    let (r, ready) = merchant.next_typed().await;
    assert!(matches!(accepted, Event::OrderStatus(ref c) if c.to == OrderStatus::Accepted));
    assert!(matches!(ready, Event::OrderStatus(ref c) if c.to == OrderStatus::Ready));
    assert_eq!(r, a + 1);
    let reject = server
        .post(
            &format!("/api/orders/{id}/reject"),
            &server.merchant,
            json!({"reason": "售罄"}),
        )
        .await;
    conflict(reject, OrderStatus::Ready).await;
}

#[tokio::test]
async fn the_merchant_rejects_with_a_reason_the_customer_reads() {
    let server = TestServer::start().await;
    let order = server.order(5, &[(1004, 1)]).await;
    let id = order.order.order_id;
    let mut customer = server.order_stream(&order);
    customer.next_typed().await;
    server.pay(&order).await;
    customer.next_typed().await;

    let blank = server
        .post(
            &format!("/api/orders/{id}/reject"),
            &server.merchant,
            json!({"reason": "  "}),
        )
        .await;
    refused(blank, 422, "invalid_reason").await;
    let rejected = server
        .post(
            &format!("/api/orders/{id}/reject"),
            &server.merchant,
            json!({"reason": "红烧肉售罄"}),
        )
        .await;
    assert_eq!(rejected.status(), 200);
    let (_, event) = customer.next_typed().await;
    let Event::OrderStatus(change) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (change.to, change.by, change.reason.as_deref()),
        (OrderStatus::Rejected, Actor::Merchant, Some("红烧肉售罄"))
    );
    assert!(change.message.contains("红烧肉售罄"));
}

#[tokio::test]
async fn customers_cancel_only_before_paying() {
    let server = TestServer::start().await;
    let unpaid = server.order(6, &[(1008, 1)]).await;
    let cancel = |o: &orderbell_shared::SubmittedOrder| {
        server.post_empty(&format!("/api/orders/{}/cancel", o.order.order_id), &o.token)
    };
    assert_eq!(cancel(&unpaid).await.status(), 200);
    assert_eq!(server.fetch_order(&unpaid).await.status, OrderStatus::Cancelled);
    refused(
        server
            .post_empty(&format!("/api/orders/{}/pay", unpaid.order.order_id), &unpaid.token)
            .await,
        409,
        "invalid_transition",
    )
    .await;

    let paid = server.order(7, &[(1008, 1)]).await;
    let mut customer = server.order_stream(&paid);
    customer.next_typed().await;
    server.pay(&paid).await;
    customer.next_typed().await;
    conflict(cancel(&paid).await, OrderStatus::Paid).await;
}

#[tokio::test]
async fn orders_left_unpaid_are_cancelled_after_the_timeout() {
    let server = TestServer::start_with(|c| c.unpaid_timeout_secs = 60).await;
    let order = server.order(8, &[(1009, 2)]).await;
    let mut customer = server.order_stream(&order);
    customer.next_typed().await;
    server.clock.advance_secs(61);
    let (_, event) = customer.next_typed().await;
    let Event::OrderStatus(change) = event else {
        panic!("{event:?}")
    };
    assert_eq!((change.to, change.by), (OrderStatus::Cancelled, Actor::System));
}
