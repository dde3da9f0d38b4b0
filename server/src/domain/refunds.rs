//! A refund to record, the payment it gives money back from, and what a provider's answer made
//! of it.

use orderbell_shared::Money;
use orderbell_shared::refunds::{RefundCause, RefundStatus};

/// The payment a refund gives money back from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidWith {
    /// `wechat`, `alipay`, `hmac` (the simulator).
    pub provider: String,
    /// Our `out_trade_no`.
    pub trade_no: String,
    /// The provider's id of the payment.
    pub transaction_id: String,
    /// The whole payment.
    pub amount: Money,
}

/// A refund to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRefund {
    pub store_id: i64,
    pub order_id: Option<i64>,
    pub bill_id: Option<i64>,
    pub cause: RefundCause,
    pub amount: Money,
    /// `None`: the money was taken offline (cash at the counter); the merchant hands it back.
    pub payment: Option<PaidWith>,
    pub reason: Option<String>,
    pub created_at: i64,
}

/// A refund after a provider's answer (or a refund notification).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: RefundStatus,
    /// When to ask again; `None` once the refund is settled.
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub provider_refund_id: Option<String>,
    pub completed_at: Option<i64>,
}
