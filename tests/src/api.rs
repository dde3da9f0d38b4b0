//! What a test talks to: a running server's address, its demo credentials, and the HTTP steps
//! a phone or the merchant takes. The in-process [`crate::TestServer`] and the real binary
//! ([`crate::ServerProcess`]) both offer it, so every test drives either the same way.

use std::net::SocketAddr;
use std::time::Duration;

use orderbell_server::TableLink;
use orderbell_shared::{
    CartDTO, DinerSession, ErrorBody, NewDiner, OrderDTO, OrderStatus, SubmitOrderRequest, SubmittedOrder,
};
use serde_json::json;

use crate::{PATIENCE, Sse};

/// Assert a refused request: its status, its stable code, and a message a person reads (Chinese).
pub async fn refused(response: reqwest::Response, status: u16, code: &str) -> ErrorBody {
    let got = response.status();
    let text = response.text().await.expect("the refusal's body");
    assert_eq!(got, status, "expected {status} {code}: {text}");
    let body: ErrorBody = serde_json::from_str(&text).expect("errors are JSON {code, message}");
    assert_eq!(body.code, code, "{text}");
    assert!(
        body.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "a person reads it, in Chinese: {}",
        body.message
    );
    body
}

pub struct Api {
    pub addr: SocketAddr,
    pub links: Vec<TableLink>,
    pub http: reqwest::Client,
    /// The demo store's device credentials: its owner (店主, who does everything a merchant
    /// does) and its kitchen (厨房).
    pub merchant: String,
    pub kitchen: String,
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.addr)
    }

    /// The signed table-link token of a demo table (what its QR code carries).
    pub fn table_token(&self, table_id: i64) -> &str {
        let link = self
            .links
            .iter()
            .find(|l| l.table_id == table_id)
            .expect("demo table exists");
        &link.token
    }

    /// Join a table as a new diner, the way a phone does after scanning the QR code.
    pub async fn join(&self, table_id: i64, phone: Option<&str>) -> DinerSession {
        let response = self
            .http
            .post(self.url(&format!("/api/tables/{table_id}/diners")))
            .bearer_auth(self.table_token(table_id))
            .json(&NewDiner {
                phone: phone.map(str::to_owned),
            })
            .send()
            .await
            .expect("join request");
        assert_eq!(response.status(), 200, "joining a table with its own link must work");
        response.json().await.expect("diner session")
    }

    pub async fn cart(&self, table_id: i64) -> CartDTO {
        let response = self
            .http
            .get(self.url(&format!("/api/store/order/cart/{table_id}")))
            .bearer_auth(self.table_token(table_id))
            .send()
            .await
            .expect("cart request");
        assert_eq!(response.status(), 200);
        response.json().await.expect("cart body")
    }

    /// `POST /api/store/order/cart/add` as this diner; the raw response, for tests of failures.
    pub async fn add(&self, token: &str, body: serde_json::Value) -> reqwest::Response {
        self.http
            .post(self.url("/api/store/order/cart/add"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("add request")
    }

    /// `DELETE /api/store/order/cart/clear?tableId=…` as this diner; the raw response.
    pub async fn clear(&self, token: &str, table_id: i64) -> reqwest::Response {
        self.http
            .delete(self.url(&format!("/api/store/order/cart/clear?tableId={table_id}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("clear request")
    }

    /// POST `body` as JSON with `token`; the raw response. The future owns its request, so
    /// callers may build arguments on the fly.
    pub fn post(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> impl Future<Output = reqwest::Response> + use<> {
        sent(self.http.post(self.url(path)).bearer_auth(token).json(&body))
    }

    /// GET `path` with `token`.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET reaches the server")
    }

    /// The owner switches the demo store to 先吃后付 (`pay_later`).
    pub async fn pay_later(&self) {
        let response = self
            .http
            .patch(self.url("/api/stores/1/settings"))
            .bearer_auth(&self.merchant)
            .json(&json!({"orderingMode": "pay_later"}))
            .send()
            .await
            .expect("settings request");
        assert_eq!(response.status(), 200, "the owner switches to 先吃后付");
    }

    /// POST with no body.
    pub fn post_empty(&self, path: &str, token: &str) -> impl Future<Output = reqwest::Response> + use<> {
        sent(self.http.post(self.url(path)).bearer_auth(token))
    }

    /// A diner at `table_id` puts `dishes` (id, quantity) in the cart and submits the order.
    pub async fn order(&self, table_id: i64, dishes: &[(i64, u32)]) -> SubmittedOrder {
        let diner = self.join(table_id, None).await;
        for (dish, quantity) in dishes {
            let body = json!({"tableId": table_id, "cuisineId": dish, "quantity": quantity});
            assert_eq!(self.add(&diner.token, body).await.status(), 200);
        }
        let key = format!("k{}", rand::random::<u64>());
        let request = SubmitOrderRequest {
            table_id,
            idempotency_key: key,
            cart_version: None,
        };
        let response = self
            .post(
                "/api/orders",
                &diner.token,
                serde_json::to_value(request).expect("json"),
            )
            .await;
        assert_eq!(response.status(), 201, "submitting a full cart makes an order");
        response.json().await.expect("submitted order")
    }

    /// Pay through the built-in simulator, which calls back like a provider.
    pub async fn pay(&self, order: &SubmittedOrder) {
        let response = self
            .post_empty(&format!("/api/orders/{}/pay", order.order.order_id), &order.token)
            .await;
        assert_eq!(response.status(), 202, "the simulator takes the payment");
    }

    /// Pay through the simulator and wait, bounded, until the payment has landed.
    pub async fn pay_landed(&self, order: &SubmittedOrder) {
        self.pay(order).await;
        let landed = async {
            while self.fetch_order(order).await.status != OrderStatus::Paid {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(PATIENCE, landed).await.expect("the payment lands");
    }

    /// An order of `dishes` at `table`, paid through the simulator (the payment has landed).
    pub async fn paid(&self, table_id: i64, dishes: &[(i64, u32)]) -> SubmittedOrder {
        let order = self.order(table_id, dishes).await;
        self.pay_landed(&order).await;
        order
    }

    /// Deliver a provider's signed notification to `/api/pay/notify/{provider}`, as the provider
    /// would: the server's raw answer.
    pub async fn notify(&self, provider: &str, signed: &crate::providers::Signed) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/pay/notify/{provider}")))
            .headers(signed.header_map())
            .body(signed.body.clone())
            .send()
            .await
            .expect("notification sent")
    }

    /// The order as the server has it now.
    pub async fn fetch_order(&self, order: &SubmittedOrder) -> OrderDTO {
        let path = format!("/api/orders/{}", order.order.order_id);
        let response = self
            .http
            .get(self.url(&path))
            .bearer_auth(&order.token)
            .send()
            .await
            .expect("GET order");
        assert_eq!(response.status(), 200);
        response.json().await.expect("order")
    }

    /// The order once it reaches `status` (the server's rounds and the providers' notifications
    /// run beside the test).
    pub async fn order_becomes(&self, order: &SubmittedOrder, status: OrderStatus) -> OrderDTO {
        let wait = async {
            loop {
                let now = self.fetch_order(order).await;
                if now.status == status {
                    return now;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .unwrap_or_else(|_| panic!("the order never became {status:?}"))
    }

    /// The merchant's store stream, from `last_event_id` (or from now), once it is connected:
    /// a stream that starts "from now" must be listening before the events it expects.
    pub async fn store_stream(&self, last_event_id: Option<u64>) -> Sse {
        Sse::connect(&self.url("/api/stores/1/events"), &self.merchant, last_event_id)
            .connected()
            .await
    }

    /// The customer's order stream.
    pub fn order_stream(&self, order: &SubmittedOrder) -> Sse {
        Sse::connect(
            &self.url(&format!("/api/orders/{}/events", order.order.order_id)),
            &order.token,
            None,
        )
    }
}

async fn sent(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.expect("request reaches the server")
}
