//! What storage knows of alerts being heard: the store's devices, and each alert's state.

use orderbell_shared::heard::{AlertKind, DeviceKind, EscalationReason};

/// A device as last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub store_id: i64,
    pub device_id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub last_seen_at: i64,
}

/// An alert that needs a person, or whose escalation is still open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub order_id: i64,
    /// 0 for the order's own alert, else the 催单.
    pub reminder_id: i64,
    pub store_id: i64,
    pub table_number: String,
    /// When it became due: payment, or the 催单.
    pub since: i64,
    /// The order still waits to be accepted, or the 催单 to be answered.
    pub needs_person: bool,
    /// Some device has sounded it.
    pub sounded: bool,
    /// Its escalation, if it was escalated: open (`settled_at` none) or settled.
    pub escalation: Option<EscalationRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscalationRow {
    pub reason: EscalationReason,
    pub started_at: i64,
    pub settled_at: Option<i64>,
}

/// An alert's stored reminder id (0: the order's own alert) as the protocol has it.
pub fn alert_of(reminder_id: i64) -> (AlertKind, Option<i64>) {
    if reminder_id == 0 {
        (AlertKind::Order, None)
    } else {
        (AlertKind::Reminder, Some(reminder_id))
    }
}
