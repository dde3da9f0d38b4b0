//! 催单: a customer hurries their order, the merchant hears it at once, and may answer.
//!
//! Only the order's own customer may hurry it, only while it is paid or accepted, and at most
//! once per interval (default 3 minutes) — the seed let anyone hurry any order, as often as
//! they liked.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::events::{Reminder, ReminderReply};
use orderbell_shared::order::ReminderReceipt;
use orderbell_shared::{ErrorBody, Event, OrderStatus, ReplyRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Credential, Duty};
use crate::bills::{self, Outbox};
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::journal;
use crate::state::AppState;

pub const MAX_REPLY_CHARS: usize = 30;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(remind)).routes(routes!(reply))
}

/// How long until the next 催单 is allowed, if it is too soon.
pub fn wait_before_next(last: Option<i64>, now: i64, interval: Duration) -> Option<u64> {
    let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
    let allowed_at = last?.saturating_add(interval_ms);
    (now < allowed_at).then(|| u64::try_from(allowed_at - now).unwrap_or(0).div_ceil(1000))
}

#[utoipa::path(post, path = "/api/orders/{order_id}/reminders", tag = "reminders",
    summary = "催单（订单凭证或本桌账单的食客凭证；每单有最短间隔，过早为 429 too_soon 并带 Retry-After）",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 201, body = ReminderReceipt), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn remind(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
) -> Result<(StatusCode, Json<ReminderReceipt>)> {
    if grant.for_order(order_id).is_err() {
        // A phone at the table may 催 any round of the table's bill.
        let order = state.db.order(order_id).await?.ok_or(Error::Forbidden)?;
        if !bills::diner_sees(&state, grant, &order).await? {
            return Err(Error::Forbidden);
        }
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let mut order = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    if !matches!(
        order.status,
        OrderStatus::Submitted | OrderStatus::Paid | OrderStatus::Accepted
    ) {
        return Err(Error::Conflict {
            code: "order_not_remindable",
            message: format!(
                "订单「{}」不能催单：只有已下单、已支付、制作中的订单可以催单",
                order.status.label()
            ),
            current: Some(order.status),
        });
    }
    if let Some(retry_after_secs) = wait_before_next(order.last_reminder_at, now, state.reminder_interval) {
        return Err(Error::TooSoon { retry_after_secs });
    }
    let reminder_id = tx.insert_reminder(order_id, now).await?;
    order.reminder_count += 1;
    order.last_reminder_at = Some(now);
    if !tx.update_order(&order, order.status).await? {
        return Err(crate::orders::transition_conflict(&order));
    }
    let event = Event::OrderReminder(Reminder {
        reminder_id,
        count: order.reminder_count,
        at: now,
        order: order.clone(),
    });
    let entry = journal::append(&mut *tx, Stream::Store(order.store_id), &event, now).await?;
    journal::commit(&state, tx, &[entry]).await?;
    tracing::info!(order = %order.order_no, count = order.reminder_count, "催单");
    let interval_ms = i64::try_from(state.reminder_interval.as_millis()).unwrap_or(i64::MAX);
    let receipt = ReminderReceipt {
        reminder_id,
        order_id,
        count: order.reminder_count,
        next_allowed_at: now.saturating_add(interval_ms),
    };
    Ok((StatusCode::CREATED, Json(receipt)))
}

#[utoipa::path(post, path = "/api/orders/{order_id}/reply", tag = "reminders",
    summary = "回复最近一次催单",
    params(("order_id" = i64, Path, description = "订单 id")),
    request_body = ReplyRequest,
    responses((status = 200, body = ReminderReply), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn reply(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
    Json(req): Json<ReplyRequest>,
) -> Result<Json<ReminderReply>> {
    let text = req.text.trim();
    if text.is_empty() || text.chars().count() > MAX_REPLY_CHARS {
        return Err(Error::invalid(
            "invalid_reply",
            format!("回复需要 1 到 {MAX_REPLY_CHARS} 个字"),
        ));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let order = tx
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    grant.may(order.store_id, Duty::HandleOrders)?;
    let reminder_id = tx
        .reply_latest_reminder(order_id, text, now)
        .await?
        .ok_or_else(|| Error::Conflict {
            code: "no_reminder",
            message: "这个订单还没有催单，无需回复".into(),
            current: Some(order.status),
        })?;
    let answer = ReminderReply {
        reminder_id,
        order_id,
        order_no: order.order_no.clone(),
        table_number: order.table_number.clone(),
        text: text.to_owned(),
        at: now,
    };
    let event = Event::ReminderReply(answer.clone());
    // The customer reads it; the merchant's other devices learn the 催单 was answered.
    let mut outbox = Outbox {
        entries: vec![
            journal::append(&mut *tx, Stream::Order(order_id), &event, now).await?,
            journal::append(&mut *tx, Stream::Store(order.store_id), &event, now).await?,
        ],
        ..Outbox::default()
    };
    // 先吃后付's phones follow the table's bill, not the round's own stream: the bill carries it.
    outbox.tell_round(&state, &mut *tx, &order).await?;
    outbox.commit(&state, tx).await?;
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_rounds_up_to_whole_seconds() {
        let three_minutes = Duration::from_secs(180);
        assert_eq!(
            wait_before_next(None, 1_000, three_minutes),
            None,
            "the first 催单 is always allowed"
        );
        assert_eq!(wait_before_next(Some(0), 1, three_minutes), Some(180));
        assert_eq!(wait_before_next(Some(0), 179_001, three_minutes), Some(1));
        assert_eq!(wait_before_next(Some(0), 180_000, three_minutes), None);
    }
}
