//! The durable streams: the merchant's store stream (SSE and WebSocket) and the customer's
//! order stream (SSE). Both resume with `Last-Event-ID` and miss nothing.

mod cursor;
mod sse;
mod ws;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sse::store_events))
        .routes(routes!(sse::order_events))
        .routes(routes!(ws::upgrade))
}
