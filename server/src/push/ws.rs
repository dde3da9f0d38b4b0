//! One WebSocket loop for every socket: greet, then push the subscription's events, answer what
//! the client sends, ping between — and never let a stuck client hold its task forever.

use std::error::Error as _;
use std::future::Future;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, close_code};
use tokio::time::{Instant, interval_at};
use tokio_util::sync::CancellationToken;

use super::Subscription;
use crate::metrics::Watched;

/// A client that does not take a message within this time is gone or stuck: drop it.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest message a client may send; commands are a few hundred bytes.
pub const MAX_MESSAGE: usize = 16 * 1024;

/// What a socket says back to its client.
pub trait Conversation: Send + 'static {
    /// The reply to one text message (a binary frame arrives as its UTF-8 text, or as empty).
    fn answer(&mut self, text: &str) -> impl Future<Output = Message> + Send;

    /// The `heartbeat` message sent beside each protocol ping: browser JavaScript never sees
    /// pings, and a web client needs something to time a dead connection by.
    fn heartbeat(&self) -> Message;
}

/// Run the socket until the client leaves, the subscription ends or the server shuts down;
/// `watched` counts it open meanwhile.
pub async fn run(
    mut socket: WebSocket,
    greeting: Vec<Message>,
    mut subscription: impl Subscription,
    mut conversation: impl Conversation,
    heartbeat: Duration,
    shutdown: CancellationToken,
    watched: Watched,
) {
    for message in greeting {
        if send(&mut socket, message).await.is_err() {
            return;
        }
    }
    let mut ping = interval_at(Instant::now() + heartbeat, heartbeat);
    let shutdown = super::wait_for_cancel(&shutdown);
    tokio::pin!(shutdown);
    loop {
        // Decide inside the select, act after it: the reply may take a database round trip, and
        // the subscription must not be borrowed meanwhile.
        let incoming = tokio::select! {
            () = &mut shutdown => None,
            received = socket.recv() => match received {
                Some(Ok(Message::Text(text))) => Some(text.to_string()),
                Some(Ok(Message::Binary(bytes))) => Some(String::from_utf8(bytes.to_vec()).unwrap_or_default()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Err(e)) if too_big(&e) => {
                    let _ = send(&mut socket, Message::Close(Some(TOO_BIG))).await;
                    break;
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
            event = subscription.next() => match event {
                Some(event) => {
                    if send(&mut socket, Message::Text(event.ws.clone())).await.is_err() {
                        break;
                    }
                    watched.sent(&event);
                    continue;
                }
                // Cut off: the client reconnects with its last id and resumes.
                None => None,
            },
            _ = ping.tick() => {
                if send(&mut socket, Message::Ping(Bytes::new())).await.is_err()
                    || send(&mut socket, conversation.heartbeat()).await.is_err()
                {
                    break;
                }
                continue;
            }
        };
        let Some(text) = incoming else {
            let _ = send(&mut socket, Message::Close(None)).await;
            break;
        };
        let reply = conversation.answer(&text).await;
        if send(&mut socket, reply).await.is_err() {
            break;
        }
    }
}

/// The close frame for a message over [`MAX_MESSAGE`]: 1009, "message too big", with a reason
/// the client's developer can act on.
const TOO_BIG: CloseFrame = CloseFrame {
    code: close_code::SIZE,
    reason: Utf8Bytes::from_static("消息太大：最多 16 KiB"),
};

/// Whether the client sent a message over [`MAX_MESSAGE`]. The socket cannot be read further
/// (the rest of the frame is unread), but it can still say why it closes.
fn too_big(e: &axum::Error) -> bool {
    matches!(
        e.source().and_then(|cause| cause.downcast_ref::<tungstenite::Error>()),
        Some(tungstenite::Error::Capacity(_))
    )
}

/// Send one message; `Err` means the connection is finished.
async fn send(socket: &mut WebSocket, message: Message) -> Result<(), ()> {
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}
