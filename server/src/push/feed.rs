//! A topic-per-key broadcast of encoded events (one topic per table's cart, one per durable
//! stream).
//!
//! Changes commit concurrently, so their publications can arrive out of order. The feed passes on
//! only events newer than the last one it sent: cart subscribers never step back to an older cart
//! (each cart contains every change before it), and durable-stream subscribers notice the jump
//! and fetch what they skipped from the journal.
//!
//! A topic also keeps its newest event and what its subscribers need beside it (`M`: a cart
//! topic's is the table's store), so that one who joins a live topic starts from that event
//! instead of reading storage: connecting is then a few lock operations, not a database trip.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

use super::Encoded;
use super::bus::{Bus, Topic};

/// How many events a subscriber may fall behind before it is told it lagged.
const QUEUE: usize = 64;

/// A topic's newest event and what goes beside it.
pub type Latest<M> = (Arc<Encoded>, M);

pub struct Feed<K, M = ()> {
    topics: Mutex<HashMap<K, Channel<M>>>,
    /// Where each publication also goes, to the other instances (`--redis-url`); `None` on a
    /// single node, which then pays one branch per publication and nothing else.
    relay: Option<Relay<K>>,
}

struct Relay<K> {
    bus: Arc<Bus>,
    topic: fn(&K) -> Topic,
}

struct Channel<M> {
    sender: broadcast::Sender<Arc<Encoded>>,
    last_seq: u64,
    /// The newest event known to be committed, published or read by a subscriber. It only rises.
    latest: Option<Arc<Encoded>>,
    /// What a subscriber read beside it; set by the first subscriber that read storage.
    about: Option<M>,
}

impl<K: Eq + Hash, M: Clone> Feed<K, M> {
    pub fn new() -> Self {
        Feed {
            topics: Mutex::new(HashMap::new()),
            relay: None,
        }
    }

    /// A feed whose publications also go to the other instances through `bus` (when it reaches
    /// any), as `topic` of their key.
    pub fn relayed(bus: &Arc<Bus>, topic: fn(&K) -> Topic) -> Self {
        Feed {
            topics: Mutex::new(HashMap::new()),
            relay: bus.remote().then(|| Relay {
                bus: bus.clone(),
                topic,
            }),
        }
    }

    pub fn subscribe(&self, key: K) -> broadcast::Receiver<Arc<Encoded>> {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics.entry(key).or_insert_with(Channel::new).sender.subscribe()
    }

    /// Subscribe, and take the topic's newest event with what goes beside it, if it has both.
    /// Both come under one lock: every event published before is no newer than the one taken,
    /// and every one published after reaches the receiver, so nothing falls between them.
    pub fn subscribe_latest(&self, key: K) -> (broadcast::Receiver<Arc<Encoded>>, Option<Latest<M>>) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        let topic = topics.entry(key).or_insert_with(Channel::new);
        let latest = topic.latest.clone().zip(topic.about.clone());
        (topic.sender.subscribe(), latest)
    }

    /// Keep `event`, read from storage by a subscriber after it subscribed, as the topic's newest
    /// unless a newer one is there. It is not sent: the publication of the change it shows is on
    /// its way to every subscriber (or already came), and `last_seq` stays where sending left it
    /// so that publication still goes out.
    pub fn remember(&self, key: &K, event: Arc<Encoded>, about: M) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        // No topic: its listeners left, or it was closed; nothing to keep.
        let Some(topic) = topics.get_mut(key) else { return };
        topic.about = Some(about);
        topic.keep(event);
    }

    /// Send `event` to the key's subscribers unless a newer one already went out. A key nobody
    /// listens to has no topic, and publishing never makes one: topics live only as long as
    /// their listeners (every order has a stream; few are watched at any moment). The lock is
    /// held only for the non-blocking send, never across I/O. The other instances get it too.
    pub fn publish(&self, key: K, event: Encoded) {
        if let Some(relay) = &self.relay {
            relay.bus.send((relay.topic)(&key), &event);
        }
        self.deliver(key, event);
    }

    /// Send `event` to this instance's subscribers only: what another instance published, or
    /// what catching up read from the database.
    pub fn deliver(&self, key: K, event: Encoded) {
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
        let event = Arc::new(event);
        topic.keep(event.clone());
        // An error only means the last listener left just now.
        let _ = topic.sender.send(event);
    }

    /// Whether anyone listens to `key` now: lets a publisher skip building an event nobody would
    /// receive. With other instances, someone may listen there: always.
    pub fn listened(&self, key: &K) -> bool {
        if self.relay.is_some() {
            return true;
        }
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

    /// The keys someone listens to now: what catching up must read again.
    pub fn watched(&self) -> Vec<K>
    where
        K: Clone,
    {
        let topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics
            .iter()
            .filter(|(_, topic)| topic.sender.receiver_count() > 0)
            .map(|(key, _)| key.clone())
            .collect()
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

impl<K: Eq + Hash, M: Clone> Default for Feed<K, M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> Channel<M> {
    fn new() -> Self {
        Channel {
            sender: broadcast::channel(QUEUE).0,
            last_seq: 0,
            latest: None,
            about: None,
        }
    }

    fn keep(&mut self, event: Arc<Encoded>) {
        if self.latest.as_ref().is_none_or(|latest| latest.seq < event.seq) {
            self.latest = Some(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seqs(rx: &mut broadcast::Receiver<Arc<Encoded>>) -> Vec<u64> {
        std::iter::from_fn(|| rx.try_recv().ok().map(|e| e.seq)).collect()
    }

    #[test]
    fn a_late_subscriber_starts_from_the_newest_event_and_misses_nothing_after_it() {
        let feed: Feed<i64, i64> = Feed::new();
        let (mut first, none) = feed.subscribe_latest(1);
        assert!(
            none.is_none(),
            "a new topic knows nothing: its first subscriber reads storage"
        );
        // The first subscriber read version 2 while the publication of 2 was still on its way.
        feed.remember(&1, Arc::new(event(2)), 10);
        let (_second, latest) = feed.subscribe_latest(1);
        let (event2, store) = latest.expect("the topic keeps what its first subscriber read");
        assert_eq!((event2.seq, store), (2, 10));
        // A reader that read an older version (1) later must not move the topic back.
        feed.remember(&1, Arc::new(event(1)), 10);
        // The publications arrive late and out of order: 1 then 2, then 3.
        feed.publish(1, event(1));
        feed.publish(1, event(2));
        let (mut third, latest) = feed.subscribe_latest(1);
        assert_eq!(
            latest.map(|(e, _)| e.seq),
            Some(2),
            "never older than what a reader stored"
        );
        feed.publish(1, event(3));
        assert_eq!(
            seqs(&mut first),
            vec![1, 2, 3],
            "remembering a read sends nothing and holds back no publication"
        );
        assert_eq!(
            seqs(&mut third),
            vec![3],
            "what was published after taking the newest arrives"
        );
        let (_, latest) = feed.subscribe_latest(1);
        assert_eq!(latest.map(|(e, _)| e.seq), Some(3));
    }

    #[test]
    fn a_closed_topic_forgets_its_newest_event() {
        let feed: Feed<i64, i64> = Feed::new();
        let (_rx, _) = feed.subscribe_latest(1);
        feed.remember(&1, Arc::new(event(4)), 10);
        feed.close(&1);
        feed.remember(&1, Arc::new(event(4)), 10);
        assert!(
            feed.subscribe_latest(1).1.is_none(),
            "after closing, the next subscriber reads storage"
        );
    }

    fn event(seq: u64) -> Encoded {
        Encoded::new(seq, "test", "{}", String::new())
    }

    #[test]
    fn older_events_are_not_passed_on() {
        let feed: Feed<i64> = Feed::new();
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
        let feed: Feed<i64> = Feed::new();
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
        let feed: Feed<i64> = Feed::new();
        let (mut closed, mut other) = (feed.subscribe(1), feed.subscribe(2));
        feed.close(&1);
        assert!(matches!(closed.try_recv(), Err(broadcast::error::TryRecvError::Closed)));
        feed.publish(2, event(1));
        assert_eq!(other.try_recv().map(|e| e.seq).ok(), Some(1));
    }

    #[test]
    fn topics_are_separate() {
        let feed: Feed<i64> = Feed::new();
        let mut other = feed.subscribe(2);
        feed.publish(1, event(1));
        assert!(other.try_recv().is_err());
    }
}
