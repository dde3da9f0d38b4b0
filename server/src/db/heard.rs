//! What storage knows of alerts being heard: the store's devices, and each alert's state.

use orderbell_shared::heard::{AlertKind, DeviceKind};

/// A device as last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub store_id: i64,
    pub device_id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub last_seen_at: i64,
}

/// An alert's stored reminder id (0: the order's own alert) as the protocol has it.
pub fn alert_of(reminder_id: i64) -> (AlertKind, Option<i64>) {
    if reminder_id == 0 {
        (AlertKind::Order, None)
    } else {
        (AlertKind::Reminder, Some(reminder_id))
    }
}
