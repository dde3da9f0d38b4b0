//! Paying by each method as the customer's phone does it, up to the order being paid: WeChat
//! Native (a QR code on a desktop browser), JSAPI (inside WeChat, after the OAuth round trip
//! for the payer's openid) and H5 (another mobile browser); Alipay wap (the cashier page) and
//! precreate (a QR code). Each request's amount is exact: WeChat in fen, Alipay in yuan strings.

use orderbell_fakepay::Provider;
use orderbell_shared::OrderStatus;
use orderbell_tests::TestServer;
use orderbell_tests::money::money_server;
use orderbell_tests::qr::svg_codes;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::{asked, channel, charged, field, paid_events, refused};

/// 宫保鸡丁 and 酸梅汤: ¥46.50.
const DISHES: [(i64, u32); 2] = [(1001, 1), (1011, 1)];
const FEN: i64 = 3800 + 850;

/// A browser that shows each redirect instead of following it.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("an HTTP client")
}

async fn location(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status, "a redirect");
    response.headers()["location"]
        .to_str()
        .expect("an ASCII Location")
        .to_owned()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).expect("an absolute URL");
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_native_code_is_drawn_from_wechats_code_url_and_paying_it_pays_the_order_once() {
    let (server, fake) = money_server().await;
    let (order, charge) = charged(&server, 3, &DISHES, channel("wechat_native")).await;
    let code = charge.qr_code.clone().expect("Native answers with a code to show");
    assert!(
        code.starts_with("weixin://wxpay/bizpayurl?pr="),
        "WeChat's code_url: {code}"
    );
    let svg = charge.qr_svg.clone().expect("and the code drawn");
    assert_eq!(
        svg_codes(svg.as_bytes()),
        [code],
        "a phone reads WeChat's code_url back"
    );

    let [native] = asked(&fake, "native").try_into().expect("one Native request");
    assert_eq!(native.status, 200);
    assert_eq!(field(&native, &["amount", "total"]), &json!(FEN), "in fen");
    assert_eq!(field(&native, &["amount", "currency"]), &json!("CNY"));
    assert_eq!(field(&native, &["out_trade_no"]), &json!(charge.trade_no));
    let notify_url = field(&native, &["notify_url"]).as_str().expect("a notify_url");
    assert_eq!(notify_url, server.url("/api/pay/notify/wechat"));

    fake.pay(Provider::Wechat, &charge.trade_no)
        .expect("the payer scans and pays");
    let paid = server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid.total_amount.cents(), FEN);
    assert_eq!(paid_events(&server, &order).await, 1, "the merchant hears of it once");
}

#[tokio::test]
async fn inside_wechat_the_payer_is_named_by_oauth_and_pays_through_the_jsapi_bridge() {
    let (server, fake) = money_server().await;
    let browser = browser();
    // The customer page sends the phone round WeChat's authorize page for the payer's openid.
    let started = browser
        .get(server.url("/api/pay/wechat/oauth?back=/t/3"))
        .send()
        .await
        .expect("the server answers");
    let authorize = location(started, 302).await;
    assert!(
        authorize.starts_with(&format!("{}/connect/oauth2/authorize?", fake.url())),
        "to WeChat's authorize page: {authorize}"
    );
    assert_eq!(query_param(&authorize, "scope").as_deref(), Some("snsapi_base"));
    assert_eq!(
        query_param(&authorize, "redirect_uri"),
        Some(server.url("/api/pay/wechat/oauth/back?back=%2Ft%2F3"))
    );
    let at_wechat = browser.get(&authorize).send().await.expect("WeChat answers");
    let came_back = location(at_wechat, 302).await;
    assert!(came_back.starts_with(&server.url("/api/pay/wechat/oauth/back?back=%2Ft%2F3&code=")));
    let tag = query_param(&authorize, "state").expect("a state");
    assert!(
        tag.bytes().all(|b| b.is_ascii_alphanumeric()) && tag.len() <= 128,
        "WeChat takes only letters and digits in state: {tag}"
    );
    let back = browser.get(&came_back).send().await.expect("the server answers");
    let page = location(back, 302).await;
    let openid = page
        .strip_prefix("/t/3#openid=")
        .expect("back to the table's page with the openid");
    let openid: String = form_urlencoded::parse(format!("o={openid}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect();
    assert!(!openid.is_empty());
    // WeChat's codes are good once: the same return again gets nothing.
    let again = browser.get(&came_back).send().await.expect("the server answers");
    assert_eq!(again.status(), 502, "a used code is refused by WeChat");

    let body = json!({"channel": "wechat_jsapi", "openid": openid});
    let (order, charge) = charged(&server, 3, &DISHES, body).await;
    let [jsapi] = asked(&fake, "jsapi").try_into().expect("one JSAPI request");
    assert_eq!(field(&jsapi, &["payer", "openid"]), &json!(openid));
    assert_eq!(field(&jsapi, &["amount", "total"]), &json!(FEN));

    // The page hands the parameters to WeixinJSBridge; the fake's stand-in checks paySign.
    let params = serde_json::to_value(charge.jsapi.expect("JSAPI parameters for the page")).expect("JSON");
    let bridge = fake_post(&fake, "/_fake/wechat/jsapi", &params).await;
    assert_eq!(bridge["err_msg"], "get_brand_wcpay_request:ok", "{bridge}");
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid_events(&server, &order).await, 1);
}

#[tokio::test]
async fn the_oauth_round_trip_ends_only_on_this_sites_pages() {
    let (server, _fake) = money_server().await;
    let browser = browser();
    for back in ["//evil.example/", "/\\evil.example", "https://evil.example/", "t/3"] {
        let url = format!(
            "{}?back={}",
            server.url("/api/pay/wechat/oauth"),
            form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
        );
        let response = browser.get(url).send().await.expect("the server answers");
        refused(response, 422, "invalid_back").await;
    }
    // Our own page's tag does not take the customer anywhere else.
    let started = browser
        .get(server.url("/api/pay/wechat/oauth?back=/t/3"))
        .send()
        .await
        .expect("the server answers");
    let tag = query_param(&location(started, 302).await, "state").expect("a state");
    for back in ["/t/4", "//evil.example/"] {
        let back: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
        let forged = browser
            .get(server.url(&format!("/api/pay/wechat/oauth/back?back={back}&code=c&state={tag}")))
            .send()
            .await
            .expect("the server answers");
        refused(forged, 400, "invalid_state").await;
    }

    // A server without WeChat's JSAPI: the route says so instead of sending anyone to WeChat.
    let plain = TestServer::start().await;
    let off = browser
        .get(plain.url("/api/pay/wechat/oauth?back=/t/3"))
        .send()
        .await
        .expect("the server answers");
    refused(off, 404, "wechat_oauth_off").await;
}

#[tokio::test]
async fn a_mobile_browser_pays_on_wechats_h5_page_and_comes_back_to_the_table() {
    let (server, fake) = money_server().await;
    let (order, charge) = charged(&server, 3, &DISHES, channel("wechat_h5")).await;
    let h5 = charge
        .redirect_url
        .clone()
        .expect("H5 sends the phone to WeChat's page");
    assert_eq!(query_param(&h5, "redirect_url"), Some(server.url("/t/3")));
    let [created] = asked(&fake, "h5").try_into().expect("one H5 request");
    assert_eq!(field(&created, &["amount", "total"]), &json!(FEN));
    assert_eq!(field(&created, &["scene_info", "payer_client_ip"]), &json!("127.0.0.1"));

    let page = cashier(&h5, "￥46.50").await;
    assert!(page.contains("确认支付"));
    let confirmed = browser()
        .post(&h5)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            form_urlencoded::Serializer::new(String::new())
                .append_pair("redirect_url", &server.url("/t/3"))
                .finish(),
        )
        .send()
        .await
        .expect("the page answers");
    assert_eq!(location(confirmed, 303).await, server.url("/t/3"), "back to the table");
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid_events(&server, &order).await, 1);
}

#[tokio::test]
async fn a_mobile_browser_pays_at_alipays_cashier_and_comes_back_with_a_signed_return() {
    let (server, fake) = money_server().await;
    let (order, charge) = charged(&server, 3, &DISHES, channel("alipay_wap")).await;
    let wap = charge
        .redirect_url
        .clone()
        .expect("wap sends the phone to Alipay's cashier");
    assert!(wap.starts_with(&format!("{}/gateway.do?", fake.url())), "{wap}");
    assert_eq!(query_param(&wap, "method").as_deref(), Some("alipay.trade.wap.pay"));
    assert!(query_param(&wap, "sign").is_some(), "the page's URL is signed");

    let page = cashier(&wap, "￥46.50").await;
    let [opened] = asked(&fake, "alipay.trade.wap.pay")
        .try_into()
        .expect("the cashier opened once");
    assert_eq!(
        field(&opened, &["total_amount"]),
        &json!("46.50"),
        "in yuan, two decimals"
    );
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the cashier's 确认支付 form");
    let confirmed = browser()
        .post(format!("{}{action}", fake.url()))
        .send()
        .await
        .expect("the cashier answers");
    let back = location(confirmed, 303).await;
    assert!(back.starts_with(&server.url("/t/3?")), "back to the table: {back}");
    assert!(query_param(&back, "sign").is_some(), "with Alipay's signed return");
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid_events(&server, &order).await, 1);
}

#[tokio::test]
async fn an_alipay_code_scanned_and_paid_pays_the_order() {
    let (server, fake) = money_server().await;
    let (order, charge) = charged(&server, 3, &DISHES, channel("alipay_qr")).await;
    let code = charge.qr_code.clone().expect("precreate answers with a code");
    assert!(code.starts_with("https://qr.alipay.com/"), "{code}");
    let svg = charge.qr_svg.clone().expect("drawn");
    assert_eq!(svg_codes(svg.as_bytes()), [code]);
    let [created] = asked(&fake, "alipay.trade.precreate")
        .try_into()
        .expect("one precreate");
    assert_eq!(field(&created, &["total_amount"]), &json!("46.50"));
    assert_eq!(field(&created, &["out_trade_no"]), &json!(charge.trade_no));

    fake.pay(Provider::Alipay, &charge.trade_no)
        .expect("the payer scans and pays");
    server.order_becomes(&order, OrderStatus::Paid).await;
    assert_eq!(paid_events(&server, &order).await, 1);
    let second_tap = charged_again(&server, &order, "alipay_qr").await;
    assert_eq!(second_tap.status(), 409, "a paid order takes no second payment");
}

async fn charged_again(server: &TestServer, order: &orderbell_shared::SubmittedOrder, name: &str) -> reqwest::Response {
    let path = format!("/api/orders/{}/charges", order.order.order_id);
    server.post(&path, &order.token, channel(name)).await
}

/// A provider's page for the payer, showing `amount`.
async fn cashier(url: &str, amount: &str) -> String {
    let response = reqwest::get(url).await.expect("the provider's page answers");
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("a page");
    assert!(page.contains(amount), "the payer sees {amount}: {page}");
    page
}

async fn fake_post(fake: &orderbell_fakepay::FakePay, path: &str, body: &Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", fake.url()))
        .json(body)
        .send()
        .await
        .expect("the fake answers");
    response.json().await.expect("JSON")
}
