//! A connection's place in a durable stream.
//!
//! It replays what the client missed from the journal, page by page, then follows the live feed.
//! Live events carry their sequence number, so the seam is exact: one already sent is skipped,
//! and a jump (events published out of commit order, or dropped by the feed) is filled from the
//! journal, where every committed event is. A connection whose queue overflows is cut off; its
//! client resumes from its last id and loses nothing.

use std::collections::VecDeque;
use std::sync::Arc;

use orderbell_shared::events::{Connected, Resync, kind};
use orderbell_shared::sse::CONNECTED_DATA;
use serde_json::json;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::app::AppState;
use crate::error::Result;
use crate::journal::{Stream, encode};
use crate::push::{Encoded, Subscription};

/// Events read from the journal per query while catching up.
const PAGE: u32 = 256;

/// Where a client without `Last-Event-ID` starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fresh {
    /// From now on: a merchant starting fresh loads the snapshot first.
    Now,
    /// From the first event: an order's stream is short, and the customer wants all of it.
    Start,
}

pub struct Cursor {
    state: AppState,
    stream: Stream,
    rx: broadcast::Receiver<Arc<Encoded>>,
    sent: u64,
    /// Replay from the journal until `sent` reaches this.
    target: u64,
    pending: VecDeque<Arc<Encoded>>,
}

pub struct Opened {
    pub cursor: Cursor,
    /// The newest event id when the client connected.
    pub head: u64,
    /// Set when the client's id is older than the journal keeps: it must reload the snapshot.
    pub resync: Option<Resync>,
}

impl Opened {
    /// What a connection says first, before any event: `connected` (with the stream's newest id),
    /// then `resync` if the client's id is older than the journal keeps.
    pub fn greeting(&self) -> Vec<(&'static str, serde_json::Value)> {
        let connected = Connected {
            message: CONNECTED_DATA.to_owned(),
            last_event_id: self.head,
        };
        let mut greeting = vec![(kind::CONNECTED, json!(connected))];
        if let Some(resync) = &self.resync {
            greeting.push((kind::RESYNC, json!(resync)));
        }
        greeting
    }
}

impl Cursor {
    pub async fn open(state: &AppState, stream: Stream, last_id: Option<u64>, fresh: Fresh) -> Result<Opened> {
        // Subscribe before reading the head: an event committed in between is then either in the
        // replay or on the feed (or both, and the seam drops the copy).
        let rx = state.journal.subscribe(stream);
        let (head, pruned) = state.db.stream_head(stream).await?;
        let last_id = last_id.or(match fresh {
            Fresh::Now => None,
            Fresh::Start => Some(0),
        });
        let (sent, resync) = match last_id {
            None => (head, None),
            // Too old (pruned), or from the future (another database): say so, never skip silently.
            Some(id) if id < pruned || id > head => (
                head,
                Some(Resync {
                    oldest_event_id: pruned + 1,
                    last_event_id: head,
                }),
            ),
            Some(id) => (id, None),
        };
        let cursor = Cursor {
            state: state.clone(),
            stream,
            rx,
            sent,
            target: head,
            pending: VecDeque::new(),
        };
        Ok(Opened { cursor, head, resync })
    }
}

impl Subscription for Cursor {
    /// The next event, exactly once and in order; `None` when the connection must end (cut off
    /// for falling behind, or the server is going away). Cancel-safe.
    async fn next(&mut self) -> Option<Arc<Encoded>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                self.sent = event.seq;
                return Some(event);
            }
            if self.sent < self.target {
                match self.state.db.events_after(self.stream, self.sent, PAGE).await {
                    Ok(page) if page.is_empty() => self.target = self.sent,
                    Ok(page) => self.pending = page.iter().map(|e| Arc::new(encode(e))).collect(),
                    Err(e) => {
                        tracing::warn!(error = ?e, stream = %self.stream.name(), "replay failed; closing the stream");
                        return None;
                    }
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(event) if event.seq <= self.sent => {}
                Ok(event) if event.seq == self.sent + 1 => {
                    self.sent = event.seq;
                    return Some(event);
                }
                // A jump: everything up to this event is committed, so the journal has it.
                Ok(event) => self.target = event.seq,
                Err(RecvError::Lagged(_)) => {
                    tracing::info!(stream = %self.stream.name(), "a slow client fell behind; cutting it off");
                    return None;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
