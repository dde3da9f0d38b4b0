//! What an authentic payment does to an order — the same for every provider.
//!
//! Exactly once: a payment is keyed by the provider's transaction id, so the retries providers
//! send for a day (and concurrent duplicates) are acknowledged and change nothing. A payment that
//! cannot be applied — the order was cancelled, or already paid by another payment — is owed back
//! (a refund, asked of its provider) and raised to the merchant, never dropped.

use orderbell_shared::events::{AnomalyKind, PaymentAnomaly, StatusChange};
use orderbell_shared::{Actor, Event, OrderStatus};

use super::rules;
use crate::bills::Outbox;
use crate::db::PaymentRow;
use crate::domain::charges::Paid;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::journal;
use crate::payments::PaymentNotice;
use crate::refunds;
use crate::state::AppState;
use orderbell_shared::charges::trade_number;
use orderbell_shared::order::parse_order_no;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The order is now paid.
    Applied,
    /// We had this payment already.
    Duplicate,
    /// Recorded for refund and raised to the merchant.
    RefundDue(AnomalyKind),
    /// Authentic, but not a successful payment: nothing to do.
    Ignored,
}

impl PaymentOutcome {
    /// Its name in the metrics (`outcome` of `orderbell_payment_notifications_total`).
    pub fn label(self) -> &'static str {
        match self {
            PaymentOutcome::Applied => "applied",
            PaymentOutcome::Duplicate => "duplicate",
            PaymentOutcome::RefundDue(_) => "refund_due",
            PaymentOutcome::Ignored => "ignored",
        }
    }
}

pub async fn apply_payment(state: &AppState, notice: &PaymentNotice) -> Result<PaymentOutcome> {
    if !notice.succeeded {
        return Ok(PaymentOutcome::Ignored);
    }
    let order_id = parse_order_no(trade_number(&notice.trade_no))
        .ok_or_else(|| Error::invalid("order_not_found", format!("未知订单号 {}", notice.trade_no)))?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let mut order = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    if notice.amount != order.total_amount {
        return Err(Error::invalid(
            "amount_mismatch",
            format!("支付金额 {} 与订单金额 {} 不符", notice.amount, order.total_amount),
        ));
    }
    let anomaly = match order.status {
        OrderStatus::PendingPayment => None,
        OrderStatus::Cancelled => Some(AnomalyKind::PaidAfterCancel),
        _ => Some(AnomalyKind::DuplicatePayment),
    };
    let row = PaymentRow {
        provider: notice.provider.as_str(),
        transaction_id: notice.transaction_id.clone(),
        notification_id: notice.notification_id.clone(),
        paid: Paid::Order(order_id),
        amount: notice.amount,
        outcome: if anomaly.is_some() { "refund_due" } else { "applied" },
        received_at: now,
    };
    if !tx.insert_payment(&row).await? {
        return Ok(PaymentOutcome::Duplicate);
    }
    let store = Stream::Store(order.store_id);
    let entries = match anomaly {
        None => {
            rules::apply(&mut order, OrderStatus::Paid, now, None);
            if !tx.update_order(&order, OrderStatus::PendingPayment).await? {
                return Err(super::transition_conflict(&order));
            }
            let paid = Event::OrderStatus(StatusChange {
                order_id,
                order_no: order.order_no.clone(),
                table_number: order.table_number.clone(),
                from: Some(OrderStatus::PendingPayment),
                to: OrderStatus::Paid,
                by: Actor::Payment,
                reason: None,
                message: rules::message(OrderStatus::Paid, None),
                at: now,
            });
            vec![
                journal::append(&mut *tx, Stream::Order(order_id), &paid, now).await?,
                journal::append(&mut *tx, store, &Event::OrderPaid(order.clone()), now).await?,
            ]
        }
        Some(kind) => {
            let message = match kind {
                AnomalyKind::PaidAfterCancel => "订单已取消后收到付款，请退款",
                AnomalyKind::DuplicatePayment => "订单重复支付，请退还多付的一笔",
            };
            let raised = Event::PaymentAnomaly(PaymentAnomaly {
                kind,
                order_id,
                order_no: order.order_no.clone(),
                table_number: order.table_number.clone(),
                provider: notice.provider.as_str().to_owned(),
                transaction_id: notice.transaction_id.clone(),
                amount: notice.amount,
                message: message.to_owned(),
                at: now,
            });
            tracing::warn!(order = %order.order_no, ?kind, "payment needs a refund");
            let mut entries = vec![journal::append(&mut *tx, store, &raised, now).await?];
            let refund = refunds::rules::on_anomaly(&order, kind, notice.into(), now);
            entries.extend(refunds::record(&mut *tx, &refund).await?);
            entries
        }
    };
    let mut outbox = Outbox {
        entries,
        ..Outbox::default()
    };
    // The table's phones see the round paid on their bill.
    if anomaly.is_none()
        && let Some(bill_id) = order.bill_id
    {
        outbox.tell_table(state, &mut *tx, order.table_id, bill_id).await?;
    }
    outbox.commit(state, tx).await?;
    Ok(match anomaly {
        None => {
            tracing::info!(order = %order.order_no, provider = notice.provider.as_str(), "order paid");
            PaymentOutcome::Applied
        }
        Some(kind) => PaymentOutcome::RefundDue(kind),
    })
}
