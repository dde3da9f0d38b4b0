//! What every handler shares. Kept apart from the router (`app.rs`), which imports every module:
//! a module that needs the state imports this file and nothing above it.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::auth::Keys;
use crate::bills::BillFeed;
use crate::carts::CartWriter;
use crate::clock::Clock;
use crate::db::Database;
use crate::devices::{Credentials, Presence};
use crate::domain::journal::Stream;
use crate::media::Media;
use crate::metrics::Metrics;
use crate::payments::Payments;
use crate::push::bus::Bus;
use crate::push::feed::Feed;
use crate::tables::links::Links;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Database>,
    pub keys: Arc<Keys>,
    /// Each table's current link generation, so that a table link is checked without a read.
    pub links: Arc<Links>,
    pub clock: Arc<dyn Clock>,
    /// Live carts, one topic per table, each keeping its newest cart and the table's store.
    pub carts: Arc<Feed<i64, i64>>,
    /// The group commit of cart changes (`carts::commit`).
    pub cart_writer: Arc<CartWriter>,
    /// Live menu changes (`menu_update`), one topic per store.
    pub menus: Arc<Feed<i64>>,
    /// The photos the server keeps (dish photos).
    pub media: Arc<Media>,
    /// Live `bill_update`s, one topic per table.
    pub bills: Arc<BillFeed>,
    /// Live durable events, one topic per stream.
    pub journal: Arc<Feed<Stream>>,
    pub payments: Arc<Payments>,
    /// Which devices of each store are connected now.
    pub presence: Arc<Presence>,
    /// Every device credential and whether it is revoked, checked on each request.
    pub credentials: Arc<Credentials>,
    /// The other instances (`--redis-url`): the feeds relay their publications through it, and
    /// what must not go stale in memory (links, credentials, presence) is told through it.
    pub bus: Arc<Bus>,
    pub heartbeat: Duration,
    pub reminder_interval: Duration,
    /// How long an order may wait for its payment before it is cancelled.
    pub unpaid_timeout: Duration,
    /// Cancelled at shutdown, so that endless streams end and the server can stop.
    pub shutdown: CancellationToken,
    pub public_url: Arc<str>,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
}
