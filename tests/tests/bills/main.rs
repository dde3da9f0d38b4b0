//! Dine-in bills over the real server: 先吃后付 rounds on one table bill that every phone at the
//! table follows, settling at the counter and online, the races between them, and 换桌 / 并台.

mod flow;
mod heard;
mod pay_first;
mod races;
mod settle;
mod transfer;

use orderbell_shared::bills::BillDTO;
use orderbell_shared::{DinerSession, ErrorBody, SubmitOrderRequest, SubmittedOrder};
use orderbell_tests::{Sse, TestServer};
use serde_json::{Value, json};

/// 宫保鸡丁 38.00, 鱼香肉丝 32.00, 麻婆豆腐 22.00 in the demo menu.
pub const KUNG_PAO: i64 = 1001;
pub const YU_XIANG: i64 = 1002;
pub const MAPO: i64 = 1003;

pub async fn add(server: &TestServer, diner: &DinerSession, dish: i64, quantity: u32) {
    let body = json!({"tableId": diner.table_id, "cuisineId": dish, "quantity": quantity});
    assert_eq!(
        server.add(&diner.token, body).await.status(),
        200,
        "the diner adds a dish"
    );
}

/// Submit the table's cart as `diner`; the raw response.
pub async fn submit(server: &TestServer, diner: &DinerSession) -> reqwest::Response {
    let request = SubmitOrderRequest {
        table_id: diner.table_id,
        idempotency_key: format!("k{}", rand::random::<u64>()),
        cart_version: None,
    };
    server
        .post(
            "/api/orders",
            &diner.token,
            serde_json::to_value(request).expect("json"),
        )
        .await
}

/// `diner` adds `dishes` and submits them: a round of the table's bill.
pub async fn round(server: &TestServer, diner: &DinerSession, dishes: &[(i64, u32)]) -> SubmittedOrder {
    for (dish, quantity) in dishes {
        add(server, diner, *dish, *quantity).await;
    }
    let response = submit(server, diner).await;
    assert_eq!(response.status(), 201, "submitting a full cart makes a round");
    response.json().await.expect("submitted order")
}

pub async fn table_bill(server: &TestServer, table_id: i64, token: &str) -> BillDTO {
    let response = server.get(&format!("/api/tables/{table_id}/bill"), token).await;
    assert_eq!(response.status(), 200, "the table has an open bill");
    response.json().await.expect("a bill")
}

/// POST a bill action (`settle`, `close`, `move`, `merge`) as the merchant.
pub async fn act(server: &TestServer, bill_id: i64, action: &str, body: Value) -> reqwest::Response {
    server
        .post(&format!("/api/bills/{bill_id}/{action}"), &server.merchant, body)
        .await
}

/// A response's status and error code, for refusals.
pub async fn refusal(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: ErrorBody = response.json().await.expect("an error body");
    assert!(!body.message.is_empty(), "a refusal says what to do");
    (status, body.code)
}

/// The table's SSE stream as `token` sees it, once connected.
pub async fn table_stream(server: &TestServer, table_id: i64, token: &str) -> Sse {
    Sse::connect(&server.url(&format!("/api/store/order/sse/{table_id}")), token, None)
        .connected()
        .await
}

/// The next `bill_update` on a table's SSE stream; carts and heartbeats pass by.
pub async fn next_bill(stream: &mut Sse) -> BillDTO {
    loop {
        let event = stream.next_event().await;
        if event.event_type == orderbell_shared::sse::BILL_UPDATE {
            return serde_json::from_str(&event.data).expect("bill_update carries a BillDTO");
        }
    }
}

/// Read `bill_update`s until one satisfies `done`.
pub async fn bill_until(stream: &mut Sse, done: impl Fn(&BillDTO) -> bool) -> BillDTO {
    loop {
        let bill = next_bill(stream).await;
        if done(&bill) {
            return bill;
        }
    }
}
