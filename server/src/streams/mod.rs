//! The durable streams: the merchant's store stream (SSE and WebSocket) and the customer's
//! order stream (SSE). Both resume with `Last-Event-ID` and miss nothing.

mod cursor;
mod sse;
mod ws;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stores/{store_id}/events", get(sse::store_events))
        .route("/api/orders/{order_id}/events", get(sse::order_events))
        .route("/ws/stores/{store_id}", get(ws::upgrade))
}
