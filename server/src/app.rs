//! The application: its shared state, its one route table, and serving it until shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

use crate::auth::Keys;
use crate::carts::{self, CartEvent};
use crate::config::Config;
use crate::db::{Database, Sqlite};
use crate::demo::DEMO;
use crate::error::{Error, Result};
use crate::menu;
use crate::push::feed::Feed;
use crate::tables::{self, TableLink};

/// Requests are small JSON documents; anything larger is refused before it is read.
const MAX_BODY: usize = 16 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Database>,
    pub keys: Arc<Keys>,
    /// Live carts, one topic per table.
    pub carts: Arc<Feed<i64, CartEvent>>,
    pub heartbeat: Duration,
    /// Cancelled at shutdown, so that endless streams end and the server can stop.
    pub shutdown: CancellationToken,
    pub public_url: Arc<str>,
}

pub struct App {
    state: AppState,
}

impl App {
    /// Open the database (creating and migrating it on first run) and the demo store.
    pub async fn open(config: &Config) -> Result<App> {
        let db = Sqlite::open(&config.data_dir).await?;
        if !config.no_demo && db.seed_demo(&DEMO).await? {
            tracing::info!(store = DEMO.name, "created the demo store");
        }
        let secret = match &config.secret {
            Some(secret) => secret.0.clone(),
            None => db.setting_or_insert("link_secret", &random_secret).await?,
        };
        let state = AppState {
            db: Arc::new(db),
            keys: Arc::new(Keys::new(secret.as_bytes())),
            carts: Arc::new(Feed::new()),
            heartbeat: config.heartbeat(),
            shutdown: CancellationToken::new(),
            public_url: config.public_url().into(),
        };
        Ok(App { state })
    }

    pub fn router(&self) -> Router {
        Router::new()
            .merge(menu::router())
            .merge(carts::router())
            .merge(tables::router())
            .fallback(|| async {
                Error::BadRequest {
                    status: StatusCode::NOT_FOUND,
                    code: "route_not_found",
                    message: "没有这个接口 (no such route)".into(),
                }
            })
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .layer(TraceLayer::new_for_http())
            .with_state(self.state.clone())
    }

    /// Every table's signed link.
    pub async fn table_links(&self) -> Result<Vec<TableLink>> {
        tables::links(&self.state).await
    }

    /// Serve on `listener` until `shutdown` completes; then end every stream, let requests in
    /// flight finish, and close the database.
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let streams = self.state.shutdown.clone();
        axum::serve(listener, self.router())
            .with_graceful_shutdown(async move {
                shutdown.await;
                streams.cancel();
            })
            .await?;
        self.state.db.close().await;
        Ok(())
    }
}

fn random_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}
