//! Orders: what a table submitted, priced and frozen at that moment, and where it stands.

use serde::{Deserialize, Serialize};

use crate::cart::CuisineType;
use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    /// 先吃后付: a round sent to the kitchen unpaid, waiting for the merchant like a paid order.
    Submitted,
    Paid,
    Accepted,
    Ready,
    Completed,
    Cancelled,
    Rejected,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::PendingPayment,
        OrderStatus::Submitted,
        OrderStatus::Paid,
        OrderStatus::Accepted,
        OrderStatus::Ready,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Submitted => "submitted",
            OrderStatus::Paid => "paid",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Ready => "ready",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The word a customer or merchant sees.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "待支付",
            OrderStatus::Submitted => "已下单",
            OrderStatus::Paid => "已支付",
            OrderStatus::Accepted => "已接单",
            OrderStatus::Ready => "已出餐",
            OrderStatus::Completed => "已完成",
            OrderStatus::Cancelled => "已取消",
            OrderStatus::Rejected => "已拒单",
        }
    }

    /// Paid (or, 先吃后付, submitted) and not yet finished: the orders a merchant's board shows.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OrderStatus::Submitted | OrderStatus::Paid | OrderStatus::Accepted | OrderStatus::Ready
        )
    }

    /// Waiting for the merchant to accept or reject it: what alerts until someone does.
    pub fn awaits_merchant(self) -> bool {
        matches!(self, OrderStatus::Submitted | OrderStatus::Paid)
    }
}

/// Who made a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Customer,
    Merchant,
    Kitchen,
    Payment,
    System,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OrderItemDTO {
    pub cuisine_id: i64,
    pub cuisine_name: String,
    /// 1 = single dish, 2 = set meal.
    #[cfg_attr(feature = "ts", ts(type = "1 | 2"))]
    pub cuisine_type: CuisineType,
    pub unit_price: Money,
    /// As ordered; `returnedQuantity` of them were taken back (退菜) since.
    pub quantity: u32,
    /// `unitPrice × (quantity − returnedQuantity)`.
    pub subtotal_amount: Money,
    pub remark: Option<String>,
    pub add_user_id: Option<i64>,
    /// How many the counter took back (退菜) before they were cooked.
    #[serde(default)]
    pub returned_quantity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OrderDTO {
    pub order_id: i64,
    /// The number customers, merchants and payment providers see (`out_trade_no`).
    pub order_no: String,
    pub store_id: i64,
    pub table_id: i64,
    pub table_number: String,
    pub status: OrderStatus,
    pub items: Vec<OrderItemDTO>,
    /// What the order comes to now: the items' subtotals, after any 退菜.
    pub total_amount: Money,
    pub total_quantity: u32,
    /// Times are milliseconds since the Unix epoch.
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub ready_at: Option<i64>,
    /// When it was completed, cancelled or rejected.
    pub finished_at: Option<i64>,
    pub reject_reason: Option<String>,
    pub reminder_count: u32,
    pub last_reminder_at: Option<i64>,
    /// The table bill (the party's sitting) this order is a round of.
    #[serde(default)]
    pub bill_id: Option<i64>,
    /// Which round of its bill: 1 for the first order, 2 for the first 加菜, …
    #[serde(default)]
    pub round: Option<u32>,
}

/// `GET /api/orders/{orderId}`: the order, and how long its customer must wait before the next
/// 催单, counted by the server so a reloaded page shows the same countdown whatever its clock says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    #[serde(flatten)]
    pub order: OrderDTO,
    /// Whole seconds until the next 催单 is allowed; `None` when nothing stands in the way of time.
    pub reminder_wait_secs: Option<u64>,
}

/// `POST /api/orders`: submit the table's cart. The same `idempotencyKey` gives the same order,
/// so a double tap or a retried request makes one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubmitOrderRequest {
    pub table_id: i64,
    pub idempotency_key: String,
    /// The cart version the customer reviewed; if the cart changed since, the order is refused.
    #[serde(default)]
    pub cart_version: Option<u64>,
}

/// A submitted order and the credential that follows it (status stream, pay, 催单, cancel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubmittedOrder {
    pub order: OrderDTO,
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectRequest {
    pub reason: String,
}

/// The merchant's answer to a 催单: a preset or custom text of at most 30 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyRequest {
    pub text: String,
}

/// The replies a merchant can send with one tap.
pub const REPLY_PRESETS: [&str; 3] = ["正在制作", "马上就好", "已出餐"];

/// The answer to a 催单.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReminderReceipt {
    pub reminder_id: i64,
    pub order_id: i64,
    pub count: u32,
    /// When the next 催单 for this order will be accepted (ms since the epoch).
    pub next_allowed_at: i64,
}

/// `GET /api/stores/{storeId}/orders`: where a client starting fresh begins. Stream from
/// `lastEventId` afterwards and nothing falls between.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoreSnapshot {
    pub store_id: i64,
    pub last_event_id: u64,
    pub orders: Vec<OrderDTO>,
    /// The open orders' 催单, each with its reply once answered: what was said is store state,
    /// seen the same on every device, also one paired later.
    #[serde(default)]
    pub reminders: Vec<ReminderState>,
    /// What each device did with the open orders' alerts.
    #[serde(default)]
    pub receipts: Vec<crate::heard::AlertReceipt>,
    /// The open orders' alerts that nobody has heard yet, past their deadline.
    #[serde(default)]
    pub escalated: Vec<crate::heard::AlertEscalated>,
}

/// One 催单 and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReminderState {
    pub reminder_id: i64,
    pub order_id: i64,
    pub at: i64,
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
}

/// The number an order is known by, also its `out_trade_no` at payment providers.
pub fn order_no(order_id: i64) -> String {
    format!("OB{order_id:08}")
}

/// The order id in an order number; `None` for numbers never issued.
pub fn parse_order_no(order_no: &str) -> Option<i64> {
    order_no
        .strip_prefix("OB")
        .filter(|d| d.len() >= 8)
        .and_then(|d| d.parse().ok())
}

#[cfg(test)]
mod order_no_tests {
    use super::*;

    #[test]
    fn order_numbers_round_trip() {
        assert_eq!(order_no(12), "OB00000012");
        assert_eq!(parse_order_no("OB00000012"), Some(12));
        assert_eq!(parse_order_no("OB123456789"), Some(123_456_789));
        assert_eq!(parse_order_no("12"), None);
        assert_eq!(parse_order_no("OB12"), None);
    }
}
