//! One connection's view of a table's cart: the current cart first (unless the client already has
//! it), then every newer cart as it is published.

use std::sync::Arc;

use orderbell_shared::{CartDTO, MessageType, ServerMessage, sse};
use tokio::sync::broadcast::{self, error::RecvError};

use super::view::cart_dto;
use crate::clock::now_ms;
use crate::error::{Error, Result};
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
    seen: u64,
    first: Option<Arc<Encoded>>,
}

impl CartWatch {
    /// Subscribe to the table, then read its cart: subscribing first means no change can slip
    /// between the read and the first live event. The current cart comes first unless
    /// `last_seen` is its version already.
    pub async fn start(state: &AppState, table_id: i64, last_seen: Option<u64>) -> Result<Self> {
        let rx = state.carts.subscribe(table_id);
        let snapshot = state.db.cart(table_id).await?.ok_or(Error::NotFound {
            code: "table_not_found",
            what: "桌台",
            id: table_id,
        })?;
        let first = (last_seen != Some(snapshot.version)).then(|| Arc::new(cart_event(&cart_dto(&snapshot))));
        Ok(CartWatch {
            rx,
            seen: snapshot.version,
            first,
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
            match self.rx.recv().await {
                Ok(event) if event.seq > self.seen => {
                    self.seen = event.seq;
                    return Some(event);
                }
                Ok(_) => {}
                // Each event is a whole cart and the queue keeps the newest ones, so a
                // connection that fell behind catches up by reading on: nothing is lost.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
