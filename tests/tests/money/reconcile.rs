//! What the server learns by asking: a payment whose notification never comes (查单), an unpaid
//! order closed at the provider before it is cancelled (关单), and payments racing that close.

use orderbell_fakepay::{NotifyMode, Provider};
use orderbell_shared::OrderStatus;
use orderbell_shared::refunds::{RefundCause, RefundStatus};
use orderbell_tests::money::{UNPAID_TIMEOUT_SECS, money_server};
use serde_json::json;

use crate::{asked, asked_times, channel, charged, field, paid_events, refunds_of, refunds_when};

/// Past the money server's unpaid timeout.
const TIMED_OUT_SECS: i64 = UNPAID_TIMEOUT_SECS as i64 + 1;

#[tokio::test]
async fn a_payment_whose_notification_never_arrives_is_found_by_query_and_counted_once() {
    let (server, fake) = money_server().await;
    fake.faults(|f| f.notify = NotifyMode::Drop);
    let (order, charge) = charged(&server, 3, &[(1001, 1)], channel("wechat_native")).await;
    fake.pay(Provider::Wechat, &charge.trade_no).expect("paid at WeChat");
    // The first query is due five seconds after the charge.
    server.clock.advance_secs(5);
    let paid = server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid.total_amount.cents(), 3800);
    let queries = asked(&fake, "query");
    assert!(
        queries
            .iter()
            .all(|q| q.path.contains(&charge.trade_no) && q.status == 200),
        "{queries:?}"
    );
    assert_eq!(paid_events(&server, &order).await, 1, "one payment, one order_paid");
    assert!(refunds_of(&server, &order).await.is_empty(), "nothing to give back");
}

#[tokio::test]
async fn an_unpaid_order_is_closed_at_the_provider_then_cancelled() {
    let (server, fake) = money_server().await;
    let (order, charge) = charged(&server, 3, &[(1001, 1)], channel("wechat_native")).await;
    server.clock.advance_secs(TIMED_OUT_SECS);
    server.order_becomes(&order, OrderStatus::Cancelled).await;
    let closes = asked(&fake, "close");
    assert!(
        closes
            .iter()
            .any(|c| c.path.contains(&charge.trade_no) && c.status == 204),
        "closed at WeChat before the cancel: {closes:?}"
    );
    assert!(
        fake.pay(Provider::Wechat, &charge.trade_no).is_err(),
        "nobody can pay a cancelled order's code"
    );
}

#[tokio::test]
async fn a_wechat_payment_just_before_the_timeout_pays_the_order_instead_of_cancelling_it() {
    let (server, fake) = money_server().await;
    // Paid at the last moment, its notification still on the way: the close finds it paid.
    fake.faults(|f| f.notify = NotifyMode::Drop);
    let (order, charge) = charged(&server, 3, &[(1001, 1)], channel("wechat_native")).await;
    fake.pay(Provider::Wechat, &charge.trade_no).expect("paid at WeChat");
    server.clock.advance_secs(TIMED_OUT_SECS);
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid_events(&server, &order).await, 1);
    assert!(refunds_of(&server, &order).await.is_empty(), "paid, not refunded");
}

#[tokio::test]
async fn an_alipay_code_scanned_after_the_order_was_cancelled_is_refunded() {
    let (server, fake) = money_server().await;
    let (order, charge) = charged(&server, 3, &[(1001, 1), (1011, 1)], channel("alipay_qr")).await;
    server.clock.advance_secs(TIMED_OUT_SECS);
    server.order_becomes(&order, OrderStatus::Cancelled).await;
    // Alipay knows a precreated code only once scanned: the close found nothing to close, and
    // the printed-out code can still be paid.
    asked_times(&fake, "alipay.trade.close", 1).await;
    fake.pay(Provider::Alipay, &charge.trade_no)
        .expect("a late scan still pays at Alipay");

    let [refund] = refunds_when(&server, &order, 1, |r| r.status == RefundStatus::Succeeded)
        .await
        .try_into()
        .expect("one refund");
    assert_eq!(refund.cause, RefundCause::PaidAfterCancel);
    assert_eq!(refund.amount.cents(), 4650);
    let [asked] = asked(&fake, "alipay.trade.refund").try_into().expect("asked once");
    assert_eq!(field(&asked, &["refund_amount"]), &json!("46.50"), "yuan, to the fen");
    assert_eq!(field(&asked, &["out_request_no"]), &json!(refund.refund_no));
    assert!(refund.refund_no.starts_with("RF"));
    assert_eq!(
        server.fetch_order(&order).await.status,
        OrderStatus::Cancelled,
        "the order stays cancelled"
    );
}

/// WeChat signs its answers with the time: an authentic SUCCESS from long ago, replayed to the
/// server by someone between it and WeChat, must not pay an order. The stale answer is refused,
/// and the query after it (fresh) is the one that finds the payment.
#[tokio::test]
async fn an_old_wechat_answer_replayed_is_not_believed() {
    let (server, fake) = money_server().await;
    fake.faults(|f| f.notify = NotifyMode::Drop);
    let (order, charge) = charged(&server, 3, &[(1001, 1)], channel("wechat_native")).await;
    fake.pay(Provider::Wechat, &charge.trade_no).expect("paid at WeChat");
    fake.faults(|f| f.stale_answers = 1);
    // The first query (5 s after the charge) gets the answer signed ten minutes ago.
    server.clock.advance_secs(5);
    asked_times(&fake, "query", 1).await;
    // Believed, it would pay the order and no query would follow. Refused, the charge is asked
    // again 10 s later. Four steps of 10 s stay inside the unpaid timeout (60 s).
    for _ in 0..4 {
        if asked(&fake, "query").len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        server.clock.advance_secs(10);
    }
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(
        asked(&fake, "query").len(),
        2,
        "the stale answer was refused, the fresh one believed"
    );
    assert_eq!(paid_events(&server, &order).await, 1, "one payment, one order_paid");
}
