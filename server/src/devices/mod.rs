//! The store's devices (the counter's app, the kitchen's board): the credential the owner issues
//! to each, who is online now, who was last seen when, and whether a customer's order will be
//! heard by anyone.

pub mod credentials;
mod http;
pub mod presence;
pub mod rules;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use credentials::Credentials;
pub use http::{issue, issued, pairing_link};
pub use presence::{Attended, Presence};

/// Whether a store-stream connection is an alert device's (it says `?device=…`, as the desktop
/// app and the kitchen board do), which counts it online. Who the device is, its credential says.
pub fn announced(query: Option<&str>) -> bool {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes()).any(|(key, _)| key == "device")
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::list, http::add))
        .routes(routes!(http::revoke))
        .routes(routes!(http::who_am_i))
        .routes(routes!(http::table_presence))
}
