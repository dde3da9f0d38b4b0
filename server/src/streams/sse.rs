//! Durable streams over SSE: `connected`, then (if the client's id is too old) `resync`, then
//! every event in order with its id, and a `heartbeat` between.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use axum::body::Bytes;

use super::cursor::{Cursor, Fresh, Opened};
use crate::auth::Credential;
use crate::devices::{self, Attended};
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::Path;
use crate::metrics::{Kind, Transport};
use crate::push::sse::{frame, last_event_id, live};
use crate::state::AppState;

/// `GET /api/stores/{storeId}/events`, for the store's devices. With `?device=` the connection
/// keeps its credential's device online; either way it ends when the credential is revoked.
#[utoipa::path(get, path = "/api/stores/{store_id}/events", tag = "streams",
    summary = "门店的持久事件流（SSE，门店设备凭证）：order_paid、order_reminder、order_status、reminder_reply、payment_anomaly、alert_*；每个事件带 id，断线后用 Last-Event-ID 续传，一个不漏；超出保留范围时发 resync",
    params(("store_id" = i64, Path, description = "门店 id"), ("Last-Event-ID" = Option<String>, Header, description = "续传：最后收到的事件 id（也可用 ?lastEventId=）"), ("device" = Option<String>, Query, description = "设备 id（设备凭证时以凭证为准）"), ("deviceName" = Option<String>, Query, description = "设备名称")),
    responses((status = 200, content_type = "text/event-stream", description = "事件流"), (status = "4XX", body = orderbell_shared::ErrorBody, description = "见 code"))
)]
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
    let watched = state.metrics.watch(Transport::Sse, Kind::Store);
    Ok(live(
        greeting,
        subscription,
        state.heartbeat,
        state.shutdown.clone(),
        watched,
    ))
}

/// `GET /api/orders/{orderId}/events`, for the customer who placed the order.
#[utoipa::path(get, path = "/api/orders/{order_id}/events", tag = "streams",
    summary = "一个订单的持久事件流（SSE，订单凭证或门店凭证）：状态变化、催单回复、升级提示；从第一条事件起可重放",
    params(("order_id" = i64, Path, description = "订单 id"), ("Last-Event-ID" = Option<String>, Header, description = "续传：最后收到的事件 id（也可用 ?lastEventId=）")),
    responses((status = 200, content_type = "text/event-stream", description = "事件流"), (status = "4XX", body = orderbell_shared::ErrorBody, description = "见 code"))
)]
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
    let watched = state.metrics.watch(Transport::Sse, Kind::Order);
    Ok(live(
        greeting,
        opened.cursor,
        state.heartbeat,
        state.shutdown.clone(),
        watched,
    ))
}

fn greeting(opened: &Opened) -> Vec<Bytes> {
    let (kind, data) = opened.greeting();
    vec![frame(None, kind, &data.to_string())]
}
