//! Real-shaped money end to end: the server's WeChat Pay and Alipay clients against the fake
//! providers (`orderbell-fakepay`) over loopback HTTP — every request signed and checked, every
//! answer and notification signed and verified. The fake plays the payer (scanning a code, the
//! H5 and wap cashier pages, the JSAPI call) and can lose notifications or fail refunds; its
//! record of requests shows what the server asked for, to the fen.

mod pay;
mod reconcile;
mod refunds;

use std::time::Duration;

use orderbell_fakepay::{FakePay, Provider, Recorded};
use orderbell_shared::charges::ChargeDTO;
use orderbell_shared::refunds::RefundDTO;
use orderbell_shared::{ErrorBody, Event, OrderStatus, SubmittedOrder};
use orderbell_tests::{PATIENCE, TestServer};
use serde_json::{Value, json};

/// An order at `table` whose customer has asked for a payment on `channel` (201).
pub async fn charged(
    server: &TestServer,
    table: i64,
    dishes: &[(i64, u32)],
    body: Value,
) -> (SubmittedOrder, ChargeDTO) {
    let order = server.order(table, dishes).await;
    let path = format!("/api/orders/{}/charges", order.order.order_id);
    let response = server.post(&path, &order.token, body).await;
    assert_eq!(response.status(), 201, "the provider creates the payment");
    let charge: ChargeDTO = response.json().await.expect("a ChargeDTO");
    assert_eq!(
        charge.amount, order.order.total_amount,
        "the charge is for the order's total"
    );
    (order, charge)
}

pub fn channel(name: &str) -> Value {
    json!({ "channel": name })
}

/// An order of `dishes` paid by scanning a Native (WeChat) or precreate (Alipay) code.
pub async fn paid(server: &TestServer, fake: &FakePay, provider: Provider, dishes: &[(i64, u32)]) -> SubmittedOrder {
    let name = match provider {
        Provider::Wechat => "wechat_native",
        Provider::Alipay => "alipay_qr",
    };
    let (order, charge) = charged(server, 3, dishes, channel(name)).await;
    fake.pay(provider, &charge.trade_no)
        .expect("the payer pays the open trade");
    server.order_becomes(&order, OrderStatus::Paid).await;
    order
}

/// The fake's record of the server's requests of one operation (WeChat `native`, `refund` …;
/// Alipay `alipay.trade.refund` …), answered or refused.
pub fn asked(fake: &FakePay, operation: &str) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.operation == operation)
        .collect()
}

/// A field of a recorded request: WeChat's JSON body, or Alipay's `biz_content`.
pub fn field<'r>(recorded: &'r Recorded, path: &[&str]) -> &'r Value {
    let root = match recorded.provider {
        Provider::Wechat => &recorded.params,
        Provider::Alipay => &recorded.params["biz_content"],
    };
    path.iter().fold(root, |value, key| &value[*key])
}

/// The `order_paid` events of `order` on the store's stream, counted from the start up to the
/// merchant accepting it (which this does): a second payment applied would show before that.
pub async fn paid_events(server: &TestServer, order: &SubmittedOrder) -> usize {
    let id = order.order.order_id;
    let accepted = server
        .post_empty(&format!("/api/orders/{id}/accept"), &server.merchant)
        .await;
    assert_eq!(accepted.status(), 200, "the merchant accepts the paid order");
    let mut replay = server.store_stream(Some(0)).await;
    let mut paid = 0;
    loop {
        match replay.next_typed().await.1 {
            Event::OrderPaid(o) if o.order_id == id => paid += 1,
            Event::OrderStatus(c) if c.order_id == id && c.to == OrderStatus::Accepted => return paid,
            _ => {}
        }
    }
}

/// The order's refunds, as its customer sees them.
pub async fn refunds_of(server: &TestServer, order: &SubmittedOrder) -> Vec<RefundDTO> {
    let path = format!("/api/orders/{}/refunds", order.order.order_id);
    let response = server.get(&path, &order.token).await;
    assert_eq!(response.status(), 200, "the customer reads the order's refunds");
    response.json().await.expect("refunds")
}

/// The order's refunds once `done` holds for them all and there are `count`.
pub async fn refunds_when(
    server: &TestServer,
    order: &SubmittedOrder,
    count: usize,
    done: impl Fn(&RefundDTO) -> bool,
) -> Vec<RefundDTO> {
    let wait = async {
        loop {
            let refunds = refunds_of(server, order).await;
            if refunds.len() == count && refunds.iter().all(&done) {
                return refunds;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .unwrap_or_else(|_| panic!("the order's {count} refund(s) never got there"))
}

/// Wait until the fake has been asked `operation` `times` times.
pub async fn asked_times(fake: &FakePay, operation: &str, times: usize) -> Vec<Recorded> {
    let wait = async {
        loop {
            let seen = asked(fake, operation);
            if seen.len() >= times {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .unwrap_or_else(|_| panic!("the server never asked {operation} {times} time(s)"))
}

/// The merchant rejects a paid order.
pub async fn reject(server: &TestServer, order: &SubmittedOrder) {
    let response = server
        .post(
            &format!("/api/orders/{}/reject", order.order.order_id),
            &server.merchant,
            json!({"reason": "食材用完了"}),
        )
        .await;
    assert_eq!(response.status(), 200, "the merchant rejects a paid order");
}

/// Assert a refused request: its status, stable code and a Chinese message.
pub async fn refused(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status(), status, "expected {status} {code}");
    let body: ErrorBody = response.json().await.expect("errors are JSON {code, message}");
    assert_eq!(body.code, code);
    assert!(!body.message.is_ascii(), "in Chinese: {}", body.message);
}
