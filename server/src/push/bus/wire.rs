//! A note as bytes on the Redis channel: the sender's origin, a tag, then the note's fields in
//! little-endian; an event's two encodings go as they are, so a receiver copies them and does
//! not serialise anything again.

use axum::body::Bytes;
use axum::extract::ws::Utf8Bytes;

use super::{Note, Topic};
use crate::domain::journal::Stream;
use crate::push::Encoded;

const CART: u8 = 0;
const MENU: u8 = 1;
const BILL: u8 = 2;
const STORE_STREAM: u8 = 3;
const ORDER_STREAM: u8 = 4;
const LINK: u8 = 10;
const TABLE_REMOVED: u8 = 11;
const CREDENTIAL: u8 = 12;
const PRESENCE: u8 = 13;
const CATCH_UP: u8 = 14;

pub fn encode(origin: u64, note: &Note) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&origin.to_le_bytes());
    match note {
        Note::Event(topic, event) => {
            let (tag, key) = match *topic {
                Topic::Cart(id) => (CART, id),
                Topic::Menu(id) => (MENU, id),
                Topic::Bill(id) => (BILL, id),
                Topic::Journal(Stream::Store(id)) => (STORE_STREAM, id),
                Topic::Journal(Stream::Order(id)) => (ORDER_STREAM, id),
            };
            out.reserve(event.sse.len() + event.ws.len() + 21);
            out.push(tag);
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&event.seq.to_le_bytes());
            let sse_len = u32::try_from(event.sse.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&sse_len.to_le_bytes());
            out.extend_from_slice(&event.sse);
            out.extend_from_slice(event.ws.as_bytes());
        }
        Note::Link { table_id, generation } => {
            out.push(LINK);
            out.extend_from_slice(&table_id.to_le_bytes());
            out.extend_from_slice(&generation.to_le_bytes());
        }
        Note::TableRemoved(table_id) => {
            out.push(TABLE_REMOVED);
            out.extend_from_slice(&table_id.to_le_bytes());
        }
        Note::Credential(id) => {
            out.push(CREDENTIAL);
            out.extend_from_slice(&id.to_le_bytes());
        }
        Note::Presence { store_id, devices } => {
            out.push(PRESENCE);
            out.extend_from_slice(&store_id.to_le_bytes());
            out.extend_from_slice(devices.join("\n").as_bytes());
        }
        Note::CatchUp => out.push(CATCH_UP),
    }
    out
}

/// The origin and the note; `None` for bytes no instance of this version wrote.
pub fn decode(bytes: &[u8]) -> Option<(u64, Note)> {
    let mut reader = Reader(bytes);
    let origin = u64::from_le_bytes(reader.array()?);
    let [tag] = reader.array()?;
    let note = match tag {
        CART | MENU | BILL | STORE_STREAM | ORDER_STREAM => {
            let key = i64::from_le_bytes(reader.array()?);
            let topic = match tag {
                CART => Topic::Cart(key),
                MENU => Topic::Menu(key),
                BILL => Topic::Bill(key),
                STORE_STREAM => Topic::Journal(Stream::Store(key)),
                _ => Topic::Journal(Stream::Order(key)),
            };
            let seq = u64::from_le_bytes(reader.array()?);
            let sse_len = usize::try_from(u32::from_le_bytes(reader.array()?)).ok()?;
            let sse = reader.take(sse_len)?;
            let ws = Utf8Bytes::try_from(reader.0.to_vec()).ok()?;
            Note::Event(
                topic,
                Encoded {
                    seq,
                    sse: Bytes::copy_from_slice(sse),
                    ws,
                    published: None,
                },
            )
        }
        LINK => Note::Link {
            table_id: i64::from_le_bytes(reader.array()?),
            generation: u32::from_le_bytes(reader.array()?),
        },
        TABLE_REMOVED => Note::TableRemoved(i64::from_le_bytes(reader.array()?)),
        CREDENTIAL => Note::Credential(i64::from_le_bytes(reader.array()?)),
        PRESENCE => {
            let store_id = i64::from_le_bytes(reader.array()?);
            let devices = std::str::from_utf8(reader.0).ok()?;
            Note::Presence {
                store_id,
                devices: devices
                    .split('\n')
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }
        }
        CATCH_UP => Note::CatchUp,
        _ => return None,
    };
    Some((origin, note))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_arrives_byte_for_byte_as_it_was_encoded() {
        let event = Encoded::new(
            42,
            "cart_update",
            r#"{"version":42,"备注":"不要辣"}"#,
            r#"{"type":"cart_update"}"#.into(),
        );
        let bytes = encode(7, &Note::Event(Topic::Journal(Stream::Order(-3)), event.clone()));
        let Some((7, Note::Event(Topic::Journal(Stream::Order(-3)), got))) = decode(&bytes) else {
            panic!("the note decodes as it was sent");
        };
        assert_eq!((got.seq, &got.sse, &got.ws), (42, &event.sse, &event.ws));
    }

    #[test]
    fn every_other_note_round_trips() {
        let notes = [
            Note::Link {
                table_id: 5,
                generation: 9,
            },
            Note::TableRemoved(6),
            Note::Credential(11),
            Note::Presence {
                store_id: 2,
                devices: vec!["3".into(), "17".into()],
            },
            Note::Presence {
                store_id: 2,
                devices: Vec::new(),
            },
            Note::CatchUp,
        ];
        for note in notes {
            let (origin, back) = decode(&encode(1, &note)).expect("decodes");
            assert_eq!(origin, 1);
            assert_eq!(format!("{back:?}"), format!("{note:?}"));
        }
    }

    #[test]
    fn truncated_or_foreign_bytes_are_refused_not_misread() {
        let bytes = encode(
            1,
            &Note::Link {
                table_id: 5,
                generation: 9,
            },
        );
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(decode(b"hello").is_none());
        let mut foreign = bytes.clone();
        foreign[8] = 99;
        assert!(decode(&foreign).is_none());
    }
}
