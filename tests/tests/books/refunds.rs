//! Every refund that became due is in the day's 退款, once: 退菜 of a paid line, money that came
//! for a cancelled order, and an order paid twice.

use orderbell_server::clock::Clock as _;
use orderbell_shared::reports::DaySummary;
use orderbell_shared::{Money, OrderStatus};
use orderbell_tests::TestServer;
use orderbell_tests::providers::{FakeWebhook, Signed};

use super::{get_json, local_date, now, returned};

async fn notify(server: &TestServer, signed: &Signed) {
    let response = server.notify("hmac", signed).await;
    assert_eq!(response.status(), 204, "acknowledged, so the provider stops");
}

#[tokio::test]
async fn payments_that_could_not_be_applied_and_paid_returns_are_the_days_refunds() {
    let provider = FakeWebhook::new();
    let server = TestServer::start_with(|c| {
        c.payments.webhook_secret = Some(provider.secret.parse().expect("secret"));
        c.payments.webhook_merchant_id = provider.merchant_id.clone();
    })
    .await;
    let secs = || server.clock.now_ms() / 1000;

    // Money for an order the customer had cancelled: 32.00 due back.
    let cancelled = server.order(5, &[(1002, 1)]).await;
    let cancel = server
        .post_empty(
            &format!("/api/orders/{}/cancel", cancelled.order.order_id),
            &cancelled.token,
        )
        .await;
    assert_eq!(cancel.status(), 200);
    let late = provider.notify(
        &cancelled.order.order_no,
        "TX-LATE",
        cancelled.order.total_amount,
        secs(),
    );
    notify(&server, &late).await;
    // An order paid twice: 46.50 due back; and one of its two dishes given back: 8.50.
    let twice = server.paid(6, &[(1001, 1), (1011, 1)]).await;
    let second = provider.notify(&twice.order.order_no, "TX-SECOND", twice.order.total_amount, secs());
    notify(&server, &second).await;
    notify(&server, &second).await;
    returned(&server, twice.order.order_id, 1, 1, "饮料没了").await;
    assert_eq!(server.fetch_order(&cancelled).await.status, OrderStatus::Cancelled);

    let today = local_date(now(&server));
    let summary: DaySummary = get_json(
        &server,
        &format!("/api/stores/1/reports/day?date={today}"),
        &server.merchant,
    )
    .await;
    assert_eq!(
        (summary.refunds, summary.refund_count),
        (Money::from_cents(3200 + 4650 + 850), 3),
        "the late payment, the second payment (sent twice, counted once) and the returned drink"
    );
    assert_eq!((summary.orders, summary.sales), (1, Money::from_cents(3800)));
}
