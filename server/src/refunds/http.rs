//! The refund endpoints: the merchant's list, retry and 已线下退款 (owner and counter, who take
//! the money: `Duty::TakePayment`), and an order's refunds for its customer (已退款).

use axum::extract::State;
use orderbell_shared::ErrorBody;
use orderbell_shared::refunds::{RefundDTO, RefundOfflineRequest};
use serde::Deserialize;

use super::{announce, rules};
use crate::auth::{Credential, Duty};
use crate::bills;
use crate::error::{Error, Result};
use crate::extract::{Json, Path, Query};
use crate::journal;
use crate::state::AppState;

/// Which of the store's refunds.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefundsQuery {
    /// `open` (default): those not done yet; `all`: every one.
    pub status: Option<String>,
}

/// How long a note on a refund handed back offline may be.
const MAX_NOTE_CHARS: usize = 100;

#[utoipa::path(get, path = "/api/stores/{store_id}/refunds", tag = "payments",
    summary = "门店的退款（店主或前台），新的在前：status=open（默认，未完成的）或 all",
    params(("store_id" = i64, Path, description = "门店 id"), RefundsQuery),
    responses((status = 200, body = Vec<RefundDTO>), (status = "4XX", body = ErrorBody, description = "400 invalid_status"))
)]
pub async fn store_refunds(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    query: Result<Query<RefundsQuery>>,
) -> Result<Json<Vec<RefundDTO>>> {
    grant.may(store_id, Duty::TakePayment)?;
    let Query(query) = query?;
    let open = match query.status.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(other) => {
            return Err(Error::bad_request(
                "invalid_status",
                format!("status 只能是 open 或 all，收到的是「{other}」"),
            ));
        }
    };
    Ok(Json(state.db.store_refunds(store_id, open).await?))
}

#[utoipa::path(get, path = "/api/orders/{order_id}/refunds", tag = "payments",
    summary = "订单的退款（顾客用订单凭证或本桌账单的食客凭证，门店用门店凭证）",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, body = Vec<RefundDTO>), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn order_refunds(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
) -> Result<Json<Vec<RefundDTO>>> {
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
    Ok(Json(state.db.order_refunds(order_id).await?))
}

#[utoipa::path(post, path = "/api/refunds/{refund_id}/retry", tag = "payments",
    summary = "重新发起退款（店主或前台）：待退款或退款失败的，立即再向支付渠道申请",
    params(("refund_id" = i64, Path, description = "退款 id")),
    responses((status = 200, body = RefundDTO),
        (status = "4XX", body = ErrorBody, description = "409 refund_done、refund_in_progress、refund_offline"))
)]
pub async fn retry(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(refund_id): Path<i64>,
) -> Result<Json<RefundDTO>> {
    let store_id = store_of(&state, refund_id).await?;
    grant.may(store_id, Duty::TakePayment)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = tx.refund(refund_id).await?.ok_or_else(|| not_found(refund_id))?.refund;
    rules::may_retry(current.status, current.provider.is_some())?;
    let changed = tx
        .retry_refund(refund_id, current.status, now)
        .await?
        .ok_or_else(changed_meanwhile)?;
    let entries = announce(&mut *tx, &changed, now).await?;
    journal::commit(&state, tx, &entries).await?;
    tracing::info!(refund = %changed.refund_no, "refund to be asked for again");
    Ok(Json(changed))
}

#[utoipa::path(post, path = "/api/refunds/{refund_id}/offline", tag = "payments",
    summary = "标记已线下退款（店主或前台）：须填写说明，如「已现金退还」",
    params(("refund_id" = i64, Path, description = "退款 id")),
    request_body = RefundOfflineRequest,
    responses((status = 200, body = RefundDTO),
        (status = "4XX", body = ErrorBody, description = "422 note_required；409 refund_done、refund_in_progress"))
)]
pub async fn offline(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(refund_id): Path<i64>,
    Json(request): Json<RefundOfflineRequest>,
) -> Result<Json<RefundDTO>> {
    let store_id = store_of(&state, refund_id).await?;
    let by = bills::staff(&state, grant, store_id, Duty::TakePayment)?;
    let note = request.note.trim();
    let chars = note.chars().count();
    if chars == 0 || chars > MAX_NOTE_CHARS {
        return Err(Error::invalid(
            "note_required",
            format!("请填写退款说明（1 到 {MAX_NOTE_CHARS} 个字），如「已现金退还」"),
        ));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = tx.refund(refund_id).await?.ok_or_else(|| not_found(refund_id))?.refund;
    rules::may_mark_offline(current.status)?;
    let handled_by = format!("{by}：{note}");
    let changed = tx
        .refund_offline(refund_id, current.status, &handled_by, now)
        .await?
        .ok_or_else(changed_meanwhile)?;
    let entries = announce(&mut *tx, &changed, now).await?;
    journal::commit(&state, tx, &entries).await?;
    tracing::info!(refund = %changed.refund_no, "refund handed back offline");
    Ok(Json(changed))
}

/// The refund's store, read before anything else so another store's device learns nothing.
async fn store_of(state: &AppState, refund_id: i64) -> Result<i64> {
    state
        .db
        .refund_store(refund_id)
        .await?
        .ok_or_else(|| not_found(refund_id))
}

fn not_found(refund_id: i64) -> Error {
    Error::NotFound {
        code: "refund_not_found",
        what: "退款",
        id: refund_id,
    }
}

fn changed_meanwhile() -> Error {
    Error::Conflict {
        code: "refund_changed",
        message: "这笔退款刚刚有了新的进展，请刷新后再操作".to_owned(),
        current: None,
    }
}
