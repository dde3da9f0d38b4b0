//! Durable streams over SSE: `connected`, then (if the client's id is too old) `resync`, then
//! every event in order with its id, and a `heartbeat` between.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::cursor::{Cursor, Fresh};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::extract::Path;
use crate::journal::Stream;
use crate::push::sse::{frame, last_event_id, live};
use crate::state::AppState;

/// `GET /api/stores/{storeId}/events`, for the store's merchant and kitchen.
pub async fn store_events(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    grant.for_store(store_id)?;
    durable(
        state,
        Stream::Store(store_id),
        last_event_id(&headers, uri.query())?,
        Fresh::Now,
    )
    .await
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
    durable(
        state,
        Stream::Order(order_id),
        last_event_id(&headers, uri.query())?,
        Fresh::Start,
    )
    .await
}

async fn durable(state: AppState, stream: Stream, last_id: Option<u64>, fresh: Fresh) -> Result<Response> {
    let opened = Cursor::open(&state, stream, last_id, fresh).await?;
    let (kind, data) = opened.greeting();
    let greeting = vec![frame(None, kind, &data.to_string())];
    Ok(live(greeting, opened.cursor, state.heartbeat, state.shutdown.clone()))
}
