//! Durable streams over SSE: `connected`, then (if the client's id is too old) `resync`, then
//! every event in order with its id, and a `heartbeat` between.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use axum::body::Bytes;

use super::cursor::{Cursor, Fresh, Opened};
use crate::auth::Credential;
use crate::devices::{self, Attended};
use crate::error::{Error, Result};
use crate::extract::Path;
use crate::journal::Stream;
use crate::push::sse::{frame, last_event_id, live};
use crate::state::AppState;

/// `GET /api/stores/{storeId}/events`, for the store's devices. With `?device=` the connection
/// keeps its credential's device online; either way it ends when the credential is revoked.
pub async fn store_events(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    let device = grant.device(store_id)?;
    let last_id = last_event_id(&headers, uri.query())?;
    let opened = Cursor::open(&state, Stream::Store(store_id), last_id, Fresh::Now).await?;
    let greeting = greeting(&opened);
    let subscription = Attended::new(
        opened.cursor,
        &state,
        store_id,
        device.credential_id,
        devices::announced(uri.query()),
    )
    .await?;
    Ok(live(greeting, subscription, state.heartbeat, state.shutdown.clone()))
}

/// `GET /api/orders/{orderId}/events`, for the customer who placed the order.
pub async fn order_events(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    grant.for_order(order_id)?;
    state
        .db
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    let last_id = last_event_id(&headers, uri.query())?;
    let opened = Cursor::open(&state, Stream::Order(order_id), last_id, Fresh::Start).await?;
    let greeting = greeting(&opened);
    Ok(live(greeting, opened.cursor, state.heartbeat, state.shutdown.clone()))
}

fn greeting(opened: &Opened) -> Vec<Bytes> {
    let (kind, data) = opened.greeting();
    vec![frame(None, kind, &data.to_string())]
}
