//! Stores: one server hosts any number of restaurants, each with its own menu, tables, devices
//! and streams. The operator creates them, each with an owner credential (`create`); customers
//! meet a store's settings (name, logo, announcement, business hours, 暂停接单), which its owner
//! changes (`settings`, `logo`).

pub mod create;
mod logo;
mod settings;
pub mod settings_rules;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use settings::order_refusal;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(settings::store))
        .routes(routes!(settings::update))
        .routes(routes!(logo::upload, logo::remove))
        .routes(routes!(create::http))
}
