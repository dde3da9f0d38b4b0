//! Refunds as pure rules: what is owed back and from which payment, and what a provider's answer
//! makes of a refund (when to ask again, when it is done, when the merchant must decide).

use orderbell_shared::events::AnomalyKind;
use orderbell_shared::refunds::{RefundCause, RefundStatus};
use orderbell_shared::{Money, OrderDTO};

use crate::domain::refunds::{NewRefund, Outcome, PaidWith};
use crate::error::{Error, Result};
use crate::payments::{GatewayError, GatewayResult, PaymentNotice, RefundState};

impl From<&PaymentNotice> for PaidWith {
    fn from(notice: &PaymentNotice) -> Self {
        PaidWith {
            provider: notice.provider.as_str().to_owned(),
            trade_no: notice.trade_no.clone(),
            transaction_id: notice.transaction_id.clone(),
            amount: notice.amount,
        }
    }
}

/// A paid order rejected: what is left of its payment goes back (a 退菜 before it was refunded
/// its part already, and took it off the order's total). An order its bill pays (先吃后付) was
/// not paid by itself: nothing to refund.
pub fn on_reject(order: &OrderDTO, payment: Option<PaidWith>, at: i64) -> Option<NewRefund> {
    (order.paid_at.is_some() && order.total_amount.cents() > 0).then(|| NewRefund {
        store_id: order.store_id,
        order_id: Some(order.order_id),
        bill_id: order.bill_id,
        cause: RefundCause::Rejected,
        amount: order.total_amount,
        payment,
        reason: order.reject_reason.clone(),
        created_at: at,
    })
}

/// A payment that could not be applied to its order: all of it goes back.
pub fn on_anomaly(order: &OrderDTO, kind: AnomalyKind, payment: PaidWith, at: i64) -> NewRefund {
    NewRefund {
        store_id: order.store_id,
        order_id: Some(order.order_id),
        bill_id: order.bill_id,
        cause: match kind {
            AnomalyKind::PaidAfterCancel => RefundCause::PaidAfterCancel,
            AnomalyKind::DuplicatePayment => RefundCause::DuplicatePayment,
        },
        amount: payment.amount,
        payment: Some(payment),
        reason: None,
        created_at: at,
    }
}

/// 退菜 of a paid line: `amount` goes back, from the order's own payment (先付后吃) or else its
/// bill's online settlement; with neither, the money was taken at the counter.
pub fn on_return(
    order: &OrderDTO,
    amount: Money,
    own: Option<PaidWith>,
    bill: Option<PaidWith>,
    reason: &str,
    at: i64,
) -> NewRefund {
    NewRefund {
        store_id: order.store_id,
        order_id: Some(order.order_id),
        bill_id: order.bill_id,
        cause: RefundCause::ItemReturned,
        amount,
        payment: own.or(bill),
        reason: Some(reason.to_owned()),
        created_at: at,
    }
}

/// A bill payment that came for a bill settled or changed meanwhile: all of it goes back.
pub fn on_bill_payment(store_id: i64, order_id: Option<i64>, bill_id: i64, payment: PaidWith, at: i64) -> NewRefund {
    NewRefund {
        store_id,
        order_id,
        bill_id: Some(bill_id),
        cause: RefundCause::BillChanged,
        amount: payment.amount,
        payment: Some(payment),
        reason: None,
        created_at: at,
    }
}

/// What to ask the provider of a refund in `status`, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Ask for the refund (again: `RF…` makes a repeat refund once).
    Refund,
    /// Ask how the refund it is processing stands.
    Query,
}

pub fn ask(status: RefundStatus) -> Option<Ask> {
    match status {
        RefundStatus::Due => Some(Ask::Refund),
        RefundStatus::Requested => Some(Ask::Query),
        RefundStatus::Succeeded | RefundStatus::Failed | RefundStatus::Offline => None,
    }
}

/// Waits before asking again after the `attempts`-th request left the refund open: 5 s, 30 s,
/// 2 min, 10 min, then every 30 min.
pub fn backoff_ms(attempts: u32) -> i64 {
    const STEPS: [i64; 5] = [5_000, 30_000, 120_000, 600_000, 1_800_000];
    let index = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
    STEPS.get(index).copied().unwrap_or(1_800_000)
}

/// What `answer` makes of a refund in `status`, asked `attempts` times now (this answer counted).
pub fn after(status: RefundStatus, attempts: u32, answer: &GatewayResult<RefundState>, now: i64) -> Outcome {
    let again = Some(now + backoff_ms(attempts));
    match answer {
        Ok(state) => settled(state, again, now),
        // It may pass: ask again later, as it was (a refund the provider took stays requested).
        Err(e @ (GatewayError::Unavailable(_) | GatewayError::Untrusted)) => Outcome {
            status,
            next_attempt_at: again,
            last_error: Some(match e {
                GatewayError::Untrusted => "支付渠道的回答验签失败，稍后自动重试".to_owned(),
                _ => "支付渠道暂时无法访问，稍后自动重试".to_owned(),
            }),
            provider_refund_id: None,
            completed_at: None,
        },
        Err(GatewayError::Refused { message, .. }) => failed(message),
    }
}

/// What a provider's word on a refund makes of it; `again`: when to ask once more if it is
/// still processing.
pub fn settled(state: &RefundState, again: Option<i64>, now: i64) -> Outcome {
    match state {
        RefundState::Succeeded { provider_refund_id } => Outcome {
            status: RefundStatus::Succeeded,
            next_attempt_at: None,
            last_error: None,
            provider_refund_id: provider_refund_id.clone(),
            completed_at: Some(now),
        },
        RefundState::Processing { provider_refund_id } => Outcome {
            status: RefundStatus::Requested,
            next_attempt_at: again,
            last_error: None,
            provider_refund_id: provider_refund_id.clone(),
            completed_at: None,
        },
        RefundState::Failed { message } => failed(message),
    }
}

fn failed(message: &str) -> Outcome {
    Outcome {
        status: RefundStatus::Failed,
        next_attempt_at: None,
        last_error: Some(format!("支付渠道拒绝退款：{message}。可重试，或线下退还后标记")),
        provider_refund_id: None,
        completed_at: None,
    }
}

/// Whether the merchant may have a refund asked for again now.
pub fn may_retry(status: RefundStatus, online: bool) -> Result<()> {
    match status {
        _ if status.is_done() => Err(done(status)),
        RefundStatus::Requested => Err(in_progress()),
        _ if !online => Err(Error::Conflict {
            code: "refund_offline",
            message: "这笔钱是线下收的，无法在线退款：请线下退还后标记「已线下退款」".to_owned(),
            current: None,
        }),
        _ => Ok(()),
    }
}

/// Whether the merchant may mark a refund handed back offline.
pub fn may_mark_offline(status: RefundStatus) -> Result<()> {
    match status {
        _ if status.is_done() => Err(done(status)),
        RefundStatus::Requested => Err(in_progress()),
        _ => Ok(()),
    }
}

fn done(status: RefundStatus) -> Error {
    Error::Conflict {
        code: "refund_done",
        message: format!("这笔退款{}，无需再处理", status.label()),
        current: None,
    }
}

fn in_progress() -> Error {
    Error::Conflict {
        code: "refund_in_progress",
        message: "支付渠道正在处理这笔退款，请等待结果后再操作".to_owned(),
        current: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_again_backs_off_to_half_an_hour() {
        let waits: Vec<i64> = (1..=7).map(backoff_ms).collect();
        assert_eq!(
            waits,
            [5_000, 30_000, 120_000, 600_000, 1_800_000, 1_800_000, 1_800_000]
        );
    }

    #[test]
    fn an_unreachable_provider_leaves_the_refund_as_it_was_until_later() {
        let answer = Err(GatewayError::Unavailable("timeout".into()));
        let due = after(RefundStatus::Due, 1, &answer, 1_000);
        assert_eq!((due.status, due.next_attempt_at), (RefundStatus::Due, Some(6_000)));
        assert!(due.last_error.is_some_and(|e| !e.is_ascii()), "the merchant reads why");
        let asked = after(RefundStatus::Requested, 3, &answer, 1_000);
        assert_eq!(
            asked.status,
            RefundStatus::Requested,
            "a refund the provider took is not asked twice"
        );
    }

    #[test]
    fn a_refusal_fails_the_refund_with_the_providers_words() {
        let answer = Err(GatewayError::Refused {
            code: "NOT_ENOUGH".into(),
            message: "基本账户余额不足".into(),
        });
        let out = after(RefundStatus::Due, 1, &answer, 1_000);
        assert_eq!((out.status, out.next_attempt_at), (RefundStatus::Failed, None));
        assert!(out.last_error.is_some_and(|e| e.contains("基本账户余额不足")));
    }

    #[test]
    fn processing_is_queried_later_and_success_completes() {
        let processing = Ok(RefundState::Processing {
            provider_refund_id: Some("5030".into()),
        });
        let out = after(RefundStatus::Due, 2, &processing, 0);
        assert_eq!(
            (out.status, out.next_attempt_at),
            (RefundStatus::Requested, Some(30_000))
        );
        let done = after(
            RefundStatus::Requested,
            3,
            &Ok(RefundState::Succeeded {
                provider_refund_id: None,
            }),
            9,
        );
        assert_eq!((done.status, done.completed_at), (RefundStatus::Succeeded, Some(9)));
        assert_eq!(ask(done.status), None);
    }

    #[test]
    fn the_merchant_retries_or_marks_only_what_is_not_settled() {
        assert!(may_retry(RefundStatus::Failed, true).is_ok());
        assert!(may_retry(RefundStatus::Due, true).is_ok());
        let code = |r: Result<()>| r.err().map(|e| e.code());
        assert_eq!(code(may_retry(RefundStatus::Succeeded, true)), Some("refund_done"));
        assert_eq!(
            code(may_retry(RefundStatus::Requested, true)),
            Some("refund_in_progress")
        );
        assert_eq!(code(may_retry(RefundStatus::Due, false)), Some("refund_offline"));
        assert!(may_mark_offline(RefundStatus::Failed).is_ok());
        assert_eq!(code(may_mark_offline(RefundStatus::Offline)), Some("refund_done"));
        assert_eq!(
            code(may_mark_offline(RefundStatus::Requested)),
            Some("refund_in_progress")
        );
    }
}
