//! Fan-out between instances (`--redis-url`): what one instance publishes reaches the
//! subscribers connected to every other, through Redis pub/sub. Without the flag there is no
//! bus, and the push path is the in-process one alone.
//!
//! Pub/sub carries only live copies: the database's journal is the durable log (ids decided
//! by the database, resumed with `Last-Event-ID`), and carts, bills and menus are versioned
//! rows, so what pub/sub drops is read again from the database. Each message carries its
//! origin (an instance skips its own) and the event already encoded for both wires, so a
//! receiver only hands it to its feed. After a disconnect each instance catches up every topic
//! it watches from the database ([`catch_up`]); the feeds pass on only what is newer than what
//! they sent, so nothing is lost and nothing doubled. See docs/SCALE-OUT.md.

mod catch_up;
mod redis;
mod wire;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::Encoded;
use crate::error::{Error, Result};
use crate::journal::Stream;
use crate::state::AppState;

pub use self::redis::run;

/// Notes waiting for the publisher: beyond this (Redis too slow or away) they are dropped, and
/// the other instances are told to catch up from the database once it is back.
const OUTBOX: usize = 16_384;

/// Which feed an event belongs to, and its key there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// A table's cart (`cart_update`, seq = the cart's version).
    Cart(i64),
    /// A store's `menu_update` (seq = the menu's version).
    Menu(i64),
    /// A table's `bill_update` (seq = its stamp).
    Bill(i64),
    /// A durable stream's event (seq = its id in the journal).
    Journal(Stream),
}

/// What one instance tells the others.
#[derive(Clone, Debug)]
pub enum Note {
    Event(Topic, Encoded),
    /// A table's link was regenerated: older links are refused and the table's streams end.
    Link {
        table_id: i64,
        generation: u32,
    },
    /// A table was removed: none of its links holds.
    TableRemoved(i64),
    /// A credential was issued or revoked: read the credentials again (a revoked one ends its
    /// streams on every instance).
    Credential(i64),
    /// The alert devices of a store connected to the sender now (sent on every change and
    /// again every few seconds: an instance that dies stops saying so, and its devices go).
    Presence {
        store_id: i64,
        devices: Vec<String>,
    },
    /// The sender dropped notes (Redis was away): catch up from the database.
    CatchUp,
}

/// The bus of this instance: `None` inside on a single node.
#[derive(Default)]
pub struct Bus {
    remote: Option<Remote>,
}

struct Remote {
    /// Random per process: an instance skips its own notes.
    origin: u64,
    client: ::redis::Client,
    outbox: mpsc::Sender<Note>,
    /// The publisher's end, taken when the server starts serving.
    outgoing: Mutex<Option<mpsc::Receiver<Note>>>,
    health: Health,
}

/// The bus's counters, for `/metrics` and `/readyz`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BusStatus {
    /// Whether a Redis URL is configured at all.
    pub configured: bool,
    /// Subscribed to Redis now: live copies from other instances arrive.
    pub connected: bool,
    /// How many times the connection came back after being lost.
    pub reconnects: u64,
    /// Seconds spent without Redis since the start, the current outage included.
    pub outage_seconds: f64,
    /// Notes that could not be sent (the other instances caught up from the database instead).
    pub dropped: u64,
}

impl Bus {
    /// The bus through the Redis at `url`; it connects once the server serves, and keeps trying.
    pub fn connect(url: &str) -> Result<Bus> {
        let client = ::redis::Client::open(url).map_err(|e| Error::Config(format!("--redis-url: {e}")))?;
        let (outbox, outgoing) = mpsc::channel(OUTBOX);
        Ok(Bus {
            remote: Some(Remote {
                origin: rand::random(),
                client,
                outbox,
                outgoing: Mutex::new(Some(outgoing)),
                health: Health::default(),
            }),
        })
    }

    /// Whether other instances are reached at all.
    pub fn remote(&self) -> bool {
        self.remote.is_some()
    }

    /// Send a copy of `event` to the other instances.
    pub fn send(&self, topic: Topic, event: &Encoded) {
        if self.remote.is_some() {
            self.note(Note::Event(topic, event.clone()));
        }
    }

    /// Tell the other instances `note`. Never waits: a note that finds the outbox full is
    /// dropped and the others are told to catch up.
    pub fn note(&self, note: Note) {
        if let Some(remote) = &self.remote
            && remote.outbox.try_send(note).is_err()
        {
            remote.health.dropped.fetch_add(1, Ordering::Relaxed);
            remote.health.overflowed.store(true, Ordering::Relaxed);
        }
    }

    /// Ready to serve as one of several: always on a single node, else while Redis is reached.
    pub fn ready(&self) -> bool {
        self.remote
            .as_ref()
            .is_none_or(|remote| remote.health.connected.load(Ordering::Relaxed))
    }

    pub fn status(&self) -> BusStatus {
        let Some(remote) = &self.remote else {
            return BusStatus::default();
        };
        let health = &remote.health;
        let down = health
            .down_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map_or(Duration::ZERO, |since| since.elapsed());
        let outage = Duration::from_millis(health.outage_ms.load(Ordering::Relaxed)) + down;
        BusStatus {
            configured: true,
            connected: health.connected.load(Ordering::Relaxed),
            reconnects: health.reconnects.load(Ordering::Relaxed),
            outage_seconds: outage.as_secs_f64(),
            dropped: health.dropped.load(Ordering::Relaxed),
        }
    }
}

#[derive(Default)]
struct Health {
    connected: AtomicBool,
    reconnects: AtomicU64,
    outage_ms: AtomicU64,
    down_since: Mutex<Option<Instant>>,
    dropped: AtomicU64,
    /// A note was dropped for a full outbox: the publisher asks the others to catch up.
    overflowed: AtomicBool,
    /// Whether it was ever subscribed (the first time is not a recovery).
    ever: AtomicBool,
}

impl Health {
    /// Subscribed again. Logged once per outage, as is its start.
    fn up(&self) {
        if !self.connected.swap(true, Ordering::Relaxed) && !self.ever.swap(true, Ordering::Relaxed) {
            tracing::info!("subscribed to Redis: fan-out between instances is on");
        }
        let since = self.down_since.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(since) = since {
            let outage = since.elapsed();
            let ms = u64::try_from(outage.as_millis()).unwrap_or(u64::MAX);
            self.outage_ms.fetch_add(ms, Ordering::Relaxed);
            self.reconnects.fetch_add(1, Ordering::Relaxed);
            tracing::info!(outage = ?outage, "Redis is back: live delivery between instances resumes; catching up from the database");
        }
    }

    fn down(&self, why: &dyn std::fmt::Display) {
        self.connected.store(false, Ordering::Relaxed);
        let mut since = self.down_since.lock().unwrap_or_else(PoisonError::into_inner);
        if since.is_none() {
            *since = Some(Instant::now());
            tracing::warn!(error = %why, "Redis is unreachable: writes still commit, but live delivery between instances is degraded (clients here are fed from the database) until it is back");
        }
    }
}

/// Hand a note from another instance to this one's feeds and state.
async fn deliver(state: &AppState, origin: u64, note: Note) {
    match note {
        Note::Event(Topic::Cart(table_id), event) => state.carts.deliver(table_id, event),
        Note::Event(Topic::Menu(store_id), event) => state.menus.deliver(store_id, event),
        Note::Event(Topic::Bill(table_id), event) => state.bills.deliver(table_id, event),
        Note::Event(Topic::Journal(stream), event) => state.journal.deliver(stream, event),
        Note::Link { table_id, generation } => {
            // As on the instance that regenerated it: the map first, then the streams.
            state.links.learn(table_id, generation);
            state.carts.close(&table_id);
        }
        Note::TableRemoved(table_id) => {
            state.links.removed(table_id);
            state.carts.close(&table_id);
        }
        Note::Credential(_) => {
            if let Err(e) = crate::devices::refresh(state).await {
                tracing::warn!(error = ?e, "reading credentials changed elsewhere failed; the next catch-up reads them");
            }
        }
        Note::Presence { store_id, devices } => state.presence.heard(origin, store_id, devices),
        Note::CatchUp => catch_up::run(state, catch_up::Depth::Full).await,
    }
}
