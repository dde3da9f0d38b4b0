//! Sending on a WebSocket without letting a stuck client hold its task forever.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};

/// A client that does not take a message within this time is gone or stuck: drop it.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest message a client may send; commands are a few hundred bytes.
pub const MAX_MESSAGE: usize = 16 * 1024;

/// Send one message; `Err` means the connection is finished.
pub async fn send(socket: &mut WebSocket, message: Message) -> Result<(), ()> {
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}
