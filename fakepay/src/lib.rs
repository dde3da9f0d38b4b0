//! Stand-ins for WeChat Pay API v3 and Alipay OpenAPI on one loopback HTTP server, at the real
//! paths, written from the providers' documentation and never from Orderbell's own code: a fake
//! sharing the server's signing code would pass with both equally wrong.
//!
//! It checks every request's signature and refuses a wrong one as the provider documents, signs
//! its answers, keeps trades in memory, plays the payer (QR scan, H5 and wap cashier pages, the
//! JSAPI call), sends signed notifications, and can be told to misbehave ([`Faults`]).

mod alipay;
mod deliver;
mod faults;
mod keys;
mod page;
mod payer;
mod record;
pub mod signers;
mod wechat;

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Faults, NotifyMode};
pub use keys::{AlipayAccount, Keys, WechatAccount};
pub use payer::PayError;
pub use record::Recorded;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Wechat,
    Alipay,
}

/// What the running fake holds: the keys, the providers' books, the faults, the request log.
pub(crate) struct Fake {
    pub keys: Keys,
    /// `http://host:port`, for the pages it links to.
    pub base: String,
    pub wechat: Mutex<wechat::Book>,
    pub alipay: Mutex<alipay::Book>,
    pub faults: faults::Control,
    pub log: record::Log,
    pub http: reqwest::Client,
}

/// The providers' routes, at their real paths, and the fake's own under `/_fake/`.
fn router(fake: Arc<Fake>) -> Router {
    Router::new()
        .merge(wechat::routes())
        .merge(alipay::routes())
        .route("/", get(payer::index))
        .route("/_fake/pay", post(payer::pay))
        .route("/_fake/faults", get(faults::show).post(faults::change))
        .route("/_fake/requests", get(record::list))
        .with_state(fake)
}

/// Now, in Beijing time, as the providers write times.
pub(crate) fn now() -> DateTime<FixedOffset> {
    let beijing = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now().with_timezone(&beijing)
}

/// A running fake: both providers on one address.
pub struct FakePay {
    fake: Arc<Fake>,
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl FakePay {
    /// On a free loopback port, with the keys in `keys_dir` (made there first if it has none) or
    /// in a temporary directory. For tests: panics if it cannot start.
    pub async fn start(keys_dir: Option<&Path>) -> FakePay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        Self::serve(listener, keys_dir).await.expect("the fake starts")
    }

    /// On `listener`, with the keys in `keys_dir` or in a temporary directory.
    pub async fn serve(listener: TcpListener, keys_dir: Option<&Path>) -> io::Result<FakePay> {
        let temp = match keys_dir {
            Some(_) => None,
            None => Some(tempfile::tempdir()?),
        };
        let dir = keys_dir.or(temp.as_ref().map(|t| t.path())).unwrap_or(Path::new("."));
        let keys = Keys::load_or_create(dir)?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        keys.write_env(&base)?;
        let fake = Arc::new(Fake {
            keys,
            base,
            wechat: Mutex::default(),
            alipay: Mutex::default(),
            faults: faults::Control::default(),
            log: record::Log::default(),
            http: reqwest::Client::new(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(fake.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(FakePay {
            fake,
            addr,
            stop,
            task,
            _temp: temp,
        })
    }

    /// `http://127.0.0.1:port`: the base of both providers' APIs and of WeChat's OAuth.
    pub fn url(&self) -> String {
        self.fake.base.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The keys and account numbers (the files are under `keys().dir`).
    pub fn keys(&self) -> &Keys {
        &self.fake.keys
    }

    /// The `ORDERBELL_*` settings that point a server at this fake (also in `DIR/orderbell.env`).
    pub fn env(&self) -> Vec<(String, String)> {
        self.fake.keys.env(&self.fake.base)
    }

    /// Pays the open trade `trade_no` (our `out_trade_no`) as the customer's phone would.
    pub fn pay(&self, provider: Provider, trade_no: &str) -> Result<(), PayError> {
        payer::pay_trade(&self.fake, provider, trade_no)
    }

    /// Changes the faults in force; returns them.
    pub fn faults(&self, change: impl FnOnce(&mut Faults)) -> Faults {
        self.fake.faults.change(change)
    }

    /// Every API request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.fake.log.all()
    }

    /// Stops serving and waits until it has.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
