//! Which devices of each store are connected now. Live state, in memory: a device is online while
//! at least one of its store-stream connections is open (an app may hold two for a moment while
//! it reconnects). When the last one closes, the device's `last_seen_at` is written.
//!
//! One instance sees only its own connections; with several instances behind a balancer this
//! becomes a shared registry (issue #15).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use orderbell_shared::heard::DeviceKind;

use crate::clock::Clock;
use crate::db::{Database, DeviceRow};
use crate::error::Result;
use crate::push::{Encoded, Subscription};
use crate::state::AppState;

#[derive(Default)]
pub struct Presence {
    stores: Mutex<HashMap<i64, HashMap<String, usize>>>,
}

/// Who is connecting: a device names itself on the store stream (`?device=…&deviceName=…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceId {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
}

impl Presence {
    /// The devices of `store_id` connected now.
    pub fn online(&self, store_id: i64) -> Vec<String> {
        let stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        stores
            .get(&store_id)
            .map(|devices| devices.keys().cloned().collect())
            .unwrap_or_default()
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

/// A store-stream connection, and the device it names (if any), online while it lives.
pub struct Attended<S> {
    inner: S,
    _attendance: Option<Attendance>,
}

struct Attendance {
    presence: Arc<Presence>,
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
    store_id: i64,
    device: DeviceId,
}

impl<S> Attended<S> {
    /// Mark the store's `device` online (and seen now) for as long as the connection lives.
    pub async fn new(inner: S, state: &AppState, device: Option<(i64, DeviceId)>) -> Result<Self> {
        let attendance = match device {
            None => None,
            Some((store_id, device)) => {
                state
                    .db
                    .touch_device(&row(store_id, &device, state.clock.now_ms()))
                    .await?;
                state.presence.arrive(store_id, &device.id);
                Some(Attendance {
                    presence: state.presence.clone(),
                    db: state.db.clone(),
                    clock: state.clock.clone(),
                    store_id,
                    device,
                })
            }
        };
        Ok(Attended {
            inner,
            _attendance: attendance,
        })
    }
}

impl<S: Subscription> Subscription for Attended<S> {
    fn next(&mut self) -> impl Future<Output = Option<Arc<Encoded>>> + Send {
        self.inner.next()
    }
}

impl Drop for Attendance {
    fn drop(&mut self) {
        if self.presence.leave(self.store_id, &self.device.id) {
            let (db, device) = (self.db.clone(), row(self.store_id, &self.device, self.clock.now_ms()));
            // Drop cannot wait; the write is small, and a lost one only makes `last seen` older.
            tokio::spawn(async move {
                if let Err(e) = db.touch_device(&device).await {
                    tracing::warn!(error = ?e, "recording when a device was last seen failed");
                }
            });
        }
    }
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
}
