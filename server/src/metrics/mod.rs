//! What the server counts, for Prometheus: one registry in [`AppState`](crate::state::AppState),
//! served as text at `GET /metrics`.
//!
//! Every number the push path touches is resolved once, here, into a handle (an `Arc` around
//! atomics): a connection or a publication adds to its counter without a lookup, a lock or an
//! allocation. Only the HTTP histograms and payment counters are found by label per request,
//! under a read lock, which costs nothing next to a request.

mod histogram;
pub mod http;
pub mod push;

use std::sync::atomic::AtomicU64;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use histogram::Seconds;
pub use push::{Kind, Transport, Watched};

use crate::push::bus::BusStatus;
use crate::state::AppState;

/// Labels known when the server is built.
type Static<const N: usize> = [(&'static str, &'static str); N];

/// Labels of an HTTP request: the route's pattern (`/api/orders/{order_id}`, never the raw
/// address, which would make a series per order), the method and the status class (`2xx`).
type Request = [(&'static str, String); 3];

pub struct Metrics {
    registry: Registry,
    streams: [[push::Handles; Kind::ALL.len()]; Transport::ALL.len()],
    lag: Seconds,
    /// Events handed to this instance's live fan-out, by feed.
    pub published: Published,
    pub cut_off: CutOff,
    replays: [Counter; Kind::ALL.len()],
    pub resyncs: Counter,
    payments: Family<Static<2>, Counter>,
    pub(super) requests: Family<Request, Seconds>,
    fanout: Fanout,
}

/// The Redis fan-out between instances, copied from [`Bus::status`] at each scrape.
struct Fanout {
    connected: Gauge,
    reconnects: Counter,
    outage: Counter<f64, AtomicU64>,
    dropped: Counter,
}

/// One counter per live feed, given to the feed when it is made.
pub struct Published {
    pub carts: Counter,
    pub menus: Counter,
    pub bills: Counter,
    pub journal: Counter,
}

/// Connections the server ended on its own, by why.
pub struct CutOff {
    /// Fell further behind than its queue holds (it resumes from its last id).
    pub lagged: Counter,
    /// Took nothing of what was written to it for the write timeout.
    pub slow: Counter,
    /// Its device credential was revoked.
    pub revoked: Counter,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("orderbell");
        let connections = Family::<Static<2>, Gauge>::default();
        let delivered = Family::<Static<2>, Counter>::default();
        let streams = Transport::ALL.map(|transport| {
            Kind::ALL.map(|kind| {
                let labels = [("transport", transport.label()), ("stream", kind.label())];
                push::Handles {
                    open: connections.get_or_create(&labels).clone(),
                    delivered: delivered.get_or_create(&labels).clone(),
                }
            })
        });
        registry.register(
            "connections",
            "Open live connections, by transport (sse, ws) and stream (cart, store, order)",
            connections,
        );
        registry.register(
            "events_delivered",
            "Events written to live connections (snapshots and replays included; heartbeats not)",
            delivered,
        );
        let lag = Seconds::default();
        registry.register(
            "delivery_lag_seconds",
            "From an event's publication to its write on a connection open when it was published",
            lag.clone(),
        );
        let published_family = Family::<Static<1>, Counter>::default();
        let feed = |name| published_family.get_or_create(&[("feed", name)]).clone();
        let published = Published {
            carts: feed("cart"),
            menus: feed("menu"),
            bills: feed("bill"),
            journal: feed("journal"),
        };
        registry.register(
            "events_published",
            "Events handed to this instance's live fan-out, by feed (journal: store and order streams)",
            published_family,
        );
        let cut_family = Family::<Static<1>, Counter>::default();
        let reason = |name| cut_family.get_or_create(&[("reason", name)]).clone();
        let cut_off = CutOff {
            lagged: reason("lagged"),
            slow: reason("slow"),
            revoked: reason("revoked"),
        };
        registry.register(
            "clients_cut_off",
            "Connections the server closed: lagged (queue overflowed), slow (stopped reading), revoked (credential revoked)",
            cut_family,
        );
        let replay_family = Family::<Static<1>, Counter>::default();
        let replays = Kind::ALL.map(|kind| replay_family.get_or_create(&[("stream", kind.label())]).clone());
        registry.register(
            "replays",
            "Connections that resumed with Last-Event-ID, by stream",
            replay_family,
        );
        let resyncs = Counter::default();
        registry.register(
            "resyncs",
            "Clients told to reload their snapshot: the events after their id were pruned",
            resyncs.clone(),
        );
        let payments = Family::default();
        registry.register(
            "payment_notifications",
            "Payment providers' notifications, by provider and outcome (applied, duplicate, refund_due, ignored, refund, or the refusal's code)",
            payments.clone(),
        );
        let requests = Family::default();
        registry.register(
            "http_request_duration_seconds",
            "HTTP requests until their response's head (a stream's first byte), by route pattern, method and status class",
            requests.clone(),
        );
        let fanout = Fanout {
            connected: Gauge::default(),
            reconnects: Counter::default(),
            outage: Counter::default(),
            dropped: Counter::default(),
        };
        registry.register(
            "redis_connected",
            "1 while subscribed to Redis (live copies from other instances arrive); 0 during an outage, or without --redis-url",
            fanout.connected.clone(),
        );
        registry.register(
            "redis_reconnects",
            "Times the Redis subscription came back after being lost",
            fanout.reconnects.clone(),
        );
        registry.register(
            "redis_outage_seconds",
            "Time spent without Redis: live delivery between instances was degraded (clients were fed from the database)",
            fanout.outage.clone(),
        );
        registry.register(
            "redis_dropped_notes",
            "Publications that could not be sent to Redis (the other instances caught up from the database instead)",
            fanout.dropped.clone(),
        );
        Metrics {
            registry,
            fanout,
            streams,
            lag,
            published,
            cut_off,
            replays,
            resyncs,
            payments,
            requests,
        }
    }

    /// A live connection of `transport` to a `kind` stream, counted open until it drops.
    pub fn watch(&self, transport: Transport, kind: Kind) -> Watched {
        Watched::new(&self.streams[transport as usize][kind as usize], &self.lag)
    }

    /// A client resumed a `kind` stream from its `Last-Event-ID`.
    pub fn replayed(&self, kind: Kind) {
        self.replays[kind as usize].inc();
    }

    pub fn payment_notification(&self, provider: &'static str, outcome: &'static str) {
        self.payments
            .get_or_create(&[("provider", provider), ("outcome", outcome)])
            .inc();
    }

    /// Bring the fan-out's figures up to `status`: its counters only rise.
    fn observe(&self, status: &BusStatus) {
        let fanout = &self.fanout;
        fanout.connected.set(i64::from(status.connected));
        fanout
            .reconnects
            .inc_by(status.reconnects.saturating_sub(fanout.reconnects.get()));
        fanout
            .outage
            .inc_by((status.outage_seconds - fanout.outage.get()).max(0.0));
        fanout
            .dropped
            .inc_by(status.dropped.saturating_sub(fanout.dropped.get()));
    }

    /// The exposition, in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scrape))
}

/// What Prometheus scrapes. It tells business volume (orders, payments), so a proxy in front
/// keeps it to the monitoring network (docs/DEPLOY.md).
#[utoipa::path(get, path = "/metrics", tag = "ops",
    summary = "Prometheus 指标（OpenMetrics 文本）：连接数、事件发布与送达、送达延迟、被断开的客户端、续传与 resync、支付回调、HTTP 请求耗时",
    responses((status = 200, content_type = "application/openmetrics-text", description = "指标")),
    security(())
)]
async fn scrape(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        {
            state.metrics.observe(&state.bus.status());
            state.metrics.render()
        },
    )
}
