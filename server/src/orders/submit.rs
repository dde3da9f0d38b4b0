//! `POST /api/orders`: the table's cart becomes an order, priced on the server from the menu and
//! frozen, and the cart is emptied — all in one transaction. A repeated idempotency key returns
//! the order it made the first time.
//!
//! The order is the next round of the table's bill. In 先付后吃 it waits to be paid; in 先吃后付
//! (the bill's mode) it goes to the kitchen at once (`submitted`, the store's `order_submitted`),
//! and the other phones at the table see the round on their bill.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::bills::OrderingMode;
use orderbell_shared::events::StatusChange;
use orderbell_shared::{Actor, ErrorBody, Event, Money, OrderItemDTO, OrderStatus, SubmitOrderRequest, SubmittedOrder};

use super::rules;
use crate::auth::{Credential, Grant, bill_closed};
use crate::bills::Outbox;
use crate::carts::{cart_dto, cart_event};
use crate::db::{CartSnapshot, NewOrder};
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::Json;
use crate::journal;
use crate::state::AppState;
use crate::stores;
use orderbell_shared::order::order_no;

#[utoipa::path(post, path = "/api/orders", tag = "orders",
    summary = "把本桌购物车下单（须食客凭证；同一 idempotencyKey 重复提交返回同一订单）",
    request_body = SubmitOrderRequest,
    responses((status = 201, body = SubmittedOrder), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn submit(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Json(req): Json<SubmitOrderRequest>,
) -> Result<(StatusCode, Json<SubmittedOrder>)> {
    grant.for_table(req.table_id)?;
    let (diner, sitting) = grant.diner_at(req.table_id).ok_or(Error::DinerRequired)?;
    let key = checked_key(&req.idempotency_key)?;
    // Read before the write transaction: a read inside it would need a second connection.
    let refusal = stores::order_refusal(&state, req.table_id).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let (table, version) = tx
        .bump_cart(req.table_id)
        .await?
        .ok_or(Error::table_not_found(req.table_id))?;
    if let Some(order_id) = tx.order_id_by_key(req.table_id, key).await? {
        // A double tap or a retry: the first request's order, and nothing changes.
        let order = tx
            .order(order_id)
            .await?
            .ok_or_else(|| Error::order_not_found(order_id))?;
        return Ok((StatusCode::OK, Json(submitted(&state, order))));
    }
    if tx.sitting(req.table_id).await? != Some(sitting) {
        // The table was settled or closed while this phone was submitting: the party has left.
        return Err(bill_closed());
    }
    if let Some(refused) = refusal {
        // Closed or paused: nothing is written, and the cart stays for later.
        return Err(refused);
    }
    let reviewed = version - 1;
    if req.cart_version.is_some_and(|v| v != reviewed) {
        return Err(Error::Conflict {
            code: "cart_changed",
            message: format!("购物车已被同桌修改（现在是第 {reviewed} 版），请确认后再提交"),
            current: None,
        });
    }
    let lines = tx.cart_lines(req.table_id).await?;
    if lines.is_empty() {
        return Err(Error::invalid("cart_empty", "购物车是空的，请先加菜"));
    }
    if let Some(gone) = lines.iter().find(|l| !l.dish.orderable()) {
        return Err(Error::Conflict {
            code: "dish_sold_out",
            message: format!(
                "购物车里的「{}」已估清（卖完了），请先把它移出购物车再下单",
                gone.dish.name
            ),
            current: None,
        });
    }
    let items: Vec<OrderItemDTO> = lines
        .iter()
        .map(|l| OrderItemDTO {
            cuisine_id: l.dish.id,
            cuisine_name: l.dish.name.clone(),
            cuisine_type: l.dish.kind,
            unit_price: l.dish.price,
            quantity: l.line.quantity,
            subtotal_amount: l.dish.price * l.line.quantity,
            remark: l.line.remark.clone(),
            add_user_id: l.line.diner_id,
            returned_quantity: 0,
        })
        .collect();
    let bill = tx
        .open_bill(table.id, now)
        .await?
        .ok_or(Error::table_not_found(table.id))?;
    let status = match bill.mode {
        OrderingMode::PayFirst => OrderStatus::PendingPayment,
        OrderingMode::PayLater => OrderStatus::Submitted,
    };
    let new = NewOrder {
        store_id: table.store_id,
        table_id: table.id,
        table_number: table.number.clone(),
        diner_id: Some(diner),
        idempotency_key: key.to_owned(),
        status,
        bill_id: bill.id,
        round: tx.next_round(bill.id).await?,
        total: items.iter().map(|i| i.subtotal_amount).sum::<Money>(),
        created_at: now,
        items,
    };
    let order_id = tx.insert_order(&new).await?;
    tx.clear_cart(table.id).await?;
    let created = Event::OrderStatus(StatusChange {
        order_id,
        order_no: order_no(order_id),
        table_number: table.number.clone(),
        from: None,
        to: status,
        by: Actor::Customer,
        reason: None,
        message: rules::message(status, None),
        at: now,
    });
    let mut outbox = Outbox::default();
    outbox
        .entries
        .push(journal::append(&mut *tx, Stream::Order(order_id), &created, now).await?);
    let order = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    if status == OrderStatus::Submitted {
        // The kitchen hears of it now, as of a paid order.
        let submitted = Event::OrderSubmitted(order.clone());
        outbox
            .entries
            .push(journal::append(&mut *tx, Stream::Store(order.store_id), &submitted, now).await?);
    }
    outbox.tell_table(&state, &mut *tx, table.id, bill.id).await?;
    outbox.commit(&state, tx).await?;
    // Everyone at the table sees the cart empty out.
    let cleared = cart_dto(&CartSnapshot {
        table,
        version,
        lines: Vec::new(),
    });
    state.carts.publish(cleared.table_id, cart_event(&cleared));
    tracing::info!(order = %order.order_no, table = %order.table_number, round = ?order.round, total = %order.total_amount, "order submitted");
    Ok((StatusCode::CREATED, Json(submitted(&state, order))))
}

fn submitted(state: &AppState, order: orderbell_shared::OrderDTO) -> SubmittedOrder {
    let token = state.keys.sign(Grant::Order {
        order_id: order.order_id,
    });
    SubmittedOrder { order, token }
}

fn checked_key(key: &str) -> Result<&str> {
    let ok = (1..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(key)
    } else {
        Err(Error::invalid(
            "invalid_idempotency_key",
            "idempotencyKey: 1-64 letters, digits, - or _",
        ))
    }
}
