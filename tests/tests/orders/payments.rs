//! Payment providers' callbacks over HTTP, signed as WeChat Pay and Alipay sign them: applied
//! exactly once, and anything not authentic or not matching changes nothing.

use orderbell_server::clock::Clock as _;
use orderbell_shared::events::AnomalyKind;
use orderbell_shared::{Event, Money, OrderStatus, SubmittedOrder};
use orderbell_tests::providers::{FakeAlipay, FakeWebhook, FakeWechat};
use orderbell_tests::{Sse, TestServer};
use tempfile::TempDir;

struct Providers {
    wechat: FakeWechat,
    alipay: FakeAlipay,
    webhook: FakeWebhook,
    _keys: TempDir,
}

/// A server that trusts the fake providers' keys, configured the way an operator would (key files).
async fn server_with_providers() -> (TestServer, Providers) {
    let (wechat, alipay, webhook) = (FakeWechat::new(), FakeAlipay::new(), FakeWebhook::new());
    let keys = tempfile::tempdir().expect("key dir");
    let wechat_pem = keys.path().join("wechatpay.pem");
    let alipay_pem = keys.path().join("alipay.pem");
    std::fs::write(&wechat_pem, wechat.public_key_pem()).expect("write key");
    std::fs::write(&alipay_pem, alipay.public_key_pem()).expect("write key");
    let server = TestServer::start_with(|c| {
        let p = &mut c.payments;
        p.wechat_mchid = Some(wechat.mchid.clone());
        p.wechat_appid = Some(wechat.appid.clone());
        p.wechat_apiv3_key = Some(wechat.api_v3_key.parse().expect("key"));
        p.wechat_platform_key = vec![format!("{}={}", wechat.serial, wechat_pem.display())];
        p.alipay_app_id = Some(alipay.app_id.clone());
        p.alipay_public_key = Some(alipay_pem.clone());
        p.webhook_secret = Some(webhook.secret.parse().expect("secret"));
        p.webhook_merchant_id = webhook.merchant_id.clone();
    })
    .await;
    (
        server,
        Providers {
            wechat,
            alipay,
            webhook,
            _keys: keys,
        },
    )
}

fn now(server: &TestServer) -> i64 {
    server.clock.now_ms() / 1000
}

fn fen(order: &SubmittedOrder) -> i64 {
    order.order.total_amount.cents()
}

async fn send_alipay(server: &TestServer, form: String) -> (u16, String) {
    let response = server
        .http
        .post(server.url("/api/pay/notify/alipay"))
        .header("content-type", "application/x-www-form-urlencoded;charset=utf-8")
        .body(form)
        .send()
        .await
        .expect("notification sent");
    (response.status().as_u16(), response.text().await.expect("body"))
}

/// Make one more store event and return it: proof that nothing else was queued before it.
async fn sentinel(server: &TestServer, merchant: &mut Sse) -> Event {
    let marker = server.order(12, &[(1009, 1)]).await;
    server.pay(&marker).await;
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::OrderPaid(ref o) if o.order_id == marker.order.order_id),
        "unexpected {event:?}"
    );
    event
}

#[tokio::test]
async fn wechat_and_alipay_payments_count_once_however_often_they_are_sent() {
    let (server, providers) = server_with_providers().await;
    let mut merchant = server.store_stream(None).await;
    let by_wechat = server.order(1, &[(1001, 1)]).await;
    let by_alipay = server.order(2, &[(1004, 1), (1011, 2)]).await;

    let notice = providers.wechat.notify(
        &by_wechat.order.order_no,
        "4200001234202611220001",
        fen(&by_wechat),
        now(&server),
    );
    for _ in 0..3 {
        // WeChat retries until it hears 200/204.
        assert_eq!(server.notify("wechat", &notice).await.status(), 204);
    }
    let form = providers.alipay.notify(
        &by_alipay.order.order_no,
        "2026112222001400001",
        "65.50",
        "TRADE_SUCCESS",
    );
    assert_eq!(by_alipay.order.total_amount, Money::from_cents(6550));
    for _ in 0..3 {
        assert_eq!(
            send_alipay(&server, form.clone()).await,
            (200, "success".to_owned()),
            "exactly `success`"
        );
    }

    let (_, first) = merchant.next_typed().await;
    let (_, second) = merchant.next_typed().await;
    assert!(
        matches!(first, Event::OrderPaid(ref o) if o.order_id == by_wechat.order.order_id),
        "{first:?}"
    );
    assert!(
        matches!(second, Event::OrderPaid(ref o) if o.order_id == by_alipay.order.order_id),
        "{second:?}"
    );
    sentinel(&server, &mut merchant).await;
    assert_eq!(server.fetch_order(&by_wechat).await.status, OrderStatus::Paid);
    assert_eq!(server.fetch_order(&by_alipay).await.status, OrderStatus::Paid);
}

#[tokio::test]
async fn concurrent_duplicate_callbacks_make_one_order_paid() {
    let (server, providers) = server_with_providers().await;
    let mut merchant = server.store_stream(None).await;
    let order = server.order(3, &[(2002, 1)]).await;
    let notice = providers.webhook.notify(
        &order.order.order_no,
        "TX-CONCURRENT",
        order.order.total_amount,
        now(&server),
    );
    let sends = (0..10).map(|_| server.notify("hmac", &notice));
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), 204, "every copy is acknowledged");
    }
    let (_, paid) = merchant.next_typed().await;
    assert!(matches!(paid, Event::OrderPaid(ref o) if o.order_id == order.order.order_id));
    sentinel(&server, &mut merchant).await;
}

#[tokio::test]
async fn notifications_that_are_not_authentic_or_do_not_match_change_nothing() {
    let (server, providers) = server_with_providers().await;
    let mut merchant = server.store_stream(None).await;
    let order = server.order(4, &[(1003, 2)]).await;
    let (no, total) = (order.order.order_no.clone(), fen(&order));
    let t = now(&server);
    let wechat = &providers.wechat;

    let forged = FakeWechat::forger().notify(&no, "4200000000000000000001", total, t);
    let mut tampered = wechat.notify(&no, "4200000000000000000002", total, t);
    tampered.body = tampered.body.replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ");
    let cheap = wechat.notify(&no, "4200000000000000000003", total - 1, t);
    let stale = wechat.notify(&no, "4200000000000000000004", total, t - 301);
    let unknown = wechat.notify("OB99999999", "4200000000000000000005", total, t);
    for (what, notice, status) in [
        ("forged", &forged, 401),
        ("tampered", &tampered, 401),
        ("wrong amount", &cheap, 422),
        ("stale", &stale, 400),
        ("unknown order", &unknown, 404),
    ] {
        let response = server.notify("wechat", notice).await;
        assert_eq!(response.status(), status, "{what}");
        let body: serde_json::Value = response.json().await.expect("WeChat failure body");
        assert_eq!(body["code"], "FAIL", "{what}: WeChat's failure shape");
    }

    let forged = FakeAlipay::forger().notify(&no, "2026112222001400009", "44.00", "TRADE_SUCCESS");
    // Anything but `success` makes Alipay send it again; ours is the usual `{code, message}`.
    let (status, body) = send_alipay(&server, forged).await;
    assert_eq!(status, 401);
    let body: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(body["code"], "bad_signature");
    let mut edited = providers
        .alipay
        .notify(&no, "2026112222001400010", "44.00", "TRADE_SUCCESS");
    edited = edited.replace("total_amount=44.00", "total_amount=0.01");
    assert_ne!(send_alipay(&server, edited).await.1, "success");

    let mut hmac = providers.webhook.notify(&no, "TX-1", order.order.total_amount, t);
    hmac.body = hmac.body.replace("44.00", "0.01");
    let response = server.notify("hmac", &hmac).await;
    assert_eq!(response.status(), 401);

    assert_eq!(
        server.fetch_order(&order).await.status,
        OrderStatus::PendingPayment,
        "still unpaid"
    );
    sentinel(&server, &mut merchant).await;
}

/// The next event that is not a refund's progress (the simulator refunds at its own pace).
async fn beside_refunds(stream: &mut orderbell_tests::Sse) -> Event {
    loop {
        match stream.next_typed().await.1 {
            Event::RefundUpdate(_) => continue,
            event => return event,
        }
    }
}

#[tokio::test]
async fn money_for_a_cancelled_or_already_paid_order_is_raised_for_refund() {
    let (server, providers) = server_with_providers().await;
    let mut merchant = server.store_stream(None).await;
    let order = server.order(5, &[(1007, 1)]).await;
    let cancel = server
        .post_empty(&format!("/api/orders/{}/cancel", order.order.order_id), &order.token)
        .await;
    assert_eq!(cancel.status(), 200);

    let late = providers
        .webhook
        .notify(&order.order.order_no, "TX-LATE", order.order.total_amount, now(&server));
    assert_eq!(
        server.notify("hmac", &late).await.status(),
        204,
        "acknowledged: the provider must stop"
    );
    let (_, event) = merchant.next_typed().await;
    let Event::PaymentAnomaly(anomaly) = event else {
        panic!("the merchant must hear of it: {event:?}")
    };
    assert_eq!(
        (anomaly.kind, anomaly.transaction_id.as_str()),
        (AnomalyKind::PaidAfterCancel, "TX-LATE")
    );
    assert_eq!(anomaly.amount, order.order.total_amount);
    assert_eq!(server.fetch_order(&order).await.status, OrderStatus::Cancelled);
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::RefundUpdate(ref r) if r.transaction_id.as_deref() == Some("TX-LATE")),
        "the money is owed back, in the same breath: {event:?}"
    );

    let paid = server.order(6, &[(1007, 1)]).await;
    server.pay(&paid).await;
    let event = beside_refunds(&mut merchant).await;
    assert!(matches!(event, Event::OrderPaid(_)), "{event:?}");
    let second = providers
        .webhook
        .notify(&paid.order.order_no, "TX-SECOND", paid.order.total_amount, now(&server));
    assert_eq!(server.notify("hmac", &second).await.status(), 204);
    let event = beside_refunds(&mut merchant).await;
    assert!(
        matches!(event, Event::PaymentAnomaly(ref a) if a.kind == AnomalyKind::DuplicatePayment),
        "{event:?}"
    );
}

#[tokio::test]
async fn tapping_pay_five_times_at_once_charges_once_and_raises_no_refund() {
    let server = TestServer::start().await;
    let mut merchant = server.store_stream(None).await;
    let order = server.order(3, &[(1001, 1)]).await;
    let path = format!("/api/orders/{}/pay", order.order.order_id);
    let taps: Vec<_> = (0..5).map(|_| server.post_empty(&path, &order.token)).collect();
    for response in futures_util::future::join_all(taps).await {
        assert!(response.status().is_success(), "{}", response.status());
    }
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::OrderPaid(ref o) if o.order_id == order.order.order_id),
        "{event:?}"
    );
    // Every tap's callback has been answered by the time a later payment is through; none of
    // them may have been a second charge.
    sentinel(&server, &mut merchant).await;
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
