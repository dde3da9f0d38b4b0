//! The books: past orders searched, and a day's summary (日结).
//!
//! An order belongs to the store-local day its money was settled: the day it was paid online
//! (先付后吃, order by order) or the day its bill was settled or closed (先吃后付). Orders not yet
//! settled belong to no day. So a day's `sales` are exactly the sum of its orders' totals, and
//! exactly the sum of its `byMethod` amounts.

use serde::{Deserialize, Serialize};

use crate::bills::PayMethod;
use crate::money::Money;
use crate::order::{OrderDTO, OrderStatus};

/// `GET /api/stores/{storeId}/orders/history` (owner or counter). Dates are the store's local
/// days, `YYYY-MM-DD`, both ends included.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryQuery {
    pub from: String,
    pub to: String,
    /// A table number, `A03`.
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub status: Option<OrderStatus>,
    #[serde(default)]
    pub method: Option<PayMethod>,
    /// At most 200; 50 when absent.
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: Option<u32>,
}

/// One past order and how its money was settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryOrder {
    pub order: OrderDTO,
    /// `None` while unsettled (or for an order cancelled unpaid).
    pub method: Option<PayMethod>,
    pub settled_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    pub orders: Vec<HistoryOrder>,
    /// How many orders match, over all pages.
    pub total_count: u64,
    /// Their totals added up, over all pages.
    pub total_amount: Money,
}

/// `GET /api/stores/{storeId}/reports/day?date=YYYY-MM-DD` (owner or counter); the same as CSV at
/// `/api/stores/{storeId}/reports/day.csv?date=…`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DayQuery {
    pub date: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MethodTotal {
    pub method: PayMethod,
    pub label: String,
    /// Orders settled this way.
    pub count: u32,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DishTotal {
    pub cuisine_id: i64,
    pub name: String,
    pub quantity: u32,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HourTotal {
    /// 0–23, store-local, by when the order was created.
    pub hour: u8,
    pub orders: u32,
    pub amount: Money,
}

/// A day's summary, 日结.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DaySummary {
    pub store_id: i64,
    pub date: String,
    pub utc_offset_minutes: i32,
    /// Orders settled that day (cancelled and rejected ones not counted).
    pub orders: u32,
    /// Bills (parties) among them; a 先付后吃 order without a bill counts as one.
    pub bills: u32,
    /// 人数: the phones that joined those bills (at least one per bill).
    pub covers: u32,
    /// 营业额: the orders' totals after 退菜 = the sum of `byMethod`.
    pub sales: Money,
    /// 实收: cash, 收款码, card and online.
    pub received: Money,
    /// Every method used that day, in `PayMethod` order.
    pub by_method: Vec<MethodTotal>,
    /// 挂账 + 免单 + 未结: sales not taken in.
    pub discounts: Money,
    /// Refunds due that day (退菜 of paid lines, payments for cancelled orders, double payments).
    pub refunds: Money,
    pub refund_count: u32,
    /// `sales / bills`, rounded to the fen.
    pub average_ticket: Money,
    /// The ten best-selling dishes by quantity.
    pub top_dishes: Vec<DishTotal>,
    /// The 24 hours of the day, every one present.
    pub hours: Vec<HourTotal>,
}
