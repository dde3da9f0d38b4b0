//! What the server learns by asking the provider: a payment whose notification was lost (查单),
//! and closing an unpaid order's payment before cancelling it (关单).

use orderbell_server::clock::Clock as _;
use orderbell_shared::{Event, OrderStatus};

use crate::{Ledger, Trade, channel, charge, charged, server_with_ledger};

/// Past the default unpaid timeout (15 minutes).
const TIMED_OUT_SECS: i64 = 16 * 60;

#[tokio::test]
async fn a_payment_whose_notification_is_lost_is_found_by_query_and_counted_once() {
    let (server, ledger, webhook) = server_with_ledger().await;
    let order = server.order(3, &[(1001, 1)]).await;
    let created = charged(charge(&server, &order, channel("wechat_native")).await, 201).await;
    ledger.pay(&created.trade_no, "TX-LOST");
    server.clock.advance_secs(5);
    let paid = server.order_becomes(&order, OrderStatus::Paid).await;
    assert!(paid.paid_at.is_some());

    // The provider's notification turns up after all: the same payment, not a second one.
    let late = webhook.notify(
        &created.trade_no,
        "TX-LOST",
        created.amount,
        server.clock.now_ms() / 1000,
    );
    assert_eq!(
        server.notify("hmac", &late).await.status(),
        204,
        "acknowledged, so the provider stops"
    );
    let marker = server.order(12, &[(1009, 1)]).await;
    let marked = webhook.notify(
        &marker.order.order_no,
        "TX-MARKER",
        marker.order.total_amount,
        server.clock.now_ms() / 1000,
    );
    assert_eq!(server.notify("hmac", &marked).await.status(), 204);

    let mut replay = server.store_stream(Some(0)).await;
    let (mut paid, mut anomalies) = (0, 0);
    loop {
        match replay.next_typed().await.1 {
            Event::OrderPaid(o) if o.order_id == order.order.order_id => paid += 1,
            Event::OrderPaid(_) => break,
            Event::PaymentAnomaly(_) => anomalies += 1,
            _ => {}
        }
    }
    assert_eq!((paid, anomalies), (1, 0), "one payment, nothing to refund");
}

#[tokio::test]
async fn an_unpaid_order_is_closed_at_the_provider_then_cancelled() {
    let (server, ledger, _) = server_with_ledger().await;
    let order = server.order(3, &[(1001, 1)]).await;
    let created = charged(charge(&server, &order, channel("alipay_qr")).await, 201).await;
    server.clock.advance_secs(TIMED_OUT_SECS);
    server.order_becomes(&order, OrderStatus::Cancelled).await;
    assert_eq!(
        ledger.trade(&created.trade_no),
        Some(Trade::Closed),
        "closed before the cancel, so nobody can pay a cancelled order"
    );
}

#[tokio::test]
async fn a_payment_racing_the_close_pays_the_order_instead_of_cancelling_it() {
    let (server, ledger, _) = server_with_ledger().await;
    let order = server.order(3, &[(1001, 1)]).await;
    charged(charge(&server, &order, channel("wechat_native")).await, 201).await;
    ledger.pay_as_closed();
    server.clock.advance_secs(TIMED_OUT_SECS);
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(
        server.fetch_order(&order).await.status,
        OrderStatus::Paid,
        "the next rounds leave a paid order alone"
    );
}

#[tokio::test]
async fn an_order_whose_provider_cannot_be_reached_waits_to_be_cancelled() {
    let (server, ledger, _) = server_with_ledger().await;
    let order = server.order(3, &[(1001, 1)]).await;
    charged(charge(&server, &order, channel("wechat_native")).await, 201).await;
    ledger.set_unreachable(true);
    server.clock.advance_secs(TIMED_OUT_SECS);
    asked_to_close(&ledger, 2).await;
    assert_eq!(
        server.fetch_order(&order).await.status,
        OrderStatus::PendingPayment,
        "it may still be paid at the provider: not cancelled yet"
    );
    ledger.set_unreachable(false);
    server.order_becomes(&order, OrderStatus::Cancelled).await;
}

/// Wait until the server has tried to close `times` times (so as many rounds went by).
async fn asked_to_close(ledger: &Ledger, times: u32) {
    let wait = async {
        while ledger.closes_asked() < times {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(orderbell_tests::PATIENCE, wait)
        .await
        .expect("the server tries to close in each round");
}
