//! A sweep of malformed HTTP requests over every route of the route table (the routers in
//! server/src/**/mod.rs, tables.rs, menu.rs, reminders.rs, web.rs): wrong methods, unknown
//! routes, bad ids, bad JSON, wrong types, huge numbers, oversized bodies and garbage
//! `Last-Event-ID`s. Every answer is a 4xx with a JSON `{code, message}` in Chinese, never a
//! 5xx, and nothing changes.

use orderbell_shared::ErrorBody;
use orderbell_tests::{Api, ServerProcess};
use reqwest::Method;

/// The merchant, a diner at table 1, table 1's link and an order's customer.
#[derive(Clone, Copy)]
pub enum Who {
    Merchant,
    Diner,
    Table,
    Customer,
}

pub struct Case {
    pub method: Method,
    pub path: String,
    pub who: Who,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// The code the error table promises, and the status when it names one.
    pub expect: Option<(Option<u16>, &'static str)>,
}

fn case(method: Method, path: impl Into<String>, who: Who) -> Case {
    Case {
        method,
        path: path.into(),
        who,
        headers: Vec::new(),
        body: None,
        expect: None,
    }
}

impl Case {
    fn json(mut self, body: &str) -> Self {
        self.headers.push(("content-type", "application/json".into()));
        self.body = Some(body.as_bytes().to_vec());
        self
    }
    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    fn expect(mut self, status: u16, code: &'static str) -> Self {
        self.expect = Some((Some(status), code));
        self
    }
    fn code(mut self, code: &'static str) -> Self {
        self.expect = Some((None, code));
        self
    }
}

/// Every case of the sweep, on order `o`.
fn cases(o: i64) -> Vec<Case> {
    use Method as M;
    use Who::{Customer, Diner, Merchant, Table};
    let mut all = Vec::new();
    // A method the route does not take, on each route.
    for (method, path, who) in [
        (M::DELETE, "/api/orders".to_owned(), Diner),
        (M::PUT, "/api/stores/1/menu".to_owned(), Merchant),
        (M::GET, "/api/store/order/cart/add".to_owned(), Diner),
        (M::POST, "/api/store/order/cart/update".to_owned(), Diner),
        (M::GET, "/api/store/order/cart/remove".to_owned(), Diner),
        (M::POST, "/api/store/order/cart/clear".to_owned(), Diner),
        (M::POST, "/api/store/order/cart/1".to_owned(), Diner),
        (M::POST, "/api/store/order/sse/1".to_owned(), Table),
        (M::POST, "/ws/cart/1".to_owned(), Diner),
        (M::POST, "/ws/stores/1".to_owned(), Merchant),
        (M::PUT, format!("/api/orders/{o}"), Customer),
        (M::GET, format!("/api/orders/{o}/accept"), Merchant),
        (M::GET, format!("/api/orders/{o}/reject"), Merchant),
        (M::GET, format!("/api/orders/{o}/ready"), Merchant),
        (M::GET, format!("/api/orders/{o}/recall"), Merchant),
        (M::GET, format!("/api/orders/{o}/complete"), Merchant),
        (M::GET, format!("/api/orders/{o}/cancel"), Customer),
        (M::GET, format!("/api/orders/{o}/reminders"), Customer),
        (M::GET, format!("/api/orders/{o}/reply"), Merchant),
        (M::GET, format!("/api/orders/{o}/pay"), Customer),
        (M::POST, format!("/api/orders/{o}/events"), Customer),
        (M::POST, "/api/stores/1/orders".to_owned(), Merchant),
        (M::POST, "/api/stores/1/events".to_owned(), Merchant),
        (M::GET, "/api/pay/notify/hmac".to_owned(), Merchant),
        (M::GET, "/api/tables/1/diners".to_owned(), Table),
        (M::POST, "/api/session".to_owned(), Diner),
        (M::DELETE, "/t/1".to_owned(), Table),
        (M::POST, "/kitchen".to_owned(), Merchant),
        (M::PUT, "/pay/1".to_owned(), Customer),
        (M::POST, "/assets/app.css".to_owned(), Diner),
    ] {
        all.push(case(method, path, who).expect(405, "method_not_allowed"));
    }
    for path in [
        "/api/nope",
        "/nope",
        "/api/orders/1/nope",
        "/api/stores/1/menu/extra",
        "/api/store/order/cart",
    ] {
        all.push(case(M::GET, path, Merchant).expect(404, "route_not_found"));
    }
    // Ids that are not ids.
    for id in ["abc", "-1", "1.5", "0x10", "99999999999999999999"] {
        all.push(case(M::GET, format!("/api/orders/{id}"), Merchant));
        all.push(case(M::GET, format!("/api/stores/{id}/menu"), Merchant));
        all.push(case(M::GET, format!("/api/stores/{id}/orders"), Merchant));
        all.push(case(M::GET, format!("/api/store/order/cart/{id}"), Table));
        all.push(case(M::POST, format!("/api/tables/{id}/diners"), Table).json("{}"));
        all.push(case(M::GET, format!("/t/{id}"), Table));
    }
    // Bodies that are not what the route reads.
    let add = |body: &str| case(M::POST, "/api/store/order/cart/add", Diner).json(body);
    all.push(add("{not json").expect(400, "malformed_json"));
    for body in [
        "[]",
        "\"x\"",
        "null",
        "{}",
        r#"{"tableId":"1","cuisineId":1001,"quantity":1}"#,
        r#"{"tableId":1,"cuisineId":"1001","quantity":1}"#,
        r#"{"tableId":1,"cuisineId":1001,"quantity":"2"}"#,
        r#"{"tableId":1,"cuisineId":1001,"quantity":1.5}"#,
        r#"{"tableId":1,"cuisineId":1001,"quantity":1,"remark":5}"#,
        r#"{"tableId":1,"cuisineId":1e30,"quantity":1}"#,
        r#"{"tableId":99999999999999999999,"cuisineId":1001,"quantity":1}"#,
    ] {
        all.push(add(body));
    }
    for quantity in ["-1", "0", "100", "4294967296", "1e30"] {
        let body = format!(r#"{{"tableId":1,"cuisineId":1001,"quantity":{quantity}}}"#);
        all.push(add(&body).code("invalid_quantity"));
        let update = format!("/api/store/order/cart/update?tableId=1&cuisineId=1001&quantity={quantity}");
        all.push(case(M::PUT, update, Diner).code("invalid_quantity"));
    }
    for query in [
        "tableId=1&cuisineId=1001&quantity=abc",
        "tableId=1&cuisineId=abc&quantity=1",
        "tableId=1",
    ] {
        all.push(case(M::PUT, format!("/api/store/order/cart/update?{query}"), Diner));
    }
    for query in [
        "tableId=1&cuisineId=abc",
        "tableId=1&cuisineId=99999999999999999999",
        "",
    ] {
        all.push(case(M::DELETE, format!("/api/store/order/cart/remove?{query}"), Diner));
    }
    all.push(case(M::DELETE, "/api/store/order/cart/clear?tableId=abc", Diner));
    let submit = |body: &str| case(M::POST, "/api/orders", Diner).json(body);
    all.push(submit("{not json").expect(400, "malformed_json"));
    for body in [
        r#"{"tableId":"1","idempotencyKey":"x"}"#,
        r#"{"tableId":1}"#,
        r#"{"tableId":1,"idempotencyKey":5}"#,
        r#"{"tableId":1,"idempotencyKey":"x","cartVersion":-1}"#,
        r#"{"tableId":1e30,"idempotencyKey":"x"}"#,
    ] {
        all.push(submit(body));
    }
    all.push(
        case(M::POST, "/api/tables/1/diners", Table)
            .json("{not json")
            .expect(400, "malformed_json"),
    );
    all.push(case(M::POST, "/api/tables/1/diners", Table).json(r#"{"phone":123}"#));
    for body in [
        r#"{"text":123}"#,
        r#"{"text":"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"}"#,
        "{bad",
    ] {
        all.push(case(M::POST, format!("/api/orders/{o}/reply"), Merchant).json(body));
    }
    for body in [r#"{"reason":[]}"#, "{bad"] {
        all.push(case(M::POST, format!("/api/orders/{o}/reject"), Merchant).json(body));
    }
    all.push(case(M::POST, "/api/pay/notify/hmac", Merchant).json("{}"));
    all.push(case(M::POST, "/api/pay/notify/nope", Merchant).json("{}"));
    // Bodies over 16 KiB, payment notifications included.
    let huge = format!(
        r#"{{"tableId":1,"cuisineId":1001,"quantity":1,"remark":"{}"}}"#,
        "长".repeat(7_000)
    );
    for (path, who) in [
        ("/api/store/order/cart/add".to_owned(), Diner),
        ("/api/orders".to_owned(), Diner),
        ("/api/tables/1/diners".to_owned(), Table),
        (format!("/api/orders/{o}/reply"), Merchant),
        ("/api/pay/notify/hmac".to_owned(), Merchant),
        ("/api/pay/notify/wechat".to_owned(), Merchant),
        ("/api/pay/notify/alipay".to_owned(), Merchant),
    ] {
        all.push(case(M::POST, path, who).json(&huge).expect(413, "body_too_large"));
    }
    // Garbage Last-Event-IDs, in the header and in the query, on every stream.
    for bad in ["abc", "-1", "1.5", "0x10", "99999999999999999999"] {
        for (path, who) in [
            ("/api/stores/1/events".to_owned(), Merchant),
            (format!("/api/orders/{o}/events"), Customer),
            ("/api/store/order/sse/1".to_owned(), Table),
        ] {
            all.push(
                case(M::GET, path.as_str(), who)
                    .header("last-event-id", bad)
                    .expect(400, "invalid_last_event_id"),
            );
            all.push(case(M::GET, format!("{path}?lastEventId={bad}"), who).expect(400, "invalid_last_event_id"));
        }
    }
    // WebSocket routes asked without an upgrade.
    all.push(case(M::GET, "/ws/cart/1", Diner));
    all.push(case(M::GET, "/ws/stores/1", Merchant));
    all
}

/// One case: what is wrong with its answer, if anything.
async fn check(api: &Api, tokens: &Tokens, case: Case) -> Option<String> {
    let token = match case.who {
        Who::Merchant => &api.merchant,
        Who::Diner => &tokens.diner,
        Who::Table => &tokens.table,
        Who::Customer => &tokens.customer,
    };
    let mut request = api
        .http
        .request(case.method.clone(), api.url(&case.path))
        .bearer_auth(token)
        .timeout(std::time::Duration::from_secs(10));
    for (name, value) in &case.headers {
        request = request.header(*name, value);
    }
    if let Some(body) = case.body {
        request = request.body(body);
    }
    let what = format!("{} {}", case.method, case.path.chars().take(90).collect::<String>());
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(e) => return Some(format!("{what}: no answer ({e})")),
    };
    let status = answer.status().as_u16();
    if !(400..500).contains(&status) {
        // A 2xx may be an endless stream: do not read it.
        return Some(format!("{what}: {status}, not a 4xx"));
    }
    let text = answer.text().await.unwrap_or_default();
    let Ok(body) = serde_json::from_str::<ErrorBody>(&text) else {
        return Some(format!("{what}: {status} without a JSON {{code, message}}: {text:?}"));
    };
    if !has_chinese(&body.message) {
        return Some(format!(
            "{what}: {status} {}: the message is not Chinese: {:?}",
            body.code, body.message
        ));
    }
    match case.expect {
        Some((want, code)) if want.is_some_and(|want| want != status) || code != body.code => Some(format!(
            "{what}: {status} {}, not {} {code}",
            body.code,
            want.unwrap_or(status)
        )),
        _ => None,
    }
}

pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

struct Tokens {
    diner: String,
    table: String,
    customer: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_on_every_route_get_a_chinese_4xx_and_change_nothing() {
    let server = ServerProcess::start(&[]).await;
    let order = server.order(2, &[(1001, 1)]).await;
    let diner = server.join(1, Some("13800138000")).await;
    let add = serde_json::json!({"tableId": 1, "cuisineId": 1002, "quantity": 2});
    assert_eq!(server.add(&diner.token, add).await.status(), 200);
    let (cart, placed, last) = (
        server.cart(1).await,
        server.fetch_order(&order).await,
        crate::head(&server).await,
    );

    let tokens = Tokens {
        diner: diner.token.clone(),
        table: server.table_token(1).to_owned(),
        customer: order.token.clone(),
    };
    let cases = cases(order.order.order_id);
    let total = cases.len();
    let mut problems = Vec::new();
    for case in cases {
        problems.extend(check(&server, &tokens, case).await);
    }
    println!("malformed HTTP: {total} requests, {} answered wrongly", problems.len());

    // Listed before the state is checked, so that one run shows both.
    for problem in &problems {
        eprintln!("{problem}");
    }
    assert_eq!(server.cart(1).await, cart, "the cart is as it was");
    assert_eq!(server.fetch_order(&order).await, placed, "the order is as it was");
    assert_eq!(crate::head(&server).await, last, "no event was written");
    assert!(
        problems.is_empty(),
        "answers that break the contract:\n{}",
        problems.join("\n")
    );
}
