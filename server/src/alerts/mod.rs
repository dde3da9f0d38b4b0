//! Alerts heard, not just sent: devices report what they showed and sounded, the server escalates
//! what nobody heard in time (every device alarms, the customer is told), and the owner sees
//! every minute an alert went unheard.

mod escalate;
mod http;
pub mod rules;
mod settings;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;
pub use escalate::round;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stores/{store_id}/receipts", post(http::receipt))
        .route("/api/stores/{store_id}/unheard", get(http::unheard))
        .route(
            "/api/stores/{store_id}/alert-settings",
            get(http::settings).put(http::set_settings),
        )
}
