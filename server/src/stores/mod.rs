//! Stores: what customers meet of one (its settings: name, announcement, business hours,
//! 暂停接单) and the owner's changes to it.

mod settings;
pub mod settings_rules;

use axum::Router;
use axum::routing::{get, patch};

use crate::state::AppState;
pub use settings::order_refusal;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stores/{store_id}", get(settings::store))
        .route("/api/stores/{store_id}/settings", patch(settings::update))
}
