//! The books: orders with how their money was settled, totals by status, refunds due.

use orderbell_shared::bills::PayMethod;
use orderbell_shared::{Money, OrderDTO, OrderStatus};

/// An order and how its money was settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookedOrder {
    pub order: OrderDTO,
    /// `online` for an order paid by itself; its bill's settlement's method otherwise; `None`
    /// while unsettled.
    pub method: Option<PayMethod>,
    pub settled_at: Option<i64>,
    /// The phones that joined the order's bill (0 for an order without a bill).
    pub diners: u32,
}

/// How many matching orders have one status and are settled (or not), and their totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusTotal {
    pub status: OrderStatus,
    pub settled: bool,
    pub count: u64,
    pub amount: Money,
}

/// A refund that became due, whatever its cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundDue {
    pub amount: Money,
    pub at: i64,
}
