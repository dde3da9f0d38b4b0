//! The shared cart of a table: changed over HTTP or WebSocket by any phone at the table, and
//! pushed to every phone watching it over SSE or WebSocket.

mod commit;
mod http;
pub mod rules;
mod sse;
mod view;
mod watch;
mod ws;

use orderbell_shared::CartDTO;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Result;
use crate::state::AppState;
pub use commit::CartWriter;
use rules::CartChange;
pub use view::cart_dto;
pub use watch::cart_event;
pub use ws::read_command;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::add))
        .routes(routes!(http::update))
        .routes(routes!(http::remove))
        .routes(routes!(http::clear))
        .routes(routes!(http::get_cart))
        .routes(routes!(sse::stream))
        .routes(routes!(ws::upgrade))
}

/// Apply a change and tell every subscriber of the table. The change joins the next group
/// commit ([`commit`]): it is on disk before it is answered or published, so nobody is shown a
/// cart that could still be lost; raising the version in the same write serialises changes to a
/// table, so none is lost; a change that breaks a rule writes nothing.
pub async fn apply_change(state: &AppState, table_id: i64, change: CartChange) -> Result<CartDTO> {
    state.cart_writer.apply(&state.db, &state.carts, table_id, change).await
}
