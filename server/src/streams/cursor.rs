//! A connection's place in a durable stream.
//!
//! It replays what the client missed from the journal, page by page, then follows the live feed.
//! Live events carry their sequence number, so the seam is exact: one already sent is skipped,
//! and a jump (events published out of commit order, or dropped by the feed) is filled from the
//! journal, where every committed event is. A connection whose queue overflows is cut off; its
//! client resumes from its last id and loses nothing.
//!
//! Pruning may delete events a slow client has not read yet. The replay checks that each page
//! starts right after the last event sent; when it does not, the client gets `resync` (reload the
//! snapshot) and the cursor goes on from the head — never a silent jump.

use std::collections::VecDeque;
use std::sync::Arc;

use orderbell_shared::events::{Connected, Resync, StreamMessage, kind};
use orderbell_shared::sse::CONNECTED_DATA;
use serde_json::json;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::domain::journal::Stream;
use crate::error::Result;
use crate::journal::encode;
use crate::metrics::Kind;
use crate::push::{Encoded, Subscription};
use crate::state::AppState;

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
}

impl Opened {
    /// What a connection says first, before any event (and before a `resync` if the client's id
    /// is older than the journal keeps): `connected`, with the stream's newest id.
    pub fn greeting(&self) -> (&'static str, serde_json::Value) {
        let connected = Connected {
            message: CONNECTED_DATA.to_owned(),
            last_event_id: self.head,
        };
        (kind::CONNECTED, json!(connected))
    }
}

impl Cursor {
    pub async fn open(state: &AppState, stream: Stream, last_id: Option<u64>, fresh: Fresh) -> Result<Opened> {
        // Subscribe before reading the head: an event committed in between is then either in the
        // replay or on the feed (or both, and the seam drops the copy).
        let rx = state.journal.subscribe(stream);
        let (head, pruned) = state.db.stream_head(stream).await?;
        if last_id.is_some() {
            state.metrics.replayed(match stream {
                Stream::Store(_) => Kind::Store,
                Stream::Order(_) => Kind::Order,
            });
        }
        let last_id = last_id.or(match fresh {
            Fresh::Now => None,
            Fresh::Start => Some(0),
        });
        let mut cursor = Cursor {
            state: state.clone(),
            stream,
            rx,
            sent: head,
            target: head,
            pending: VecDeque::new(),
        };
        match last_id {
            None => {}
            // Too old (pruned), or from the future (another database): say so, never skip silently.
            Some(id) if id < pruned || id > head => cursor.resync(head, pruned),
            Some(id) => cursor.sent = id,
        }
        Ok(Opened { cursor, head })
    }

    /// Tell the client to reload the snapshot, and go on after `head`.
    fn resync(&mut self, head: u64, pruned: u64) {
        let resync = Resync {
            oldest_event_id: pruned + 1,
            last_event_id: head,
        };
        let data = json!(resync);
        let message = StreamMessage {
            kind: kind::RESYNC.to_owned(),
            id: None,
            data: &data,
            timestamp: self.state.clock.now_ms(),
        };
        let ws = serde_json::to_string(&message).unwrap_or_default();
        let notice = Encoded::notice(head, kind::RESYNC, &data.to_string(), ws);
        tracing::info!(stream = %self.stream.name(), from = self.sent, head, "events the client had not read were pruned; resync");
        self.state.metrics.resyncs.inc();
        self.pending = VecDeque::from([Arc::new(notice)]);
        self.sent = head;
        self.target = head;
    }

    /// Replay the next page after `sent`; `Err` when the stream must end.
    async fn replay_page(&mut self) -> Result<()> {
        let page = self.state.db.events_after(self.stream, self.sent, PAGE).await?;
        match page.first() {
            None => self.target = self.sent,
            Some(first) if first.seq == self.sent + 1 => {
                self.pending = page.iter().map(|e| Arc::new(encode(e))).collect();
            }
            // Pruned under a slow reader.
            Some(_) => {
                let (head, pruned) = self.state.db.stream_head(self.stream).await?;
                self.resync(head, pruned);
            }
        }
        Ok(())
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
                if let Err(e) = self.replay_page().await {
                    tracing::warn!(error = ?e, stream = %self.stream.name(), "replay failed; closing the stream");
                    return None;
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
                    self.state.metrics.cut_off.lagged.inc();
                    return None;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use orderbell_shared::Event;
    use orderbell_shared::events::ReminderReply;

    use super::*;
    use crate::journal;
    use crate::{App, Config};

    async fn write_events(state: &AppState, n: usize) {
        let event = Event::ReminderReply(ReminderReply {
            reminder_id: 1,
            order_id: 1,
            order_no: "OB00000001".into(),
            table_number: "A01".into(),
            text: "马上就好".into(),
            at: 0,
        });
        // One transaction: a sync per event would make the test wait seconds for nothing.
        let mut tx = state.db.begin().await.expect("begin");
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            entries.push(
                journal::append(&mut *tx, Stream::Store(1), &event, 0)
                    .await
                    .expect("append"),
            );
        }
        journal::commit(state, tx, &entries).await.expect("commit");
    }

    #[tokio::test]
    async fn events_pruned_under_a_slow_reader_become_a_resync_never_a_silent_jump() {
        let dir = tempfile::tempdir().expect("dir");
        let app = App::open(&Config::new(dir.path())).await.expect("app");
        let state = app.state();
        write_events(state, 600).await;

        // A merchant resumes from 10, well inside retention, and reads one event...
        let mut cursor = Cursor::open(state, Stream::Store(1), Some(10), Fresh::Now)
            .await
            .expect("open")
            .cursor;
        assert_eq!(cursor.next().await.map(|e| e.seq), Some(11));
        // ...while pruning keeps only the newest 100 (everything up to 500 goes).
        state.db.prune_store_streams(100).await.expect("prune");

        // What was already read from the journal still arrives, in order; then, where the
        // journal no longer goes on from there, a resync instead of event 501.
        let mut seqs = Vec::new();
        let resync = loop {
            let event = cursor.next().await.expect("the stream goes on");
            if event.sse.starts_with(b"event: resync") {
                break event;
            }
            seqs.push(event.seq);
        };
        assert_eq!(seqs, (12..=11 + u64::from(PAGE) - 1).collect::<Vec<_>>());
        let data: Resync = serde_json::from_str(
            std::str::from_utf8(&resync.sse)
                .expect("utf-8")
                .lines()
                .nth(1)
                .expect("data line")
                .strip_prefix("data: ")
                .expect("data"),
        )
        .expect("resync data");
        assert_eq!(
            data,
            Resync {
                oldest_event_id: 501,
                last_event_id: 600
            }
        );
        assert!(resync.ws.contains(r#""type":"resync""#));

        // After the resync the cursor follows on from the head, live.
        write_events(state, 1).await;
        assert_eq!(cursor.next().await.map(|e| e.seq), Some(601));
    }
}
