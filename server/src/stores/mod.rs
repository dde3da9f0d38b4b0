//! Stores: what customers meet of one (its settings: name, announcement, business hours,
//! 暂停接单) and the owner's changes to it.

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
}
