//! Fan-out between instances (`--redis-url`): what one instance publishes reaches the
//! subscribers connected to every other, through Redis pub/sub. Without the flag there is no
//! bus, and the push path is the in-process one alone.
//!
//! Pub/sub carries only live copies: the database's journal is the durable log (ids decided
//! by the database, resumed with `Last-Event-ID`), and carts, bills and menus are versioned
//! rows, so what pub/sub drops is read again from the database. Each message carries its
//! origin (an instance skips its own) and the event already encoded for both wires, so a
//! receiver only hands it to its feed. After a disconnect each instance catches up every topic
//! it watches from the database ([`Recipient::catch_up`]); the feeds pass on only what is newer
//! than what they sent, so nothing is lost and nothing doubled. See docs/SCALE-OUT.md.
//!
//! The bus is a transport: what a note does on this instance, and how it catches up, is its
//! [`Recipient`]'s (`crate::peers`), so that the push layer does not reach into the resources.

mod redis;
mod wire;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::Encoded;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};

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

/// How much to read again from the database (see [`Recipient::catch_up`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Every second while Redis is away: streams, carts, menus and credentials, so clients stay
    /// near-live.
    Poll,
    /// After (re)subscribing, or when another instance dropped notes: also table links and bills
    /// (a bill is sent whole and unversioned, so it is sent once, not every poll).
    Full,
}

/// This instance, as the bus sees it: where the notes of the others go, and what is read again
/// from the database when some may have been missed.
pub trait Recipient: Send + Sync + 'static {
    /// Hand a note from instance `origin` to this one's feeds and state.
    fn deliver(&self, origin: u64, note: Note) -> impl Future<Output = ()> + Send;

    /// Catch up from the database what the bus may have missed. Failures are logged: the next
    /// round tries again.
    fn catch_up(&self, depth: Depth) -> impl Future<Output = ()> + Send;

    /// Forget the devices other instances have not mentioned for `silence`, and say which
    /// devices of each store are connected here (the bus tells the others).
    fn presence_round(&self, silence: Duration) -> Vec<(i64, Vec<String>)>;
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
        if let Some(remote) = &self.remote {
            remote.note(note);
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

impl Remote {
    /// As [`Bus::note`], for the bus's own tasks, which hold the remote end already.
    fn note(&self, note: Note) {
        if self.outbox.try_send(note).is_err() {
            self.health.dropped.fetch_add(1, Ordering::Relaxed);
            self.health.overflowed.store(true, Ordering::Relaxed);
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
