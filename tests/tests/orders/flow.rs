//! The whole story of an order, as the customer and the merchant each see it.

use orderbell_shared::{Actor, Event, Money, OrderStatus, SubmitOrderRequest, SubmittedOrder};
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

#[tokio::test]
async fn cart_to_order_to_payment_to_reminder_to_reply_to_completion() {
    let server = TestServer::start().await;
    let mut merchant = server.store_stream(None).await;
    let mut table = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None);
    table.cart_at(0).await;

    let order = server.order(1, &[(1001, 2), (1011, 1)]).await;
    let o = &order.order;
    assert_eq!(o.status, OrderStatus::PendingPayment);
    assert_eq!(
        o.total_amount,
        Money::from_cents(2 * 3800 + 850),
        "priced on the server, exactly"
    );
    assert_eq!(
        (o.table_number.as_str(), o.items.len(), o.total_quantity),
        ("A01", 2, 3)
    );
    // Submitting emptied the table's cart for every phone watching it.
    let emptied = table.cart_at(3).await;
    assert!(emptied.items.is_empty());

    let mut customer = server.order_stream(&order);
    let (first, created) = customer.next_typed().await;
    assert!(
        matches!(created, Event::OrderStatus(ref c) if c.to == OrderStatus::PendingPayment),
        "{created:?}"
    );

    server.pay(&order).await;
    let (id, paid) = customer.next_typed().await;
    assert_eq!(id, first + 1);
    let Event::OrderStatus(paid) = paid else {
        panic!("expected a status change, got {paid:?}")
    };
    assert_eq!(
        (paid.to, paid.by, paid.message.as_str()),
        (OrderStatus::Paid, Actor::Payment, "支付成功")
    );
    let (_, alert) = merchant.next_typed().await;
    let Event::OrderPaid(alerted) = alert else {
        panic!("the merchant hears of the paid order first: {alert:?}")
    };
    assert_eq!(
        (alerted.order_id, alerted.status, alerted.table_number.as_str()),
        (o.order_id, OrderStatus::Paid, "A01")
    );
    assert_eq!(alerted.items, o.items, "the alert carries the whole order");

    // 催单 reaches the merchant; the reply reaches the customer.
    let hurried = server
        .post_empty(&format!("/api/orders/{}/reminders", o.order_id), &order.token)
        .await;
    assert_eq!(hurried.status(), 201);
    let (_, reminder) = merchant.next_typed().await;
    let Event::OrderReminder(reminder) = reminder else {
        panic!("expected a reminder: {reminder:?}")
    };
    assert_eq!((reminder.count, reminder.order.table_number.as_str()), (1, "A01"));
    let replied = server
        .post(
            &format!("/api/orders/{}/reply", o.order_id),
            &server.merchant,
            json!({"text": "马上就好"}),
        )
        .await;
    assert_eq!(replied.status(), 200);
    let (_, answer) = customer.next_typed().await;
    assert!(
        matches!(answer, Event::ReminderReply(ref r) if r.text == "马上就好"),
        "{answer:?}"
    );
    assert!(
        matches!(merchant.next_typed().await.1, Event::ReminderReply(_)),
        "other merchant devices see it was answered"
    );

    // Accept (merchant) → ready (kitchen) → complete (merchant), seen by both sides.
    for (step, token, to, by) in [
        ("accept", &server.merchant, OrderStatus::Accepted, Actor::Merchant),
        ("ready", &server.kitchen, OrderStatus::Ready, Actor::Kitchen),
        ("complete", &server.merchant, OrderStatus::Completed, Actor::Merchant),
    ] {
        let response = server
            .post_empty(&format!("/api/orders/{}/{step}", o.order_id), token)
            .await;
        assert_eq!(response.status(), 200, "{step}");
        for stream in [&mut customer, &mut merchant] {
            let (_, event) = stream.next_typed().await;
            assert!(
                matches!(event, Event::OrderStatus(ref c) if c.to == to && c.by == by),
                "{step}: {event:?}"
            );
        }
    }
    // A phone that opens the order only now learns its whole story at once, 支付成功 included.
    let mut late = server.order_stream(&order);
    let mut story = Vec::new();
    for _ in 0..6 {
        story.push(late.next_typed().await.1);
    }
    assert!(
        matches!(story[1], Event::OrderStatus(ref c) if c.message == "支付成功"),
        "{:?}",
        story[1]
    );
    assert!(matches!(story[2], Event::ReminderReply(_)));
    assert!(matches!(story[5], Event::OrderStatus(ref c) if c.to == OrderStatus::Completed));

    let done = server.fetch_order(&order).await;
    assert_eq!(done.status, OrderStatus::Completed);
    assert!(
        done.paid_at.is_some() && done.accepted_at.is_some() && done.ready_at.is_some() && done.finished_at.is_some()
    );
    assert_eq!(done.reminder_count, 1);
}

#[tokio::test]
async fn a_double_tap_makes_one_order() {
    let server = TestServer::start().await;
    let diner = server.join(2, None).await;
    assert_eq!(
        server
            .add(&diner.token, json!({"tableId": 2, "cuisineId": 1003, "quantity": 1}))
            .await
            .status(),
        200
    );
    let body = serde_json::to_value(SubmitOrderRequest {
        table_id: 2,
        idempotency_key: "tap-1".into(),
        cart_version: None,
    })
    .expect("json");
    let (a, b) = tokio::join!(
        server.post("/api/orders", &diner.token, body.clone()),
        server.post("/api/orders", &diner.token, body.clone())
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        vec![200, 201],
        "one request makes the order, the other gets it back"
    );
    let a: SubmittedOrder = a.json().await.expect("order");
    let b: SubmittedOrder = b.json().await.expect("order");
    assert_eq!(a.order.order_id, b.order.order_id);
    // The retry did not take anything else from the (now empty) cart either.
    let again = server.post("/api/orders", &diner.token, body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<SubmittedOrder>().await.expect("order").order.order_id,
        a.order.order_id
    );
}

#[tokio::test]
async fn an_empty_or_changed_cart_is_not_submitted() {
    let server = TestServer::start().await;
    let diner = server.join(3, None).await;
    let submit = |version: Option<u64>| {
        let request = SubmitOrderRequest {
            table_id: 3,
            idempotency_key: format!("k{}", version.unwrap_or(0)),
            cart_version: version,
        };
        server.post(
            "/api/orders",
            &diner.token,
            serde_json::to_value(request).expect("json"),
        )
    };
    super::refused(submit(None).await, 422, "cart_empty").await;
    assert_eq!(
        server
            .add(&diner.token, json!({"tableId": 3, "cuisineId": 1005}))
            .await
            .status(),
        200
    );
    // Someone at the table changed the cart after this phone looked at version 1.
    assert_eq!(
        server
            .add(&diner.token, json!({"tableId": 3, "cuisineId": 1006}))
            .await
            .status(),
        200
    );
    super::refused(submit(Some(1)).await, 409, "cart_changed").await;
    assert_eq!(
        server.cart(3).await.items.len(),
        2,
        "a refused order leaves the cart alone"
    );
    assert_eq!(submit(Some(2)).await.status(), 201);
}
