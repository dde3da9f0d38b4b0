//! Stores: one server hosts any number of restaurants, each with its own menu, tables, devices
//! and streams. The operator creates them; each starts with an owner credential.

pub mod create;

use axum::Router;
use axum::routing::post;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/stores", post(create::http))
}
