//! The durable event journal behind the store and order streams.
//!
//! An event is appended in the same transaction as the change it reports, with the next number
//! of its stream, and only published to live connections after that transaction commits. A
//! client that was away replays from the journal; one that is connected gets the published copy.

use orderbell_shared::Event;
use orderbell_shared::events::StreamMessage;
use serde_json::value::RawValue;

use crate::db::Tx;
use crate::domain::journal::{Entry, Stream};
use crate::error::Result;
use crate::push::Encoded;
use crate::state::AppState;

/// An entry as it goes out: its data as the SSE `data:`, and inside `{type, id, data,
/// timestamp}` over WebSocket.
pub fn encode(entry: &Entry) -> Encoded {
    // The stored text is already the event's JSON: embed it as it is. Replays encode every event
    // they send, so this stays cheap (a validation pass, no tree, no copy).
    let data = serde_json::from_str::<&RawValue>(&entry.data).unwrap_or(RawValue::NULL);
    let message = StreamMessage {
        kind: entry.kind.clone(),
        id: Some(entry.seq),
        data,
        timestamp: entry.at,
    };
    Encoded::new(
        entry.seq,
        &entry.kind,
        &entry.data,
        serde_json::to_string(&message).unwrap_or_default(),
    )
}

/// Append a typed event inside `tx`.
pub async fn append(tx: &mut dyn Tx, stream: Stream, event: &Event, at: i64) -> Result<Entry> {
    tx.append(stream, event.kind(), &event.data_json()?, at).await
}

/// Commit, then hand the events to live subscribers: nobody hears of a change that could still
/// roll back, and a subscriber that misses the live copy finds the event in the journal.
pub async fn commit(state: &AppState, tx: Box<dyn Tx>, entries: &[Entry]) -> Result<()> {
    tx.commit().await?;
    for entry in entries {
        state.journal.publish(entry.stream, encode(entry));
    }
    Ok(())
}
