//! `GET /api/store/order/sse/{tableId}`: the seed's table stream — `connected`, `cart_update`
//! (with the cart version as the SSE id), and `heartbeat`.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use orderbell_shared::sse::{CONNECTED, CONNECTED_DATA};

use super::watch::CartWatch;
use crate::auth::Credential;
use crate::error::Result;
use crate::extract::Path;
use crate::push::sse::{frame, last_event_id, live};
use crate::state::AppState;

pub async fn stream(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    grant.for_table(table_id)?;
    let watch = CartWatch::start(&state, table_id, last_event_id(&headers, uri.query())?).await?;
    let greeting = vec![frame(None, CONNECTED, CONNECTED_DATA)];
    Ok(live(greeting, watch, state.heartbeat, state.shutdown.clone()))
}
