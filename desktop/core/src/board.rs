//! The order board: the store's open orders (paid or submitted, accepted, ready) as this app knows them,
//! built from the snapshot and kept current by the stream.
//!
//! The snapshot reflects every event up to its `lastEventId` (the baseline). Events at or below
//! the baseline — replayed after a restart or a resync — are already in it and must not move an
//! order backwards, so they change nothing here; they may still be announced (see `engine`).

use std::collections::{BTreeMap, BTreeSet};

use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::{Event, OrderDTO, OrderStatus};
use serde::Serialize;

/// An order as the window shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardOrder {
    pub order: OrderDTO,
    /// The latest answer to a 催单, from any device of the store.
    pub last_reply: Option<String>,
    /// Its latest 催单 has no answer yet: the board keeps it where a person sees it.
    pub unanswered: bool,
    /// The devices that sounded its alerts (「已在前台电脑响铃」), first first.
    pub sounded_on: Vec<String>,
    /// The server escalated one of its alerts that nobody heard, and nobody has yet (「无人接听」).
    pub unheard: bool,
}

impl BoardOrder {
    fn new(order: OrderDTO, last_reply: Option<String>, unanswered: bool) -> BoardOrder {
        BoardOrder {
            order,
            last_reply,
            unanswered,
            sounded_on: Vec::new(),
            unheard: false,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Board {
    orders: BTreeMap<i64, BoardOrder>,
    baseline: u64,
}

impl Board {
    /// Start over from a snapshot. Replies are store state: the snapshot's, so that they are
    /// the same after a restart and on a device paired later.
    pub fn load(&mut self, snapshot: StoreSnapshot) {
        let previous = std::mem::take(&mut self.orders);
        self.baseline = snapshot.last_event_id;
        let mut reminders = snapshot.reminders;
        reminders.sort_by_key(|r| (r.at, r.reminder_id));
        let latest: BTreeMap<i64, bool> = reminders.iter().map(|r| (r.order_id, r.reply.is_none())).collect();
        let mut answered: Vec<_> = reminders.into_iter().filter(|r| r.reply.is_some()).collect();
        answered.sort_by_key(|r| (r.replied_at, r.reminder_id));
        let replies: BTreeMap<i64, Option<String>> = answered.into_iter().map(|r| (r.order_id, r.reply)).collect();
        for order in snapshot.orders.into_iter().filter(|o| o.status.is_open()) {
            let last_reply = replies
                .get(&order.order_id)
                .cloned()
                .flatten()
                .or_else(|| previous.get(&order.order_id).and_then(|o| o.last_reply.clone()));
            let unanswered = latest.get(&order.order_id).copied().unwrap_or(false);
            self.orders
                .insert(order.order_id, BoardOrder::new(order, last_reply, unanswered));
        }
    }

    /// Apply a stream event; events the snapshot already reflects change nothing.
    pub fn apply(&mut self, id: u64, event: &Event) {
        if id <= self.baseline {
            return;
        }
        match event {
            Event::OrderPaid(order) | Event::OrderSubmitted(order) => self.put(order.clone()),
            Event::OrderReminder(reminder) => {
                self.put(reminder.order.clone());
                if let Some(entry) = self.orders.get_mut(&reminder.order.order_id) {
                    entry.unanswered = true;
                }
            }
            Event::ItemReturned(returned) => self.put(returned.order.clone()),
            Event::OrderStatus(change) => {
                if !change.to.is_open() {
                    self.orders.remove(&change.order_id);
                } else if let Some(entry) = self.orders.get_mut(&change.order_id) {
                    let order = &mut entry.order;
                    order.status = change.to;
                    match change.to {
                        OrderStatus::Accepted => order.accepted_at = Some(change.at),
                        OrderStatus::Ready => order.ready_at = Some(change.at),
                        _ => {}
                    }
                }
            }
            Event::ReminderReply(reply) => {
                if let Some(entry) = self.orders.get_mut(&reply.order_id) {
                    entry.last_reply = Some(reply.text.clone());
                    entry.unanswered = false;
                }
            }
            // 换桌: the party's rounds are served at the table it moved to.
            Event::BillMoved(moved) => {
                let rounds = self
                    .orders
                    .values_mut()
                    .filter(|o| o.order.bill_id == Some(moved.bill_id));
                for entry in rounds {
                    entry.order.table_id = moved.to_table_id;
                    entry.order.table_number = moved.to_table_number.clone();
                }
            }
            // Settling a bill is about money: its rounds keep their own statuses.
            Event::PaymentAnomaly(_)
            | Event::AlertReceipt(_)
            | Event::AlertEscalated(_)
            | Event::AlertSettled(_)
            | Event::BillSettled(_)
            | Event::TableClosed(_)
            | Event::RefundUpdate(_)
            | Event::PrintersChanged(_) => {}
        }
    }

    fn put(&mut self, order: OrderDTO) {
        if !order.status.is_open() {
            self.orders.remove(&order.order_id);
            return;
        }
        let (last_reply, unanswered) = self
            .orders
            .get(&order.order_id)
            .map(|o| (o.last_reply.clone(), o.unanswered))
            .unwrap_or_default();
        self.orders
            .insert(order.order_id, BoardOrder::new(order, last_reply, unanswered));
    }

    pub fn get(&self, order_id: i64) -> Option<&OrderDTO> {
        self.orders.get(&order_id).map(|o| &o.order)
    }

    pub fn status(&self, order_id: i64) -> Option<OrderStatus> {
        self.get(order_id).map(|o| o.status)
    }

    pub fn open_ids(&self) -> BTreeSet<i64> {
        self.orders.keys().copied().collect()
    }

    /// Paid (or submitted) and neither accepted nor rejected yet: what the tray counts.
    pub fn unhandled(&self) -> u32 {
        self.orders
            .values()
            .filter(|o| o.order.status.awaits_merchant())
            .count() as u32
    }

    /// The open orders, the one waiting longest first.
    pub fn orders(&self) -> Vec<BoardOrder> {
        let mut orders: Vec<BoardOrder> = self.orders.values().cloned().collect();
        orders.sort_by_key(|o| (o.order.paid_at.unwrap_or(o.order.created_at), o.order.order_id));
        orders
    }
}
