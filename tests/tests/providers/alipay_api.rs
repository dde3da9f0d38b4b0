//! The server's Alipay OpenAPI client against a stand-in gateway on a real socket that behaves
//! as Alipay documents: it checks our `RSA2` request signature with the app's public key (and
//! refuses a wrong one with `isv.invalid-signature`), keeps the trades, and signs each answer
//! over the exact text of its `…_response` object, written with `\/` escapes as a serializer
//! would not write them back. It checks and signs with code of its own, not the server's.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::State;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_server::payments::alipay::{AlipayConfig, Client};
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, RefundOrder, RefundState, TradeState,
};
use orderbell_server::{App, Config, Error};
use orderbell_shared::Money;
use orderbell_shared::charges::PayChannel;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::TRADE_NO;

const APP_ID: &str = "2021000123456789";
const NOTIFY_URL: &str = "https://shop.example.cn/api/pay/notify/alipay";
const PAGE: &str = "https://shop.example.cn/o/12?t=abc";
/// 2030-01-01 00:00:00 in Beijing.
const EXPIRES_AT: i64 = 1_893_427_200_000;

static APP_KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
static ALIPAY_KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
static IMPOSTOR_KEY: OnceLock<RsaPrivateKey> = OnceLock::new();

fn key(cell: &'static OnceLock<RsaPrivateKey>) -> &'static RsaPrivateKey {
    cell.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("RSA key generation"))
}

fn public_pem(key: &RsaPrivateKey) -> String {
    key.to_public_key().to_public_key_pem(LineEnding::LF).expect("PEM")
}

/// What Alipay signs and checks: every parameter but `sign` with a value, sorted, `k=v&k=v`.
fn content(params: &BTreeMap<String, String>) -> String {
    let mut pairs: Vec<String> = Vec::new();
    for (name, value) in params {
        if name != "sign" && !value.is_empty() {
            pairs.push(format!("{name}={value}"));
        }
    }
    pairs.join("&")
}

fn request_signed_by_app(params: &BTreeMap<String, String>) -> bool {
    let verifying = VerifyingKey::<Sha256>::new(key(&APP_KEY).to_public_key());
    let Some(bytes) = params.get("sign").and_then(|sign| STANDARD.decode(sign).ok()) else {
        return false;
    };
    Signature::try_from(bytes.as_slice()).is_ok_and(|sig| verifying.verify(content(params).as_bytes(), &sig).is_ok())
}

#[derive(Clone, Debug)]
struct Trade {
    amount: String,
    status: &'static str,
    /// A precreated trade exists at Alipay only once its code is scanned.
    opened: bool,
}

#[derive(Default)]
struct Ledger {
    trades: HashMap<String, Trade>,
    refunds: HashMap<String, String>,
    requests: Vec<BTreeMap<String, String>>,
}

/// The stand-in gateway; `forge` makes it sign its answers with a key that is not Alipay's.
#[derive(Clone, Default)]
struct FakeGateway {
    ledger: Arc<Mutex<Ledger>>,
    forge: Arc<AtomicBool>,
}

impl FakeGateway {
    async fn start() -> (FakeGateway, String) {
        let fake = FakeGateway::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/gateway.do", listener.local_addr().expect("address"));
        // A stand-in of Alipay's gateway, not one of our routes: nothing to document.
        #[allow(clippy::disallowed_methods)]
        let app = axum::Router::new()
            .route("/gateway.do", post(gateway))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (fake, url)
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().expect("ledger")
    }

    /// The payer scans the code and pays.
    fn pay(&self, trade_no: &str) {
        let mut ledger = self.ledger();
        let trade = ledger.trades.get_mut(trade_no).expect("a trade to pay");
        (trade.opened, trade.status) = (true, "TRADE_SUCCESS");
    }

    fn last_biz(&self) -> Value {
        let ledger = self.ledger();
        let request = ledger.requests.last().expect("a request");
        serde_json::from_str(&request["biz_content"]).expect("biz_content is JSON")
    }
}

async fn gateway(State(fake): State<FakeGateway>, body: String) -> String {
    let params: BTreeMap<String, String> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let method = params.get("method").cloned().unwrap_or_default();
    let response = if request_signed_by_app(&params) {
        let biz: Value =
            serde_json::from_str(params.get("biz_content").map_or("{}", String::as_str)).unwrap_or_default();
        let mut ledger = fake.ledger();
        ledger.requests.push(params.clone());
        answer(&mut ledger, &method, &biz)
    } else {
        failed("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错")
    };
    // Written as Alipay's serializer writes it: slashes escaped. Signed over exactly this text.
    let text = serde_json::to_string(&response).expect("JSON").replace('/', "\\/");
    let signer = if fake.forge.load(Ordering::SeqCst) {
        &IMPOSTOR_KEY
    } else {
        &ALIPAY_KEY
    };
    let sign = STANDARD.encode(
        SigningKey::<Sha256>::new(key(signer).clone())
            .sign(text.as_bytes())
            .to_bytes(),
    );
    format!(r#"{{"{}_response":{text},"sign":"{sign}"}}"#, method.replace('.', "_"))
}

fn failed(code: &str, msg: &str, sub_code: &str, sub_msg: &str) -> Value {
    json!({ "code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg })
}

fn not_exist() -> Value {
    failed("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
}

fn answer(ledger: &mut Ledger, method: &str, biz: &Value) -> Value {
    let field = |name: &str| biz[name].as_str().unwrap_or_default().to_owned();
    let out_trade_no = field("out_trade_no");
    let opened = ledger.trades.get(&out_trade_no).filter(|t| t.opened).cloned();
    match method {
        "alipay.trade.precreate" => {
            let trade = Trade {
                amount: field("total_amount"),
                status: "WAIT_BUYER_PAY",
                opened: false,
            };
            ledger.trades.insert(out_trade_no.clone(), trade);
            json!({ "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                    "qr_code": "https://qr.alipay.com/bax03431ljhokirwl38f00a7" })
        }
        "alipay.trade.query" => match opened {
            None => not_exist(),
            Some(trade) => json!({ "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                "trade_no": "2030010122001400001", "trade_status": trade.status, "total_amount": trade.amount,
                "fund_bill_list": [{ "amount": trade.amount, "fund_channel": "ALIPAYACCOUNT" }] }),
        },
        "alipay.trade.close" => match opened {
            None => not_exist(),
            Some(trade) if trade.status == "TRADE_SUCCESS" => {
                failed("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            }
            Some(_) => {
                if let Some(trade) = ledger.trades.get_mut(&out_trade_no) {
                    trade.status = "TRADE_CLOSED";
                }
                json!({ "code": "10000", "msg": "Success", "out_trade_no": out_trade_no })
            }
        },
        "alipay.trade.refund" => match opened {
            Some(trade) if trade.status == "TRADE_SUCCESS" => {
                // Asked again with the same out_request_no: refunded once, no money moves now.
                let first = ledger
                    .refunds
                    .insert(field("out_request_no"), field("refund_amount"))
                    .is_none();
                json!({ "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                        "refund_fee": field("refund_amount"), "fund_change": if first { "Y" } else { "N" } })
            }
            _ => failed("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"),
        },
        "alipay.trade.fastpay.refund.query" => match ledger.refunds.get(&field("out_request_no")) {
            Some(amount) => json!({ "code": "10000", "msg": "Success", "out_request_no": field("out_request_no"),
                                    "refund_amount": amount, "refund_status": "REFUND_SUCCESS" }),
            None => json!({ "code": "10000", "msg": "Success" }),
        },
        _ => failed("40004", "Business Failed", "isv.invalid-method", "不存在的方法名"),
    }
}

fn client(gateway_url: &str) -> Client {
    client_with_app_key(gateway_url, key(&APP_KEY))
}

fn client_with_app_key(gateway_url: &str, app_key: &RsaPrivateKey) -> Client {
    let config = AlipayConfig::new(APP_ID.into(), &public_pem(key(&ALIPAY_KEY))).expect("config");
    let pem = app_key.to_pkcs8_pem(LineEnding::LF).expect("PEM");
    Client::new(&config, &pem, gateway_url, NOTIFY_URL.into()).expect("client")
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

fn refund(refund_no: &str, cents: i64) -> RefundOrder {
    RefundOrder {
        refund_no: refund_no.into(),
        trade_no: TRADE_NO.into(),
        transaction_id: "2030010122001400001".into(),
        amount: Money::from_cents(cents),
        paid: Money::from_cents(123_456),
        reason: "退菜".into(),
    }
}

#[tokio::test]
async fn a_qr_payment_is_created_found_paid_and_refunded_once() {
    let (fake, url) = FakeGateway::start().await;
    let alipay = client(&url);
    assert_eq!(alipay.channels(), [PayChannel::AlipayWap, PayChannel::AlipayQr]);

    let start = alipay
        .create(&charge(PayChannel::AlipayQr, 123_456))
        .await
        .expect("precreated");
    assert_eq!(
        start,
        ChargeStart::QrCode("https://qr.alipay.com/bax03431ljhokirwl38f00a7".into())
    );
    let biz = fake.last_biz();
    assert_eq!(biz["total_amount"], "1234.56", "yuan, exact to the fen");
    assert_eq!(biz["time_expire"], "2030-01-01 00:00:00");
    assert_eq!(biz["subject"], "点单铃 A03号桌 OB00000012");
    let request = fake.ledger().requests[0].clone();
    assert_eq!(
        (
            request["notify_url"].as_str(),
            request["timestamp"].len(),
            request["app_id"].as_str()
        ),
        (NOTIFY_URL, "2030-01-01 00:00:00".len(), APP_ID)
    );

    // Until the payer scans, Alipay does not know the trade.
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::NotFound));
    fake.pay(TRADE_NO);
    let paid = TradeState::Paid {
        transaction_id: "2030010122001400001".into(),
        amount: Money::from_cents(123_456),
    };
    assert_eq!(alipay.query(TRADE_NO).await, Ok(paid.clone()));
    // Too late to close: paid.
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::AlreadyPaid));

    let succeeded = RefundState::Succeeded {
        provider_refund_id: None,
    };
    assert_eq!(alipay.refund(&refund("RF00000007", 1)).await, Ok(succeeded.clone()));
    assert_eq!(fake.last_biz()["refund_amount"], "0.01");
    assert_eq!(fake.last_biz()["out_request_no"], "RF00000007");
    // Asked again: Alipay moves no money (fund_change N) and the query says it is done.
    assert_eq!(alipay.refund(&refund("RF00000007", 1)).await, Ok(succeeded.clone()));
    assert_eq!(fake.ledger().refunds.len(), 1, "refunded once");
    assert_eq!(alipay.query_refund(&refund("RF00000007", 1)).await, Ok(succeeded));
    assert_eq!(
        alipay.query_refund(&refund("RF00000008", 1230)).await,
        Ok(RefundState::Processing {
            provider_refund_id: None
        }),
        "never asked for: not done"
    );
}

#[tokio::test]
async fn a_trade_never_paid_is_closed() {
    let (fake, url) = FakeGateway::start().await;
    let alipay = client(&url);
    alipay
        .create(&charge(PayChannel::AlipayQr, 1230))
        .await
        .expect("precreated");
    assert_eq!(fake.last_biz()["total_amount"], "12.30");
    // Never scanned: nothing can be paid on it.
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::Closed));
    // Scanned, not paid: closed at Alipay.
    fake.ledger().trades.get_mut(TRADE_NO).expect("trade").opened = true;
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::Waiting));
    assert_eq!(alipay.close(TRADE_NO).await, Ok(CloseOutcome::Closed));
    assert_eq!(alipay.query(TRADE_NO).await, Ok(TradeState::Closed));
    // A refund of an unpaid trade is a business error, in Alipay's words.
    assert_eq!(
        alipay.refund(&refund("RF00000009", 1)).await,
        Err(GatewayError::Refused {
            code: "ACQ.TRADE_STATUS_ERROR".into(),
            message: "交易状态不合法".into()
        })
    );
}

#[tokio::test]
async fn a_wap_payment_is_a_signed_gateway_url_for_the_browser() {
    let (fake, url) = FakeGateway::start().await;
    let alipay = client(&url);
    let ChargeStart::Redirect(page) = alipay.create(&charge(PayChannel::AlipayWap, 1)).await.expect("a page") else {
        panic!("wap.pay sends the browser to Alipay's page");
    };
    assert!(
        fake.ledger().requests.is_empty(),
        "no call: the browser takes the request"
    );
    let (gateway, query) = page.split_once('?').expect("a query");
    assert_eq!(gateway, url);
    let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    assert!(
        request_signed_by_app(&params),
        "Alipay takes the page's request as ours"
    );
    assert_eq!(params["method"], "alipay.trade.wap.pay");
    assert_eq!(
        (params["return_url"].as_str(), params["notify_url"].as_str()),
        (PAGE, NOTIFY_URL)
    );
    let biz: Value = serde_json::from_str(&params["biz_content"]).expect("JSON");
    assert_eq!(
        (
            &biz["product_code"],
            &biz["total_amount"],
            &biz["quit_url"],
            &biz["out_trade_no"]
        ),
        (&json!("QUICK_WAP_WAY"), &json!("0.01"), &json!(PAGE), &json!(TRADE_NO))
    );

    let mut tampered = params.clone();
    tampered.insert("biz_content".into(), params["biz_content"].replace("0.01", "0.02"));
    assert!(!request_signed_by_app(&tampered), "the amount is signed");
}

#[tokio::test]
async fn untrusted_or_missing_answers_are_not_believed() {
    let (fake, url) = FakeGateway::start().await;
    let alipay = client(&url);
    alipay
        .create(&charge(PayChannel::AlipayQr, 3800))
        .await
        .expect("precreated");
    fake.pay(TRADE_NO);

    fake.forge.store(true, Ordering::SeqCst);
    assert_eq!(alipay.query(TRADE_NO).await, Err(GatewayError::Untrusted));
    assert_eq!(alipay.close(TRADE_NO).await, Err(GatewayError::Untrusted));
    fake.forge.store(false, Ordering::SeqCst);

    // Our request signed with a key Alipay does not hold: refused, and nothing happens.
    let stranger = client_with_app_key(&url, key(&IMPOSTOR_KEY));
    assert_eq!(
        stranger.refund(&refund("RF00000010", 100)).await,
        Err(GatewayError::Refused {
            code: "isv.invalid-signature".into(),
            message: "验签出错".into()
        })
    );
    assert!(fake.ledger().refunds.is_empty());

    // No gateway listening: ask again later.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let nowhere = format!("http://{}/gateway.do", closed.local_addr().expect("address"));
    drop(closed);
    assert!(matches!(
        client(&nowhere).query(TRADE_NO).await,
        Err(GatewayError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_private_key_that_does_not_load_stops_the_server_without_showing_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let mut config = Config::new(dir.path().join("data"));
    config.no_demo = true;
    config.payments.alipay_app_id = Some(APP_ID.into());
    config.payments.alipay_public_key = Some(write("alipay.pem", &public_pem(key(&ALIPAY_KEY))));
    let secret_text = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secret";
    config.payments.alipay_private_key = Some(write("app.key", secret_text));
    let Err(Error::Config(message)) = App::open(&config).await.map(|_| ()) else {
        panic!("a key that does not load is a startup error");
    };
    assert!(message.contains("--alipay-private-key"), "{message}");
    assert!(!message.contains("secret"), "the key is never quoted: {message}");

    let pem = key(&APP_KEY).to_pkcs8_pem(LineEnding::LF).expect("PEM");
    config.payments.alipay_private_key = Some(write("app.key", &pem));
    App::open(&config).await.expect("starts with a good key");
}
