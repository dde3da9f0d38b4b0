//! The server's Alipay OpenAPI client against the fake Alipay gateway (`orderbell-fakepay`) on a
//! real socket, which checks our `RSA2` request signatures with the app's public key (refusing a
//! wrong one with `isv.invalid-signature`), keeps the trades as Alipay does, and signs each
//! answer with Alipay's key over its `…_response` text.

use orderbell_fakepay::{FakePay, NotifyMode, Provider as FakeProvider, Recorded};
use orderbell_server::payments::alipay::{AlipayConfig, Client};
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, RefundOrder, RefundState, TradeState,
};
use orderbell_server::{App, Config, Error};
use orderbell_shared::Money;
use orderbell_shared::charges::PayChannel;
use serde_json::{Value, json};

use crate::TRADE_NO;

const NOTIFY_URL: &str = "https://shop.example.cn/api/pay/notify/alipay";
const PAGE: &str = "https://shop.example.cn/o/12?t=abc";
/// 2030-01-01 00:00:00 in Beijing.
const EXPIRES_AT: i64 = 1_893_427_200_000;

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(path).expect("a key file of the fake's")
}

/// The fake, its payments' notifications not sent: the client is tested alone.
async fn fake() -> FakePay {
    let fake = FakePay::start(None).await;
    fake.faults(|f| f.notify = NotifyMode::Drop);
    fake
}

/// The client as `--alipay-*` configure it for the fake: app id, Alipay's public key, the
/// app's private key.
fn client(fake: &FakePay) -> Client {
    client_with(fake, &read(fake.keys().alipay_app_key_path()), &fake.url())
}

fn client_with(fake: &FakePay, app_private_key: &str, base: &str) -> Client {
    let keys = fake.keys();
    let config = AlipayConfig::new(keys.alipay.app_id.clone(), &read(keys.alipay_public_key_path())).expect("config");
    Client::new(
        &config,
        app_private_key,
        &format!("{base}/gateway.do"),
        NOTIFY_URL.into(),
    )
    .expect("client")
}

fn charge(channel: PayChannel, cents: i64) -> ChargeOrder {
    ChargeOrder {
        channel,
        trade_no: TRADE_NO.into(),
        amount: Money::from_cents(cents),
        description: "点单铃 A03号桌 OB00000012".into(),
        openid: None,
        client_ip: "127.0.0.1".into(),
        return_url: PAGE.into(),
        expires_at: EXPIRES_AT,
    }
}

fn refund(refund_no: &str, transaction_id: &str, cents: i64) -> RefundOrder {
    RefundOrder {
        refund_no: refund_no.into(),
        trade_no: TRADE_NO.into(),
        transaction_id: transaction_id.into(),
        amount: Money::from_cents(cents),
        paid: Money::from_cents(123_456),
        reason: "退菜".into(),
    }
}

/// The last request of `operation` the fake received.
fn last(fake: &FakePay, operation: &str) -> Recorded {
    fake.requests()
        .into_iter()
        .rev()
        .find(|r| r.operation == operation)
        .expect("the request was sent")
}

const SUCCEEDED: RefundState = RefundState::Succeeded {
    provider_refund_id: None,
};

#[tokio::test]
async fn a_qr_payment_is_created_found_paid_and_refunded_once() {
    let fake = fake().await;
    let alipay = client(&fake);
    assert_eq!(alipay.channels(), [PayChannel::AlipayWap, PayChannel::AlipayQr]);

    let Ok(ChargeStart::QrCode(code)) = alipay.create(&charge(PayChannel::AlipayQr, 123_456)).await else {
        panic!("precreate answers with a code to show");
    };
    assert!(code.starts_with("https://qr.alipay.com/"), "{code}");
    let sent = last(&fake, "alipay.trade.precreate").params;
    assert_eq!(sent["biz_content"]["total_amount"], "1234.56", "yuan, exact to the fen");
    assert_eq!(sent["biz_content"]["time_expire"], "2030-01-01 00:00:00");
    assert_eq!(sent["biz_content"]["subject"], "点单铃 A03号桌 OB00000012");
    assert_eq!(sent["notify_url"], NOTIFY_URL);

    // Until the payer scans, Alipay does not know the trade.
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::NotFound));
    fake.pay(FakeProvider::Alipay, TRADE_NO).expect("the payer pays");
    let Ok(TradeState::Paid { transaction_id, amount }) = alipay.query(TRADE_NO).await else {
        panic!("the query finds the payment");
    };
    assert_eq!(amount, Money::from_cents(123_456));
    // Too late to close: paid.
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::AlreadyPaid));

    let part = refund("RF00000007", &transaction_id, 1);
    assert_eq!(alipay.refund(&part).await, Ok(SUCCEEDED));
    let sent = last(&fake, "alipay.trade.refund").params;
    assert_eq!(
        (
            &sent["biz_content"]["refund_amount"],
            &sent["biz_content"]["out_request_no"]
        ),
        (&json!("0.01"), &json!("RF00000007"))
    );
    // Asked again: Alipay moves no money (`fund_change` N) and its query says it is done.
    assert_eq!(alipay.refund(&part).await, Ok(SUCCEEDED));
    assert_eq!(alipay.query_refund(&part).await, Ok(SUCCEEDED));
    // A refund Alipay never got (our request was lost): its query has no refund, so the same
    // `out_request_no` is asked for again — once — instead of being queried for ever.
    let lost = refund("RF00000008", &transaction_id, 1230);
    assert_eq!(alipay.query_refund(&lost).await, Ok(SUCCEEDED));
    let sent = last(&fake, "alipay.trade.refund").params;
    assert_eq!(
        (
            &sent["biz_content"]["refund_amount"],
            &sent["biz_content"]["out_request_no"]
        ),
        (&json!("12.30"), &json!("RF00000008"))
    );
    assert_eq!(alipay.query_refund(&lost).await, Ok(SUCCEEDED), "and found done after");
    // More than is left: Alipay's refusal, in its words.
    let Err(GatewayError::Refused { code, .. }) = alipay.refund(&refund("RF00000009", &transaction_id, 123_456)).await
    else {
        panic!("a refund over what was paid is refused");
    };
    assert_eq!(code, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
}

#[tokio::test]
async fn a_refund_that_fails_once_succeeds_when_asked_again() {
    let fake = fake().await;
    let alipay = client(&fake);
    alipay
        .create(&charge(PayChannel::AlipayQr, 3800))
        .await
        .expect("precreated");
    fake.pay(FakeProvider::Alipay, TRADE_NO).expect("paid");
    fake.faults(|f| f.fail_refunds = 1);
    let whole = refund("RF00000010", "", 3800);
    let failed = alipay.refund(&whole).await;
    assert!(matches!(failed, Err(GatewayError::Unavailable(_))), "{failed:?}");
    assert_eq!(alipay.refund(&whole).await, Ok(SUCCEEDED));
    // Refunded in full: the trade is closed.
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::Closed));
}

#[tokio::test]
async fn a_trade_never_paid_is_closed() {
    let fake = fake().await;
    let alipay = client(&fake);
    alipay
        .create(&charge(PayChannel::AlipayQr, 1230))
        .await
        .expect("precreated");
    assert_eq!(
        last(&fake, "alipay.trade.precreate").params["biz_content"]["total_amount"],
        "12.30"
    );
    // Never scanned: nothing can be paid on it.
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::Closed));

    // Opened on the wap cashier, not paid: closed at Alipay.
    let Ok(ChargeStart::Redirect(page)) = alipay.create(&charge(PayChannel::AlipayWap, 1230)).await else {
        panic!("a page");
    };
    let cashier = reqwest::get(&page).await.expect("the cashier page");
    assert!(cashier.status().is_success());
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::Waiting));
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::Closed));
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::Closed));
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::Closed), "closed twice");
}

#[tokio::test]
async fn a_wap_payment_is_a_signed_gateway_url_for_the_browser() {
    let fake = fake().await;
    let alipay = client(&fake);
    let Ok(ChargeStart::Redirect(page)) = alipay.create(&charge(PayChannel::AlipayWap, 1)).await else {
        panic!("wap.pay sends the browser to Alipay's page");
    };
    assert!(
        fake.requests().is_empty(),
        "no call of ours: the browser takes the request"
    );
    assert!(page.starts_with(&format!("{}/gateway.do?", fake.url())), "{page}");

    let cashier = reqwest::get(&page).await.expect("the cashier page");
    assert!(cashier.status().is_success());
    let text = cashier.text().await.expect("text");
    assert!(text.contains("￥0.01") && text.contains("确认支付"), "{text}");
    let sent = last(&fake, "alipay.trade.wap.pay").params;
    assert_eq!(
        (&sent["return_url"], &sent["notify_url"]),
        (&json!(PAGE), &json!(NOTIFY_URL))
    );
    let biz = &sent["biz_content"];
    assert_eq!(
        (
            &biz["product_code"],
            &biz["total_amount"],
            &biz["quit_url"],
            &biz["out_trade_no"]
        ),
        (&json!("QUICK_WAP_WAY"), &json!("0.01"), &json!(PAGE), &json!(TRADE_NO))
    );

    // The amount is signed: a page made cheaper is refused.
    let cheaper = page.replace("%220.01%22", "%220.00%22");
    assert_ne!(cheaper, page);
    let refused: Value = reqwest::get(&cheaper)
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        refused["alipay_trade_wap_pay_response"]["sub_code"],
        "isv.invalid-signature"
    );
}

#[tokio::test]
async fn untrusted_answers_and_unknown_keys_are_refused() {
    let fake = fake().await;
    let alipay = client(&fake);
    alipay
        .create(&charge(PayChannel::AlipayQr, 3800))
        .await
        .expect("precreated");
    fake.pay(FakeProvider::Alipay, TRADE_NO).expect("paid");

    // Answers checked with a key that is not the one they were signed with: not believed.
    let keys = fake.keys();
    let impostor = AlipayConfig::new(
        keys.alipay.app_id.clone(),
        &read(keys.wechat_platform_public_key_path()),
    )
    .expect("config");
    let misled = Client::new(
        &impostor,
        &read(keys.alipay_app_key_path()),
        &format!("{}/gateway.do", fake.url()),
        NOTIFY_URL.into(),
    )
    .expect("client");
    assert_eq!(misled.query(TRADE_NO).await, Err(GatewayError::Untrusted));
    assert_eq!(misled.close(TRADE_NO).await, Err(GatewayError::Untrusted));

    // Our request signed with a key Alipay does not hold: refused, and no money moves.
    let stranger = client_with(&fake, &read(keys.wechat_merchant_key_path()), &fake.url());
    let Err(GatewayError::Refused { code, .. }) = stranger.refund(&refund("RF00000011", "", 100)).await else {
        panic!("a request signed with another key is refused");
    };
    assert_eq!(code, "isv.invalid-signature");
    assert_eq!(
        alipay
            .query(TRADE_NO)
            .await
            .map(|s| matches!(s, TradeState::Paid { .. })),
        Ok(true)
    );

    // No gateway listening: ask again later.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let nowhere = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let unreachable = client_with(&fake, &read(keys.alipay_app_key_path()), &nowhere);
    assert!(matches!(
        unreachable.query(TRADE_NO).await,
        Err(GatewayError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_private_key_that_does_not_load_stops_the_server_without_showing_it() {
    let fake = fake().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path().join("data"));
    config.no_demo = true;
    config.payments.alipay_app_id = Some(fake.keys().alipay.app_id.clone());
    config.payments.alipay_public_key = Some(fake.keys().alipay_public_key_path());
    let bad = dir.path().join("app.key");
    std::fs::write(&bad, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secret").expect("write");
    config.payments.alipay_private_key = Some(bad);
    let Err(Error::Config(message)) = App::open(&config).await.map(|_| ()) else {
        panic!("a key that does not load is a startup error");
    };
    assert!(message.contains("--alipay-private-key"), "{message}");
    assert!(!message.contains("secret"), "the key is never quoted: {message}");

    config.payments.alipay_private_key = Some(fake.keys().alipay_app_key_path());
    App::open(&config).await.expect("starts with the app's key");
}
