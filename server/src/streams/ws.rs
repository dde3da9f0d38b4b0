//! `/ws/stores/{storeId}`: the store stream over WebSocket, for clients that prefer it. Messages
//! are `{type, id, data, timestamp}`; resume with `?lastEventId=`. The socket is for listening:
//! the client may send `{"type":"heartbeat"}`; anything else gets an `error` and the socket stays
//! open. Actions go over HTTP.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use orderbell_shared::events::{Connected, StreamMessage, kind};
use orderbell_shared::sse::CONNECTED_DATA;
use serde_json::json;
use tokio::time::{Instant, interval_at};

use super::cursor::{Cursor, Fresh, Opened};
use crate::app::AppState;
use crate::auth::Credential;
use crate::clock::now_ms;
use crate::error::Result;
use crate::extract::Path;
use crate::journal::Stream;
use crate::push::sse::last_event_id;
use crate::push::ws::{MAX_MESSAGE, send};

pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response> {
    grant.for_store(store_id)?;
    let last_id = last_event_id(&headers, uri.query());
    let opened = Cursor::open(&state, Stream::Store(store_id), last_id, Fresh::Now).await?;
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| session(socket, state, opened)))
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

async fn session(mut socket: WebSocket, state: AppState, opened: Opened) {
    let Opened {
        mut cursor,
        head,
        resync,
    } = opened;
    let connected = Connected {
        message: CONNECTED_DATA.to_owned(),
        last_event_id: head,
    };
    let mut greeting = vec![message(kind::CONNECTED, json!(connected))];
    if let Some(resync) = resync {
        greeting.push(message(kind::RESYNC, json!(resync)));
    }
    for m in greeting {
        if send(&mut socket, m).await.is_err() {
            return;
        }
    }
    let every = state.heartbeat;
    let mut ping = interval_at(Instant::now() + every, every);
    loop {
        let outgoing = tokio::select! {
            () = state.shutdown.cancelled() => Message::Close(None),
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => answer(&text),
                Some(Ok(Message::Binary(_))) => error("invalid_message", "只接受 JSON 文本消息 (text frames only)"),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
            event = cursor.next() => match event {
                Some(event) => Message::Text(event.ws.clone()),
                // Cut off: the client reconnects with its last id and replays the rest.
                None => Message::Close(None),
            },
            _ = ping.tick() => Message::Ping(Bytes::new()),
        };
        let closing = matches!(outgoing, Message::Close(_));
        if send(&mut socket, outgoing).await.is_err() || closing {
            break;
        }
    }
}

fn answer(text: &str) -> Message {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v.get("type").and_then(|t| t.as_str()) == Some(kind::HEARTBEAT) => {
            message(kind::HEARTBEAT, json!("pong"))
        }
        Ok(_) => error(
            "invalid_message",
            "这个连接只接受 heartbeat；操作请用 HTTP 接口 (actions go over HTTP)",
        ),
        Err(e) => error("invalid_message", &format!("无法解析消息 (bad message): {e}")),
    }
}

fn error(code: &str, text: &str) -> Message {
    message("error", json!({ "code": code, "message": text }))
}
