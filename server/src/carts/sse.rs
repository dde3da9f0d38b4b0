//! `GET /api/store/order/sse/{tableId}`: the seed's table stream — `connected`, `cart_update`
//! (with the cart version as the SSE id), and `heartbeat`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use orderbell_shared::sse::{CONNECTED, CONNECTED_DATA, HEARTBEAT, HEARTBEAT_DATA};
use tokio::time::{Instant, interval_at};

use super::watch::CartWatch;
use crate::app::AppState;
use crate::auth::Credential;
use crate::error::Result;
use crate::extract::Path;
use crate::push::sse::{RETRY, frame, last_event_id, response};

pub async fn stream(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    grant.for_table(table_id)?;
    let last_seen = last_event_id(&headers, uri.query());
    let (mut watch, first) = CartWatch::start(&state, table_id, last_seen).await?;
    let every = state.heartbeat;
    let shutdown = state.shutdown.clone();
    let frames = async_stream::stream! {
        yield Bytes::from_static(RETRY);
        yield frame(None, CONNECTED, CONNECTED_DATA);
        if let Some(first) = first {
            yield first.sse;
        }
        let mut heartbeat = interval_at(Instant::now() + every, every);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = heartbeat.tick() => yield frame(None, HEARTBEAT, HEARTBEAT_DATA),
                event = watch.next() => match event {
                    Some(event) => yield event.sse.clone(),
                    None => break,
                },
            }
        }
    };
    Ok(response(frames))
}
