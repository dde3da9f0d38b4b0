//! What storage knows of the books: every order with how and when its money was settled, and
//! the refunds due, over a span of instants. Which local day a span is, and what the orders add
//! up to, are the rules' (`reports::rules`).
//!
//! An order is *settled* when it was paid online by itself (`paid_at`: 先付后吃), or, unpaid,
//! when its bill was settled or closed owing money (the bill's `settlements` row: 先吃后付).
//! It is *booked* at that instant, and at its creation while unsettled.

use async_trait::async_trait;
use orderbell_shared::OrderStatus;
use orderbell_shared::bills::PayMethod;

use crate::domain::reports::{BookedOrder, RefundDue, StatusTotal};
use crate::error::Result;

/// Which orders: booked in `[start, end)` (milliseconds), and matching every filter given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter<'a> {
    pub store_id: i64,
    pub start: i64,
    pub end: i64,
    pub table: Option<&'a str>,
    pub status: Option<OrderStatus>,
    pub method: Option<PayMethod>,
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The matching orders, by when they are booked (then id); `limit` None: all of them.
    async fn booked_orders(
        &self,
        filter: &HistoryFilter<'_>,
        limit: Option<u32>,
        offset: u32,
    ) -> Result<Vec<BookedOrder>>;

    /// The matching orders counted by status and whether settled, over all pages.
    async fn booked_totals(&self, filter: &HistoryFilter<'_>) -> Result<Vec<StatusTotal>>;

    /// The store's refunds that became due in `[start, end)`: rejected paid orders, 退菜 of paid
    /// lines, payments that came for cancelled orders or twice, bill payments that came too late
    /// or for a changed bill.
    async fn refunds_due(&self, store_id: i64, start: i64, end: i64) -> Result<Vec<RefundDue>>;
}
