//! The order endpoints for the merchant, the kitchen and the customer.

use axum::extract::State;
use orderbell_shared::order::{OrderView, StoreSnapshot};
use orderbell_shared::{Actor, ErrorBody, OrderDTO, RejectRequest};

use super::rules::Action;
use super::transition;
use crate::auth::{Credential, Device, Duty, Grant, Role};
use crate::bills;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::reminders::wait_before_next;
use crate::state::AppState;

/// The order, for its customer or its store's staff.
#[utoipa::path(get, path = "/api/orders/{order_id}", tag = "orders",
    summary = "订单详情（顾客用订单凭证或本桌账单的食客凭证，门店用门店凭证）",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = OrderView), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn get_order(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
) -> Result<Json<OrderView>> {
    let order = state
        .db
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    if !bills::diner_sees(&state, grant, &order).await? {
        grant
            .for_order(order_id)
            .or_else(|_| grant.for_store(order.store_id).map(drop))?;
    }
    let reminder_wait_secs = wait_before_next(order.last_reminder_at, state.clock.now_ms(), state.reminder_interval);
    Ok(Json(OrderView {
        order,
        reminder_wait_secs,
    }))
}

/// A step taken by the store's staff; the credential's role says who took it and whether it may.
async fn by_staff(state: &AppState, grant: Grant, order_id: i64, action: Action) -> Result<Json<OrderDTO>> {
    let duty = match action {
        Action::MarkReady | Action::Recall => Duty::Cook,
        _ => Duty::HandleOrders,
    };
    // Owner and counter act at the counter; the order's history says `merchant` for both.
    let actor = match grant {
        Grant::Device(Device {
            role: Role::Owner | Role::Counter,
            ..
        }) => Actor::Merchant,
        Grant::Device(Device {
            role: Role::Kitchen, ..
        }) => Actor::Kitchen,
        _ => return Err(Error::Forbidden),
    };
    let order = transition(state, order_id, action, actor, |o| {
        grant.may(o.store_id, duty).map(drop)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(post, path = "/api/orders/{order_id}/accept", tag = "orders",
    summary = "接单",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "409 order_conflict：订单状态不允许"))
)]
pub async fn accept(
    State(s): State<AppState>,
    Credential(g): Credential,
    Path(id): Path<i64>,
) -> Result<Json<OrderDTO>> {
    by_staff(&s, g, id, Action::Accept).await
}

#[utoipa::path(post, path = "/api/orders/{order_id}/ready", tag = "orders",
    summary = "出餐",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn ready(
    State(s): State<AppState>,
    Credential(g): Credential,
    Path(id): Path<i64>,
) -> Result<Json<OrderDTO>> {
    by_staff(&s, g, id, Action::MarkReady).await
}

#[utoipa::path(post, path = "/api/orders/{order_id}/recall", tag = "orders",
    summary = "撤回出餐",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn recall(
    State(s): State<AppState>,
    Credential(g): Credential,
    Path(id): Path<i64>,
) -> Result<Json<OrderDTO>> {
    by_staff(&s, g, id, Action::Recall).await
}

#[utoipa::path(post, path = "/api/orders/{order_id}/complete", tag = "orders",
    summary = "完成订单",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn complete(
    State(s): State<AppState>,
    Credential(g): Credential,
    Path(id): Path<i64>,
) -> Result<Json<OrderDTO>> {
    by_staff(&s, g, id, Action::Complete).await
}

#[utoipa::path(post, path = "/api/orders/{order_id}/reject", tag = "orders",
    summary = "拒单（须写原因）",
    params(("order_id" = i64, Path, description = "订单 id")),
    request_body = RejectRequest,
    responses((status = 200, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn reject(
    State(s): State<AppState>,
    Credential(g): Credential,
    Path(id): Path<i64>,
    Json(req): Json<RejectRequest>,
) -> Result<Json<OrderDTO>> {
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 100 {
        // Someone who may not reject this order learns nothing of it, not even a bad reason.
        let order = s.db.order(id).await?.ok_or_else(|| Error::order_not_found(id))?;
        g.may(order.store_id, Duty::HandleOrders)?;
        return Err(Error::invalid("invalid_reason", "拒单需要填写原因（1 到 100 个字）"));
    }
    by_staff(
        &s,
        g,
        id,
        Action::Reject {
            reason: reason.to_owned(),
        },
    )
    .await
}

/// The customer cancels before paying.
#[utoipa::path(post, path = "/api/orders/{order_id}/cancel", tag = "orders",
    summary = "顾客取消未支付的订单",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn cancel(
    State(s): State<AppState>,
    Credential(g): Credential,
    Path(id): Path<i64>,
) -> Result<Json<OrderDTO>> {
    g.for_order(id)?;
    Ok(Json(
        transition(&s, id, Action::Cancel, Actor::Customer, |_| Ok(())).await?,
    ))
}

/// `GET /api/stores/{storeId}/orders`: the open orders and the stream position they reflect.
#[utoipa::path(get, path = "/api/stores/{store_id}/orders", tag = "orders",
    summary = "门店快照：未完成订单、催单、回执与升级，以及事件流位置",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = StoreSnapshot), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn snapshot(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<StoreSnapshot>> {
    grant.for_store(store_id).map(|_: Role| ())?;
    // The position is read before the orders: whatever happens in between is replayed after, never
    // lost (clients apply events idempotently by order id and status).
    let (last_event_id, _) = state.db.stream_head(Stream::Store(store_id)).await?;
    let orders = state.db.open_orders(store_id).await?;
    Ok(Json(StoreSnapshot {
        store_id,
        last_event_id,
        orders,
        reminders: state.db.open_reminders(store_id).await?,
        receipts: state.db.open_receipts(store_id).await?,
        escalated: state.db.open_escalations(store_id).await?,
    }))
}
