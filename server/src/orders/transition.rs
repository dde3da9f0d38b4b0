//! One step in an order's life: checked against the rules, written as a compare-and-set on the
//! current status, and reported on the order's stream (and, once paid, the store's) in the same
//! transaction, with the refund a rejected paid order is owed.

use orderbell_shared::events::StatusChange;
use orderbell_shared::{Actor, Event, OrderDTO, OrderStatus};

use super::rules::{self, Action, Decision};
use crate::bills::Outbox;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::journal;
use crate::refunds;
use crate::state::AppState;

/// Take `action` on the order as `by`. `authorize` sees the order first and may refuse.
pub async fn transition(
    state: &AppState,
    order_id: i64,
    action: Action,
    by: Actor,
    authorize: impl FnOnce(&OrderDTO) -> Result<()> + Send,
) -> Result<OrderDTO> {
    if !action.allowed(by) {
        return Err(Error::Forbidden);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let mut order = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    authorize(&order)?;
    let from = order.status;
    let to = match rules::decide(from, &action) {
        Decision::Move(to) => to,
        Decision::AlreadyDone => return Ok(order),
        Decision::Conflict => return Err(conflict(&order)),
    };
    let reason = action.reason();
    rules::apply(&mut order, to, now, reason.clone());
    if !tx.update_order(&order, from).await? {
        return Err(conflict(&order));
    }
    let change = Event::OrderStatus(StatusChange {
        order_id,
        order_no: order.order_no.clone(),
        table_number: order.table_number.clone(),
        from: Some(from),
        to,
        by,
        message: rules::message(to, reason.as_deref()),
        reason,
        at: now,
    });
    let mut outbox = Outbox::default();
    outbox
        .entries
        .push(journal::append(&mut *tx, Stream::Order(order_id), &change, now).await?);
    // The merchant never saw an unpaid order, so its cancellation is the customer's business only.
    if from != OrderStatus::PendingPayment {
        outbox
            .entries
            .push(journal::append(&mut *tx, Stream::Store(order.store_id), &change, now).await?);
    }
    // A paid order turned away: its money goes back.
    if to == OrderStatus::Rejected {
        let payment = tx.order_payment(order_id).await?;
        if let Some(refund) = refunds::rules::on_reject(&order, payment, now) {
            outbox.entries.extend(refunds::record(&mut *tx, &refund).await?);
        }
    }
    // Every phone at the table follows the round's status on its bill (已下单, 制作中, 已出餐).
    if let Some(bill_id) = order.bill_id {
        outbox.tell_table(state, &mut *tx, order.table_id, bill_id).await?;
    }
    outbox.commit(state, tx).await?;
    tracing::info!(order = %order.order_no, ?from, ?to, ?by, "order status changed");
    Ok(order)
}

pub fn conflict(order: &OrderDTO) -> Error {
    Error::Conflict {
        code: "invalid_transition",
        message: format!("订单当前状态为「{}」，不能这样操作", order.status.label()),
        current: Some(order.status),
    }
}
