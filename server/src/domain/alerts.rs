//! An alert's state: whether it needs a person, was sounded, was escalated.

use orderbell_shared::heard::EscalationReason;

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
