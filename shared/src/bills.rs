//! Dine-in: a party's sitting at a table is its **bill**. Every order the table submits is a
//! round of it (下单, then 加菜); in 先吃后付 the bill is settled at the end — online, or at the
//! counter in cash, by the store's 收款码, by card, or put on account (挂账) or waived (免单).
//! Settling closes the table: the next party that scans its code starts a fresh bill.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::order::OrderDTO;

/// How a store takes dine-in orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OrderingMode {
    /// 先付后吃: each order is paid online before the kitchen hears of it.
    #[default]
    PayFirst,
    /// 先吃后付: orders go to the kitchen at once; the table's bill is settled at the end.
    PayLater,
}

impl OrderingMode {
    pub fn label(self) -> &'static str {
        match self {
            OrderingMode::PayFirst => "先付后吃",
            OrderingMode::PayLater => "先吃后付",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BillStatus {
    /// The party is at the table.
    Open,
    /// Paid in full (or 挂账/免单) and closed.
    Settled,
    /// Closed without settling (清台), with a reason when money was owed.
    Closed,
    /// Its rounds joined another table's bill (并台).
    Merged,
}

/// How a bill was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// 现金, with change given.
    Cash,
    /// 收款码: the store's own WeChat/Alipay code, scanned by the customer at the counter.
    StoreQr,
    /// 刷卡.
    Card,
    /// 在线支付: the customer paid through a payment provider (or the simulator).
    Online,
    /// 挂账: on account, to be collected later (a reason names whose account).
    Credit,
    /// 免单: waived, with a reason.
    Free,
    /// 未结: the table was closed with money still owed (a reason is required).
    Unpaid,
}

impl PayMethod {
    pub const ALL: [PayMethod; 7] = [
        PayMethod::Cash,
        PayMethod::StoreQr,
        PayMethod::Card,
        PayMethod::Online,
        PayMethod::Credit,
        PayMethod::Free,
        PayMethod::Unpaid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PayMethod::Cash => "cash",
            PayMethod::StoreQr => "store_qr",
            PayMethod::Card => "card",
            PayMethod::Online => "online",
            PayMethod::Credit => "credit",
            PayMethod::Free => "free",
            PayMethod::Unpaid => "unpaid",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            PayMethod::Cash => "现金",
            PayMethod::StoreQr => "收款码",
            PayMethod::Card => "刷卡",
            PayMethod::Online => "在线支付",
            PayMethod::Credit => "挂账",
            PayMethod::Free => "免单",
            PayMethod::Unpaid => "未结",
        }
    }

    /// Money actually taken in (not 挂账, 免单 or 未结).
    pub fn is_received(self) -> bool {
        matches!(
            self,
            PayMethod::Cash | PayMethod::StoreQr | PayMethod::Card | PayMethod::Online
        )
    }
}

/// How a bill was settled, by whom and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Settlement {
    pub method: PayMethod,
    /// What was owed and is now settled.
    pub amount: Money,
    /// Cash handed over (現金 only).
    pub received: Option<Money>,
    /// Change given back (现金 only): `received − amount`.
    pub change: Option<Money>,
    /// The provider of an online payment (`wechat`, `alipay`, `hmac` for the simulator).
    pub provider: Option<String>,
    pub transaction_id: Option<String>,
    /// Why: required for 挂账, 免单 and 未结.
    pub reason: Option<String>,
    /// Who: the device's name, or 「顾客在线支付」.
    pub by: String,
    pub at: i64,
}

/// A phone that joined the table, as the bill names it: 「尾号 1234」 or 「食客 2」.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BillDiner {
    pub diner_id: i64,
    pub label: String,
}

/// A table's bill: `GET /api/tables/{tableId}/bill`, `GET /api/bills/{billId}`, the table
/// stream's `bill_update` and the store stream's `bill_settled`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BillDTO {
    pub bill_id: i64,
    pub store_id: i64,
    /// The table the party sits at now (it changes on 换桌).
    pub table_id: i64,
    pub table_number: String,
    pub mode: OrderingMode,
    pub status: BillStatus,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    /// Every round submitted, oldest first (unpaid 先付后吃 orders and cancelled ones included,
    /// with their status; only counted rounds make up `total`).
    pub rounds: Vec<OrderDTO>,
    /// The rounds that count (not pending payment, cancelled or rejected), after 退菜.
    pub total: Money,
    /// Of `total`, what was paid order by order online (先付后吃).
    pub paid: Money,
    /// What is still to pay: `total − paid` while open, zero once settled or closed.
    pub owed: Money,
    pub settlement: Option<Settlement>,
    /// Why it was closed without settling, or settled by 挂账/免单.
    pub close_reason: Option<String>,
    /// Where the party went: the table it moved to (换桌) or whose bill it joined (并台).
    pub next_table_number: Option<String>,
    pub diners: Vec<BillDiner>,
    /// The merchant's latest answer to each round's 催单, by round (a round never answered is
    /// not listed): the phones show it under the round.
    #[serde(default)]
    pub replies: Vec<RoundReply>,
    /// The rounds (order ids) whose alert or 催单 nobody at the restaurant heard in time and is
    /// still unheard (an open escalation): the phones say 「商家暂未响应，请联系服务员」.
    #[serde(default)]
    pub unheard: Vec<i64>,
}

/// The merchant's answer to a round's 催单 (「马上就好」), as the table's bill carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RoundReply {
    pub order_id: i64,
    pub round: u32,
    pub text: String,
    pub at: i64,
}

/// `POST /api/bills/{billId}/settle` (owner or counter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SettleRequest {
    /// `cash`, `store_qr`, `card`, `credit` or `free` (`online` is the customer's, `unpaid` is
    /// closing: both refused here).
    pub method: PayMethod,
    /// The `owed` the counter showed: if the bill changed since (加菜, 退菜), it is refused with
    /// 409 `bill_changed` and nothing is taken.
    pub expected_owed: Money,
    /// Cash handed over; at least `expectedOwed`. Cash only.
    #[serde(default)]
    pub received: Option<Money>,
    /// Required for 挂账 and 免单.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/bills/{billId}/close` (owner or counter): 清台 without settling.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloseBillRequest {
    /// Required when money is still owed.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/bills/{billId}/move` (换桌) and `POST /api/bills/{billId}/merge` (并台: into the
/// open bill of that table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableTarget {
    pub table_id: i64,
}

/// Where a table stands, on the merchant's table map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TableState {
    /// 空闲: no party.
    Free,
    /// 点餐中: a party joined, nothing submitted yet (or a cart being filled).
    Ordering,
    /// 用餐中: rounds submitted, some not yet served.
    Eating,
    /// 待结账: everything served and money still owed.
    ToPay,
}

impl TableState {
    pub fn label(self) -> &'static str {
        match self {
            TableState::Free => "空闲",
            TableState::Ordering => "点餐中",
            TableState::Eating => "用餐中",
            TableState::ToPay => "待结账",
        }
    }
}

/// One table on the map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FloorTable {
    pub table_id: i64,
    pub number: String,
    pub area: String,
    pub state: TableState,
    pub bill_id: Option<i64>,
    /// When the party sat down (its bill opened).
    pub seated_at: Option<i64>,
    pub total: Money,
    pub owed: Money,
    pub rounds: u32,
    /// Rounds not yet served (neither ready nor completed).
    pub unserved: u32,
    /// Dishes in the cart, not yet submitted.
    pub cart_quantity: u32,
}

/// `GET /api/stores/{storeId}/floor` (owner or counter): every table at a glance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FloorDTO {
    pub store_id: i64,
    pub mode: OrderingMode,
    pub tables: Vec<FloorTable>,
}

/// `POST /api/orders/{orderId}/returns` (owner or counter): 退菜 — take back some of one line
/// before it is cooked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReturnRequest {
    /// The line's index in the order's `items`, from 0.
    pub line: u32,
    pub quantity: u32,
    pub reason: String,
}

/// The store stream's `item_returned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ItemReturned {
    pub order_id: i64,
    pub order_no: String,
    pub table_number: String,
    pub bill_id: Option<i64>,
    pub line: u32,
    pub cuisine_name: String,
    pub quantity: u32,
    /// What the returned dishes came to.
    pub amount: Money,
    pub reason: String,
    /// Set when that line was already paid: this much is to be refunded.
    pub refund_due: Option<Money>,
    /// The order as it is now.
    pub order: OrderDTO,
    pub by: String,
    pub at: i64,
}

/// The store stream's `table_closed`: a bill settled, closed or merged, its table free again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TableClosed {
    pub bill_id: i64,
    pub table_id: i64,
    pub table_number: String,
    pub status: BillStatus,
    pub reason: Option<String>,
    /// 并台: the table whose bill it joined.
    pub next_table_number: Option<String>,
    pub by: String,
    pub at: i64,
}

/// The store stream's `bill_moved` (换桌).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BillMoved {
    pub bill_id: i64,
    pub from_table_id: i64,
    pub from_table_number: String,
    pub to_table_id: i64,
    pub to_table_number: String,
    pub by: String,
    pub at: i64,
}

/// The number a bill is paid by online (`out_trade_no`), as orders are by `OB…`.
pub fn bill_no(bill_id: i64) -> String {
    format!("BL{bill_id:08}")
}

/// The bill id in a bill number; `None` for numbers never issued.
pub fn parse_bill_no(bill_no: &str) -> Option<i64> {
    bill_no
        .strip_prefix("BL")
        .filter(|d| d.len() >= 8)
        .and_then(|d| d.parse().ok())
}

#[cfg(test)]
mod bill_no_tests {
    use super::*;

    #[test]
    fn bill_numbers_round_trip() {
        assert_eq!(bill_no(7), "BL00000007");
        assert_eq!(parse_bill_no("BL00000007"), Some(7));
        assert_eq!(parse_bill_no("OB00000007"), None);
        assert_eq!(parse_bill_no("BL7"), None);
    }
}
