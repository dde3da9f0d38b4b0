//! The desk's state and rules without any I/O: the board, what was announced (`Heard`), who
//! heard it on which device (`WhoHeard`, and the receipts this device owes), and the alert
//! policy, fed with stream items and snapshots, answering with effects. The async
//! [`crate::desk`] only moves bytes in and effects out, so everything that decides whether the
//! merchant hears an order is here and runs in plain tests.
//!
//! Never twice: an event at or below the last handled id is ignored, an order's payment is
//! announced once (`Heard::paid`), and each 催单 once (`Heard::reminders` counts them) — also
//! across restarts and resyncs, because `Heard` is saved with the last event id.

use orderbell_shared::events::PaymentAnomaly;
use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::{Event, OrderStatus};

use crate::alerts::{AlertPolicy, Effect};
use crate::board::{Board, BoardOrder};
use crate::heard::WhoHeard;
use crate::notify::{Note, NoteKind};
use crate::pairing::Role;
use crate::receipts::AlertRef;
use crate::saved::{Heard, Settings};
use crate::voice::{Cue, VoicePlan};

pub struct Engine {
    role: Role,
    pub board: Board,
    pub heard: Heard,
    pub policy: AlertPolicy,
    pub who_heard: WhoHeard,
}

impl Engine {
    pub fn new(role: Role, heard: Heard, settings: Settings) -> Engine {
        Engine {
            role,
            board: Board::default(),
            heard,
            policy: AlertPolicy::new(settings),
            who_heard: WhoHeard::default(),
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// A snapshot, at start or after a resync: announce what was never announced, and resume
    /// the repeats of orders still waiting (without a second notification).
    pub fn load(&mut self, snapshot: StoreSnapshot, now: i64) -> Vec<Effect> {
        if self.heard.last_event_id.is_none() {
            self.heard.last_event_id = Some(snapshot.last_event_id);
        }
        self.who_heard.load(&snapshot);
        self.board.load(snapshot);
        self.heard.keep_only(&self.board.open_ids());
        self.who_heard.keep_only(&self.board.open_ids());
        // Orders handled while we were not listening: the snapshot is all that says so.
        let mut effects = Vec::new();
        for order_id in self.policy.orders() {
            effects.extend(self.settle(order_id));
        }
        for entry in self.board.orders() {
            let order = &entry.order;
            effects.extend(self.announce_order(order.order_id, now, true));
            if order.reminder_count > self.heard.reminders.get(&order.order_id).copied().unwrap_or(0) {
                effects.extend(self.announce_hurry(order.order_id, order.reminder_count, now));
            }
        }
        effects
    }

    /// A durable event from the stream. Returns `None` for one already handled.
    pub fn event(&mut self, id: u64, event: &Event, now: i64) -> Option<Vec<Effect>> {
        if self.heard.last_event_id.is_some_and(|last| id <= last) {
            return None;
        }
        self.heard.last_event_id = Some(id);
        self.board.apply(id, event);
        let escalated = self.who_heard.apply(id, event);
        let effects = match event {
            Event::OrderPaid(order) => self.announce_order(order.order_id, now, false),
            Event::OrderStatus(change) => {
                let mut effects = self.settle(change.order_id);
                effects.extend(self.announce_order(change.order_id, now, false));
                effects
            }
            Event::OrderReminder(reminder) => self.announce_hurry(reminder.order.order_id, reminder.count, now),
            Event::ReminderReply(reply) => self.policy.answered(reply.order_id),
            Event::PaymentAnomaly(anomaly) => self.anomaly(anomaly),
            Event::AlertEscalated(_) => escalated.map(|alert| self.alarm(alert, now)).unwrap_or_default(),
            // The server's account of who heard what: for the board (`who_heard`) only.
            Event::AlertReceipt(_) | Event::AlertSettled(_) => Vec::new(),
        };
        if self.board.status(event_order(event)).is_none() {
            self.heard.paid.remove(&event_order(event));
            self.heard.reminders.remove(&event_order(event));
            self.who_heard.keep_only(&self.board.open_ids());
        }
        Some(effects)
    }

    /// The open orders as the window shows them, with who heard each.
    pub fn orders(&self) -> Vec<BoardOrder> {
        let mut orders = self.board.orders();
        for card in &mut orders {
            self.who_heard.describe(card);
        }
        orders
    }

    /// The outputs showed a notification.
    pub fn shown(&mut self, kind: NoteKind) {
        self.who_heard.shown(kind);
    }

    /// The outputs played an announcement.
    pub fn sounded(&mut self, cue: Cue) {
        self.who_heard.sounded(cue);
    }

    /// The policy's part of an order's new status, and the `stopped` receipt when that ends its
    /// repeats.
    fn settle(&mut self, order_id: i64) -> Vec<Effect> {
        let repeating = self.policy.is_repeating(order_id);
        let effects = self.policy.settle(order_id, self.board.status(order_id));
        if repeating && !self.policy.is_repeating(order_id) {
            self.who_heard.stopped(order_id);
        }
        effects
    }

    /// The server escalated an alert nobody heard: every merchant device alarms, this one too
    /// unless it sounded it already (then only its receipt is late, and goes again).
    fn alarm(&mut self, alert: AlertRef, now: i64) -> Vec<Effect> {
        let Some(order) = self.board.get(alert.order_id).cloned() else {
            return Vec::new();
        };
        if self.role != Role::Merchant || self.who_heard.sounded_here(alert) {
            return Vec::new();
        }
        let (id, table) = (order.order_id, order.table_number.as_str());
        let volume = self.policy.settings().volume;
        match alert.reminder_id {
            None if order.status == OrderStatus::Paid => {
                self.policy
                    .alarm(Note::new_order(&order), VoicePlan::new_order(id, table, volume), now)
            }
            Some(_)
                if self.who_heard.reminder(id) == Some(alert)
                    && matches!(order.status, OrderStatus::Paid | OrderStatus::Accepted) =>
            {
                let note = Note::hurry(&order, order.reminder_count);
                self.policy.alarm(note, VoicePlan::hurry(id, table, volume), now)
            }
            _ => Vec::new(),
        }
    }

    /// The merchant hears each paid order once (then its repeats); the kitchen hears a chime
    /// for each order it has to cook.
    fn announce_order(&mut self, order_id: i64, now: i64, resume_repeat: bool) -> Vec<Effect> {
        let Some(order) = self.board.get(order_id).cloned() else {
            return Vec::new();
        };
        match (self.role, order.status) {
            (Role::Merchant, OrderStatus::Paid) => {
                let news = self.heard.paid.insert(order_id);
                if news || (resume_repeat && !self.policy.is_repeating(order_id)) {
                    self.policy.new_order(&order, news, now)
                } else {
                    Vec::new()
                }
            }
            (Role::Kitchen, OrderStatus::Paid | OrderStatus::Accepted) if self.heard.paid.insert(order_id) => {
                self.policy.ticket(order_id, now)
            }
            _ => Vec::new(),
        }
    }

    fn announce_hurry(&mut self, order_id: i64, count: u32, now: i64) -> Vec<Effect> {
        let Some(order) = self.board.get(order_id).cloned() else {
            return Vec::new();
        };
        let heard = self.heard.reminders.entry(order_id).or_insert(0);
        if self.role != Role::Merchant || count <= *heard || order.status == OrderStatus::Ready {
            return Vec::new();
        }
        *heard = count;
        self.policy.hurry(&order, count, now)
    }

    fn anomaly(&mut self, anomaly: &PaymentAnomaly) -> Vec<Effect> {
        if self.role != Role::Merchant {
            return Vec::new();
        }
        let note = Note::payment_anomaly(anomaly.order_id, &anomaly.table_number, &anomaly.message);
        self.policy.notify(note)
    }
}

fn event_order(event: &Event) -> i64 {
    match event {
        Event::OrderPaid(order) => order.order_id,
        Event::OrderReminder(reminder) => reminder.order.order_id,
        Event::OrderStatus(change) => change.order_id,
        Event::ReminderReply(reply) => reply.order_id,
        Event::PaymentAnomaly(anomaly) => anomaly.order_id,
        Event::AlertReceipt(receipt) => receipt.order_id,
        Event::AlertEscalated(escalated) => escalated.order_id,
        Event::AlertSettled(settled) => settled.order_id,
    }
}
