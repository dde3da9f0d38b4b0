//! A topic-per-key broadcast of encoded events (one topic per table's cart, one per durable
//! stream).
//!
//! Changes commit concurrently, so their publications can arrive out of order. The feed passes on
//! only events newer than the last one it sent: cart subscribers never step back to an older cart
//! (each cart contains every change before it), and durable-stream subscribers notice the jump
//! and fetch what they skipped from the journal.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

use super::Encoded;

/// How many events a subscriber may fall behind before it is told it lagged.
const QUEUE: usize = 64;

pub struct Feed<K> {
    topics: Mutex<HashMap<K, Topic>>,
}

struct Topic {
    sender: broadcast::Sender<Arc<Encoded>>,
    last_seq: u64,
}

impl<K: Eq + Hash> Feed<K> {
    pub fn new() -> Self {
        Feed {
            topics: Mutex::new(HashMap::new()),
        }
    }

    pub fn subscribe(&self, key: K) -> broadcast::Receiver<Arc<Encoded>> {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics.entry(key).or_insert_with(Topic::new).sender.subscribe()
    }

    /// Send `event` to the key's subscribers unless a newer one already went out. A key nobody
    /// listens to has no topic, and publishing never makes one: topics live only as long as
    /// their listeners (every order has a stream; few are watched at any moment). The lock is
    /// held only for the non-blocking send, never across I/O.
    pub fn publish(&self, key: K, event: Encoded) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(topic) = topics.get_mut(&key) else { return };
        if topic.sender.receiver_count() == 0 {
            topics.remove(&key);
            return;
        }
        if event.seq <= topic.last_seq {
            return;
        }
        topic.last_seq = event.seq;
        // An error only means the last listener left just now.
        let _ = topic.sender.send(Arc::new(event));
    }

    /// Whether anyone listens to `key` now: lets a publisher skip building an event nobody would
    /// receive.
    pub fn listened(&self, key: &K) -> bool {
        let topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics.get(key).is_some_and(|topic| topic.sender.receiver_count() > 0)
    }

    /// End every subscription to `key` (their streams finish), for when the credentials they were
    /// opened with no longer hold: a client must connect again, and show a credential that does.
    pub fn close(&self, key: &K) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        // Dropping the sender closes each receiver once it has read what was sent before.
        topics.remove(key);
    }

    /// Drop the topics whose listeners have all gone. Subscribers filter by their own position,
    /// so forgetting a topic's `last_seq` loses nothing.
    pub fn sweep(&self) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics.retain(|_, topic| topic.sender.receiver_count() > 0);
    }

    /// How many keys have a topic.
    #[cfg(test)]
    fn topics(&self) -> usize {
        self.topics.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl<K: Eq + Hash> Default for Feed<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl Topic {
    fn new() -> Self {
        Topic {
            sender: broadcast::channel(QUEUE).0,
            last_seq: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: u64) -> Encoded {
        Encoded::new(seq, "test", "{}", String::new())
    }

    #[test]
    fn older_events_are_not_passed_on() {
        let feed = Feed::new();
        let mut rx = feed.subscribe(1);
        feed.publish(1, event(2));
        feed.publish(1, event(1));
        feed.publish(1, event(3));
        assert_eq!(rx.try_recv().map(|e| e.seq).ok(), Some(2));
        assert_eq!(
            rx.try_recv().map(|e| e.seq).ok(),
            Some(3),
            "seq 1 arrived late and must be skipped"
        );
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn topics_live_only_as_long_as_their_listeners() {
        let feed = Feed::new();
        feed.publish(7, event(1));
        assert_eq!(feed.topics(), 0, "publishing to nobody makes no topic");
        assert!(!feed.listened(&7));
        let rx = feed.subscribe(7);
        assert_eq!(feed.topics(), 1);
        assert!(feed.listened(&7));
        drop(rx);
        assert!(!feed.listened(&7), "nobody listens once the last listener left");
        feed.sweep();
        assert_eq!(feed.topics(), 0, "a topic whose listeners left is dropped");
        let rx = feed.subscribe(8);
        drop(rx);
        feed.publish(8, event(1));
        assert_eq!(feed.topics(), 0, "publishing drops a topic nobody listens to any more");
    }

    #[test]
    fn closing_a_topic_ends_its_subscriptions_only() {
        let feed = Feed::new();
        let (mut closed, mut other) = (feed.subscribe(1), feed.subscribe(2));
        feed.close(&1);
        assert!(matches!(closed.try_recv(), Err(broadcast::error::TryRecvError::Closed)));
        feed.publish(2, event(1));
        assert_eq!(other.try_recv().map(|e| e.seq).ok(), Some(1));
    }

    #[test]
    fn topics_are_separate() {
        let feed = Feed::new();
        let mut other = feed.subscribe(2);
        feed.publish(1, event(1));
        assert!(other.try_recv().is_err());
    }
}
