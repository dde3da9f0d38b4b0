//! `/ws/stores/{storeId}`: the store stream over WebSocket, for clients that prefer it. Messages
//! are `{type, id, data, timestamp}`; resume with `?lastEventId=`. The socket is for listening:
//! the client may send `{"type":"heartbeat"}`; anything else gets an `error` and the socket stays
//! open. Actions go over HTTP.

use axum::extract::State;
use axum::extract::ws::Message;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use orderbell_shared::events::{StreamMessage, kind};
use orderbell_shared::sse::HEARTBEAT_DATA;
use serde_json::json;

use super::cursor::{Cursor, Fresh};
use crate::auth::Credential;
use crate::clock::now_ms;
use crate::devices::{self, Attended};
use crate::domain::journal::Stream;
use crate::error::Result;
use crate::extract::{Path, Upgrade};
use crate::metrics::{Kind, Transport};
use crate::push::sse::last_event_id;
use crate::push::ws::{Conversation, MAX_MESSAGE, run};
use crate::state::AppState;

#[utoipa::path(get, path = "/ws/stores/{store_id}", tag = "streams",
    summary = "门店的持久事件流（WebSocket）：与 SSE 相同的事件，每条带 id；连接时用 ?lastEventId= 续传",
    params(("store_id" = i64, Path, description = "门店 id"), ("lastEventId" = Option<u64>, Query, description = "续传起点"), ("device" = Option<String>, Query, description = "设备 id（设备凭证时以凭证为准）"), ("deviceName" = Option<String>, Query, description = "设备名称")),
    responses((status = 101, description = "升级为 WebSocket"), (status = "4XX", body = orderbell_shared::ErrorBody, description = "见 code"))
)]
pub async fn upgrade(
    Upgrade(ws): Upgrade,
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    let device = grant.device(store_id)?;
    let last_id = last_event_id(&headers, uri.query())?;
    let opened = Cursor::open(&state, Stream::Store(store_id), last_id, Fresh::Now).await?;
    let (kind, data) = opened.greeting();
    let greeting = vec![message(kind, data)];
    let subscription = Attended::new(
        opened.cursor,
        &state,
        store_id,
        device.credential_id,
        devices::announced(uri.query()),
    )
    .await?;
    let (heartbeat, shutdown) = (state.heartbeat, state.shutdown.clone());
    let watched = state.metrics.watch(Transport::Ws, Kind::Store);
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| run(socket, greeting, subscription, Listener, heartbeat, shutdown, watched)))
}

/// The store socket only listens; it answers heartbeats and explains anything else.
struct Listener;

impl Conversation for Listener {
    async fn answer(&mut self, text: &str) -> Message {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) if v.get("type").and_then(|t| t.as_str()) == Some(kind::HEARTBEAT) => {
                message(kind::HEARTBEAT, json!("pong"))
            }
            Ok(_) => error("这个连接只接受 heartbeat 消息；接单、回复等操作请用 HTTP 接口"),
            Err(_) => error("无法解析消息：请发送 JSON，例如 {\"type\":\"heartbeat\"}"),
        }
    }

    fn heartbeat(&self) -> Message {
        message(kind::HEARTBEAT, json!(HEARTBEAT_DATA))
    }
}

fn message(kind: &str, data: serde_json::Value) -> Message {
    let message = StreamMessage {
        kind: kind.to_owned(),
        id: None,
        data,
        timestamp: now_ms(),
    };
    Message::Text(serde_json::to_string(&message).unwrap_or_default().into())
}

fn error(text: &str) -> Message {
    message("error", json!({ "code": "invalid_message", "message": text }))
}
