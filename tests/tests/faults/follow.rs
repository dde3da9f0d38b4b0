//! A merchant app following the store stream in the background, over SSE or WebSocket, as
//! fast or as slowly as a test wants, reconnecting with its last id like the real app: what it
//! saw is kept for the test to check.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt as _;
use orderbell_shared::Event;
use orderbell_shared::events::{Resync, StreamMessage, kind};
use orderbell_tests::{Api, PATIENCE, Sse};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::now_ms;

#[derive(Clone, Copy, Debug)]
pub enum Transport {
    Sse,
    Ws,
}

/// What a follower saw, in order.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// Event ids, and `None` where a `resync` came.
    pub items: Vec<Option<u64>>,
    /// How many times it was greeted with `connected`: one more per reconnect.
    pub connects: usize,
    /// The newest id a `resync` said the stream had reached: the follower goes on after it.
    pub resynced_to: Option<u64>,
    /// From the event's own time (`paidAt`, `at`) to its arrival, in milliseconds.
    pub latencies_ms: Vec<i64>,
}

impl Seen {
    pub fn ids(&self) -> Vec<u64> {
        self.items.iter().flatten().copied().collect()
    }

    pub fn resyncs(&self) -> usize {
        self.items.iter().filter(|item| item.is_none()).count()
    }

    /// Never a silent jump: each id follows the previous one by exactly one, unless a `resync`
    /// came between them; and never an id twice or backwards.
    pub fn assert_no_silent_jump(&self, what: &str) {
        let mut previous: Option<u64> = None;
        let mut resynced = false;
        for item in &self.items {
            match (item, previous) {
                (None, _) => resynced = true,
                (Some(id), Some(before)) => {
                    assert!(*id > before, "{what}: id {id} after {before}: a repeat or a step back");
                    assert!(
                        resynced || *id == before + 1,
                        "{what}: id {id} after {before} with no resync between: a silent jump"
                    );
                    (previous, resynced) = (Some(*id), false);
                }
                (Some(id), None) => (previous, resynced) = (Some(*id), false),
            }
        }
    }
}

pub struct Follower {
    seen: Arc<Mutex<Seen>>,
    /// The pause after each event, in milliseconds; a test may change it while it runs.
    delay_ms: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Follower {
    /// Follow the store stream from `from` (or from now), waiting `delay` after each event.
    pub fn start(api: &Api, transport: Transport, from: Option<u64>, delay: Duration) -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let delay_ms = Arc::new(AtomicU64::new(u64::try_from(delay.as_millis()).expect("a short delay")));
        let task = match transport {
            Transport::Sse => {
                let stream = Sse::connect(&api.url("/api/stores/1/events"), &api.merchant, from);
                tokio::spawn(follow_sse(stream, seen.clone(), delay_ms.clone()))
            }
            Transport::Ws => {
                let url = api.ws_url(&format!("/ws/stores/1?token={}", api.merchant));
                tokio::spawn(follow_ws(url, from, seen.clone(), delay_ms.clone()))
            }
        };
        Follower { seen, delay_ms, task }
    }

    pub fn set_delay(&self, delay: Duration) {
        let millis = u64::try_from(delay.as_millis()).expect("a short delay");
        self.delay_ms.store(millis, Ordering::SeqCst);
    }

    pub fn seen(&self) -> Seen {
        self.seen.lock().expect("not poisoned").clone()
    }

    /// Wait until it has seen event `last` (or later), within `patience`.
    pub async fn until(&self, last: u64, patience: Duration) -> Seen {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let seen = self.seen();
            if seen
                .ids()
                .last()
                .max(seen.resynced_to.as_ref())
                .is_some_and(|id| *id >= last)
            {
                return seen;
            }
            assert!(!self.task.is_finished(), "the follower stopped: {seen:?}");
            assert!(
                tokio::time::Instant::now() < deadline,
                "event {last} did not arrive; seen up to {:?} over {} connections",
                seen.ids().last(),
                seen.connects
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn follow_sse(mut stream: Sse, seen: Arc<Mutex<Seen>>, delay_ms: Arc<AtomicU64>) {
    loop {
        let event = stream.next_event().await;
        let item = match event.event_type.as_str() {
            kind::HEARTBEAT => continue,
            kind::CONNECTED => {
                seen.lock().expect("not poisoned").connects += 1;
                continue;
            }
            kind::RESYNC => resync(&seen, &event.data),
            other => {
                let id = event
                    .id
                    .as_deref()
                    .and_then(|id| id.parse().ok())
                    .expect("durable events have ids");
                record_latency(&seen, other, &event.data);
                Some(id)
            }
        };
        seen.lock().expect("not poisoned").items.push(item);
        pause(&delay_ms).await;
    }
}

/// The WebSocket has no client library that resumes by itself: this loop is that client.
async fn follow_ws(url: String, mut last: Option<u64>, seen: Arc<Mutex<Seen>>, delay_ms: Arc<AtomicU64>) {
    loop {
        let url = match last {
            Some(id) => format!("{url}&lastEventId={id}"),
            None => url.clone(),
        };
        let Ok(Ok((mut socket, _))) = tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(url)).await
        else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        while let Ok(Some(Ok(message))) = tokio::time::timeout(PATIENCE, socket.next()).await {
            let Message::Text(text) = message else { continue };
            let message: StreamMessage = serde_json::from_str(&text).expect("{type, id, data, timestamp}");
            let item = match message.kind.as_str() {
                kind::HEARTBEAT => continue,
                kind::CONNECTED => {
                    seen.lock().expect("not poisoned").connects += 1;
                    continue;
                }
                kind::RESYNC => resync(&seen, &message.data.to_string()),
                other => {
                    let id = message.id.expect("durable events have ids");
                    record_latency(&seen, other, &message.data.to_string());
                    last = Some(id);
                    Some(id)
                }
            };
            seen.lock().expect("not poisoned").items.push(item);
            pause(&delay_ms).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A `resync`: where the stream goes on from (`None` in the items marks it).
fn resync(seen: &Mutex<Seen>, data: &str) -> Option<u64> {
    let resync: Resync = serde_json::from_str(data).expect("resync data");
    seen.lock().expect("not poisoned").resynced_to = Some(resync.last_event_id);
    None
}

async fn pause(delay_ms: &AtomicU64) {
    let millis = delay_ms.load(Ordering::SeqCst);
    if millis > 0 {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
}

fn record_latency(seen: &Mutex<Seen>, kind: &str, data: &str) {
    let at = match Event::parse(kind, data) {
        Some(Ok(Event::OrderPaid(order))) => order.paid_at,
        Some(Ok(Event::OrderStatus(change))) => Some(change.at),
        _ => None,
    };
    if let Some(at) = at {
        seen.lock().expect("not poisoned").latencies_ms.push(now_ms() - at);
    }
}
