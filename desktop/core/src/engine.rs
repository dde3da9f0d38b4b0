//! The desk's state and rules without any I/O: the board, what was announced (`Heard`), who
//! heard it on which device (`WhoHeard`, and the receipts this device owes), and the alert
//! policy, fed with stream items and snapshots, answering with effects. The async
//! [`crate::desk`] only moves bytes in and effects out, so everything that decides whether the
//! merchant hears an order is here and runs in plain tests.
//!
//! Never twice: an event at or below the last handled id is ignored, an order's payment (or, 先吃后付,
//! its submission) is announced once (`Heard::paid`), and each 催单 once (`Heard::reminders` counts them) — also
//! across restarts and resyncs, because `Heard` is saved with the last event id.
//!
//! Only what still needs a person: a 催单 the snapshot shows is not announced at once, because
//! the snapshot does not say whether it was answered. It waits until the stream has replayed
//! up to the snapshot (a freshly paired app replays what the server keeps), and is announced
//! then only if no `reminder_reply` came after it and the food is not out yet. A freshly paired
//! app replays the last [`HISTORY_EVENTS`] events for this: an open order's 催单 and its answer
//! are recent. (Where the server no longer keeps them, it says `resync` and the 催单 is announced:
//! better once too often than never.)

use std::collections::{BTreeMap, BTreeSet};

use orderbell_shared::events::PaymentAnomaly;
use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::refunds::{RefundDTO, RefundStatus};
use orderbell_shared::{Event, OrderStatus};

use crate::alerts::{AlertPolicy, Effect, is_cooking};
use crate::board::{Board, BoardOrder};
use crate::heard::WhoHeard;
use crate::notify::{Note, NoteKind};
use crate::pairing::Role;
use crate::receipts::AlertRef;
use crate::refunds::OpenRefunds;
use crate::saved::{Heard, Settings};
use crate::voice::{Arrival, Cue, VoicePlan};

/// How far back a freshly paired app reads, to see which 催单 were answered.
pub const HISTORY_EVENTS: u64 = 1000;

pub struct Engine {
    role: Role,
    pub board: Board,
    pub heard: Heard,
    pub policy: AlertPolicy,
    catch_up: Option<CatchUp>,
    pub who_heard: WhoHeard,
    /// The store's refunds not done yet (the merchant's; the kitchen has none).
    pub refunds: OpenRefunds,
}

/// The replay of events the last snapshot already reflects.
#[derive(Debug)]
struct CatchUp {
    /// The snapshot's event id: replayed up to here, the 催单 left are decided.
    until: u64,
    /// This device knew nothing before: what happened before the snapshot is history, not news.
    fresh: bool,
    /// 催单 not yet announced and not answered so far: order id → count.
    hurries: BTreeMap<i64, u32>,
    /// Refunds that failed while this device was away: told once the replay is read, if they
    /// are still failed then (the merchant may have handled them meanwhile).
    failed_refunds: BTreeSet<i64>,
}

impl Engine {
    pub fn new(role: Role, heard: Heard, settings: Settings) -> Engine {
        Engine {
            role,
            board: Board::default(),
            heard,
            policy: AlertPolicy::new(settings),
            catch_up: None,
            who_heard: WhoHeard::default(),
            refunds: OpenRefunds::default(),
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// A snapshot, at start or after a resync: announce what was never announced, and resume
    /// the repeats of orders still waiting (without a second notification). A freshly paired
    /// app then replays the recent past (the stream resumes after `heard.last_event_id`), to
    /// learn which 催单 were answered.
    pub fn load(&mut self, snapshot: StoreSnapshot, now: i64) -> Vec<Effect> {
        let until = snapshot.last_event_id;
        let fresh = self.heard.last_event_id.is_none();
        if fresh {
            self.heard.last_event_id = Some(until.saturating_sub(HISTORY_EVENTS));
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
        let mut hurries = BTreeMap::new();
        // Tickets already there when the kitchen starts (or resyncs) are one batch: one chime,
        // not one per ticket in a row.
        let mut first_ticket = None;
        for entry in self.board.orders() {
            let order = &entry.order;
            if self.role == Role::Kitchen {
                if is_cooking(order.status) && self.heard.paid.insert(order.order_id) {
                    first_ticket.get_or_insert(order.order_id);
                }
                continue;
            }
            effects.extend(self.announce_order(order.order_id, now, true));
            // The snapshot says whether its latest 催单 was answered: an answer that came in on
            // the stream before this snapshot was read must not leave the 催单 to alarm again.
            if entry.unanswered
                && order.reminder_count > self.heard.reminders.get(&order.order_id).copied().unwrap_or(0)
            {
                hurries.insert(order.order_id, order.reminder_count);
            }
        }
        if let Some(order_id) = first_ticket {
            effects.extend(self.policy.ticket(order_id, now));
        }
        self.catch_up = Some(CatchUp {
            until,
            fresh,
            hurries,
            failed_refunds: BTreeSet::new(),
        });
        effects.extend(self.caught_up(now));
        effects
    }

    /// The server has nothing newer than what we handled (`head`, from `connected`): the
    /// replay is over even if its last events were of kinds this version skips.
    pub fn server_at(&mut self, head: u64, now: i64) -> Vec<Effect> {
        if let Some(catch_up) = &mut self.catch_up {
            catch_up.until = catch_up.until.min(head);
        }
        self.caught_up(now)
    }

    /// Event `id` is part of the past a freshly paired device replays to learn which 催单 were
    /// answered: history, not news (nothing is printed for it).
    pub fn replays_history(&self, id: u64) -> bool {
        self.catch_up.as_ref().is_some_and(|c| c.fresh && id <= c.until)
    }

    /// A durable event from the stream. Returns `None` for one already handled.
    pub fn event(&mut self, id: u64, event: &Event, now: i64) -> Option<Vec<Effect>> {
        if self.heard.last_event_id.is_some_and(|last| id <= last) {
            return None;
        }
        self.heard.last_event_id = Some(id);
        self.board.apply(id, event);
        if let Event::RefundUpdate(refund) = event
            && self.role == Role::Merchant
        {
            self.refunds.apply(id, refund);
        }
        let escalated = self.who_heard.apply(id, event);
        let replayed = self.catch_up.as_mut().filter(|c| id <= c.until);
        let mut effects = match (event, replayed) {
            // Before the snapshot: a 催单 waits for the end of the replay, an answer cancels it,
            // and a fresh device's history is no news.
            (Event::OrderReminder(reminder), Some(catch_up)) => {
                catch_up.hurries.insert(reminder.order.order_id, reminder.count);
                Vec::new()
            }
            (Event::ReminderReply(reply), Some(catch_up)) => {
                if let Some(count) = catch_up.hurries.remove(&reply.order_id) {
                    self.heard.reminders.insert(reply.order_id, count);
                }
                self.policy.answered(reply.order_id)
            }
            (Event::PaymentAnomaly(_), Some(catch_up)) if catch_up.fresh => Vec::new(),
            (Event::RefundUpdate(refund), Some(catch_up)) => {
                if !catch_up.fresh && refund.status == RefundStatus::Failed {
                    catch_up.failed_refunds.insert(refund.refund_id);
                }
                Vec::new()
            }
            (event, _) => self.live(event, escalated, now),
        };
        if let Some(order_id) = event_order(event)
            && self.board.status(order_id).is_none()
        {
            self.heard.paid.remove(&order_id);
            self.heard.reminders.remove(&order_id);
            self.who_heard.keep_only(&self.board.open_ids());
        }
        effects.extend(self.caught_up(now));
        Some(effects)
    }

    fn live(&mut self, event: &Event, escalated: Option<AlertRef>, now: i64) -> Vec<Effect> {
        match event {
            Event::OrderPaid(order) | Event::OrderSubmitted(order) => self.announce_order(order.order_id, now, false),
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
            // 退菜 of every dish cancels the round: it needs nobody any more.
            Event::ItemReturned(returned) => self.settle(returned.order_id),
            Event::BillMoved(moved) => {
                for order in self
                    .board
                    .orders()
                    .iter()
                    .filter(|o| o.order.bill_id == Some(moved.bill_id))
                {
                    self.policy.moved(order.order.order_id, &moved.to_table_number);
                }
                Vec::new()
            }
            // A bill's rounds keep their own statuses: settling the money changes no alert.
            Event::BillSettled(_) | Event::TableClosed(_) => Vec::new(),
            Event::RefundUpdate(refund) => self.refund_failed(refund),
            // Printing reads its printers again; no alert.
            Event::PrintersChanged(_) => Vec::new(),
        }
    }

    /// Replayed up to the snapshot: announce the 催单 nobody answered on orders still cooking.
    fn caught_up(&mut self, now: i64) -> Vec<Effect> {
        let done = self
            .catch_up
            .as_ref()
            .is_some_and(|c| self.heard.last_event_id.unwrap_or(0) >= c.until);
        let Some(catch_up) = self.catch_up.take_if(|_| done) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        for (order_id, count) in catch_up.hurries {
            effects.extend(self.announce_hurry(order_id, count, now));
        }
        for refund_id in catch_up.failed_refunds {
            if let Some(refund) = self.refunds.get(refund_id).cloned() {
                effects.extend(self.refund_failed(&refund));
            }
        }
        effects
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
            None if order.status.awaits_merchant() => {
                let plan = VoicePlan::new_order(id, table, Arrival::of(&order), volume);
                self.policy.alarm(Note::new_order(&order), plan, now)
            }
            Some(_) if self.who_heard.reminder(id) == Some(alert) && is_cooking(order.status) => {
                let note = Note::hurry(&order, order.reminder_count);
                self.policy.alarm(note, VoicePlan::hurry(id, table, volume), now)
            }
            _ => Vec::new(),
        }
    }

    /// The merchant hears each paid order (or submitted round) once, then its repeats; the
    /// kitchen hears a chime for each order it has to cook.
    fn announce_order(&mut self, order_id: i64, now: i64, resume_repeat: bool) -> Vec<Effect> {
        let Some(order) = self.board.get(order_id).cloned() else {
            return Vec::new();
        };
        match (self.role, order.status) {
            (Role::Merchant, status) if status.awaits_merchant() => {
                let news = self.heard.paid.insert(order_id);
                if news || (resume_repeat && !self.policy.is_repeating(order_id)) {
                    self.policy.new_order(&order, news, now)
                } else {
                    Vec::new()
                }
            }
            (Role::Kitchen, status) if is_cooking(status) && self.heard.paid.insert(order_id) => {
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

    /// A refund the provider refused needs the merchant (重试 or 已线下退款): a notification,
    /// not the order voice. Every `failed` update is a new refusal, so each is told once; the
    /// other states need nobody.
    fn refund_failed(&mut self, refund: &RefundDTO) -> Vec<Effect> {
        if self.role != Role::Merchant || refund.status != RefundStatus::Failed {
            return Vec::new();
        }
        self.policy.notify(Note::refund_failed(refund))
    }

    fn anomaly(&mut self, anomaly: &PaymentAnomaly) -> Vec<Effect> {
        if self.role != Role::Merchant {
            return Vec::new();
        }
        let note = Note::payment_anomaly(anomaly.order_id, &anomaly.table_number, &anomaly.message);
        self.policy.notify(note)
    }
}

/// The order an event is about; `None` for events about a whole bill or table.
fn event_order(event: &Event) -> Option<i64> {
    Some(match event {
        Event::OrderPaid(order) | Event::OrderSubmitted(order) => order.order_id,
        Event::OrderReminder(reminder) => reminder.order.order_id,
        Event::OrderStatus(change) => change.order_id,
        Event::ReminderReply(reply) => reply.order_id,
        Event::PaymentAnomaly(anomaly) => anomaly.order_id,
        Event::AlertReceipt(receipt) => receipt.order_id,
        Event::AlertEscalated(escalated) => escalated.order_id,
        Event::AlertSettled(settled) => settled.order_id,
        Event::ItemReturned(returned) => returned.order_id,
        Event::RefundUpdate(refund) => return refund.order_id,
        Event::BillSettled(_) | Event::TableClosed(_) | Event::BillMoved(_) | Event::PrintersChanged(_) => return None,
    })
}
