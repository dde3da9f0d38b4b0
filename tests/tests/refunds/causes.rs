//! What is owed back, and from which payment: a rejected paid order (all of it), a payment for
//! a cancelled order and a second payment (that transaction), a paid dish returned (its price).
//! The built-in simulator refunds at once.

use orderbell_server::clock::Clock as _;
use orderbell_shared::refunds::{RefundCause, RefundDTO, RefundStatus, refund_no};
use orderbell_shared::{Event, Money};
use orderbell_tests::providers::FakeWebhook;
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

use super::{refund_when, refunds_of, reject};

/// The next `refund_update` on the stream (other events pass by).
async fn next_refund(stream: &mut Sse) -> RefundDTO {
    loop {
        if let (_, Event::RefundUpdate(refund)) = stream.next_typed().await {
            return refund;
        }
    }
}

#[tokio::test]
async fn a_rejected_paid_order_is_refunded_in_full_and_both_streams_hear_it() {
    let server = TestServer::start().await;
    let order = server.paid(3, &[(1001, 1), (1011, 2)]).await;
    let mut store = server.store_stream(None).await;
    let mut customer = server.order_stream(&order);
    reject(&server, &order).await;

    let owed = next_refund(&mut store).await;
    assert_eq!(owed.cause, RefundCause::Rejected);
    assert_eq!(owed.amount, order.order.total_amount, "all of it goes back");
    assert_eq!(owed.amount, Money::from_cents(3800 + 2 * 850));
    assert_eq!(owed.refund_no, refund_no(owed.refund_id));
    assert_eq!(owed.order_id, Some(order.order.order_id));
    assert_eq!(owed.table_number.as_deref(), Some("A03"));
    assert_eq!(owed.provider.as_deref(), Some("hmac"), "from the payment's provider");
    assert_eq!(owed.trade_no.as_deref(), Some(order.order.order_no.as_str()));
    assert_eq!(
        owed.transaction_id,
        Some(format!("SIM{}", order.order.order_no)),
        "the simulator's transaction is the one refunded"
    );
    assert_eq!(owed.reason.as_deref(), Some("食材用完了"));
    let heard = next_refund(&mut customer).await;
    assert_eq!(heard.refund_id, owed.refund_id, "the customer's stream hears of it too");

    let done = next_refund(&mut store).await;
    assert_eq!((done.refund_id, done.status), (owed.refund_id, RefundStatus::Succeeded));
    assert!(done.completed_at.is_some());
    let seen = refund_when(&server, &order, |r| r.status == RefundStatus::Succeeded).await;
    assert_eq!(seen.amount, owed.amount, "已退款 with the amount");
}

#[tokio::test]
async fn money_for_a_cancelled_order_and_a_second_payment_go_back_from_their_own_transactions() {
    let provider = FakeWebhook::new();
    let server = TestServer::start_with(|c| {
        c.payments.webhook_secret = Some(provider.secret.parse().expect("secret"));
        c.payments.webhook_merchant_id = provider.merchant_id.clone();
    })
    .await;
    let notify = async |trade_no: &str, transaction: &str, amount: Money| {
        let signed = provider.notify(trade_no, transaction, amount, server.clock.now_ms() / 1000);
        let response = server.notify("hmac", &signed).await;
        assert_eq!(response.status(), 204, "acknowledged, so the provider stops");
    };

    let cancelled = server.order(5, &[(1002, 1)]).await;
    let cancel = server
        .post_empty(
            &format!("/api/orders/{}/cancel", cancelled.order.order_id),
            &cancelled.token,
        )
        .await;
    assert_eq!(cancel.status(), 200);
    notify(&cancelled.order.order_no, "TX-LATE", cancelled.order.total_amount).await;
    let late = refund_when(&server, &cancelled, |r| r.status == RefundStatus::Succeeded).await;
    assert_eq!(late.cause, RefundCause::PaidAfterCancel);
    assert_eq!(late.transaction_id.as_deref(), Some("TX-LATE"));
    assert_eq!(late.amount, Money::from_cents(3200));

    let twice = server.paid(6, &[(1001, 1)]).await;
    // The provider sends the second payment's notification twice: one refund.
    for _ in 0..2 {
        notify(&twice.order.order_no, "TX-SECOND", twice.order.total_amount).await;
    }
    let second = refund_when(&server, &twice, |r| r.status == RefundStatus::Succeeded).await;
    assert_eq!(second.cause, RefundCause::DuplicatePayment);
    assert_eq!(
        second.transaction_id.as_deref(),
        Some("TX-SECOND"),
        "the second payment goes back, not the first"
    );
    assert_eq!(second.amount, Money::from_cents(3800));
    assert_eq!(refunds_of(&server, &twice).await.len(), 1);
}

#[tokio::test]
async fn a_paid_dish_returned_is_refunded_for_its_price_and_a_rejection_after_for_the_rest() {
    let server = TestServer::start().await;
    let order = server.paid(4, &[(1001, 1), (1011, 2)]).await;
    let id = order.order.order_id;
    let response = server
        .post(
            &format!("/api/orders/{id}/returns"),
            &server.merchant,
            json!({"line": 1, "quantity": 1, "reason": "饮料没了"}),
        )
        .await;
    assert_eq!(response.status(), 200, "the counter gives a paid drink back");

    let part = refund_when(&server, &order, |r| r.status == RefundStatus::Succeeded).await;
    assert_eq!(part.cause, RefundCause::ItemReturned);
    assert_eq!(part.amount, Money::from_cents(850), "one drink, to the fen");
    assert_eq!(part.transaction_id, Some(format!("SIM{}", order.order.order_no)));
    assert_eq!(part.reason.as_deref(), Some("饮料没了"));

    // Turned away after: what is left of the payment, not all of it again.
    reject(&server, &order).await;
    let wait = async {
        loop {
            let refunds = refunds_of(&server, &order).await;
            if refunds.len() == 2 && refunds.iter().all(|r| r.status == RefundStatus::Succeeded) {
                return refunds;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let refunds = tokio::time::timeout(orderbell_tests::PATIENCE, wait)
        .await
        .expect("both refunds done");
    let amounts: Vec<Money> = refunds.iter().map(|r| r.amount).collect();
    assert_eq!(amounts, [Money::from_cents(850), Money::from_cents(3800 + 850)]);
}
