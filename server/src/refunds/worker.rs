//! The refund worker: asks each refund's provider for it when it is due, and asks again how a
//! refund the provider is processing stands, on a backoff, until it ends.
//!
//! A round runs beside the maintenance loop (a slow provider must not hold up the alert rounds),
//! one at a time. Each refund is claimed before it is asked for, so no two requests for one
//! refund are ever in flight, even with several servers on one database; a claim outlives a
//! crash by [`CLAIM_MS`] at most. Exactly-once on the money side is the provider's: our `RF…`
//! is its `out_refund_no`.

use tokio::task::JoinHandle;

use super::rules::{self, Ask};
use crate::db::RefundRecord;
use crate::error::Result;
use crate::journal;
use crate::payments::{Gateway, GatewayResult, Provider, RefundOrder, RefundState};
use crate::state::AppState;

/// How long a claimed refund is left to its request before another round may ask again.
const CLAIM_MS: i64 = 2 * 60 * 1000;

/// Refunds asked for in one round; the rest wait for the next.
const PER_ROUND: u32 = 20;

/// The maintenance loop's handle on the worker: starts a round unless one is still running.
#[derive(Default)]
pub struct Rounds(Option<JoinHandle<()>>);

impl Rounds {
    pub fn tick(&mut self, state: &AppState) {
        if self.0.as_ref().is_some_and(|round| !round.is_finished()) {
            return;
        }
        let state = state.clone();
        self.0 = Some(tokio::spawn(async move {
            if let Err(e) = round(&state).await {
                tracing::warn!(error = ?e, "the refund round failed");
            }
        }));
    }

    /// Stop at shutdown: a request cut short is asked again (same `RF…`) once its claim lapses.
    pub fn stop(self) {
        if let Some(round) = self.0 {
            round.abort();
        }
    }
}

/// Ask for every refund that is due now.
pub async fn round(state: &AppState) -> Result<()> {
    let now = state.clock.now_ms();
    for record in state.db.refunds_to_ask(now, PER_ROUND).await? {
        // A provider not configured here (the simulator switched off, say): the merchant's.
        let Some(gateway) = record
            .refund
            .provider
            .as_deref()
            .and_then(Provider::parse)
            .and_then(|p| state.payments.gateways.get(p))
        else {
            continue;
        };
        let Some(expected) = record.next_attempt_at else {
            continue;
        };
        let until = now + CLAIM_MS;
        if !state.db.claim_refund(record.refund.refund_id, expected, until).await? {
            continue;
        }
        ask(state, gateway.as_ref(), &record, until).await?;
    }
    Ok(())
}

async fn ask(state: &AppState, gateway: &dyn Gateway, record: &RefundRecord, claimed_until: i64) -> Result<()> {
    let refund = &record.refund;
    let Some(step) = rules::ask(refund.status) else {
        return Ok(());
    };
    let order = refund_order(record);
    let answer: GatewayResult<RefundState> = match step {
        Ask::Refund => gateway.refund(&order).await,
        Ask::Query => gateway.query_refund(&order).await,
    };
    if let Err(e) = &answer {
        tracing::warn!(refund = %refund.refund_no, error = %e, "the provider did not refund");
    }
    let now = state.clock.now_ms();
    let outcome = rules::after(refund.status, refund.attempts + 1, &answer, now);
    let mut tx = state.db.begin().await?;
    let Some(changed) = tx
        .update_refund(refund.refund_id, refund.status, Some(claimed_until), &outcome, true)
        .await?
    else {
        // Settled meanwhile (a notification, the merchant): that word stands.
        return Ok(());
    };
    // Only a change people see is announced: a query that found it still processing is not.
    if changed.status == refund.status && changed.last_error == refund.last_error {
        tx.commit().await?;
        return Ok(());
    }
    let entries = super::announce(&mut *tx, &changed, now).await?;
    journal::commit(state, tx, &entries).await?;
    tracing::info!(refund = %changed.refund_no, status = changed.status.as_str(), "refund asked for");
    Ok(())
}

fn refund_order(record: &RefundRecord) -> RefundOrder {
    let refund = &record.refund;
    RefundOrder {
        refund_no: refund.refund_no.clone(),
        trade_no: refund.trade_no.clone().unwrap_or_default(),
        transaction_id: refund.transaction_id.clone().unwrap_or_default(),
        amount: refund.amount,
        paid: record.paid.unwrap_or(refund.amount),
        reason: refund.reason.clone().unwrap_or_else(|| refund.cause.label().to_owned()),
    }
}
