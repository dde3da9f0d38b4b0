//! The desktop app's store stream: what it makes of each event eventsource-client hands it (type,
//! `id:`, data), and what the durable events do to the order board. Whatever the server sends, the
//! app never crashes, every event it passes on has the id it came with, and the board only
//! holds open orders.
//!
//! The input is the stream as text, events apart by a blank line, each with `event:`, `id:` and
//! `data:` lines: seeds are what the server sends. (The real framing is eventsource-client's,
//! not ours to fuzz; this is only a readable way to spell a list of events.)

#![no_main]

use libfuzzer_sys::fuzz_target;
use orderbell_desktop_core::Role;
use orderbell_desktop_core::engine::Engine;
use orderbell_desktop_core::saved::{Heard, Settings};
use orderbell_desktop_core::stream::{Reading, read_event};

fuzz_target!(|data: &[u8]| {
    // eventsource-client hands over text; it decodes the bytes lossily itself.
    let text = String::from_utf8_lossy(data);
    let mut engine = Engine::new(Role::Merchant, Heard::default(), Settings::default());
    for (n, block) in text.split("\n\n").enumerate() {
        let (mut kind, mut id, mut data) = ("message", None, String::new());
        for line in block.lines() {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => kind = value,
                "id" => id = Some(value),
                "data" if data.is_empty() => data.push_str(value),
                "data" => {
                    data.push('\n');
                    data.push_str(value);
                }
                _ => {}
            }
        }
        match read_event(kind, id, &data) {
            Reading::Event { id: read_id, event } => {
                assert_eq!(
                    id.and_then(|id| id.parse().ok()),
                    Some(read_id),
                    "an event keeps the id it came with"
                );
                let now = i64::try_from(n).unwrap_or(i64::MAX);
                if engine.event(read_id, &event, now).is_some() {
                    assert_eq!(
                        engine.heard.last_event_id,
                        Some(read_id),
                        "the handled id is remembered"
                    );
                }
                for entry in engine.board.orders() {
                    assert!(
                        entry.order.status.is_open(),
                        "a closed order stays on the board: {entry:?}"
                    );
                }
            }
            Reading::Connected(_)
            | Reading::Resync(_)
            | Reading::Skip { .. }
            | Reading::Unreadable(_)
            | Reading::Revoked(_) => {}
        }
    }
});
