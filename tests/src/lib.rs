//! The end-to-end harness: the real server on a port and database of its own, driven by the
//! client crates real clients use — `eventsource-client` (as the desktop app will) for SSE,
//! `tokio-tungstenite` for WebSocket, `reqwest` for HTTP.
//!
//! Waits are bounded (a hung server fails the test instead of hanging CI), but no test asserts
//! how fast anything is: timing lives in benchmarks.

mod api;
mod clients;
pub mod cluster;
mod engine;
pub mod metrics;
pub mod money;
mod process;
pub mod providers;
pub mod qr;
pub mod services;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use orderbell_server::auth::Role;
use orderbell_server::clock::ManualClock;
use orderbell_server::payments::Gateway;
use orderbell_server::{App, Config};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use api::{Api, refused};
pub use clients::{Sse, Ws};
pub use engine::{Engine, engine, fresh_database, skip_on_postgres};
pub use process::{Resources, ServerProcess, binary};

/// The second store every test server has beside the demo store.
pub const OTHER_STORE: i64 = 2;

/// How long any single wait may take before the test is declared hung.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// The server in this test's process, on a real socket: its address, credentials and HTTP
/// steps are [`Api`]'s.
pub struct TestServer {
    api: Api,
    /// The server's clock: tests move it instead of sleeping.
    pub clock: Arc<ManualClock>,
    /// The owner's credential of another store (2, 隔壁小馆), which must open nothing of store 1.
    pub other_merchant: String,
    /// The operator's credential, which creates stores.
    pub operator: String,
    config: Config,
    /// A provider's double put in place of the real one (kept across restarts).
    gateway: Option<Arc<dyn Gateway>>,
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
        Self::start_fresh(configure, None).await
    }

    /// A fresh server whose provider `gateway.provider()` is `gateway`: a double that fails,
    /// stalls or refuses on cue.
    pub async fn start_with_gateway(configure: impl FnOnce(&mut Config), gateway: Arc<dyn Gateway>) -> Self {
        Self::start_fresh(configure, Some(gateway)).await
    }

    async fn start_fresh(configure: impl FnOnce(&mut Config), gateway: Option<Arc<dyn Gateway>>) -> Self {
        let dir = tempfile::tempdir().expect("temporary data dir");
        let mut config = Config::new(dir.path());
        // Kept in the configuration, so restarts find the same database.
        config.database_url = fresh_database().await.map(Into::into);
        config.heartbeat_secs = 1;
        config.maintenance_millis = 100;
        configure(&mut config);
        config.listen = "127.0.0.1:0".parse().expect("address");
        Self::start_in(dir, config, Arc::new(ManualClock::new()), gateway).await
    }

    async fn start_in(
        dir: TempDir,
        mut config: Config,
        clock: Arc<ManualClock>,
        gateway: Option<Arc<dyn Gateway>>,
    ) -> Self {
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
        let app = match &gateway {
            Some(gateway) => app.with_gateway(gateway.clone()).expect("the gateway goes in"),
            None => app,
        };
        let links = app.table_links().await.expect("table links");
        let credential = async |store, role| app.credential(store, role, None).await.expect("a device credential");
        let (merchant, kitchen) = (credential(1, Role::Owner).await, credential(1, Role::Kitchen).await);
        // A second store, made as the operator makes one (kept across restarts, as the data is).
        let other_merchant = match app.credential(OTHER_STORE, Role::Owner, None).await {
            Ok(owner) => owner,
            Err(_) => {
                let created = app.create_store("隔壁小馆").await.expect("a second store");
                assert_eq!(created.store_id, OTHER_STORE, "the demo store is 1, so the next is 2");
                created.owner.credential
            }
        };
        let operator = app.operator_credential().await.expect("the operator's credential");
        let stop = CancellationToken::new();
        let task = tokio::spawn(app.serve(listener, stop.clone().cancelled_owned()));
        let api = Api {
            addr: config.listen,
            links,
            http: reqwest::Client::new(),
            merchant,
            kitchen,
        };
        TestServer {
            api,
            clock,
            other_merchant,
            operator,
            config,
            gateway,
            dir,
            stop,
            task,
        }
    }

    /// Stop the server gracefully (with clients still connected) and start it again on the same
    /// address and database, as after a deploy or a power cut.
    pub async fn restart(self) -> Self {
        let (config, clock, gateway) = (self.config.clone(), self.clock.clone(), self.gateway.clone());
        let dir = self.stop_gracefully().await;
        Self::start_in(dir, config, clock, gateway).await
    }

    /// Stop the server, run `while_down` while nothing answers on its address, then start it
    /// again on the same address and database: an outage of as long as `while_down` takes.
    pub async fn restart_after<T>(self, while_down: impl Future<Output = T>) -> (Self, T) {
        let (config, clock, gateway) = (self.config.clone(), self.clock.clone(), self.gateway.clone());
        let dir = self.stop_gracefully().await;
        let seen = while_down.await;
        (Self::start_in(dir, config, clock, gateway).await, seen)
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

    /// The configuration of a command run beside this server on the same data (`orderbell store
    /// create`): its data dir, and its database on PostgreSQL.
    pub fn command_config(&self) -> Config {
        let mut config = Config::new(self.data_dir());
        config.database_url.clone_from(&self.config.database_url);
        config
    }

    /// The same as flags of the `orderbell` binary.
    pub fn data_flags(&self) -> Vec<String> {
        let mut flags = vec!["--data-dir".to_owned(), self.data_dir().display().to_string()];
        if let Some(url) = &self.config.database_url {
            flags.extend(["--database-url".to_owned(), url.as_str().to_owned()]);
        }
        flags
    }
}

impl std::ops::Deref for TestServer {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// Bind, retrying briefly: right after a restart the old socket may still be closing.
async fn bind(addr: SocketAddr) -> TcpListener {
    let mut last = None;
    for _ in 0..50 {
        match orderbell_server::net::bind(addr) {
            Ok(listener) => return listener,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot bind {addr}: {last:?}");
}
