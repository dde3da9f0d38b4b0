//! The shared cart of a table: changed over HTTP or WebSocket by any phone at the table, and
//! pushed to every phone watching it over SSE or WebSocket.

mod http;
pub mod rules;
mod sse;
mod view;
mod watch;
mod ws;

use axum::Router;
use axum::routing::{delete, get, post, put};
use orderbell_shared::CartDTO;

use crate::app::AppState;
use crate::error::Result;
use rules::CartChange;
pub use view::cart_dto;
pub use watch::cart_event;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/store/order/cart/add", post(http::add))
        .route("/api/store/order/cart/update", put(http::update))
        .route("/api/store/order/cart/remove", delete(http::remove))
        .route("/api/store/order/cart/clear", delete(http::clear))
        .route("/api/store/order/cart/{table_id}", get(http::get_cart))
        .route("/api/store/order/sse/{table_id}", get(sse::stream))
        .route("/ws/cart/{table_id}", get(ws::upgrade))
}

/// Apply a change, then tell every subscriber of the table. Publishing happens only after the
/// change has committed, so nobody is shown a cart that could still roll back.
pub async fn apply_change(state: &AppState, table_id: i64, change: CartChange) -> Result<CartDTO> {
    let snapshot = state.db.change_cart(table_id, &change).await?;
    let cart = cart_dto(&snapshot);
    state.carts.publish(table_id, cart_event(&cart));
    Ok(cart)
}
