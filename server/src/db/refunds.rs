//! What storage knows of refunds: each one owed, the payment it gives back from, and where
//! asking the provider for it stands. A refund is written in the transaction of what caused it,
//! and every change to it with the events that report it.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::refunds::{RefundDTO, RefundStatus};

use crate::domain::refunds::{NewRefund, Outcome, PaidWith};
use crate::error::Result;

/// A refund with what the worker needs beside what people see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRecord {
    pub refund: RefundDTO,
    /// The whole payment refunded from (WeChat wants it beside the refund).
    pub paid: Option<Money>,
    pub next_attempt_at: Option<i64>,
}

/// The refund primitives of a transaction ([`super::Tx`]).
#[async_trait]
pub trait RefundTx: Send {
    async fn insert_refund(&mut self, refund: &NewRefund) -> Result<RefundDTO>;

    async fn refund(&mut self, refund_id: i64) -> Result<Option<RefundRecord>>;

    /// Write `outcome` (and count one more request when `asked`) if the refund is still in
    /// `expected` and, when given, still claimed until `claimed_until` (compare-and-set). The
    /// refund as it now is; `None` if another change got there first.
    async fn update_refund(
        &mut self,
        refund_id: i64,
        expected: RefundStatus,
        claimed_until: Option<i64>,
        outcome: &Outcome,
        asked: bool,
    ) -> Result<Option<RefundDTO>>;

    /// The merchant had it asked for again now.
    async fn retry_refund(&mut self, refund_id: i64, expected: RefundStatus, now: i64) -> Result<Option<RefundDTO>>;

    /// The merchant handed it back offline.
    async fn refund_offline(
        &mut self,
        refund_id: i64,
        expected: RefundStatus,
        handled_by: &str,
        now: i64,
    ) -> Result<Option<RefundDTO>>;

    /// The payment that paid the order by itself (先付后吃), if one did.
    async fn order_payment(&mut self, order_id: i64) -> Result<Option<PaidWith>>;

    /// The online payment that settled the bill, if one did.
    async fn bill_payment(&mut self, bill_id: i64) -> Result<Option<PaidWith>>;
}

/// The refund reads and the worker's claim, outside a transaction.
#[async_trait]
pub trait RefundStore: Send + Sync {
    /// Up to `limit` refunds with a provider that are due to be asked for (or asked about) at
    /// `now`, oldest first.
    async fn refunds_to_ask(&self, now: i64, limit: u32) -> Result<Vec<RefundRecord>>;

    /// Take the refund for one request: its next attempt moves from `expected` to `until`, so
    /// no other round (or server) asks for it meanwhile. False if another took it first.
    async fn claim_refund(&self, refund_id: i64, expected: i64, until: i64) -> Result<bool>;

    /// The store's refunds, newest first; `open`: only those not done.
    async fn store_refunds(&self, store_id: i64, open: bool) -> Result<Vec<RefundDTO>>;

    /// The order's refunds, oldest first.
    async fn order_refunds(&self, order_id: i64) -> Result<Vec<RefundDTO>>;

    /// The store a refund belongs to.
    async fn refund_store(&self, refund_id: i64) -> Result<Option<i64>>;
}
