//! The shared cart of a table: changed over HTTP or WebSocket by any phone at the table, and
//! pushed to every phone watching it over SSE or WebSocket.

mod http;
pub mod rules;
mod sse;
mod view;
mod watch;
mod ws;

use orderbell_shared::CartDTO;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::CartSnapshot;
use crate::error::{Error, Result};
use crate::state::AppState;
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

/// Apply a change in one transaction that also raises the cart's version, then tell every
/// subscriber of the table. Raising the version first serialises concurrent changes to a table,
/// so none is lost; a change that breaks a rule writes nothing. Publishing happens only after the
/// change has committed, so nobody is shown a cart that could still roll back.
pub async fn apply_change(state: &AppState, table_id: i64, change: CartChange) -> Result<CartDTO> {
    let mut tx = state.db.begin_relaxed().await?;
    let (table, version) = tx.bump_cart(table_id).await?.ok_or(Error::NotFound {
        code: "table_not_found",
        what: "桌台",
        id: table_id,
    })?;
    let (dish, current) = match change.dish_id() {
        Some(dish_id) => (tx.dish(dish_id).await?, tx.cart_line(table_id, dish_id).await?),
        None => (None, None),
    };
    let write = rules::plan(&change, &table, dish.as_ref(), current.as_ref())?;
    tx.write_line(table_id, version, write).await?;
    let lines = tx.cart_lines(table_id).await?;
    tx.commit().await?;
    let cart = cart_dto(&CartSnapshot { table, version, lines });
    state.carts.publish(table_id, cart_event(&cart));
    Ok(cart)
}
