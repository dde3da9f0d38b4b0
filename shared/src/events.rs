//! The typed events of the durable streams: the merchant's store stream
//! (`/api/stores/{storeId}/events`, `/ws/stores/{storeId}`) and the customer's order stream
//! (`/api/orders/{orderId}/events`).
//!
//! On SSE each event is `id: <seq>`, `event: <kind>`, `data: <JSON>`; over WebSocket it is
//! `{type: <kind>, id, data, timestamp}`. The ids rise by one per stream, so a client that
//! resumes with `Last-Event-ID` can tell that nothing is missing.

use serde::{Deserialize, Serialize};

use crate::bills::{BillDTO, BillMoved, ItemReturned, TableClosed};
use crate::heard::{AlertEscalated, AlertReceipt, AlertSettled};
use crate::money::Money;
use crate::order::{Actor, OrderDTO, OrderStatus};
use crate::printing::PrintersChanged;
use crate::refunds::RefundDTO;

/// A change of an order's status, with who made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub order_id: i64,
    pub order_no: String,
    pub table_number: String,
    /// `None` when the order was just created.
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub by: Actor,
    pub reason: Option<String>,
    /// What to show: `支付成功` when paid, `商家已接单`, …
    pub message: String,
    pub at: i64,
}

/// A customer's 催单.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    pub reminder_id: i64,
    /// How many times this order has been hurried, this one included.
    pub count: u32,
    pub at: i64,
    pub order: OrderDTO,
}

/// The merchant's answer to a 催单.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReminderReply {
    pub reminder_id: i64,
    pub order_id: i64,
    pub order_no: String,
    pub table_number: String,
    pub text: String,
    pub at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// Money arrived for an order that was already cancelled: refund it.
    PaidAfterCancel,
    /// A second, different payment for an order already paid: refund one.
    DuplicatePayment,
}

/// A payment that cannot simply be applied. It is recorded for refund, never dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaymentAnomaly {
    pub kind: AnomalyKind,
    pub order_id: i64,
    pub order_no: String,
    pub table_number: String,
    pub provider: String,
    pub transaction_id: String,
    pub amount: Money,
    pub message: String,
    pub at: i64,
}

/// Every durable event. The store stream carries all kinds; an order's stream carries its
/// `order_status` and `reminder_reply` events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    OrderPaid(OrderDTO),
    OrderReminder(Reminder),
    OrderStatus(StatusChange),
    ReminderReply(ReminderReply),
    PaymentAnomaly(PaymentAnomaly),
    AlertReceipt(AlertReceipt),
    AlertEscalated(AlertEscalated),
    AlertSettled(AlertSettled),
    /// 先吃后付: a round sent to the kitchen unpaid (下单, or 加菜 from round 2).
    OrderSubmitted(OrderDTO),
    BillSettled(BillDTO),
    TableClosed(TableClosed),
    BillMoved(BillMoved),
    ItemReturned(ItemReturned),
    /// A refund owed, asked for, done or failed: store stream, and its order's stream.
    RefundUpdate(RefundDTO),
    /// The store's printers changed: devices read them again.
    PrintersChanged(PrintersChanged),
}

impl Event {
    /// The SSE event name / WebSocket `type`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::OrderPaid(_) => kind::ORDER_PAID,
            Event::OrderReminder(_) => kind::ORDER_REMINDER,
            Event::OrderStatus(_) => kind::ORDER_STATUS,
            Event::ReminderReply(_) => kind::REMINDER_REPLY,
            Event::PaymentAnomaly(_) => kind::PAYMENT_ANOMALY,
            Event::AlertReceipt(_) => kind::ALERT_RECEIPT,
            Event::AlertEscalated(_) => kind::ALERT_ESCALATED,
            Event::AlertSettled(_) => kind::ALERT_SETTLED,
            Event::OrderSubmitted(_) => kind::ORDER_SUBMITTED,
            Event::BillSettled(_) => kind::BILL_SETTLED,
            Event::TableClosed(_) => kind::TABLE_CLOSED,
            Event::BillMoved(_) => kind::BILL_MOVED,
            Event::ItemReturned(_) => kind::ITEM_RETURNED,
            Event::RefundUpdate(_) => kind::REFUND_UPDATE,
            Event::PrintersChanged(_) => kind::PRINTERS_CHANGED,
        }
    }

    /// The event's `data` as JSON.
    pub fn data_json(&self) -> serde_json::Result<String> {
        match self {
            Event::OrderPaid(d) => serde_json::to_string(d),
            Event::OrderReminder(d) => serde_json::to_string(d),
            Event::OrderStatus(d) => serde_json::to_string(d),
            Event::ReminderReply(d) => serde_json::to_string(d),
            Event::PaymentAnomaly(d) => serde_json::to_string(d),
            Event::AlertReceipt(d) => serde_json::to_string(d),
            Event::AlertEscalated(d) => serde_json::to_string(d),
            Event::AlertSettled(d) => serde_json::to_string(d),
            Event::OrderSubmitted(d) => serde_json::to_string(d),
            Event::BillSettled(d) => serde_json::to_string(d),
            Event::TableClosed(d) => serde_json::to_string(d),
            Event::BillMoved(d) => serde_json::to_string(d),
            Event::ItemReturned(d) => serde_json::to_string(d),
            Event::RefundUpdate(d) => serde_json::to_string(d),
            Event::PrintersChanged(d) => serde_json::to_string(d),
        }
    }

    /// Read an event from its kind and `data`; `None` for a kind this version does not know
    /// (newer servers may add kinds: skip them, do not fail).
    pub fn parse(kind: &str, data: &str) -> Option<serde_json::Result<Event>> {
        Some(match kind {
            kind::ORDER_PAID => serde_json::from_str(data).map(Event::OrderPaid),
            kind::ORDER_REMINDER => serde_json::from_str(data).map(Event::OrderReminder),
            kind::ORDER_STATUS => serde_json::from_str(data).map(Event::OrderStatus),
            kind::REMINDER_REPLY => serde_json::from_str(data).map(Event::ReminderReply),
            kind::PAYMENT_ANOMALY => serde_json::from_str(data).map(Event::PaymentAnomaly),
            kind::ALERT_RECEIPT => serde_json::from_str(data).map(Event::AlertReceipt),
            kind::ALERT_ESCALATED => serde_json::from_str(data).map(Event::AlertEscalated),
            kind::ALERT_SETTLED => serde_json::from_str(data).map(Event::AlertSettled),
            kind::ORDER_SUBMITTED => serde_json::from_str(data).map(Event::OrderSubmitted),
            kind::BILL_SETTLED => serde_json::from_str(data).map(Event::BillSettled),
            kind::TABLE_CLOSED => serde_json::from_str(data).map(Event::TableClosed),
            kind::BILL_MOVED => serde_json::from_str(data).map(Event::BillMoved),
            kind::ITEM_RETURNED => serde_json::from_str(data).map(Event::ItemReturned),
            kind::REFUND_UPDATE => serde_json::from_str(data).map(Event::RefundUpdate),
            kind::PRINTERS_CHANGED => serde_json::from_str(data).map(Event::PrintersChanged),
            _ => return None,
        })
    }
}

/// Event names on the durable streams, the control events among them.
pub mod kind {
    pub const ORDER_PAID: &str = "order_paid";
    pub const ORDER_REMINDER: &str = "order_reminder";
    pub const ORDER_STATUS: &str = "order_status";
    pub const REMINDER_REPLY: &str = "reminder_reply";
    pub const PAYMENT_ANOMALY: &str = "payment_anomaly";
    /// A device showed, sounded or stopped an alert ([`crate::heard::AlertReceipt`]).
    pub const ALERT_RECEIPT: &str = "alert_receipt";
    /// Nobody heard an alert in time ([`crate::heard::AlertEscalated`]).
    pub const ALERT_ESCALATED: &str = "alert_escalated";
    /// An escalated alert was heard or handled ([`crate::heard::AlertSettled`]).
    pub const ALERT_SETTLED: &str = "alert_settled";
    /// 先吃后付: a round went to the kitchen unpaid (data: `OrderDTO`, with `billId` and `round`).
    pub const ORDER_SUBMITTED: &str = "order_submitted";
    /// A bill was paid in full (online or at the counter): data `BillDTO`.
    pub const BILL_SETTLED: &str = "bill_settled";
    /// A table is free again: its bill settled, closed or merged (data `TableClosed`).
    pub const TABLE_CLOSED: &str = "table_closed";
    /// 换桌 (data `BillMoved`).
    pub const BILL_MOVED: &str = "bill_moved";
    /// 退菜 (data `ItemReturned`).
    pub const ITEM_RETURNED: &str = "item_returned";
    /// A refund owed, asked for, done or failed (data `RefundDTO`).
    pub const REFUND_UPDATE: &str = "refund_update";
    /// The store's printers changed (data `PrintersChanged`).
    pub const PRINTERS_CHANGED: &str = "printers_changed";
    /// Not durable: the first event of every connection ([`super::Connected`]).
    pub const CONNECTED: &str = "connected";
    /// Not durable: keeps proxies and clients sure the connection lives.
    pub const HEARTBEAT: &str = "heartbeat";
    /// Not durable: the client's `Last-Event-ID` is older than what the server keeps; reload the
    /// snapshot ([`super::Resync`]).
    pub const RESYNC: &str = "resync";
    /// Not durable: the last event of a stream the server ends, `{code, message}` (a revoked
    /// device hears `device_revoked`).
    pub const ERROR: &str = "error";
}

/// The data of `connected` on a durable stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connected {
    pub message: String,
    /// The id of the newest event on the stream when the client connected.
    pub last_event_id: u64,
}

/// The data of `resync`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Resync {
    /// The oldest event id the server still has.
    pub oldest_event_id: u64,
    /// The stream continues after this id.
    pub last_event_id: u64,
}

/// A message of the store WebSocket. Clients read `data` as a `serde_json::Value`; the server
/// writes the stored event text into it as it is (`&RawValue`), without parsing it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamMessage<D = serde_json::Value> {
    #[serde(rename = "type")]
    pub kind: String,
    /// The event id, on durable events only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub data: D,
    pub timestamp: i64,
}
