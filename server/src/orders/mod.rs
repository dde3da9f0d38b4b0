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

use crate::app::AppState;
use crate::error::Error;
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

/// The number an order is known by, also its `out_trade_no` at payment providers.
pub fn order_no(order_id: i64) -> String {
    format!("OB{order_id:08}")
}

/// The order id in an order number; `None` for numbers we never issued.
pub fn parse_order_no(order_no: &str) -> Option<i64> {
    order_no
        .strip_prefix("OB")
        .filter(|d| d.len() >= 8)
        .and_then(|d| d.parse().ok())
}

pub fn not_found(order_id: i64) -> Error {
    Error::NotFound {
        code: "order_not_found",
        what: "订单",
        id: order_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_round_trip() {
        assert_eq!(order_no(12), "OB00000012");
        assert_eq!(parse_order_no("OB00000012"), Some(12));
        assert_eq!(parse_order_no("OB123456789"), Some(123_456_789));
        assert_eq!(parse_order_no("12"), None);
        assert_eq!(parse_order_no("OB12"), None);
    }
}
