//! The server's WeChat Pay API v3 client against a stand-in for WeChat Pay on a real socket,
//! which checks our request signatures and signs its answers as WeChat does (with
//! [`FakeWechat`]'s platform key, or a forger's): payments of each kind created in fen, queried,
//! closed and refunded, and every answer not signed by WeChat refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_server::payments::wechat::{self, WechatConfig, WechatPay};
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, RefundOrder, RefundState, TradeState,
};
use orderbell_server::{App, Config, Error};
use orderbell_shared::Money;
use orderbell_shared::charges::PayChannel;
use orderbell_tests::providers::FakeWechat;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::signature::Verifier;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

use crate::TRADE_NO;

const MERCHANT_SERIAL: &str = "444F4864EA9B34415BD0B8ECDB47B8E0";
const NOTIFY_URL: &str = "https://shop.example/api/pay/notify/wechat";

/// The merchant's API key (`apiclient_key.pem`), made once per process.
fn merchant_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key"))
}

/// How the stand-in misbehaves on its next answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// An answer signed with a key that is not WeChat's.
    Forged,
    /// `500`, unsigned, as a proxy in front of WeChat answers when WeChat is down.
    Outage,
    /// `429 FREQUENCY_LIMITED`, signed.
    Busy,
}

#[derive(Default)]
struct Books {
    /// `out_trade_no` → (`trade_state`, total in fen).
    trades: HashMap<String, (String, i64)>,
    /// `out_refund_no` → its state as a later query finds it.
    refunds: HashMap<String, Value>,
    /// Every request's path and JSON body, as received.
    requests: Vec<(String, Value)>,
}

struct StandIn {
    wechat: FakeWechat,
    forger: FakeWechat,
    merchant: VerifyingKey<Sha256>,
    fault: Mutex<Fault>,
    books: Mutex<Books>,
}

impl StandIn {
    async fn start() -> (Arc<StandIn>, String) {
        let stand_in = Arc::new(StandIn {
            wechat: FakeWechat::new(),
            forger: FakeWechat::forger(),
            merchant: VerifyingKey::new(merchant_key().to_public_key()),
            fault: Mutex::new(Fault::None),
            books: Mutex::default(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let app = Router::new().fallback(answer).with_state(Arc::clone(&stand_in));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (stand_in, url)
    }

    fn fault(&self, fault: Fault) {
        *self.fault.lock().expect("fault") = fault;
    }

    /// The payer pays (scans the code, confirms in WeChat).
    fn pay(&self, trade_no: &str) {
        let mut books = self.books.lock().expect("books");
        books.trades.get_mut(trade_no).expect("an open trade").0 = "SUCCESS".into();
    }

    fn requests(&self) -> Vec<(String, Value)> {
        self.books.lock().expect("books").requests.clone()
    }

    /// Whether the `Authorization` header is the merchant's signature of this very request,
    /// checked as WeChat documents it (not with the server's own code).
    fn signed_by_merchant(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> bool {
        let Some(fields) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("WECHATPAY2-SHA256-RSA2048 "))
        else {
            return false;
        };
        let fields: HashMap<&str, &str> = fields
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name, value.trim_matches('"')))
            .collect();
        if fields.get("mchid") != Some(&self.wechat.mchid.as_str()) || fields.get("serial_no") != Some(&MERCHANT_SERIAL)
        {
            return false;
        }
        let (Some(timestamp), Some(nonce), Some(signature)) = (
            fields.get("timestamp"),
            fields.get("nonce_str"),
            fields.get("signature"),
        ) else {
            return false;
        };
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let message = [
            format!("{method}\n{path}\n{timestamp}\n{nonce}\n").as_bytes(),
            body,
            b"\n",
        ]
        .concat();
        let signature = STANDARD.decode(signature).ok();
        signature
            .and_then(|s| Signature::try_from(s.as_slice()).ok())
            .is_some_and(|s| self.merchant.verify(&message, &s).is_ok())
    }

    /// What WeChat Pay would answer, before signing.
    fn reply(&self, method: &Method, path: &str, body: &Value) -> (StatusCode, Option<Value>) {
        let mut books = self.books.lock().expect("books");
        books.requests.push((path.to_owned(), body.clone()));
        let not_exist = |code: &str| {
            let error = json!({"code": code, "message": "订单不存在"});
            (StatusCode::NOT_FOUND, Some(error))
        };
        let segments: Vec<&str> = path.trim_start_matches("/v3/").split('/').collect();
        match (method.as_str(), segments.as_slice()) {
            ("POST", ["pay", "transactions", kind]) => {
                let trade_no = body["out_trade_no"].as_str().unwrap_or_default().to_owned();
                let total = body["amount"]["total"].as_i64().unwrap_or_default();
                books.trades.insert(trade_no.clone(), ("NOTPAY".into(), total));
                let answer = match *kind {
                    "native" => json!({"code_url": format!("weixin://wxpay/bizpayurl?pr={trade_no}")}),
                    "jsapi" => json!({"prepay_id": format!("wx{trade_no}")}),
                    _ => json!({"h5_url": format!("https://wx.tenpay.com/checkmweb?prepay_id=wx{trade_no}&package=1")}),
                };
                (StatusCode::OK, Some(answer))
            }
            ("GET", ["pay", "transactions", "out-trade-no", trade_no]) => match books.trades.get(*trade_no) {
                Some((state, total)) => {
                    let mut trade = json!({"out_trade_no": trade_no, "trade_state": state,
                        "amount": {"total": total, "currency": "CNY"}});
                    if state == "SUCCESS" {
                        trade["transaction_id"] = format!("42000{trade_no}").into();
                    }
                    (StatusCode::OK, Some(trade))
                }
                None => not_exist("ORDER_NOT_EXIST"),
            },
            ("POST", ["pay", "transactions", "out-trade-no", trade_no, "close"]) => {
                match books.trades.get_mut(*trade_no) {
                    Some((state, _)) if state == "SUCCESS" => (
                        StatusCode::BAD_REQUEST,
                        Some(json!({"code": "ORDERPAID", "message": "该订单已支付"})),
                    ),
                    Some((state, _)) => {
                        *state = "CLOSED".into();
                        (StatusCode::NO_CONTENT, None)
                    }
                    None => not_exist("ORDER_NOT_EXIST"),
                }
            }
            ("POST", ["refund", "domestic", "refunds"]) => {
                let refund_no = body["out_refund_no"].as_str().unwrap_or_default().to_owned();
                let refund = json!({"refund_id": format!("503{refund_no}"), "out_refund_no": refund_no,
                    "status": "PROCESSING", "amount": body["amount"]});
                // It completes at WeChat a moment later: a query then finds it done.
                let mut done = refund.clone();
                done["status"] = "SUCCESS".into();
                books.refunds.insert(refund_no, done);
                (StatusCode::OK, Some(refund))
            }
            ("GET", ["refund", "domestic", "refunds", refund_no]) => match books.refunds.get(*refund_no) {
                Some(refund) => (StatusCode::OK, Some(refund.clone())),
                None => not_exist("RESOURCE_NOT_EXISTS"),
            },
            _ => not_exist("NOT_FOUND"),
        }
    }
}

async fn answer(
    State(stand_in): State<Arc<StandIn>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !stand_in.signed_by_merchant(&method, &uri, &headers, &body) {
        // As WeChat: refused, and unsigned, since it could not tell who asked.
        let refusal = json!({"code": "SIGN_ERROR", "message": "签名错误"});
        return (StatusCode::UNAUTHORIZED, axum::Json(refusal)).into_response();
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let fault = *stand_in.fault.lock().expect("fault");
    let (status, reply) = match fault {
        Fault::Outage => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Fault::Busy => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(json!({"code": "FREQUENCY_LIMITED", "message": "频率超限"})),
        ),
        Fault::None | Fault::Forged => stand_in.reply(&method, uri.path(), &request),
    };
    let signer = if fault == Fault::Forged {
        &stand_in.forger
    } else {
        &stand_in.wechat
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let signed = signer.sign(
        &reply.map(|r| r.to_string()).unwrap_or_default(),
        i64::try_from(now).expect("seconds fit"),
    );
    let mut response = (status, signed.body.clone()).into_response();
    response.headers_mut().extend(signed.header_map());
    response
}

fn wechat_pay(stand_in: &StandIn, url: &str) -> WechatPay {
    signed_with(merchant_key(), stand_in, url)
}

/// Our client, signing with `key` as the merchant's key.
fn signed_with(key: &RsaPrivateKey, stand_in: &StandIn, url: &str) -> WechatPay {
    let fake = &stand_in.wechat;
    let keys = [(fake.serial.clone(), fake.public_key_pem())];
    let notifications =
        WechatConfig::new(fake.mchid.clone(), Some(fake.appid.clone()), &fake.api_v3_key, &keys).expect("config");
    let client = wechat::Client::new(
        url,
        fake.mchid.clone(),
        MERCHANT_SERIAL.into(),
        SigningKey::new(key.clone()),
        notifications.platform_keys(),
    );
    WechatPay::new(client, fake.appid.clone(), NOTIFY_URL.into(), true)
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
        // 2024-06-15 12:15:00 UTC.
        expires_at: 1_718_453_700_000,
    }
}

#[tokio::test]
async fn creates_each_kind_of_payment_signed_and_in_fen() {
    let (stand_in, url) = StandIn::start().await;
    let pay = wechat_pay(&stand_in, &url);

    let native = pay.create(&charge(PayChannel::WechatNative, TRADE_NO)).await;
    assert_eq!(
        native,
        Ok(ChargeStart::QrCode(format!("weixin://wxpay/bizpayurl?pr={TRADE_NO}")))
    );
    let h5 = pay.create(&charge(PayChannel::WechatH5, "OB00000012_2")).await;
    assert_eq!(
        h5,
        Ok(ChargeStart::Redirect(
            "https://wx.tenpay.com/checkmweb?prepay_id=wxOB00000012_2&package=1\
             &redirect_url=https%3A%2F%2Fshop.example%2Fo%2F12"
                .into()
        ))
    );
    let Ok(ChargeStart::Jsapi(jsapi)) = pay.create(&charge(PayChannel::WechatJsapi, "OB00000012_3")).await else {
        panic!("JSAPI parameters");
    };
    assert_eq!(
        (jsapi.app_id.as_str(), jsapi.package.as_str()),
        (stand_in.wechat.appid.as_str(), "prepay_id=wxOB00000012_3")
    );
    // What WeChat's in-app cashier checks before it takes the payment.
    let message = format!(
        "{}\n{}\n{}\n{}\n",
        jsapi.app_id, jsapi.time_stamp, jsapi.nonce_str, jsapi.package
    );
    let signature =
        Signature::try_from(STANDARD.decode(&jsapi.pay_sign).expect("base64").as_slice()).expect("a signature");
    assert!(
        stand_in.merchant.verify(message.as_bytes(), &signature).is_ok(),
        "paySign"
    );

    let requests = stand_in.requests();
    let paths: Vec<&str> = requests.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v3/pay/transactions/native",
            "/v3/pay/transactions/h5",
            "/v3/pay/transactions/jsapi"
        ]
    );
    for (_, body) in &requests {
        assert_eq!(
            body["amount"],
            json!({"total": 3801, "currency": "CNY"}),
            "38.01 yuan in fen"
        );
        assert_eq!(body["notify_url"], NOTIFY_URL);
        assert_eq!(body["time_expire"], "2024-06-15T20:15:00+08:00");
        assert_eq!(body["mchid"], stand_in.wechat.mchid.as_str());
    }
    assert_eq!(requests[1].1["scene_info"]["payer_client_ip"], "203.0.113.7");
    assert_eq!(requests[2].1["payer"]["openid"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
}

#[tokio::test]
async fn queries_closes_and_refunds() {
    let (stand_in, url) = StandIn::start().await;
    let pay = wechat_pay(&stand_in, &url);
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

    stand_in.pay(TRADE_NO);
    let paid = TradeState::Paid {
        transaction_id: format!("42000{TRADE_NO}"),
        amount: Money::from_cents(3801),
    };
    assert_eq!(pay.query(TRADE_NO).await, Ok(paid));
    assert_eq!(
        pay.close(TRADE_NO).await,
        Ok(CloseOutcome::AlreadyPaid),
        "paid before the close"
    );

    let refund = RefundOrder {
        refund_no: "RF00000007".into(),
        trade_no: TRADE_NO.into(),
        transaction_id: format!("42000{TRADE_NO}"),
        amount: Money::from_cents(1250),
        paid: Money::from_cents(3801),
        reason: "退菜".into(),
    };
    let provider_refund_id = Some("503RF00000007".to_owned());
    assert_eq!(
        pay.refund(&refund).await,
        Ok(RefundState::Processing {
            provider_refund_id: provider_refund_id.clone()
        })
    );
    assert_eq!(
        pay.query_refund(&refund).await,
        Ok(RefundState::Succeeded { provider_refund_id })
    );
    let (path, body) = stand_in.requests().pop().expect("the refund query");
    assert_eq!(path, "/v3/refund/domestic/refunds/RF00000007");
    let asked = stand_in
        .requests()
        .into_iter()
        .find(|(p, _)| p == "/v3/refund/domestic/refunds")
        .expect("the refund");
    assert_eq!(
        asked.1["amount"],
        json!({"refund": 1250, "total": 3801, "currency": "CNY"})
    );
    assert_eq!(body, Value::Null, "a GET has no body");
}

#[tokio::test]
async fn refuses_answers_wechat_did_not_sign_and_waits_out_outages() {
    let (stand_in, url) = StandIn::start().await;
    let pay = wechat_pay(&stand_in, &url);
    pay.create(&charge(PayChannel::WechatNative, TRADE_NO))
        .await
        .expect("created");
    stand_in.pay(TRADE_NO);

    // A forged "not paid" must not make us close or cancel a paid order.
    stand_in.fault(Fault::Forged);
    assert_eq!(pay.query(TRADE_NO).await, Err(GatewayError::Untrusted));
    assert_eq!(
        pay.create(&charge(PayChannel::WechatNative, "OB00000014")).await,
        Err(GatewayError::Untrusted)
    );
    stand_in.fault(Fault::Outage);
    assert!(matches!(pay.query(TRADE_NO).await, Err(GatewayError::Unavailable(_))));
    stand_in.fault(Fault::Busy);
    assert!(matches!(pay.close(TRADE_NO).await, Err(GatewayError::Unavailable(_))));
    stand_in.fault(Fault::None);
    assert!(matches!(pay.query(TRADE_NO).await, Ok(TradeState::Paid { .. })));

    // Our own signature wrong (another merchant key): WeChat's unsigned refusal is not believed.
    let other = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key");
    let wrong_key = signed_with(&other, &stand_in, &url);
    assert_eq!(wrong_key.query(TRADE_NO).await, Err(GatewayError::Untrusted));

    let nobody = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let closed = format!("http://{}", nobody.local_addr().expect("an address"));
    drop(nobody);
    assert!(matches!(
        wechat_pay(&stand_in, &closed).query(TRADE_NO).await,
        Err(GatewayError::Unavailable(_))
    ));
}

#[tokio::test]
async fn startup_names_the_missing_flag_and_never_the_key() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fake = FakeWechat::new();
    let platform = dir.path().join("platform.pem");
    std::fs::write(&platform, fake.public_key_pem()).expect("written");
    let merchant = dir.path().join("apiclient_key.pem");
    let pem = merchant_key().to_pkcs8_pem(LineEnding::LF).expect("PKCS#8");
    std::fs::write(&merchant, pem.as_bytes()).expect("written");

    let mut config = Config::new(dir.path().join("data"));
    let payments = &mut config.payments;
    payments.wechat_mchid = Some(fake.mchid.clone());
    payments.wechat_apiv3_key = Some(fake.api_v3_key.parse().expect("a secret"));
    payments.wechat_platform_key = vec![format!("{}={}", fake.serial, platform.display())];
    payments.wechat_merchant_key = Some(merchant.clone());
    payments.wechat_appid = Some(fake.appid.clone());
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
    config.payments.wechat_merchant_serial = Some(MERCHANT_SERIAL.into());
    config.payments.wechat_appid = None;
    assert!(refusal(&config).await.contains("--wechat-appid"));

    config.payments.wechat_appid = Some(fake.appid.clone());
    // A key damaged in the middle: the error says which flag, and shows none of the key.
    let damaged = pem.replace(&pem[200..260], &"A".repeat(60));
    std::fs::write(&merchant, &damaged).expect("written");
    let message = refusal(&config).await;
    assert!(message.contains("--wechat-merchant-key"), "{message}");
    assert!(
        !message.contains(&damaged[100..140]),
        "the key is not quoted: {message}"
    );

    std::fs::write(&merchant, pem.as_bytes()).expect("written");
    App::open(&config).await.expect("starts with a good key");
}
