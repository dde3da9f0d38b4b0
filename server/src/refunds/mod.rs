//! Refunds: owed, requested from the provider, confirmed; or handed back offline.
//!
//! A refund is recorded in the transaction of what caused it (a rejected paid order, a payment
//! that could not be applied, a paid dish returned), with the payment it gives money back from.
//! The worker asks that payment's provider for it (`RF…` is the `out_refund_no`, so asking twice
//! refunds once), and each change is a `refund_update` on the store's stream and its order's.

mod http;
pub mod rules;
pub mod worker;

use orderbell_shared::Event;
use orderbell_shared::refunds::{RefundDTO, parse_refund_no};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Tx;
use crate::domain::journal::{Entry, Stream};
use crate::domain::refunds::NewRefund;
use crate::error::Result;
use crate::journal;
use crate::payments::RefundNotice;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::store_refunds))
        .routes(routes!(http::order_refunds))
        .routes(routes!(http::retry))
        .routes(routes!(http::offline))
}

/// Write `refund` inside `tx` with its `refund_update` events; the events, for the caller's
/// outbox.
pub async fn record(tx: &mut dyn Tx, refund: &NewRefund) -> Result<Vec<Entry>> {
    let written = tx.insert_refund(refund).await?;
    tracing::info!(refund = %written.refund_no, cause = written.cause.as_str(), amount = %written.amount, "refund owed");
    announce(tx, &written, refund.created_at).await
}

/// A refund's `refund_update`, on the store's stream and its order's.
async fn announce(tx: &mut dyn Tx, refund: &RefundDTO, at: i64) -> Result<Vec<Entry>> {
    let event = Event::RefundUpdate(refund.clone());
    let mut entries = vec![journal::append(tx, Stream::Store(refund.store_id), &event, at).await?];
    if let Some(order_id) = refund.order_id {
        entries.push(journal::append(tx, Stream::Order(order_id), &event, at).await?);
    }
    Ok(entries)
}

/// A provider's word on a refund we asked for (WeChat's refund notification): applied once; a
/// repeat, or word of a refund already settled, changes nothing.
pub async fn confirm(state: &AppState, notice: &RefundNotice) -> Result<()> {
    let Some(refund_id) = parse_refund_no(&notice.refund_no) else {
        // Authentic, but not one of ours: acknowledged, so the provider stops sending it.
        tracing::warn!(refund = %notice.refund_no, "a refund notification for an unknown refund number");
        return Ok(());
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let Some(current) = tx.refund(refund_id).await? else {
        tracing::warn!(refund = %notice.refund_no, "a refund notification for a refund we do not have");
        return Ok(());
    };
    let status = current.refund.status;
    if rules::ask(status).is_none() {
        return Ok(());
    }
    // Still processing: the worker keeps asking on its own schedule.
    let outcome = rules::settled(&notice.state, current.next_attempt_at, now);
    if outcome.status == status {
        return Ok(());
    }
    let Some(changed) = tx.update_refund(refund_id, status, None, &outcome, false).await? else {
        return Ok(());
    };
    let entries = announce(&mut *tx, &changed, now).await?;
    journal::commit(state, tx, &entries).await?;
    tracing::info!(refund = %changed.refund_no, status = changed.status.as_str(), "refund confirmed by notification");
    Ok(())
}
