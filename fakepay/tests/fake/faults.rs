//! The faults the fake can be told to commit.

use std::time::Duration;

use axum::http::StatusCode;
use orderbell_fakepay::{NotifyMode, Provider};
use serde_json::{Value, json};

use crate::support::{Inbox, Merchant};

async fn paid_native(merchant: &Merchant, trade_no: &str, notify_url: &str) {
    let account = &merchant.fake.keys().wechat;
    let request = json!({
        "appid": account.appid, "mchid": account.mchid, "description": "Orderbell",
        "out_trade_no": trade_no, "notify_url": notify_url, "amount": {"total": 3800, "currency": "CNY"},
    });
    let (status, _) = merchant
        .wechat("POST", "/v3/pay/transactions/native", Some(&request))
        .await;
    assert_eq!(status, StatusCode::OK);
    merchant.fake.pay(Provider::Wechat, trade_no).expect("open");
}

fn event_id(body: &str) -> String {
    let body: Value = serde_json::from_str(body).expect("JSON");
    body["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn a_refused_notification_is_sent_again() {
    let merchant = Merchant::start().await;
    let inbox = Inbox::start(vec![(StatusCode::INTERNAL_SERVER_ERROR, "fail")]).await;
    paid_native(&merchant, "OB00000031", &inbox.url).await;
    let (_, first) = inbox.next().await;
    let (_, second) = inbox.next().await;
    assert_eq!(event_id(&first), event_id(&second), "the same notification, again");
}

#[tokio::test]
async fn dropped_and_duplicated_notifications() {
    let merchant = Merchant::start().await;
    let inbox = Inbox::start(vec![]).await;
    merchant.fake.faults(|f| f.notify = NotifyMode::Duplicate);
    paid_native(&merchant, "OB00000032", &inbox.url).await;
    let (_, first) = inbox.next().await;
    let (_, second) = inbox.next().await;
    assert_eq!(event_id(&first), event_id(&second), "one notification, twice");

    merchant.fake.faults(|f| f.notify = NotifyMode::Drop);
    paid_native(&merchant, "OB00000033", &inbox.url).await;
    assert!(
        inbox.nothing_within(Duration::from_secs(2)).await,
        "dropped: nothing arrives"
    );
}

#[tokio::test]
async fn refunds_fail_once_then_take_a_while() {
    let merchant = Merchant::start().await;
    let inbox = Inbox::start(vec![]).await;
    paid_native(&merchant, "OB00000034", &inbox.url).await;
    inbox.next().await;
    merchant.fake.faults(|f| {
        f.fail_refunds = 1;
        f.refund_processing = true;
    });
    let refund = json!({"out_trade_no": "OB00000034", "out_refund_no": "RF00000034", "notify_url": inbox.url,
                        "amount": {"refund": 3800, "total": 3800, "currency": "CNY"}});
    let (status, failed) = merchant
        .wechat("POST", "/v3/refund/domestic/refunds", Some(&refund))
        .await;
    assert_eq!(
        (status, failed["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("SYSTEM_ERROR"))
    );
    let (status, processing) = merchant
        .wechat("POST", "/v3/refund/domestic/refunds", Some(&refund))
        .await;
    assert_eq!(
        (status, processing["status"].as_str()),
        (StatusCode::OK, Some("PROCESSING")),
        "only the first failed"
    );
    let (_, body) = inbox.next().await;
    let notification: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(notification["event_type"], "REFUND.SUCCESS");
    let (_, done) = merchant
        .wechat("GET", "/v3/refund/domestic/refunds/RF00000034", None)
        .await;
    assert_eq!(done["status"], "SUCCESS");
}

#[tokio::test]
async fn a_held_answer_times_out_the_client_but_takes_effect() {
    let merchant = Merchant::start().await;
    merchant.fake.faults(|f| f.timeout_next = 1);
    let account = merchant.fake.keys().wechat.clone();
    let path = format!("/v3/pay/transactions/out-trade-no/OB00000035?mchid={}", account.mchid);
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .expect("a client");
    let asked = impatient.get(format!("{}{path}", merchant.fake.url())).send().await;
    assert!(
        asked.is_err_and(|e| e.is_timeout()),
        "the answer is held past the client's timeout"
    );
    merchant.fake.faults(|_| {});
    assert_eq!(merchant.fake.requests().len(), 1, "the request was received");
    let (status, _) = merchant.wechat("GET", &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the next answer is not held");
}
