//! Orders: submitted from a table's cart, paid through a provider, then moved along by the
//! merchant and kitchen. Every change is a compare-and-set on the order's status that writes its
//! events in the same transaction.

mod http;
mod payment;
pub mod rules;
mod submit;
mod transition;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;
pub use payment::{PaymentOutcome, apply_payment};
pub use transition::{conflict as transition_conflict, transition};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/orders", post(submit::submit))
        .route("/api/orders/{order_id}", get(http::get_order))
        .route("/api/orders/{order_id}/accept", post(http::accept))
        .route("/api/orders/{order_id}/reject", post(http::reject))
        .route("/api/orders/{order_id}/ready", post(http::ready))
        .route("/api/orders/{order_id}/recall", post(http::recall))
        .route("/api/orders/{order_id}/complete", post(http::complete))
        .route("/api/orders/{order_id}/cancel", post(http::cancel))
        .route("/api/stores/{store_id}/orders", get(http::snapshot))
}
