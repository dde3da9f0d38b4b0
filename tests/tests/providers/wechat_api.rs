//! The server's WeChat Pay API v3 client against the fake WeChat Pay (`orderbell-fakepay`) on a
//! real socket, which checks our request signatures and signs its answers as WeChat does:
//! payments of each kind created in fen, queried, closed and refunded, the payer's `openid`
//! found by OAuth, and every answer not signed by WeChat's platform key refused.

use orderbell_fakepay::{FakePay, NotifyMode, Provider};
use orderbell_server::payments::wechat::{self, Oauth, WechatConfig, WechatPay};
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, RefundOrder, RefundState, TradeState,
};
use orderbell_server::{App, Config, Error};
use orderbell_shared::Money;
use orderbell_shared::charges::PayChannel;
use orderbell_tests::providers::FakeWechat;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::json;
use tokio::net::TcpListener;

use crate::TRADE_NO;

/// The fake, sending no notifications: these tests ask, they do not listen.
async fn fake() -> FakePay {
    let fake = FakePay::start(None).await;
    fake.faults(|f| f.notify = NotifyMode::Drop);
    fake
}

/// Our client for the fake's merchant, trusting `platform_pem` as WeChat's platform key and
/// signing with `merchant_key`.
fn client(fake: &FakePay, url: &str, platform_pem: String, merchant_key: &RsaPrivateKey) -> WechatPay {
    let account = &fake.keys().wechat;
    let keys = [(account.platform_serial.clone(), platform_pem)];
    let notifications = WechatConfig::new(
        account.mchid.clone(),
        Some(account.appid.clone()),
        &account.api_v3_key,
        &keys,
    )
    .expect("config");
    let client = wechat::Client::new(
        url,
        account.mchid.clone(),
        account.merchant_serial.clone(),
        SigningKey::new(merchant_key.clone()),
        notifications.platform_keys(),
    );
    let notify_url = format!("{}/api/pay/notify/wechat", fake.url());
    WechatPay::new(client, account.appid.clone(), notify_url, true)
}

fn platform_pem(fake: &FakePay) -> String {
    fake.keys()
        .wechat_platform_key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM")
}

fn wechat_pay(fake: &FakePay) -> WechatPay {
    client(fake, &fake.url(), platform_pem(fake), &fake.keys().wechat_merchant_key)
}

fn charge(channel: PayChannel, trade_no: &str) -> ChargeOrder {
    ChargeOrder {
        channel,
        trade_no: trade_no.into(),
        amount: Money::from_cents(3801),
        description: "点单铃 A03号桌 OB00000012".into(),
        openid: Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into()),
        client_ip: "203.0.113.7".into(),
        return_url: "https://shop.example/o/12".into(),
        // An hour from now: the fake refuses a trade that has already expired.
        expires_at: (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis()
            + 3_600_000)
            .try_into()
            .expect("milliseconds fit"),
    }
}

fn refund(refund_no: &str, trade_no: &str, transaction_id: &str, fen: i64) -> RefundOrder {
    RefundOrder {
        refund_no: refund_no.into(),
        trade_no: trade_no.into(),
        transaction_id: transaction_id.into(),
        amount: Money::from_cents(fen),
        paid: Money::from_cents(3801),
        reason: "退菜".into(),
    }
}

#[tokio::test]
async fn creates_each_kind_of_payment_signed_and_in_fen() {
    let fake = fake().await;
    let pay = wechat_pay(&fake);

    let Ok(ChargeStart::QrCode(code_url)) = pay.create(&charge(PayChannel::WechatNative, TRADE_NO)).await else {
        panic!("a Native code");
    };
    assert!(code_url.starts_with("weixin://"), "{code_url}");
    let Ok(ChargeStart::Redirect(h5)) = pay.create(&charge(PayChannel::WechatH5, "OB00000012_2")).await else {
        panic!("an H5 page");
    };
    assert!(
        h5.ends_with("&redirect_url=https%3A%2F%2Fshop.example%2Fo%2F12"),
        "back to the customer's page: {h5}"
    );
    let Ok(ChargeStart::Jsapi(jsapi)) = pay.create(&charge(PayChannel::WechatJsapi, "OB00000012_3")).await else {
        panic!("JSAPI parameters");
    };
    // What the page hands `WeixinJSBridge`: WeChat's cashier checks paySign, then takes the money.
    let paid = reqwest::Client::new()
        .post(format!("{}/_fake/wechat/jsapi", fake.url()))
        .json(&jsapi)
        .send()
        .await
        .expect("the JSAPI bridge answers");
    assert!(paid.status().is_success(), "paySign accepted: {:?}", paid.text().await);
    assert!(matches!(pay.query("OB00000012_3").await, Ok(TradeState::Paid { .. })));

    let created: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| ["native", "h5", "jsapi"].contains(&r.operation.as_str()))
        .collect();
    assert_eq!(created.len(), 3);
    for request in &created {
        assert_eq!(request.status, 200, "{}: {:?}", request.operation, request.code);
        assert_eq!(
            request.params["amount"],
            json!({"total": 3801, "currency": "CNY"}),
            "38.01 yuan in fen"
        );
        assert!(
            request.params["time_expire"]
                .as_str()
                .is_some_and(|t| t.ends_with("+08:00"))
        );
    }
}

#[tokio::test]
async fn queries_closes_and_refunds() {
    let fake = fake().await;
    let pay = wechat_pay(&fake);
    assert_eq!(pay.query(TRADE_NO).await, Ok(TradeState::NotFound));
    pay.create(&charge(PayChannel::WechatNative, TRADE_NO))
        .await
        .expect("created");
    assert_eq!(pay.query(TRADE_NO).await, Ok(TradeState::Waiting));

    pay.create(&charge(PayChannel::WechatNative, "OB00000013"))
        .await
        .expect("created");
    assert_eq!(
        pay.close("OB00000013").await,
        Ok(CloseOutcome::Closed),
        "204 No Content"
    );
    assert_eq!(pay.query("OB00000013").await, Ok(TradeState::Closed));

    fake.pay(Provider::Wechat, TRADE_NO).expect("paid");
    let Ok(TradeState::Paid { transaction_id, amount }) = pay.query(TRADE_NO).await else {
        panic!("paid");
    };
    assert_eq!(amount, Money::from_cents(3801));
    assert_eq!(
        pay.close(TRADE_NO).await,
        Ok(CloseOutcome::AlreadyPaid),
        "paid before the close"
    );

    // A refund WeChat cannot do just now is asked again, with the same number, and done once.
    fake.faults(|f| f.fail_refunds = 1);
    let part = refund("RF00000007", TRADE_NO, &transaction_id, 1250);
    assert!(matches!(pay.refund(&part).await, Err(GatewayError::Unavailable(_))));
    assert!(matches!(pay.refund(&part).await, Ok(RefundState::Succeeded { .. })));
    assert!(matches!(
        pay.query_refund(&part).await,
        Ok(RefundState::Succeeded { .. })
    ));
    let asked = fake
        .requests()
        .into_iter()
        .rfind(|r| r.operation == "refund")
        .expect("the refund");
    assert_eq!(
        asked.params["amount"],
        json!({"refund": 1250, "total": 3801, "currency": "CNY"})
    );

    // More than is left of the payment: WeChat's refusal, in its words, for the merchant.
    let too_much = refund("RF00000008", TRADE_NO, &transaction_id, 3000);
    let refused = pay.refund(&too_much).await;
    assert!(
        matches!(&refused, Err(GatewayError::Refused { code, .. }) if code == "NOT_ENOUGH"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn refuses_answers_wechat_did_not_sign_and_waits_out_outages() {
    let fake = fake().await;
    wechat_pay(&fake)
        .create(&charge(PayChannel::WechatNative, TRADE_NO))
        .await
        .expect("created");
    fake.pay(Provider::Wechat, TRADE_NO).expect("paid");

    // Answers checked against a key that is not WeChat's: "paid" or not, none is believed.
    let impostor = client(
        &fake,
        &fake.url(),
        FakeWechat::forger().public_key_pem(),
        &fake.keys().wechat_merchant_key,
    );
    assert_eq!(impostor.query(TRADE_NO).await, Err(GatewayError::Untrusted));
    assert_eq!(impostor.close(TRADE_NO).await, Err(GatewayError::Untrusted));

    // Our own signature wrong: refused, and never read as an answer. (The fake signs its
    // `SIGN_ERROR`; real WeChat leaves it unsigned, which the client takes as `Untrusted`.)
    let other = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key");
    let wrong_key = client(&fake, &fake.url(), platform_pem(&fake), &other);
    let refused = wrong_key.query(TRADE_NO).await;
    assert!(
        matches!(&refused, Err(GatewayError::Refused { code, .. }) if code == "SIGN_ERROR"),
        "{refused:?}"
    );

    let nobody = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let closed = format!("http://{}", nobody.local_addr().expect("an address"));
    drop(nobody);
    let unreachable = client(&fake, &closed, platform_pem(&fake), &fake.keys().wechat_merchant_key);
    assert!(matches!(
        unreachable.query(TRADE_NO).await,
        Err(GatewayError::Unavailable(_))
    ));
}

#[tokio::test]
async fn finds_the_payers_openid_by_oauth() {
    let fake = fake().await;
    let account = &fake.keys().wechat;
    let oauth = Oauth::new(
        account.appid.clone(),
        account.app_secret.clone(),
        &fake.url(),
        &fake.url(),
    );
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let back = "https://shop.example/api/pay/wechat/oauth/back";
    let authorize = oauth.authorize_url(back, "s1");
    let page = authorize.split('#').next().expect("the URL before the fragment");
    let answer = browser.get(page).send().await.expect("the authorize page answers");
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().expect("a location").to_owned();
    let query = location.strip_prefix(&format!("{back}?")).expect("back to our page");
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    assert_eq!(params["state"], "s1");

    let openid = oauth.openid(&params["code"]).await.expect("the openid");
    assert!(!openid.is_empty());
    assert!(
        matches!(oauth.openid(&params["code"]).await, Err(GatewayError::Refused { .. })),
        "a code is good once"
    );
}

#[tokio::test]
async fn startup_names_the_missing_flag_and_never_the_key() {
    let fake = fake().await;
    let keys = fake.keys();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = Config::new(dir.path().join("data"));
    let payments = &mut config.payments;
    payments.wechat_mchid = Some(keys.wechat.mchid.clone());
    payments.wechat_apiv3_key = Some(keys.wechat.api_v3_key.parse().expect("a secret"));
    payments.wechat_platform_key = vec![format!(
        "{}={}",
        keys.wechat.platform_serial,
        keys.wechat_platform_public_key_path().display()
    )];
    payments.wechat_appid = Some(keys.wechat.appid.clone());
    let merchant = dir.path().join("apiclient_key.pem");
    let pem = std::fs::read_to_string(keys.wechat_merchant_key_path()).expect("the merchant key");
    std::fs::write(&merchant, &pem).expect("written");
    payments.wechat_merchant_key = Some(merchant.clone());
    let refusal = |config: &Config| {
        let config = config.clone();
        async move {
            match App::open(&config).await {
                Err(Error::Config(message)) => message,
                Err(other) => panic!("a configuration error, not {other}"),
                Ok(_) => panic!("must not start"),
            }
        }
    };
    assert!(refusal(&config).await.contains("--wechat-merchant-serial"));
    config.payments.wechat_merchant_serial = Some(keys.wechat.merchant_serial.clone());
    config.payments.wechat_appid = None;
    assert!(refusal(&config).await.contains("--wechat-appid"));

    config.payments.wechat_appid = Some(keys.wechat.appid.clone());
    // A key damaged in the middle: the error says which flag, and shows none of the key.
    let damaged = pem.replace(&pem[200..260], &"A".repeat(60));
    std::fs::write(&merchant, &damaged).expect("written");
    let message = refusal(&config).await;
    assert!(message.contains("--wechat-merchant-key"), "{message}");
    assert!(
        !message.contains(&damaged[100..140]),
        "the key is not quoted: {message}"
    );

    std::fs::write(&merchant, &pem).expect("written");
    App::open(&config).await.expect("starts with a good key");
}
