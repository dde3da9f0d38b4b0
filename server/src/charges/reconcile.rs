//! Reconciliation (查单) and closing (关单): what we learn by asking the provider about a charge.
//!
//! A notification can be late or lost, so each open charge is queried on a backoff until it is
//! paid or closed; a payment found is applied through [`super::receive`] as a notification would
//! be, and counts once with that notification (payments are unique by provider and transaction).
//! A charge nobody can pay any more (the order was paid another way or cancelled, the bill ended)
//! is closed at its provider, so that no payment can arrive on it later.

use std::sync::Arc;

use orderbell_shared::Money;
use orderbell_shared::OrderStatus;
use orderbell_shared::bills::BillStatus;
use orderbell_shared::charges::ChargeStatus;

use super::{receive, rules};
use crate::domain::charges::{ChargeRow, Paid};
use crate::error::Result;
use crate::payments::{CloseOutcome, Gateway, GatewayError, PaymentNotice, Provider, TradeState};
use crate::state::AppState;

/// Charges queried per round: the rest are next round's, so one slow provider cannot hold up
/// the alerts that share the round.
const BATCH: u32 = 20;

/// Query the open charges that are due.
pub async fn round(state: &AppState) -> Result<()> {
    let now = state.clock.now_ms();
    for charge in state.db.due_charges(now, BATCH).await? {
        if let Err(e) = reconcile(state, &charge).await {
            tracing::warn!(trade_no = %charge.trade_no, error = %e, "querying a charge failed; asking again later");
            back_off(state, &charge).await?;
        }
    }
    Ok(())
}

async fn reconcile(state: &AppState, charge: &ChargeRow) -> Result<()> {
    let Some(gateway) = gateway(state, charge).await? else {
        return Ok(());
    };
    match gateway.query(&charge.trade_no).await? {
        TradeState::Paid { transaction_id, amount } => apply(state, charge, transaction_id, amount).await,
        TradeState::Closed => end(state, charge, ChargeStatus::Closed).await,
        TradeState::Waiting | TradeState::NotFound if !payable(state, charge.paid).await? => {
            close_at(state, gateway.as_ref(), charge).await
        }
        TradeState::Waiting | TradeState::NotFound => back_off(state, charge).await,
    }
}

/// Close `charge` at its provider (关单), so that no payment can arrive on it. `Ok` when nothing
/// more can be paid on it: closed, or found paid and applied. An error when the provider could
/// not say: the charge may still be paid, so whatever waits on it (a cancel) waits.
pub async fn close(state: &AppState, charge: &ChargeRow) -> Result<()> {
    match gateway(state, charge).await? {
        Some(gateway) => close_at(state, gateway.as_ref(), charge).await,
        None => Ok(()),
    }
}

async fn close_at(state: &AppState, gateway: &dyn Gateway, charge: &ChargeRow) -> Result<()> {
    match gateway.close(&charge.trade_no).await? {
        CloseOutcome::Closed => end(state, charge, ChargeStatus::Closed).await,
        // The payer was quicker: the payment is taken as if its notification had come.
        CloseOutcome::AlreadyPaid => match gateway.query(&charge.trade_no).await? {
            TradeState::Paid { transaction_id, amount } => apply(state, charge, transaction_id, amount).await,
            TradeState::Closed => end(state, charge, ChargeStatus::Closed).await,
            TradeState::Waiting | TradeState::NotFound => {
                Err(GatewayError::Unavailable("关单时说已支付，查单却没有找到这笔付款".into()).into())
            }
        },
    }
}

/// Apply a payment the provider told us of when asked, exactly as its notification would be.
async fn apply(state: &AppState, charge: &ChargeRow, transaction_id: String, amount: Money) -> Result<()> {
    let provider = Provider::parse(&charge.provider).unwrap_or(Provider::Hmac);
    let notice = PaymentNotice {
        provider,
        notification_id: format!("query:{}", charge.trade_no),
        trade_no: charge.trade_no.clone(),
        transaction_id,
        amount,
        merchant_id: configured_merchant(state, provider),
        succeeded: true,
    };
    let outcome = receive(state, &notice).await?;
    tracing::info!(trade_no = %charge.trade_no, ?outcome, "payment found by query");
    Ok(())
}

/// Our merchant at `provider`, as configured: a gateway asks about our own trades only, so what
/// it finds is ours.
fn configured_merchant(state: &AppState, provider: Provider) -> String {
    let payments = &state.payments;
    let merchant = match provider {
        Provider::Hmac => Some(payments.webhook.merchant_id()),
        Provider::Wechat => payments.wechat.as_ref().map(|c| c.mchid()),
        Provider::Alipay => payments.alipay.as_ref().map(|c| c.app_id()),
    };
    merchant.unwrap_or_default().to_owned()
}

/// The gateway that holds `charge`. A provider no longer configured can neither be asked nor
/// closed at: the charge is given up (closed here), with a warning.
async fn gateway(state: &AppState, charge: &ChargeRow) -> Result<Option<Arc<dyn Gateway>>> {
    let found = Provider::parse(&charge.provider).and_then(|p| state.payments.gateways.get(p));
    if found.is_none() {
        tracing::warn!(trade_no = %charge.trade_no, provider = %charge.provider, "the charge's provider is not configured any more");
        end(state, charge, ChargeStatus::Closed).await?;
    }
    Ok(found.cloned())
}

/// Whether anybody can still pay what the charge is for.
async fn payable(state: &AppState, paid: Paid) -> Result<bool> {
    Ok(match paid {
        Paid::Order(id) => state
            .db
            .order(id)
            .await?
            .is_some_and(|o| o.status == OrderStatus::PendingPayment),
        Paid::Bill(id) => state
            .db
            .bill_snapshot(id)
            .await?
            .is_some_and(|b| b.bill.status == BillStatus::Open),
    })
}

async fn end(state: &AppState, charge: &ChargeRow, status: ChargeStatus) -> Result<()> {
    state
        .db
        .end_charge(&charge.trade_no, status, state.clock.now_ms())
        .await
}

async fn back_off(state: &AppState, charge: &ChargeRow) -> Result<()> {
    let queries = charge.queries.saturating_add(1);
    let next = rules::next_query_at(state.clock.now_ms(), queries);
    state.db.charge_queried(&charge.trade_no, queries, next).await
}
