//! The application: its one route table, and serving it until shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use orderbell_shared::access::CreatedStore;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::{Keys, Role};
use crate::bills::BillFeed;
use crate::carts;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::{Database, Holder, Postgres, Sqlite};
use crate::demo::DEMO;
use crate::devices::{Credentials, rules::default_name};
use crate::error::{Error, MAX_BODY, Result};
use crate::maintenance::{self, Schedule};
use crate::media::{self, Media};
use crate::metrics::Metrics;
use crate::payments::{self, Gateway};
use crate::push::bus::{self, Bus, Topic};
use crate::push::feed::Feed;
use crate::state::AppState;
use crate::tables::{self, QrFile, TableLink};
use crate::{
    alerts, bills, charges, devices, health, logs, menu, metrics, net, openapi, orders, printers, refunds, reminders,
    reports, stores, streams, web,
};

pub struct App {
    state: AppState,
    schedule: Schedule,
    write_timeout: Duration,
}

impl App {
    /// Open the database (creating and migrating it on first run) and the demo store.
    pub async fn open(config: &Config) -> Result<App> {
        Self::open_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`App::open`], with time from `clock` (tests move it by hand).
    pub async fn open_with_clock(config: &Config, clock: Arc<dyn Clock>) -> Result<App> {
        let db: Arc<dyn Database> = match &config.database_url {
            Some(url) => Arc::new(Postgres::open(url.as_str()).await?),
            None => Arc::new(Sqlite::open(&config.data_dir).await?),
        };
        if !config.no_demo && db.seed_demo(&DEMO).await? {
            tracing::info!(store = DEMO.name, "created the demo store");
        }
        let secret = match &config.secret {
            Some(secret) => secret.0.clone(),
            None => db.setting_or_insert("link_secret", &random_secret).await?,
        };
        let payments = payments::load(&config.payments, &*db, &config.self_url(), &config.public_url()).await?;
        let credentials = Credentials::new(db.credentials().await?);
        let bus = Arc::new(match &config.redis_url {
            Some(url) => Bus::connect(url.as_str())?,
            None => Bus::default(),
        });
        let metrics = Metrics::new();
        let published = &metrics.published;
        let state = AppState {
            db,
            keys: Arc::new(Keys::new(secret.as_bytes())),
            clock,
            carts: Arc::new(Feed::relayed(
                &bus,
                |table_id| Topic::Cart(*table_id),
                published.carts.clone(),
            )),
            links: Arc::default(),
            cart_writer: Arc::default(),
            menus: Arc::new(Feed::relayed(
                &bus,
                |store_id| Topic::Menu(*store_id),
                published.menus.clone(),
            )),
            media: Arc::new(Media::new(&config.data_dir)),
            bills: Arc::new(BillFeed::relayed(&bus, published.bills.clone())),
            journal: Arc::new(Feed::relayed(
                &bus,
                |stream| Topic::Journal(*stream),
                published.journal.clone(),
            )),
            payments: Arc::new(payments),
            presence: Arc::default(),
            credentials: Arc::new(credentials),
            bus,
            heartbeat: config.heartbeat(),
            reminder_interval: Duration::from_secs(config.reminder_interval_secs),
            unpaid_timeout: Duration::from_secs(config.unpaid_timeout_secs),
            shutdown: CancellationToken::new(),
            public_url: config.public_url().into(),
            metrics: Arc::new(metrics),
        };
        let schedule = Schedule {
            every: Duration::from_millis(config.maintenance_millis.max(10)),
            retention: config.event_retention.max(1),
        };
        Ok(App {
            state,
            schedule,
            write_timeout: config.write_timeout(),
        })
    }

    pub fn router(&self) -> Router {
        let (routes, doc) = OpenApiRouter::with_openapi(openapi::base())
            .merge(menu::router())
            .merge(media::router())
            .merge(carts::router())
            .merge(tables::router())
            .merge(orders::router())
            .merge(bills::router())
            .merge(charges::router())
            .merge(payments::router())
            .merge(refunds::router())
            .merge(reminders::router())
            .merge(streams::router())
            .merge(devices::router())
            .merge(stores::router())
            .merge(reports::router())
            .merge(alerts::router())
            .merge(printers::router())
            .merge(web::router())
            .merge(metrics::router())
            .merge(health::router())
            .split_for_parts();
        routes
            .merge(openapi::serve(doc, &self.state.public_url))
            .fallback(|| async {
                Error::BadRequest {
                    status: StatusCode::NOT_FOUND,
                    code: "route_not_found",
                    message: "没有这个接口：请检查地址".into(),
                }
            })
            .method_not_allowed_fallback(|| async {
                Error::BadRequest {
                    status: StatusCode::METHOD_NOT_ALLOWED,
                    code: "method_not_allowed",
                    message: "这个地址不支持这种请求方法".into(),
                }
            })
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .layer(middleware::from_fn_with_state(self.state.clone(), metrics::http::track))
            .layer(TraceLayer::new_for_http().make_span_with(logs::span))
            // Outermost: the id is there for the span, and on every response.
            .layer(middleware::from_fn(logs::request_id))
            .with_state(self.state.clone())
    }

    /// Put `gateway` in place of its provider's: for tests, a provider that fails, stalls or
    /// refuses on cue, behind the real server.
    /// Only before serving, while nothing else holds the payments.
    pub fn with_gateway(mut self, gateway: Arc<dyn Gateway>) -> Result<App> {
        let payments = Arc::get_mut(&mut self.state.payments)
            .ok_or_else(|| Error::Config("a gateway is replaced before the server serves".into()))?;
        payments.gateways.replace(gateway);
        Ok(self)
    }

    /// The bus to the other instances: whether it is connected, and its counters (for
    /// `/readyz` and `/metrics`, and for tests of an outage).
    pub fn bus(&self) -> Arc<Bus> {
        self.state.bus.clone()
    }

    /// The state the handlers share, for tests of the parts below the router.
    #[cfg(test)]
    pub(crate) fn state(&self) -> &AppState {
        &self.state
    }

    /// Every table's signed link.
    pub async fn table_links(&self) -> Result<Vec<TableLink>> {
        tables::links(&self.state).await
    }

    /// What `orderbell qr` writes for a store: its QR sheet, and each table's PNG and SVG.
    pub async fn qr_files(&self, store_id: i64) -> Result<Vec<QrFile>> {
        tables::qr_files(&self.state, store_id).await
    }

    /// The credential of the store's device of `role` named `name` (by default the role's
    /// name: 店主, 前台, 厨房), issued on first use and the same token after.
    pub async fn credential(&self, store_id: i64, role: Role, name: Option<&str>) -> Result<String> {
        if self.state.db.store(store_id).await?.is_none() {
            return Err(Error::NotFound {
                code: "store_not_found",
                what: "门店",
                id: store_id,
            });
        }
        let holder = Holder::Store { store_id, role };
        self.issue(holder, name.unwrap_or(default_name(role))).await
    }

    /// The operator's credential, which creates stores (`POST /api/stores`).
    pub async fn operator_credential(&self) -> Result<String> {
        self.issue(Holder::Operator, "运营").await
    }

    async fn issue(&self, holder: Holder, name: &str) -> Result<String> {
        match devices::issue(&self.state, holder, name).await? {
            Ok(row) => Ok(self.state.keys.sign_credential(row.id)),
            Err(taken) => Err(Error::Conflict {
                code: "device_name_taken",
                message: format!("「{}」已是这家门店另一个角色的设备：请换一个名称（--name）", taken.name),
                current: None,
            }),
        }
    }

    /// Where the desktop app pairs with `credential`.
    pub fn pairing_link(&self, credential: &str) -> String {
        devices::pairing_link(&self.state, credential)
    }

    /// Create a store and its owner's credential.
    pub async fn create_store(&self, name: &str) -> Result<CreatedStore> {
        stores::create::create(&self.state, name).await
    }

    /// Serve on `listener` until `shutdown` completes; then end every stream, let requests in
    /// flight finish, and close the database.
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let streams = self.state.shutdown.clone();
        let router = self.router();
        let housekeeping = tokio::spawn(maintenance::run(self.state.clone(), self.schedule));
        // The bus hands what other instances say to this one's state (`peers`).
        let fanout = tokio::spawn(bus::run(
            self.state.bus.clone(),
            self.state.shutdown.clone(),
            self.state.clone(),
        ));
        // The peer's address: a provider wants the payer's IP (`wechat_h5`).
        let router = router.into_make_service_with_connect_info::<net::Peer>();
        let stalled = self.state.metrics.cut_off.slow.clone();
        let served = axum::serve(net::Listener::new(listener, self.write_timeout, stalled), router)
            .with_graceful_shutdown(async move {
                shutdown.await;
                streams.cancel();
            })
            .await;
        // Also when serving failed: stop the housekeeping before the database closes under it.
        self.state.shutdown.cancel();
        let _ = housekeeping.await;
        let _ = fanout.await;
        self.state.db.close().await;
        served.map_err(Error::from)
    }
}

fn random_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}
