//! Alipay OpenAPI as the fake serves it.

use std::collections::BTreeMap;

use orderbell_fakepay::Provider;
use rsa::RsaPrivateKey;
use serde_json::{Value, json};

use crate::support::{Inbox, Merchant, sign, verified};

/// A gateway call signed with `key` over the sorted parameters (all but `sign`); the inner
/// answer, checked to be signed with Alipay's key over its exact text.
async fn call(merchant: &Merchant, key: &RsaPrivateKey, method: &str, biz: Value, notify_url: Option<&str>) -> Value {
    let mut params = BTreeMap::from([
        ("app_id", merchant.fake.keys().alipay.app_id.clone()),
        ("method", method.to_owned()),
        ("format", "JSON".to_owned()),
        ("charset", "utf-8".to_owned()),
        ("sign_type", "RSA2".to_owned()),
        ("timestamp", "2024-06-15 12:00:00".to_owned()),
        ("version", "1.0".to_owned()),
        ("biz_content", biz.to_string()),
    ]);
    if let Some(url) = notify_url {
        params.insert("notify_url", url.to_owned());
    }
    let content = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    params.insert("sign", sign(key, &content));
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let text = merchant
        .http
        .post(format!("{}/gateway.do", merchant.fake.url()))
        .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
        .body(form)
        .send()
        .await
        .expect("the gateway answers")
        .text()
        .await
        .expect("a body");
    let key = format!("{}_response\":", method.replace('.', "_"));
    let start = text.find(&key).expect("the method's response") + key.len();
    let end = text.rfind(",\"sign\":\"").expect("a sign");
    let signature: Value = serde_json::from_str(&text).expect("JSON");
    assert!(
        verified(
            &merchant.alipay_public,
            &text[start..end],
            signature["sign"].as_str().expect("sign")
        ),
        "signed with Alipay's key over the exact text: {text}"
    );
    serde_json::from_str(&text[start..end]).expect("JSON")
}

#[tokio::test]
async fn a_qr_payment_from_code_to_notification_and_refund() {
    let merchant = Merchant::start().await;
    let inbox = Inbox::start(vec![]).await;
    let key = merchant.app_key.clone();
    let biz = json!({"out_trade_no": "OB00000021", "total_amount": "38.00", "subject": "Orderbell 3号桌"});
    let created = call(&merchant, &key, "alipay.trade.precreate", biz, Some(&inbox.url)).await;
    assert_eq!(created["code"], "10000", "{created}");
    assert!(
        created["qr_code"]
            .as_str()
            .is_some_and(|q| q.starts_with("https://qr.alipay.com/"))
    );
    let by_no = json!({"out_trade_no": "OB00000021"});
    let unscanned = call(&merchant, &key, "alipay.trade.query", by_no.clone(), None).await;
    assert_eq!(
        unscanned["sub_code"], "ACQ.TRADE_NOT_EXIST",
        "nobody has scanned the code"
    );

    merchant.fake.pay(Provider::Alipay, "OB00000021").expect("open");
    let (_, form) = inbox.next().await;
    let params: BTreeMap<String, String> = form_urlencoded::parse(form.as_bytes()).into_owned().collect();
    let content = params
        .iter()
        .filter(|(k, _)| *k != "sign" && *k != "sign_type")
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    assert!(
        verified(&merchant.alipay_public, &content, &params["sign"]),
        "the notification is Alipay's"
    );
    assert_eq!(
        (params["trade_status"].as_str(), params["total_amount"].as_str()),
        ("TRADE_SUCCESS", "38.00")
    );

    let paid = call(&merchant, &key, "alipay.trade.query", by_no, None).await;
    assert_eq!(paid["trade_status"], "TRADE_SUCCESS");
    let refund = json!({"out_trade_no": "OB00000021", "refund_amount": "12.50", "out_request_no": "RF00000001"});
    let first = call(&merchant, &key, "alipay.trade.refund", refund.clone(), None).await;
    assert_eq!(
        (first["code"].as_str(), first["fund_change"].as_str()),
        (Some("10000"), Some("Y"))
    );
    let again = call(&merchant, &key, "alipay.trade.refund", refund, None).await;
    assert_eq!(
        (again["fund_change"].as_str(), again["refund_fee"].as_str()),
        (Some("N"), Some("12.50"))
    );
    let over = json!({"out_trade_no": "OB00000021", "refund_amount": "25.51", "out_request_no": "RF00000002"});
    let refused = call(&merchant, &key, "alipay.trade.refund", over, None).await;
    assert_eq!(refused["sub_code"], "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
    let asked = json!({"out_trade_no": "OB00000021", "out_request_no": "RF00000001"});
    let queried = call(&merchant, &key, "alipay.trade.fastpay.refund.query", asked, None).await;
    assert_eq!(
        (queried["refund_amount"].as_str(), queried["refund_status"].as_str()),
        (Some("12.50"), Some("REFUND_SUCCESS"))
    );

    let recorded = merchant.fake.requests();
    assert_eq!(
        recorded[0].params["biz_content"]["total_amount"], "38.00",
        "recorded as sent"
    );
}

#[tokio::test]
async fn a_wrong_signature_is_refused_as_documented() {
    let merchant = Merchant::start().await;
    let impostor = merchant.merchant_key.clone();
    let biz = json!({"out_trade_no": "OB00000022", "total_amount": "38.00", "subject": "Orderbell"});
    let refused = call(&merchant, &impostor, "alipay.trade.precreate", biz, None).await;
    assert_eq!(
        (refused["code"].as_str(), refused["msg"].as_str()),
        (Some("40002"), Some("Invalid Arguments"))
    );
    assert_eq!(refused["sub_code"], "isv.invalid-signature");
    assert!(
        merchant.fake.pay(Provider::Alipay, "OB00000022").is_err(),
        "nothing was created"
    );
}
