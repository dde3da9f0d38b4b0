//! The store's devices (the counter's app, the kitchen's board): the credential the owner issues
//! to each, who is online now, who was last seen when, and whether a customer's order will be
//! heard by anyone.

pub mod credentials;
mod http;
pub mod presence;
pub mod rules;

use axum::Router;
use axum::routing::{delete, get};

use crate::state::AppState;
pub use credentials::Credentials;
pub use http::{issue, issued, pairing_link};
pub use presence::{Attended, Presence};

/// Whether a store-stream connection is an alert device's (it says `?device=…`, as the desktop
/// app and the kitchen board do), which counts it online. Who the device is, its credential says.
pub fn announced(query: Option<&str>) -> bool {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes()).any(|(key, _)| key == "device")
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stores/{store_id}/devices", get(http::list).post(http::add))
        .route("/api/stores/{store_id}/devices/{device_id}", delete(http::revoke))
        .route("/api/credential", get(http::who_am_i))
        .route("/api/tables/{table_id}/presence", get(http::table_presence))
}
