//! The end-to-end harness: the real server on a port and database of its own, driven by the
//! client crates real clients use — `eventsource-client` (as the desktop app will) for SSE,
//! `tokio-tungstenite` for WebSocket, `reqwest` for HTTP.
//!
//! Waits are bounded (a hung server fails the test instead of hanging CI), but no test asserts
//! how fast anything is: timing lives in benchmarks.

mod clients;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use orderbell_server::{App, Config, TableLink};
use orderbell_shared::{CartDTO, DinerSession, NewDiner};
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
    dir: TempDir,
    stop: CancellationToken,
    task: JoinHandle<orderbell_server::Result<()>>,
}

impl TestServer {
    /// A fresh server with the demo store, a one-second heartbeat, on a port of its own.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary data dir");
        Self::start_in(dir, "127.0.0.1:0".parse().expect("address")).await
    }

    async fn start_in(dir: TempDir, addr: SocketAddr) -> Self {
        let listener = bind(addr).await;
        let addr = listener.local_addr().expect("bound address");
        let mut config = Config::new(dir.path());
        config.listen = addr;
        config.heartbeat_secs = 1;
        let app = App::open(&config).await.expect("server opens its database");
        let links = app.table_links().await.expect("table links");
        let stop = CancellationToken::new();
        let task = tokio::spawn(app.serve(listener, stop.clone().cancelled_owned()));
        TestServer {
            addr,
            links,
            http: reqwest::Client::new(),
            dir,
            stop,
            task,
        }
    }

    /// Stop the server gracefully (with clients still connected) and start it again on the same
    /// address and database, as after a deploy or a power cut.
    pub async fn restart(self) -> Self {
        let addr = self.addr;
        let dir = self.stop_gracefully().await;
        Self::start_in(dir, addr).await
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
