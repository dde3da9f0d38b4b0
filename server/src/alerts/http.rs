//! Receipts from devices, the owner's report of unheard time, and the owner's alert settings.

use axum::extract::State;
use orderbell_shared::heard::{AlertKind, AlertReceipt, AlertSettings, ReceiptRequest, ReceiptState, UnheardReport};
use orderbell_shared::{ErrorBody, Event};

use super::escalate::{AlertKey, settle};
use super::settings::{load_settings, settings_key};
use crate::auth::{Credential, Duty};
use crate::bills::Outbox;
use crate::db::DeviceRow;
use crate::devices::rules::kind_for;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::journal;
use crate::state::AppState;

/// How many unheard stretches the report lists.
const REPORT_LIMIT: u32 = 200;

/// `POST /api/stores/{storeId}/receipts`: a device showed, sounded or stopped an alert. Recorded
/// once per device and state, told to the store (`alert_receipt`); a sounded alert that was
/// escalated is settled at once.
#[utoipa::path(post, path = "/api/stores/{store_id}/receipts", tag = "alerts",
    summary = "设备回执：已显示、已响铃、已停止（每台设备每种状态记一次）",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = ReceiptRequest,
    responses((status = 200, body = AlertReceipt), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn receipt(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(req): Json<ReceiptRequest>,
) -> Result<Json<AlertReceipt>> {
    let device = grant.device(store_id)?;
    let now = state.clock.now_ms();
    // The device is its credential, whatever the request calls it.
    let row = state.credentials.get(device.credential_id).ok_or(Error::Unauthorized)?;
    let device = DeviceRow {
        store_id,
        device_id: device.credential_id.to_string(),
        name: row.name,
        kind: kind_for(device.role),
        last_seen_at: now,
    };
    let reminder_id = match (req.alert, req.reminder_id) {
        (AlertKind::Order, None) => 0,
        (AlertKind::Reminder, Some(id)) if id > 0 => id,
        _ => {
            return Err(Error::invalid(
                "invalid_receipt",
                "催单的回执须带 reminderId，新订单的回执不带",
            ));
        }
    };
    let receipt = AlertReceipt {
        order_id: req.order_id,
        alert: req.alert,
        reminder_id: req.reminder_id,
        device_id: device.device_id.clone(),
        device_name: device.name.clone(),
        state: req.state,
        at: now,
    };
    let mut tx = state.db.begin().await?;
    let order = tx
        .order(req.order_id)
        .await?
        .filter(|o| o.store_id == store_id)
        .ok_or_else(|| Error::order_not_found(req.order_id))?;
    let mut outbox = Outbox::default();
    if tx.insert_receipt(&receipt).await? {
        let event = Event::AlertReceipt(receipt.clone());
        outbox
            .entries
            .push(journal::append(&mut *tx, Stream::Store(store_id), &event, now).await?);
        if receipt.state == ReceiptState::Sounded {
            let key = AlertKey {
                order_id: order.order_id,
                reminder_id,
            };
            settle(&state, &mut *tx, &mut outbox, &key, store_id, now).await?;
        }
    }
    outbox.commit(&state, tx).await?;
    state.db.touch_device(&device).await?;
    Ok(Json(receipt))
}

/// `GET /api/stores/{storeId}/unheard`: every stretch an alert went unheard, newest first.
#[utoipa::path(get, path = "/api/stores/{store_id}/unheard", tag = "alerts",
    summary = "无人听到的提醒及其时长（店主）",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = UnheardReport), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn unheard(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<UnheardReport>> {
    grant.for_store(store_id)?;
    let alerts = state.db.unheard(store_id, state.clock.now_ms(), REPORT_LIMIT).await?;
    let total_ms = alerts.iter().map(|a| a.unheard_ms).sum();
    Ok(Json(UnheardReport { total_ms, alerts }))
}

/// `GET /api/stores/{storeId}/alert-settings`.
#[utoipa::path(get, path = "/api/stores/{store_id}/alert-settings", tag = "alerts",
    summary = "提醒设置：多久无人响应即升级，以及随后自动接单或拒单",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = AlertSettings), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn settings(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<AlertSettings>> {
    grant.for_store(store_id)?;
    Ok(Json(load_settings(&state, store_id).await?))
}

/// `PUT /api/stores/{storeId}/alert-settings`: the owner's choice (the merchant credential only).
#[utoipa::path(put, path = "/api/stores/{store_id}/alert-settings", tag = "alerts",
    summary = "修改提醒设置",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = AlertSettings,
    responses((status = 200, body = AlertSettings), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn set_settings(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(settings): Json<AlertSettings>,
) -> Result<Json<AlertSettings>> {
    grant.may(store_id, Duty::ManageStore)?;
    if !(5..=600).contains(&settings.escalate_after_secs) {
        return Err(Error::invalid(
            "invalid_settings",
            "升级提醒的等待时间须在 5 到 600 秒之间",
        ));
    }
    if !(60..=3600).contains(&settings.unheard_action_after_secs) {
        return Err(Error::invalid(
            "invalid_settings",
            "自动接单或拒单的等待时间须在 60 到 3600 秒之间",
        ));
    }
    state
        .db
        .set_setting(&settings_key(store_id), &serde_json::to_string(&settings)?)
        .await?;
    Ok(Json(settings))
}
