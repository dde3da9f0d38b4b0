//! Who heard what: per order, the devices of the store that sounded its alerts (the board's
//! 「已在前台电脑响铃」) and whether the server escalated one nobody heard (「无人接听」), from the
//! snapshot and the `alert_receipt`, `alert_escalated` and `alert_settled` events; and, the other
//! way, the receipts this device owes the server for what it showed, sounded and stopped.
//!
//! Not to be confused with [`crate::saved::Heard`], which is what this device announced.

use std::collections::{BTreeMap, BTreeSet};

use orderbell_shared::Event;
use orderbell_shared::heard::{AlertReceipt, ReceiptState};
use orderbell_shared::order::StoreSnapshot;

use crate::board::BoardOrder;
use crate::notify::NoteKind;
use crate::receipts::AlertRef;
use crate::voice::Cue;

#[derive(Debug, Default)]
pub struct WhoHeard {
    /// The snapshot's event id: escalations at or below it are history, not news.
    baseline: u64,
    /// Per order, the devices (id, name) that sounded one of its alerts, first first.
    sounded_on: BTreeMap<i64, Vec<(String, String)>>,
    /// Escalated alerts not settled yet.
    unheard: BTreeSet<AlertRef>,
    /// Per order, its newest 催单: the one a 催单 notification or voice is about.
    latest_reminder: BTreeMap<i64, i64>,
    /// Alerts this device sounded: an escalation of one means only our receipt is late.
    sounded_here: BTreeSet<AlertRef>,
    /// Receipts to send.
    outbox: Vec<(AlertRef, ReceiptState)>,
}

impl WhoHeard {
    /// Start over from a snapshot (what this device sounded and still owes stays).
    pub fn load(&mut self, snapshot: &StoreSnapshot) {
        self.baseline = snapshot.last_event_id;
        self.sounded_on.clear();
        for receipt in &snapshot.receipts {
            self.receipt(receipt);
        }
        self.unheard = snapshot
            .escalated
            .iter()
            .map(|e| AlertRef::from_parts(e.order_id, e.alert, e.reminder_id))
            .collect();
        for reminder in &snapshot.reminders {
            self.newer_reminder(reminder.order_id, reminder.reminder_id);
        }
    }

    /// A stream event. Returns the alert it escalates when that is news: past the snapshot, and
    /// not among the snapshot's escalations. The server reads a snapshot's position before its
    /// escalations, so one made in between is in both, and its event comes after the position:
    /// like the snapshot's others it is history, or the order would be announced a second time.
    pub fn apply(&mut self, id: u64, event: &Event) -> Option<AlertRef> {
        match event {
            Event::AlertReceipt(receipt) => self.receipt(receipt),
            Event::OrderReminder(reminder) => self.newer_reminder(reminder.order.order_id, reminder.reminder_id),
            Event::AlertEscalated(e) => {
                let alert = AlertRef::from_parts(e.order_id, e.alert, e.reminder_id);
                let known = !self.unheard.insert(alert);
                return (id > self.baseline && !known).then_some(alert);
            }
            Event::AlertSettled(s) => {
                self.unheard
                    .remove(&AlertRef::from_parts(s.order_id, s.alert, s.reminder_id));
            }
            _ => {}
        }
        None
    }

    /// Forget orders that left the board.
    pub fn keep_only(&mut self, open: &BTreeSet<i64>) {
        self.sounded_on.retain(|id, _| open.contains(id));
        self.unheard.retain(|a| open.contains(&a.order_id));
        self.latest_reminder.retain(|id, _| open.contains(id));
        self.sounded_here.retain(|a| open.contains(&a.order_id));
    }

    /// Fill in a card's 「已在…响铃」 and 「无人接听」.
    pub fn describe(&self, card: &mut BoardOrder) {
        let order_id = card.order.order_id;
        card.sounded_on = self
            .sounded_on
            .get(&order_id)
            .map(|devices| devices.iter().map(|(_, name)| name.clone()).collect())
            .unwrap_or_default();
        card.unheard = self.unheard.iter().any(|a| a.order_id == order_id);
    }

    /// This device showed a notification.
    pub fn shown(&mut self, kind: NoteKind) {
        let alert = match kind {
            NoteKind::NewOrder { order_id } => Some(AlertRef::order(order_id)),
            NoteKind::Hurry { order_id } => self.reminder(order_id),
            NoteKind::ConnectionLost
            | NoteKind::PaymentAnomaly { .. }
            | NoteKind::RefundFailed { .. }
            | NoteKind::Printer { .. } => None,
        };
        if let Some(alert) = alert {
            self.outbox.push((alert, ReceiptState::Shown));
        }
    }

    /// This device's speakers played an announcement.
    pub fn sounded(&mut self, cue: Cue) {
        let alert = match cue {
            Cue::NewOrder { order_id } => Some(AlertRef::order(order_id)),
            Cue::Hurry { order_id } => self.reminder(order_id),
            Cue::Ticket { .. } | Cue::ConnectionLost | Cue::Printer { .. } | Cue::Test => None,
        };
        if let Some(alert) = alert {
            self.sounded_here.insert(alert);
            self.outbox.push((alert, ReceiptState::Sounded));
        }
    }

    /// This device stopped repeating an order's announcement: someone handled it.
    pub fn stopped(&mut self, order_id: i64) {
        self.outbox.push((AlertRef::order(order_id), ReceiptState::Stopped));
    }

    /// Whether this device already sounded `alert`; if so its receipt is sent again, as the
    /// server cannot have it yet.
    pub fn sounded_here(&mut self, alert: AlertRef) -> bool {
        let sounded = self.sounded_here.contains(&alert);
        if sounded {
            self.outbox.push((alert, ReceiptState::Sounded));
        }
        sounded
    }

    /// The newest 催单 of an order, as an alert; `None` before any is known.
    pub fn reminder(&self, order_id: i64) -> Option<AlertRef> {
        self.latest_reminder.get(&order_id).map(|&reminder_id| AlertRef {
            order_id,
            reminder_id: Some(reminder_id),
        })
    }

    /// The receipts to send now.
    pub fn take_receipts(&mut self) -> Vec<(AlertRef, ReceiptState)> {
        std::mem::take(&mut self.outbox)
    }

    fn receipt(&mut self, receipt: &AlertReceipt) {
        if receipt.state != ReceiptState::Sounded {
            return;
        }
        let devices = self.sounded_on.entry(receipt.order_id).or_default();
        match devices.iter_mut().find(|(id, _)| *id == receipt.device_id) {
            Some(device) => device.1.clone_from(&receipt.device_name),
            None => devices.push((receipt.device_id.clone(), receipt.device_name.clone())),
        }
    }

    fn newer_reminder(&mut self, order_id: i64, reminder_id: i64) {
        let latest = self.latest_reminder.entry(order_id).or_insert(reminder_id);
        *latest = (*latest).max(reminder_id);
    }
}
