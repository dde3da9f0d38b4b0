//! `GET /api/store/order/sse/{tableId}`: the seed's table stream — `connected`, `cart_update`
//! (with the cart version as the SSE id), and `heartbeat`.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use orderbell_shared::sse::{CONNECTED, CONNECTED_DATA};

use super::watch::CartWatch;
use crate::auth::{Credential, link_still_current};
use crate::error::Result;
use crate::extract::Path;
use crate::metrics::{Kind, Transport};
use crate::push::sse::{frame, last_event_id, live};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/store/order/sse/{table_id}", tag = "carts",
    summary = "本桌购物车的 SSE 事件流：connected、当前购物车、每次 cart_update（id 为购物车版本）、menu_update、bill_update（本桌账单）、heartbeat",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, content_type = "text/event-stream", description = "事件流"), (status = "4XX", body = orderbell_shared::ErrorBody, description = "见 code"))
)]
pub async fn stream(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    grant.for_table(table_id)?;
    let watch = CartWatch::start(&state, table_id, last_event_id(&headers, uri.query())?).await?;
    link_still_current(&state, grant)?;
    let greeting = vec![frame(None, CONNECTED, CONNECTED_DATA)];
    let watched = state.metrics.watch(Transport::Sse, Kind::Cart);
    Ok(live(greeting, watch, state.heartbeat, state.shutdown.clone(), watched))
}
