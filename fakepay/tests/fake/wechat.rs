//! WeChat Pay API v3 as the fake serves it.

use axum::http::StatusCode;
use orderbell_fakepay::Provider;
use serde_json::{Value, json};

use crate::support::{Inbox, Merchant, sign, wechat_verified};

fn native(merchant: &Merchant, trade_no: &str, fen: i64, notify_url: &str) -> Value {
    let account = &merchant.fake.keys().wechat;
    json!({
        "appid": account.appid,
        "mchid": account.mchid,
        "description": "Orderbell 3号桌",
        "out_trade_no": trade_no,
        "notify_url": notify_url,
        "amount": {"total": fen, "currency": "CNY"},
    })
}

fn query_path(merchant: &Merchant, trade_no: &str) -> String {
    format!(
        "/v3/pay/transactions/out-trade-no/{trade_no}?mchid={}",
        merchant.fake.keys().wechat.mchid
    )
}

#[tokio::test]
async fn a_native_payment_from_code_to_notification() {
    let merchant = Merchant::start().await;
    let inbox = Inbox::start(vec![]).await;
    let request = native(&merchant, "OB00000012", 3800, &inbox.url);
    let (status, created) = merchant
        .wechat("POST", "/v3/pay/transactions/native", Some(&request))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let code_url = created["code_url"].as_str().expect("a code_url");
    assert!(code_url.starts_with("weixin://wxpay/bizpayurl?pr="), "{code_url}");

    let (again, repeated) = merchant
        .wechat("POST", "/v3/pay/transactions/native", Some(&request))
        .await;
    assert_eq!(
        (again, repeated["code_url"].as_str()),
        (StatusCode::OK, Some(code_url)),
        "the same request, the same code"
    );
    let cheaper = native(&merchant, "OB00000012", 1, &inbox.url);
    let (status, refused) = merchant
        .wechat("POST", "/v3/pay/transactions/native", Some(&cheaper))
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST"))
    );

    let (_, open) = merchant.wechat("GET", &query_path(&merchant, "OB00000012"), None).await;
    assert_eq!(open["trade_state"], "NOTPAY");

    merchant
        .fake
        .pay(Provider::Wechat, "OB00000012")
        .expect("an open trade");
    let (headers, body) = inbox.next().await;
    assert!(
        wechat_verified(&merchant.platform_public, &headers, &body),
        "signed with the platform key"
    );
    assert_eq!(
        headers["Wechatpay-Serial"].to_str().ok(),
        Some(merchant.fake.keys().wechat.platform_serial.as_str())
    );
    let notification: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(notification["event_type"], "TRANSACTION.SUCCESS");
    let transaction = merchant.decrypt(&notification);
    assert_eq!(transaction["out_trade_no"], "OB00000012");
    assert_eq!(transaction["trade_state"], "SUCCESS");
    assert_eq!(transaction["amount"]["total"], 3800);

    let (_, paid) = merchant.wechat("GET", &query_path(&merchant, "OB00000012"), None).await;
    assert_eq!(paid["trade_state"], "SUCCESS");
    assert_eq!(paid["transaction_id"], transaction["transaction_id"]);
    let close = json!({"mchid": merchant.fake.keys().wechat.mchid});
    let (status, refused) = merchant
        .wechat(
            "POST",
            "/v3/pay/transactions/out-trade-no/OB00000012/close",
            Some(&close),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ORDERPAID"))
    );

    let recorded = merchant.fake.requests();
    assert_eq!(recorded[0].operation, "native");
    assert!(
        recorded[0].params["amount"]["total"].is_i64(),
        "recorded exactly as sent"
    );
    assert_eq!(recorded[0].params["amount"]["total"], 3800);
}

#[tokio::test]
async fn a_wrong_signature_is_refused_as_documented() {
    let merchant = Merchant::start().await;
    let request = native(&merchant, "OB00000013", 3800, "http://127.0.0.1:9/notify");
    let impostor = merchant.app_key.clone();
    let (status, refused) = merchant
        .wechat_as(&impostor, "POST", "/v3/pay/transactions/native", Some(&request))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused, json!({"code": "SIGN_ERROR", "message": "签名错误"}));
    let (status, missing) = merchant.wechat("GET", &query_path(&merchant, "OB00000013"), None).await;
    assert_eq!(
        (status, missing["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("ORDER_NOT_EXIST")),
        "nothing was created"
    );
}

#[tokio::test]
async fn closed_trades_cannot_be_paid() {
    let merchant = Merchant::start().await;
    let request = native(&merchant, "OB00000014", 100, "http://127.0.0.1:9/notify");
    merchant
        .wechat("POST", "/v3/pay/transactions/native", Some(&request))
        .await;
    let close = json!({"mchid": merchant.fake.keys().wechat.mchid});
    let (status, _) = merchant
        .wechat(
            "POST",
            "/v3/pay/transactions/out-trade-no/OB00000014/close",
            Some(&close),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, closed) = merchant.wechat("GET", &query_path(&merchant, "OB00000014"), None).await;
    assert_eq!(closed["trade_state"], "CLOSED");
    assert!(
        merchant.fake.pay(Provider::Wechat, "OB00000014").is_err(),
        "a closed trade takes no payment"
    );
}

#[tokio::test]
async fn refunds_are_idempotent_bounded_and_notified() {
    let merchant = Merchant::start().await;
    let inbox = Inbox::start(vec![]).await;
    let request = native(&merchant, "OB00000015", 3800, &inbox.url);
    merchant
        .wechat("POST", "/v3/pay/transactions/native", Some(&request))
        .await;
    merchant.fake.pay(Provider::Wechat, "OB00000015").expect("open");
    inbox.next().await;

    let refund = |no: &str, fen: i64| {
        json!({"out_trade_no": "OB00000015", "out_refund_no": no, "notify_url": inbox.url,
               "amount": {"refund": fen, "total": 3800, "currency": "CNY"}})
    };
    let (status, first) = merchant
        .wechat("POST", "/v3/refund/domestic/refunds", Some(&refund("RF00000001", 1200)))
        .await;
    assert_eq!(
        (status, first["status"].as_str()),
        (StatusCode::OK, Some("SUCCESS")),
        "{first}"
    );
    let (_, again) = merchant
        .wechat("POST", "/v3/refund/domestic/refunds", Some(&refund("RF00000001", 1200)))
        .await;
    assert_eq!(
        again["refund_id"], first["refund_id"],
        "the same refund number is the same refund"
    );
    let (status, over) = merchant
        .wechat("POST", "/v3/refund/domestic/refunds", Some(&refund("RF00000002", 2601)))
        .await;
    assert_eq!(
        (status, over["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("NOT_ENOUGH")),
        "only 26.00 is left"
    );
    let (status, _) = merchant
        .wechat("POST", "/v3/refund/domestic/refunds", Some(&refund("RF00000002", 2600)))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (headers, body) = inbox.next().await;
    assert!(wechat_verified(&merchant.platform_public, &headers, &body));
    let notification: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(notification["event_type"], "REFUND.SUCCESS");
    let refunded = merchant.decrypt(&notification);
    assert_eq!(
        (
            refunded["out_refund_no"].as_str(),
            refunded["amount"]["refund"].as_i64()
        ),
        (Some("RF00000001"), Some(1200))
    );
    let (_, queried) = merchant
        .wechat("GET", "/v3/refund/domestic/refunds/RF00000002", None)
        .await;
    assert_eq!(queried["status"], "SUCCESS");
}

#[tokio::test]
async fn jsapi_after_oauth_pays_with_a_valid_pay_sign() {
    let merchant = Merchant::start().await;
    let account = merchant.fake.keys().wechat.clone();
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let authorize = format!(
        "{}/connect/oauth2/authorize?appid={}&redirect_uri=http%3A%2F%2Fshop.test%2Fback&response_type=code&scope=snsapi_base&state=t3#wechat_redirect",
        merchant.fake.url(),
        account.appid
    );
    let redirect = no_redirect.get(authorize).send().await.expect("authorize");
    assert_eq!(redirect.status(), StatusCode::FOUND);
    let location = redirect.headers()["location"].to_str().expect("a location").to_owned();
    let code = location
        .split_once("?code=")
        .and_then(|(_, rest)| rest.split_once("&state=t3"))
        .map(|(code, _)| code.to_owned())
        .expect("back with code and state");
    let token = |secret: &str| {
        format!(
            "{}/sns/oauth2/access_token?appid={}&secret={secret}&code={code}&grant_type=authorization_code",
            merchant.fake.url(),
            account.appid
        )
    };
    let wrong: Value = merchant
        .http
        .get(token("nope"))
        .send()
        .await
        .expect("sns")
        .json()
        .await
        .expect("JSON");
    assert_eq!(wrong["errcode"], 40125);
    let user: Value = merchant
        .http
        .get(token(&account.app_secret))
        .send()
        .await
        .expect("sns")
        .json()
        .await
        .expect("JSON");
    let openid = user["openid"].as_str().expect("an openid");

    let request = json!({
        "appid": account.appid, "mchid": account.mchid, "description": "Orderbell 3号桌",
        "out_trade_no": "OB00000016", "notify_url": "http://127.0.0.1:9/notify",
        "amount": {"total": 3800, "currency": "CNY"}, "payer": {"openid": openid},
    });
    let (_, created) = merchant
        .wechat("POST", "/v3/pay/transactions/jsapi", Some(&request))
        .await;
    let package = format!("prepay_id={}", created["prepay_id"].as_str().expect("a prepay_id"));
    let (time_stamp, nonce) = ("1718424000", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
    let pay = |pay_sign: String| {
        json!({"appId": account.appid, "timeStamp": time_stamp, "nonceStr": nonce,
               "package": package, "signType": "RSA", "paySign": pay_sign})
    };
    let message = format!("{}\n{time_stamp}\n{nonce}\n{package}\n", account.appid);
    let bridge = format!("{}/_fake/wechat/jsapi", merchant.fake.url());
    let forged = merchant
        .http
        .post(&bridge)
        .json(&pay(sign(&merchant.app_key, &message)))
        .send()
        .await
        .expect("bridge");
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    let paid = merchant
        .http
        .post(&bridge)
        .json(&pay(sign(&merchant.merchant_key, &message)))
        .send()
        .await
        .expect("bridge");
    let answer: Value = paid.json().await.expect("JSON");
    assert_eq!(answer["err_msg"], "get_brand_wcpay_request:ok");
    let path = format!("/v3/pay/transactions/out-trade-no/OB00000016?mchid={}", account.mchid);
    let (_, queried) = merchant.wechat("GET", &path, None).await;
    assert_eq!(
        (queried["trade_state"].as_str(), queried["payer"]["openid"].as_str()),
        (Some("SUCCESS"), Some(openid))
    );
}
