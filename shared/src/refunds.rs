//! Refunds: money owed back to a customer, and where getting it back stands.
//!
//! A refund is owed when a paid order is rejected, a payment is made twice, a payment arrives for
//! an order already cancelled (or a bill already settled), or a paid dish is returned (退菜). Paid
//! online, it is requested from the provider (`RF…` is our refund number, the provider's
//! `out_refund_no`: asking twice refunds once), retried on failure and confirmed by the provider's
//! notification or a query. Paid in cash (or at the counter), the merchant hands it back and marks
//! it so.

use serde::{Deserialize, Serialize};

use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RefundCause {
    /// The merchant rejected a paid order.
    Rejected,
    /// A second payment of an order already paid.
    DuplicatePayment,
    /// A payment for an order already cancelled.
    PaidAfterCancel,
    /// A paid dish returned (退菜): part of the payment.
    ItemReturned,
    /// A bill's online payment that arrived when the bill was settled or owed another amount.
    BillChanged,
}

impl RefundCause {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundCause::Rejected => "rejected",
            RefundCause::DuplicatePayment => "duplicate_payment",
            RefundCause::PaidAfterCancel => "paid_after_cancel",
            RefundCause::ItemReturned => "item_returned",
            RefundCause::BillChanged => "bill_changed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            RefundCause::Rejected,
            RefundCause::DuplicatePayment,
            RefundCause::PaidAfterCancel,
            RefundCause::ItemReturned,
            RefundCause::BillChanged,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RefundCause::Rejected => "拒单退款",
            RefundCause::DuplicatePayment => "重复支付",
            RefundCause::PaidAfterCancel => "取消后付款",
            RefundCause::ItemReturned => "退菜",
            RefundCause::BillChanged => "账单已变",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Owed and not yet asked for (or to be asked again after a failure that may pass): paid
    /// online, the server asks the provider by itself; paid offline, the merchant hands it back.
    Due,
    /// Asked of the provider, which is processing it.
    Requested,
    /// The provider refunded it: the money is on its way back to the customer.
    Succeeded,
    /// The provider refused it (the merchant's balance, a closed account …): the merchant retries
    /// it, or refunds offline and marks it so.
    Failed,
    /// The merchant handed it back offline (cash) and marked it so.
    Offline,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Due => "due",
            RefundStatus::Requested => "requested",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::Offline => "offline",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            RefundStatus::Due,
            RefundStatus::Requested,
            RefundStatus::Succeeded,
            RefundStatus::Failed,
            RefundStatus::Offline,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether the customer has (or is sure to get) the money back: nothing left to do.
    pub fn is_done(self) -> bool {
        matches!(self, RefundStatus::Succeeded | RefundStatus::Offline)
    }

    pub fn label(self) -> &'static str {
        match self {
            RefundStatus::Due => "待退款",
            RefundStatus::Requested => "退款中",
            RefundStatus::Succeeded => "已退款",
            RefundStatus::Failed => "退款失败",
            RefundStatus::Offline => "已线下退款",
        }
    }
}

/// One refund, as the merchant's app and the customer's page show it. Also the data of the
/// `refund_update` event (store stream; and the order stream of its order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RefundDTO {
    pub refund_id: i64,
    /// `RF` and 8 digits: our refund number (`out_refund_no`).
    pub refund_no: String,
    pub store_id: i64,
    pub order_id: Option<i64>,
    pub order_no: Option<String>,
    pub bill_id: Option<i64>,
    pub table_number: Option<String>,
    pub cause: RefundCause,
    pub amount: Money,
    pub status: RefundStatus,
    /// The provider that refunds it (`wechat`, `alipay`, `hmac`); `None` for money paid offline.
    pub provider: Option<String>,
    /// The payment it refunds: our trade number and the provider's transaction id.
    pub trade_no: Option<String>,
    pub transaction_id: Option<String>,
    /// Why it failed last, in words the merchant reads.
    pub last_error: Option<String>,
    pub attempts: u32,
    /// Why it is owed (a 退菜 reason, a rejection reason), as given.
    pub reason: Option<String>,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    /// Who marked it refunded offline, and their note.
    pub handled_by: Option<String>,
}

/// The body of `POST /api/refunds/{id}/offline`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RefundOfflineRequest {
    /// What was done (「已现金退还」): required, shown in the day's books.
    pub note: String,
}

/// `RF` and 8 digits of the refund's id.
pub fn refund_no(refund_id: i64) -> String {
    format!("RF{refund_id:08}")
}

pub fn parse_refund_no(text: &str) -> Option<i64> {
    let digits = text.strip_prefix("RF")?;
    (digits.len() >= 8 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_numbers_read_back() {
        assert_eq!(refund_no(42), "RF00000042");
        assert_eq!(parse_refund_no("RF00000042"), Some(42));
        assert_eq!(parse_refund_no("OB00000042"), None);
        assert_eq!(parse_refund_no("RF42"), None);
    }
}
