//! A topic-per-key broadcast of versioned snapshots (today: one topic per table's cart).
//!
//! Changes commit concurrently, so their publications can arrive out of order. A snapshot
//! contains every change before it, so the feed passes on only snapshots newer than the last one
//! it sent: subscribers never step back to an older cart, and all end on the newest.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

/// How many events a subscriber may fall behind before it is told it lagged.
const QUEUE: usize = 64;

/// A value published on a feed, with the version that orders it.
pub trait Versioned {
    fn version(&self) -> u64;
}

pub struct Feed<K, E> {
    topics: Mutex<HashMap<K, Topic<E>>>,
}

struct Topic<E> {
    sender: broadcast::Sender<Arc<E>>,
    last_version: u64,
}

impl<K: Eq + Hash, E: Versioned> Feed<K, E> {
    pub fn new() -> Self {
        Feed {
            topics: Mutex::new(HashMap::new()),
        }
    }

    pub fn subscribe(&self, key: K) -> broadcast::Receiver<Arc<E>> {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics.entry(key).or_insert_with(Topic::new).sender.subscribe()
    }

    /// Send `event` to the key's subscribers unless a newer one already went out. The lock is
    /// held only for the non-blocking send, never across I/O.
    pub fn publish(&self, key: K, event: E) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        let topic = topics.entry(key).or_insert_with(Topic::new);
        if event.version() <= topic.last_version {
            return;
        }
        topic.last_version = event.version();
        // An error only means nobody is listening right now.
        let _ = topic.sender.send(Arc::new(event));
    }
}

impl<K: Eq + Hash, E: Versioned> Default for Feed<K, E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Topic<E> {
    fn new() -> Self {
        Topic {
            sender: broadcast::channel(QUEUE).0,
            last_version: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct V(u64);
    impl Versioned for V {
        fn version(&self) -> u64 {
            self.0
        }
    }

    #[test]
    fn older_snapshots_are_not_passed_on() {
        let feed = Feed::new();
        let mut rx = feed.subscribe(1);
        feed.publish(1, V(2));
        feed.publish(1, V(1));
        feed.publish(1, V(3));
        assert_eq!(rx.try_recv().map(|e| e.0).ok(), Some(2));
        assert_eq!(
            rx.try_recv().map(|e| e.0).ok(),
            Some(3),
            "version 1 arrived late and must be skipped"
        );
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn topics_are_separate() {
        let feed = Feed::new();
        let mut other = feed.subscribe(2);
        feed.publish(1, V(1));
        assert!(other.try_recv().is_err());
    }
}
