//! Which devices of each store are connected now. Live state, in memory: a device is online while
//! at least one of its store-stream connections is open (an app may hold two for a moment while
//! it reconnects). When the last one closes, the device's `last_seen_at` is written. A device is
//! its credential: revoking the credential ends its connections, with a last `error` event
//! saying why.
//!
//! With several instances (`--redis-url`) each says on the bus which devices are connected to it,
//! on every change and again every few seconds, and counts what the others say: a device
//! connected to any instance is online on all of them.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use orderbell_shared::events::StreamMessage;
use orderbell_shared::heard::DeviceKind;
use serde_json::json;
use tokio_util::sync::WaitForCancellationFutureOwned;

use crate::clock::Clock;
use crate::db::{Database, DeviceRow};
use crate::error::{DEVICE_REVOKED, Error, Result};
use crate::push::bus::{Bus, Note};
use crate::push::{Encoded, Subscription, wait_for_cancel};
use crate::state::AppState;

#[derive(Default)]
pub struct Presence {
    stores: Mutex<HashMap<i64, HashMap<String, usize>>>,
    /// What other instances said last, by (instance, store).
    remote: Mutex<HashMap<(u64, i64), Heard>>,
}

/// Devices another instance said are connected to it, and when it said so.
type Heard = (Vec<String>, Instant);

/// Who is connecting: the device its credential names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceId {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
}

impl Presence {
    /// The devices of `store_id` connected now.
    pub fn online(&self, store_id: i64) -> Vec<String> {
        let mut online = self.local_of(store_id);
        let remote = self.remote.lock().unwrap_or_else(PoisonError::into_inner);
        let elsewhere = remote.iter().filter(|((_, store), _)| *store == store_id);
        for device in elsewhere.flat_map(|(_, (devices, _))| devices) {
            if !online.contains(device) {
                online.push(device.clone());
            }
        }
        online
    }

    /// The devices of `store_id` connected to this instance.
    fn local_of(&self, store_id: i64) -> Vec<String> {
        let stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        stores
            .get(&store_id)
            .map(|devices| devices.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Every store with devices connected to this instance, and those devices.
    pub fn local(&self) -> Vec<(i64, Vec<String>)> {
        let stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        stores
            .iter()
            .map(|(store_id, devices)| (*store_id, devices.keys().cloned().collect()))
            .collect()
    }

    /// Instance `origin` says these devices of `store_id` are connected to it.
    pub fn heard(&self, origin: u64, store_id: i64, devices: Vec<String>) {
        let mut remote = self.remote.lock().unwrap_or_else(PoisonError::into_inner);
        if devices.is_empty() {
            remote.remove(&(origin, store_id));
        } else {
            remote.insert((origin, store_id), (devices, Instant::now()));
        }
    }

    /// Forget what an instance has not said again for `silence`: it stopped (or lost Redis).
    pub fn forget_silent(&self, silence: Duration) {
        let mut remote = self.remote.lock().unwrap_or_else(PoisonError::into_inner);
        remote.retain(|_, (_, heard)| heard.elapsed() < silence);
    }

    /// Count what was heard before an outage of the bus as heard now: the other instances say
    /// it again within a round, and nothing goes offline in between.
    pub fn heard_again(&self) {
        let mut remote = self.remote.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        for (_, heard) in remote.values_mut() {
            *heard = now;
        }
    }

    /// Tell the other instances which devices of `store_id` are connected here now.
    fn announce(&self, bus: &Bus, store_id: i64) {
        if bus.remote() {
            let devices = self.local_of(store_id);
            bus.note(Note::Presence { store_id, devices });
        }
    }

    fn arrive(&self, store_id: i64, device_id: &str) {
        let mut stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        *stores
            .entry(store_id)
            .or_default()
            .entry(device_id.to_owned())
            .or_default() += 1;
    }

    /// True when this was the device's last connection.
    fn leave(&self, store_id: i64, device_id: &str) -> bool {
        let mut stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(devices) = stores.get_mut(&store_id) else {
            return false;
        };
        let Some(count) = devices.get_mut(device_id) else {
            return false;
        };
        *count -= 1;
        if *count > 0 {
            return false;
        }
        devices.remove(device_id);
        if devices.is_empty() {
            stores.remove(&store_id);
        }
        true
    }
}

/// A store-stream connection of a device, online while it lives and ended when the device's
/// credential is revoked.
pub struct Attended<S> {
    inner: S,
    /// Made once per connection: every device of a credential shares its token.
    revoked: Pin<Box<WaitForCancellationFutureOwned>>,
    /// Whether the device was told it is revoked: the next call ends the connection.
    told: bool,
    _attendance: Option<Attendance>,
}

struct Attendance {
    presence: Arc<Presence>,
    bus: Arc<Bus>,
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
    store_id: i64,
    device: DeviceId,
}

impl<S> Attended<S> {
    /// A connection of the store's device of credential `credential_id`, ended if the credential
    /// is revoked. An `alert_device` (one that alerts people, and says so with `?device=`) is
    /// online, and seen now, for as long as the connection lives.
    pub async fn new(
        inner: S,
        state: &AppState,
        store_id: i64,
        credential_id: i64,
        alert_device: bool,
    ) -> Result<Self> {
        // Subscribe to the revocation before checking the row: one that lands in between is seen.
        let revoked = Box::pin(wait_for_cancel(&state.credentials.revoked(credential_id)));
        let credential = state.credentials.get(credential_id).ok_or(Error::Unauthorized)?;
        if credential.revoked_at.is_some() {
            return Err(Error::DeviceRevoked);
        }
        let Some((store_id, role)) = credential.store_role().filter(|(s, _)| *s == store_id) else {
            return Err(Error::Forbidden);
        };
        let device = DeviceId {
            id: credential_id.to_string(),
            name: credential.name,
            kind: super::rules::kind_for(role),
        };
        let attendance = alert_device.then(|| {
            remember_seen(state.db.clone(), row(store_id, &device, state.clock.now_ms()));
            state.presence.arrive(store_id, &device.id);
            state.presence.announce(&state.bus, store_id);
            Attendance {
                presence: state.presence.clone(),
                bus: state.bus.clone(),
                db: state.db.clone(),
                clock: state.clock.clone(),
                store_id,
                device,
            }
        });
        Ok(Attended {
            inner,
            revoked,
            told: false,
            _attendance: attendance,
        })
    }
}

impl<S: Subscription> Subscription for Attended<S> {
    async fn next(&mut self) -> Option<Arc<Encoded>> {
        if self.told {
            return None;
        }
        tokio::select! {
            biased;
            () = self.revoked.as_mut() => {
                self.told = true;
                Some(Arc::new(revoked_notice()))
            }
            event = self.inner.next() => event,
        }
    }
}

/// The last thing a revoked device hears on a stream: `error` with `device_revoked`, as SSE
/// (`event: error`) and as a WebSocket message (then the socket closes).
fn revoked_notice() -> Encoded {
    let error = Error::DeviceRevoked;
    let data = json!({ "code": error.code(), "message": DEVICE_REVOKED });
    let message = StreamMessage {
        kind: "error".to_owned(),
        id: None,
        data: &data,
        timestamp: crate::clock::now_ms(),
    };
    let ws = serde_json::to_string(&message).unwrap_or_default();
    Encoded::notice(0, "error", &data.to_string(), ws)
}

impl Drop for Attendance {
    fn drop(&mut self) {
        if self.presence.leave(self.store_id, &self.device.id) {
            self.presence.announce(&self.bus, self.store_id);
            remember_seen(self.db.clone(), row(self.store_id, &self.device, self.clock.now_ms()));
        }
    }
}

/// Write when a device was seen, in the background: a device's stream never waits for it (nor
/// fails when the database is busy), and a lost write only makes `last seen` older.
fn remember_seen(db: Arc<dyn Database>, device: DeviceRow) {
    tokio::spawn(async move {
        if let Err(e) = db.touch_device(&device).await {
            tracing::warn!(error = ?e, "recording when a device was last seen failed");
        }
    });
}

fn row(store_id: i64, device: &DeviceId, at: i64) -> DeviceRow {
    DeviceRow {
        store_id,
        device_id: device.id.clone(),
        name: device.name.clone(),
        kind: device.kind,
        last_seen_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_online_while_any_of_its_connections_is() {
        let presence = Presence::default();
        presence.arrive(1, "front");
        presence.arrive(1, "front");
        presence.arrive(2, "other");
        assert_eq!(presence.online(1), vec!["front".to_owned()]);
        assert!(!presence.leave(1, "front"), "one connection is still open");
        assert_eq!(presence.online(1).len(), 1);
        assert!(presence.leave(1, "front"));
        assert!(presence.online(1).is_empty());
        assert_eq!(presence.online(2), vec!["other".to_owned()]);
    }

    #[test]
    fn a_device_connected_to_another_instance_counts_until_that_instance_falls_silent() {
        let presence = Presence::default();
        presence.arrive(1, "front");
        presence.heard(7, 1, vec!["kitchen".into(), "front".into()]);
        presence.heard(7, 2, vec!["other".into()]);
        let mut online = presence.online(1);
        online.sort();
        assert_eq!(
            online,
            ["front", "kitchen"],
            "each device once, wherever it is connected"
        );
        assert_eq!(
            presence.local(),
            vec![(1, vec!["front".to_owned()])],
            "only this instance's own are told to the others"
        );
        presence.heard(7, 1, Vec::new());
        assert_eq!(presence.online(1), ["front"], "the other instance said its device left");
        presence.heard_again();
        presence.forget_silent(Duration::from_secs(60));
        assert_eq!(presence.online(2), ["other"], "heard recently: kept");
        presence.forget_silent(Duration::ZERO);
        assert!(
            presence.online(2).is_empty(),
            "an instance that stopped saying so is forgotten"
        );
    }
}
