//! What a payment pays, and a charge created at a provider for it.

use orderbell_shared::Money;
use orderbell_shared::charges::{ChargeStatus, PayChannel};

/// What a payment pays: one order (`OB…`), or a table's whole bill (`BL…`, 先吃后付).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paid {
    Order(i64),
    Bill(i64),
}

/// A charge as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeRow {
    pub store_id: i64,
    pub paid: Paid,
    /// `out_trade_no`: the order's or bill's number, then `_2`, `_3` ….
    pub trade_no: String,
    /// The provider that holds it (`wechat`, `alipay`, `hmac`).
    pub provider: String,
    pub channel: PayChannel,
    pub amount: Money,
    pub status: ChargeStatus,
    /// The `ChargeDTO` the customer page was handed (JSON), handed again on a second tap.
    pub start_json: String,
    pub created_at: i64,
    /// Queries made so far.
    pub queries: u32,
    pub next_query_at: i64,
}
