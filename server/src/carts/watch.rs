//! One connection's view of a table's cart: the current cart first (unless the client already has
//! it), then every newer cart as it is published, and beside them every `menu_update` of the
//! table's store and every `bill_update` of the table's bill.

use std::sync::Arc;

use orderbell_shared::{CartDTO, MessageType, ServerMessage, sse};
use tokio::sync::broadcast::{self, error::RecvError};

use super::view::cart_dto;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::metrics::Kind;
use crate::push::{Encoded, Subscription};
use crate::state::AppState;

/// A cart as it goes out: the CartDTO for SSE, the seed's `cart_update` envelope for WebSocket.
pub fn cart_event(cart: &CartDTO) -> Encoded {
    let message = ServerMessage::new(MessageType::CartUpdate, Some(cart.clone()), now_ms());
    Encoded::new(cart.version, sse::CART_UPDATE, &json(cart), json(&message))
}

/// Our own types always serialize; an empty object would be a visible bug, not a crash.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

pub struct CartWatch {
    rx: broadcast::Receiver<Arc<Encoded>>,
    menu: broadcast::Receiver<Arc<Encoded>>,
    bill: broadcast::Receiver<Arc<Encoded>>,
    seen: u64,
    first: Option<Arc<Encoded>>,
}

impl CartWatch {
    /// Subscribe to the table, then take its cart: subscribing first means no change can slip
    /// between the cart taken and the first live event. A table someone already watches gives
    /// its newest published cart without a database read; otherwise the cart is read, and kept
    /// for the next subscriber. The current cart comes first unless `last_seen` is its version
    /// already.
    pub async fn start(state: &AppState, table_id: i64, last_seen: Option<u64>) -> Result<Self> {
        if last_seen.is_some() {
            state.metrics.replayed(Kind::Cart);
        }
        let (rx, latest) = state.carts.subscribe_latest(table_id);
        let bill = state.bills.feed.subscribe(table_id);
        let (cart, store_id) = match latest {
            Some(latest) => latest,
            None => {
                let snapshot = state.db.cart(table_id).await?.ok_or(Error::table_not_found(table_id))?;
                let cart = Arc::new(cart_event(&cart_dto(&snapshot)));
                state.carts.remember(&table_id, cart.clone(), snapshot.table.store_id);
                (cart, snapshot.table.store_id)
            }
        };
        // A menu change between the client's menu read and this subscription is not replayed:
        // the client reads the menu once its stream is open (and again on every reconnect).
        let menu = state.menus.subscribe(store_id);
        let seen = cart.seq;
        Ok(CartWatch {
            rx,
            menu,
            bill,
            seen,
            first: (last_seen != Some(seen)).then_some(cart),
        })
    }
}

impl Subscription for CartWatch {
    /// The next cart newer than any sent on this connection; `None` once the feed is gone.
    async fn next(&mut self) -> Option<Arc<Encoded>> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        loop {
            tokio::select! {
                cart = self.rx.recv() => match cart {
                    Ok(event) if event.seq > self.seen => {
                        self.seen = event.seq;
                        return Some(event);
                    }
                    Ok(_) => {}
                    // Each event is a whole cart and the queue keeps the newest ones, so a
                    // connection that fell behind catches up by reading on: nothing is lost.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                },
                // The feed passes on only newer menu versions; each says "read the menu again",
                // so one that lagged is as good as the ones it skipped.
                menu = self.menu.recv() => match menu {
                    Ok(event) => return Some(event),
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                },
                // Each is the whole bill, newer than the last (the feed sees to that).
                bill = self.bill.recv() => match bill {
                    Ok(event) => return Some(event),
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }
}
