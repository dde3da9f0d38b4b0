//! Alerts heard, not just sent: devices report what they showed and sounded, the server escalates
//! what nobody heard in time (every device alarms, the customer is told), and the owner sees
//! every minute an alert went unheard.

mod escalate;
mod http;
pub mod rules;
mod settings;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use escalate::round;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::receipt))
        .routes(routes!(http::unheard))
        .routes(routes!(http::settings, http::set_settings))
}
