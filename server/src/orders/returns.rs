//! 退菜: `POST /api/orders/{orderId}/returns`. The counter gives back some of an order line
//! before it is cooked. The return, the order's new total, the refund due (when the line was
//! paid) and the events that tell the kitchen, the table and the books are one transaction; the
//! phones at the table get their bill (`bill_update`) once it commits.

use axum::extract::State;
use orderbell_shared::bills::{ItemReturned, ReturnRequest};
use orderbell_shared::events::StatusChange;
use orderbell_shared::{Actor, ErrorBody, Event, OrderDTO, OrderStatus};

use super::return_rules::{self, ReturnPlan};
use super::rules;
use crate::auth::{Credential, Duty};
use crate::bills::{self, Outbox};
use crate::db::ReturnWrite;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::journal;
use crate::refunds;
use crate::state::AppState;

#[utoipa::path(post, path = "/api/orders/{order_id}/returns", tag = "orders",
    summary = "退菜（店主或前台）：未出餐前退回某一行的部分或全部；已支付的记为待退款，全部退完则订单取消",
    params(("order_id" = i64, Path, description = "订单 id")),
    request_body = ReturnRequest,
    responses((status = 200, body = OrderDTO),
        (status = "4XX", body = ErrorBody, description = "409 not_returnable；400 invalid_line、return_too_many、reason_required"))
)]
pub async fn return_items(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
    Json(request): Json<ReturnRequest>,
) -> Result<Json<OrderDTO>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_return().await?;
    let order = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    let by = bills::staff(&state, grant, order.store_id, Duty::TakePayment)?;
    let bill = match order.bill_id {
        Some(bill_id) => Some(bills::read(&mut *tx, bill_id).await?),
        None => None,
    };
    let settled_by = bill.as_ref().and_then(|b| b.settlement.as_ref()).map(|s| s.method);
    let plan = return_rules::plan(&order, return_rules::paid(&order, settled_by), &request)?;
    let write = ReturnWrite {
        order_id,
        line: plan.line,
        quantity: plan.quantity,
        amount: plan.amount,
        refund: plan.refund,
        reason: plan.reason.clone(),
        by: by.clone(),
        at: now,
    };
    // The transaction holds the write lock since it began, so the rules saw the latest lines;
    // the storage guard is a second line of defence.
    if !tx.record_return(&write).await? {
        return Err(Error::bad_request(
            "return_too_many",
            "这一行刚被退过，请刷新订单后重试",
        ));
    }
    let mut returned = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    let cancel = if plan.empties_order {
        let reason = return_rules::cancel_reason(&plan.reason);
        rules::apply(&mut returned, OrderStatus::Cancelled, now, Some(reason.clone()));
        if !tx.update_order(&returned, order.status).await? {
            return Err(super::transition_conflict(&order));
        }
        Some(status_change(&returned, order.status, reason, now))
    } else {
        None
    };
    let event = Event::ItemReturned(item_returned(&order, &returned, &plan, by, now));
    let mut outbox = Outbox::default();
    for stream in [Stream::Store(order.store_id), Stream::Order(order_id)] {
        outbox
            .entries
            .push(journal::append(&mut *tx, stream, &event, now).await?);
        if let Some(change) = &cancel {
            outbox
                .entries
                .push(journal::append(&mut *tx, stream, change, now).await?);
        }
    }
    if let Some(amount) = plan.refund {
        // Given back from the payment that paid it: the order's own, or its bill's online one.
        let own = tx.order_payment(order_id).await?;
        let bill_paid = match order.bill_id {
            Some(bill_id) if own.is_none() => tx.bill_payment(bill_id).await?,
            _ => None,
        };
        let refund = refunds::rules::on_return(&order, amount, own, bill_paid, &plan.reason, now);
        outbox.entries.extend(refunds::record(&mut *tx, &refund).await?);
    }
    // The phones at the table see their bill change.
    if let Some(bill) = bill {
        let bill = bills::read(&mut *tx, bill.bill_id).await?;
        outbox.bill(&state, bill.table_id, &bill);
    }
    outbox.commit(&state, tx).await?;
    tracing::info!(order = %returned.order_no, line = plan.line, quantity = plan.quantity, "dishes returned");
    Ok(Json(returned))
}

fn item_returned(before: &OrderDTO, after: &OrderDTO, plan: &ReturnPlan, by: String, at: i64) -> ItemReturned {
    let index = usize::try_from(plan.line).unwrap_or(usize::MAX);
    ItemReturned {
        order_id: after.order_id,
        order_no: after.order_no.clone(),
        table_number: after.table_number.clone(),
        bill_id: after.bill_id,
        line: plan.line,
        cuisine_name: before
            .items
            .get(index)
            .map(|i| i.cuisine_name.clone())
            .unwrap_or_default(),
        quantity: plan.quantity,
        amount: plan.amount,
        reason: plan.reason.clone(),
        refund_due: plan.refund,
        order: after.clone(),
        by,
        at,
    }
}

fn status_change(order: &OrderDTO, from: OrderStatus, reason: String, at: i64) -> Event {
    Event::OrderStatus(StatusChange {
        order_id: order.order_id,
        order_no: order.order_no.clone(),
        table_number: order.table_number.clone(),
        from: Some(from),
        to: OrderStatus::Cancelled,
        by: Actor::Merchant,
        message: rules::message(OrderStatus::Cancelled, Some(&reason)),
        reason: Some(reason),
        at,
    })
}
