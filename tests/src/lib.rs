//! The end-to-end harness: the real server on a port and database of its own, driven by the
//! client crates real clients use — `eventsource-client` (as the desktop app will) for SSE,
//! `tokio-tungstenite` for WebSocket, `reqwest` for HTTP.
//!
//! Waits are bounded (a hung server fails the test instead of hanging CI), but no test asserts
//! how fast anything is: timing lives in benchmarks.

mod clients;
pub mod providers;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use orderbell_server::auth::Role;
use orderbell_server::clock::ManualClock;
use orderbell_server::{App, Config, TableLink};
use orderbell_shared::{CartDTO, DinerSession, NewDiner, SubmitOrderRequest, SubmittedOrder};
use serde_json::json;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use clients::{Sse, Ws};

/// How long any single wait may take before the test is declared hung.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub struct TestServer {
    pub addr: SocketAddr,
    pub links: Vec<TableLink>,
    pub http: reqwest::Client,
    /// The server's clock: tests move it instead of sleeping.
    pub clock: Arc<ManualClock>,
    /// The demo store's merchant and kitchen credentials.
    pub merchant: String,
    pub kitchen: String,
    /// A genuine merchant credential of another store (2), which must open nothing of store 1.
    pub other_merchant: String,
    config: Config,
    dir: TempDir,
    stop: CancellationToken,
    task: JoinHandle<orderbell_server::Result<()>>,
}

impl TestServer {
    /// A fresh server with the demo store, a one-second heartbeat, on a port of its own.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A fresh server whose configuration `configure` may change first.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temporary data dir");
        let mut config = Config::new(dir.path());
        config.heartbeat_secs = 1;
        config.maintenance_millis = 100;
        configure(&mut config);
        config.listen = "127.0.0.1:0".parse().expect("address");
        Self::start_in(dir, config, Arc::new(ManualClock::new())).await
    }

    async fn start_in(dir: TempDir, mut config: Config, clock: Arc<ManualClock>) -> Self {
        // `ORDERBELL_TEST_LOG=debug cargo test …` shows what the server did.
        if let Ok(filter) = std::env::var("ORDERBELL_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let listener = bind(config.listen).await;
        config.listen = listener.local_addr().expect("bound address");
        let app = App::open_with_clock(&config, clock.clone())
            .await
            .expect("server opens its database");
        let links = app.table_links().await.expect("table links");
        let (merchant, kitchen) = (app.credential(1, Role::Merchant), app.credential(1, Role::Kitchen));
        let other_merchant = app.credential(2, Role::Merchant);
        let stop = CancellationToken::new();
        let task = tokio::spawn(app.serve(listener, stop.clone().cancelled_owned()));
        let http = reqwest::Client::new();
        TestServer {
            addr: config.listen,
            links,
            http,
            clock,
            merchant,
            kitchen,
            other_merchant,
            config,
            dir,
            stop,
            task,
        }
    }

    /// Stop the server gracefully (with clients still connected) and start it again on the same
    /// address and database, as after a deploy or a power cut.
    pub async fn restart(self) -> Self {
        let (config, clock) = (self.config.clone(), self.clock.clone());
        let dir = self.stop_gracefully().await;
        Self::start_in(dir, config, clock).await
    }

    /// Stop the server, run `while_down` while nothing answers on its address, then start it
    /// again on the same address and database: an outage of as long as `while_down` takes.
    pub async fn restart_after<T>(self, while_down: impl Future<Output = T>) -> (Self, T) {
        let (config, clock) = (self.config.clone(), self.clock.clone());
        let dir = self.stop_gracefully().await;
        let seen = while_down.await;
        (Self::start_in(dir, config, clock).await, seen)
    }

    /// Stop and wait until the server has let go of every connection and its database.
    pub async fn stop_gracefully(self) -> TempDir {
        self.stop.cancel();
        let served = tokio::time::timeout(PATIENCE, self.task).await;
        served
            .expect("server stops despite open streams")
            .expect("server task")
            .expect("server ran cleanly");
        self.dir
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

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
}

impl TestServer {
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

    /// The order as the server has it now.
    pub async fn fetch_order(&self, order: &SubmittedOrder) -> orderbell_shared::OrderDTO {
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

/// Bind, retrying briefly: right after a restart the old socket may still be closing.
async fn bind(addr: SocketAddr) -> TcpListener {
    let mut last = None;
    for _ in 0..50 {
        match TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot bind {addr}: {last:?}");
}
