//! A durable stream and an event committed to it.

/// A durable stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Everything a store's merchant and kitchen must hear of.
    Store(i64),
    /// One order's story, for the customer who placed it.
    Order(i64),
}

impl Stream {
    pub fn name(self) -> String {
        match self {
            Stream::Store(id) => format!("store:{id}"),
            Stream::Order(id) => format!("order:{id}"),
        }
    }
}

/// A committed event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub stream: Stream,
    pub seq: u64,
    pub kind: String,
    /// The event's data as JSON text, exactly as clients receive it.
    pub data: String,
    pub at: i64,
}
