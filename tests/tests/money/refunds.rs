//! Money going back through the providers: a rejected paid order (WeChat confirming by its
//! REFUND.SUCCESS notification; Alipay at once), a refund that fails once and is asked again
//! (refunded once), and a paid dish returned (退菜) for exactly its price.

use orderbell_fakepay::{FakePay, Provider};
use orderbell_shared::refunds::{RefundCause, RefundStatus};
use orderbell_tests::TestServer;
use orderbell_tests::money::money_server;
use serde_json::json;

use crate::{asked, asked_times, field, paid, refunds_of, refunds_when, reject};

#[tokio::test]
async fn a_rejected_wechat_order_is_refunded_and_the_refund_notification_confirms_it() {
    let (server, fake) = money_server().await;
    let order = paid(&server, &fake, Provider::Wechat, &[(1001, 1), (1011, 1)]).await;
    // WeChat takes the refund and settles it later, telling us by notification.
    fake.faults(|f| f.refund_processing = true);
    reject(&server, &order).await;
    let [refund] = refunds_when(&server, &order, 1, |r| r.status == RefundStatus::Succeeded)
        .await
        .try_into()
        .expect("one refund");
    assert_eq!(refund.cause, RefundCause::Rejected);
    assert_eq!(refund.amount.cents(), 4650);
    let [asked_for] = asked(&fake, "refund").try_into().expect("asked once");
    assert_eq!(field(&asked_for, &["out_refund_no"]), &json!(refund.refund_no));
    assert!(refund.refund_no.starts_with("RF"), "{}", refund.refund_no);
    assert_eq!(field(&asked_for, &["amount", "refund"]), &json!(4650), "fen");
    assert_eq!(field(&asked_for, &["amount", "total"]), &json!(4650));
    assert_eq!(field(&asked_for, &["amount", "currency"]), &json!("CNY"));
    assert_eq!(
        field(&asked_for, &["notify_url"]),
        &json!(server.url("/api/pay/notify/wechat"))
    );
    // The server's clock stood still, so no query was due: the notification settled it.
    assert!(asked(&fake, "refund_query").is_empty(), "confirmed by notification");
}

#[tokio::test]
async fn a_rejected_alipay_order_is_refunded_in_yuan_to_the_fen() {
    let (server, fake) = money_server().await;
    let order = paid(&server, &fake, Provider::Alipay, &[(1001, 1), (1011, 1)]).await;
    reject(&server, &order).await;
    let [refund] = refunds_when(&server, &order, 1, |r| r.status == RefundStatus::Succeeded)
        .await
        .try_into()
        .expect("one refund");
    let [asked_for] = asked(&fake, "alipay.trade.refund").try_into().expect("asked once");
    assert_eq!(field(&asked_for, &["refund_amount"]), &json!("46.50"));
    assert_eq!(field(&asked_for, &["out_request_no"]), &json!(refund.refund_no));
}

#[tokio::test]
async fn a_refund_that_fails_once_is_asked_again_and_refunds_once() {
    let (server, fake) = money_server().await;
    let order = paid(&server, &fake, Provider::Wechat, &[(1001, 1)]).await;
    fake.faults(|f| f.fail_refunds = 1);
    reject(&server, &order).await;
    let failed = refunds_when(&server, &order, 1, |r| r.last_error.is_some()).await;
    assert_eq!(failed[0].status, RefundStatus::Due, "to be asked again, not given up");
    // The next attempt is due five seconds later.
    server.clock.advance_secs(5);
    let [refund] = refunds_when(&server, &order, 1, |r| r.status == RefundStatus::Succeeded)
        .await
        .try_into()
        .expect("one refund");
    let asks = asked_times(&fake, "refund", 2).await;
    let statuses: Vec<u16> = asks.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [500, 200], "failed once, then refunded");
    for ask in &asks {
        assert_eq!(
            field(ask, &["out_refund_no"]),
            &json!(refund.refund_no),
            "the same refund number"
        );
        assert_eq!(field(ask, &["amount", "refund"]), &json!(3800));
    }
}

#[tokio::test]
async fn a_paid_dish_returned_at_wechat_is_refunded_for_its_price_then_the_rest_on_rejection() {
    let (server, fake) = money_server().await;
    returned_then_rejected(&server, &fake, Provider::Wechat).await;
    let amounts: Vec<(serde_json::Value, serde_json::Value)> = asked(&fake, "refund")
        .iter()
        .map(|a| {
            (
                field(a, &["amount", "refund"]).clone(),
                field(a, &["amount", "total"]).clone(),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        [(json!(850), json!(4650)), (json!(3800), json!(4650))],
        "a drink, then what is left, each of the whole payment, in fen"
    );
}

#[tokio::test]
async fn a_paid_dish_returned_at_alipay_is_refunded_for_its_price_then_the_rest_on_rejection() {
    let (server, fake) = money_server().await;
    returned_then_rejected(&server, &fake, Provider::Alipay).await;
    let amounts: Vec<serde_json::Value> = asked(&fake, "alipay.trade.refund")
        .iter()
        .map(|a| field(a, &["refund_amount"]).clone())
        .collect();
    assert_eq!(amounts, [json!("8.50"), json!("38.00")], "yuan strings, to the fen");
}

/// 宫保鸡丁 and 酸梅汤 paid at `provider`; the drink returned (退菜), then the order rejected.
async fn returned_then_rejected(server: &TestServer, fake: &FakePay, provider: Provider) {
    let order = paid(server, fake, provider, &[(1001, 1), (1011, 1)]).await;
    let id = order.order.order_id;
    let response = server
        .post(
            &format!("/api/orders/{id}/returns"),
            &server.merchant,
            json!({"line": 1, "quantity": 1, "reason": "饮料没了"}),
        )
        .await;
    assert_eq!(response.status(), 200, "the counter gives a paid drink back");
    let [part] = refunds_when(server, &order, 1, |r| r.status == RefundStatus::Succeeded)
        .await
        .try_into()
        .expect("one refund");
    assert_eq!((part.cause, part.amount.cents()), (RefundCause::ItemReturned, 850));
    reject(server, &order).await;
    let both = refunds_when(server, &order, 2, |r| r.status == RefundStatus::Succeeded).await;
    let mut amounts: Vec<i64> = both.iter().map(|r| r.amount.cents()).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, [850, 3800]);
    assert_eq!(refunds_of(server, &order).await.len(), 2);
}
