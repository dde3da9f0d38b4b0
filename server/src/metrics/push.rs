//! A live connection's share of the metrics: open while it lives, a count of what it wrote, and
//! how long each event took from its publication to the connection.

use std::time::Instant;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;

use super::Seconds;
use crate::push::Encoded;

#[derive(Clone, Copy, Debug)]
pub enum Transport {
    Sse = 0,
    Ws = 1,
}

impl Transport {
    pub const ALL: [Transport; 2] = [Transport::Sse, Transport::Ws];

    pub fn label(self) -> &'static str {
        match self {
            Transport::Sse => "sse",
            Transport::Ws => "ws",
        }
    }
}

/// Which stream a connection follows: a table's cart (with its menu and bill updates), a store's
/// durable stream, or an order's.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Cart = 0,
    Store = 1,
    Order = 2,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Cart, Kind::Store, Kind::Order];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Cart => "cart",
            Kind::Store => "store",
            Kind::Order => "order",
        }
    }
}

/// The handles of one (transport, stream) pair.
pub(super) struct Handles {
    pub open: Gauge,
    pub delivered: Counter,
}

/// Held by a connection's loop: counted open until dropped.
pub struct Watched {
    open: Gauge,
    delivered: Counter,
    lag: Seconds,
    since: Instant,
}

impl Watched {
    pub(super) fn new(handles: &Handles, lag: &Seconds) -> Self {
        handles.open.inc();
        Watched {
            open: handles.open.clone(),
            delivered: handles.delivered.clone(),
            lag: lag.clone(),
            since: Instant::now(),
        }
    }

    /// `event` has been written. Its lag counts only if it was published while this connection
    /// was open: an older one (the cart a new subscriber starts from) was not late, only old.
    pub fn sent(&self, event: &Encoded) {
        self.delivered.inc();
        if let Some(published) = event.published.filter(|at| *at >= self.since) {
            self.lag.observe(published.elapsed());
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.open.dec();
    }
}
