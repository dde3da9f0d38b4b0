//! One connection's view of a table's cart: the current cart first (unless the client already has
//! it), then every newer cart as it is published.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ws::Utf8Bytes;
use orderbell_shared::{CartDTO, MessageType, ServerMessage, sse};
use tokio::sync::broadcast::{self, error::RecvError};

use super::view::cart_dto;
use crate::app::AppState;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::push::feed::Versioned;
use crate::push::sse::frame;

/// A cart change, encoded once for SSE and once for WebSocket, shared by every subscriber.
pub struct CartEvent {
    pub version: u64,
    pub sse: Bytes,
    pub ws: Utf8Bytes,
}

impl CartEvent {
    pub fn new(cart: &CartDTO) -> Self {
        let message = ServerMessage::new(MessageType::CartUpdate, Some(cart.clone()), now_ms());
        CartEvent {
            version: cart.version,
            sse: frame(Some(cart.version), sse::CART_UPDATE, &json(cart)),
            ws: Utf8Bytes::from(json(&message)),
        }
    }
}

impl Versioned for CartEvent {
    fn version(&self) -> u64 {
        self.version
    }
}

/// Our own types always serialize; an empty object would be a visible bug, not a crash.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

pub struct CartWatch {
    rx: broadcast::Receiver<Arc<CartEvent>>,
    seen: u64,
}

impl CartWatch {
    /// Subscribe to the table, then read its cart: subscribing first means no change can slip
    /// between the read and the first live event. Returns the current cart as the first event
    /// unless `last_seen` is its version already.
    pub async fn start(state: &AppState, table_id: i64, last_seen: Option<u64>) -> Result<(Self, Option<CartEvent>)> {
        let rx = state.carts.subscribe(table_id);
        let snapshot = state.db.cart(table_id).await?.ok_or(Error::NotFound {
            code: "table_not_found",
            what: "桌台",
            id: table_id,
        })?;
        let first = (last_seen != Some(snapshot.version)).then(|| CartEvent::new(&cart_dto(&snapshot)));
        Ok((
            CartWatch {
                rx,
                seen: snapshot.version,
            },
            first,
        ))
    }

    /// The next cart newer than any sent on this connection; `None` once the feed is gone.
    /// Cancel-safe, so it can sit in a `select!` beside heartbeats.
    pub async fn next(&mut self) -> Option<Arc<CartEvent>> {
        loop {
            match self.rx.recv().await {
                Ok(event) if event.version > self.seen => {
                    self.seen = event.version;
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
