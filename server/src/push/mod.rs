//! The push path: fan-out of events to live connections, over SSE and WebSocket.
//!
//! Every event is encoded once, when it is published, and shared by all its subscribers as
//! reference-counted bytes; a connection only copies a pointer. Each subscriber reads from a
//! bounded broadcast queue, so a slow one falls behind on its own and never holds up the others.
//! One SSE loop and one WebSocket loop serve every stream: what differs between streams is only
//! their [`Subscription`].

pub mod bus;
pub mod feed;
pub mod sse;
pub mod ws;

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ws::Utf8Bytes;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// An event ready for the wire, in both encodings. Cloning copies two pointers.
#[derive(Clone, Debug)]
pub struct Encoded {
    /// Its number in its stream (a cart version, a journal sequence): orders and deduplicates.
    pub seq: u64,
    /// The whole SSE frame, `id:` included.
    pub sse: Bytes,
    /// The WebSocket message text.
    pub ws: Utf8Bytes,
}

impl Encoded {
    pub fn new(seq: u64, event: &str, data: &str, ws: String) -> Self {
        Encoded {
            seq,
            sse: sse::frame(Some(seq), event, data),
            ws: Utf8Bytes::from(ws),
        }
    }

    /// A notice about the stream rather than an event of it (`resync`): its SSE frame has no
    /// `id:`, so a client that reconnects before acting on it is told again. `seq` is where the
    /// stream goes on from.
    pub fn notice(seq: u64, event: &str, data: &str, ws: String) -> Self {
        Encoded {
            seq,
            sse: sse::frame(None, event, data),
            ws: Utf8Bytes::from(ws),
        }
    }
}

/// What one connection receives, in order.
pub trait Subscription: Send + 'static {
    /// The next event to send; `None` ends the connection (the client resumes from its last
    /// id). Must be cancel-safe: it sits in a `select!` beside heartbeats.
    fn next(&mut self) -> impl Future<Output = Option<Arc<Encoded>>> + Send;
}

/// A connection's wait for `token` (the server's shutdown, a credential's revocation), made once
/// and polled beside every event. Thousands of connections share one token: a wait made afresh
/// per event, or polled on the shared token, takes its one lock each time, from both cores at
/// once. A child token has a lock of its own, so only its creation and its drop touch the shared
/// one.
pub fn wait_for_cancel(token: &CancellationToken) -> WaitForCancellationFutureOwned {
    token.child_token().cancelled_owned()
}
