//! The owner's device list: issue a credential per device, list them with when each was last
//! seen, revoke one. And what a table's customer may know: whether anyone will hear the order.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::ErrorBody;
use orderbell_shared::access::{CredentialInfo, IssuedDevice, NewDevice, Role};
use orderbell_shared::heard::{DeviceDTO, Presence as PresenceDTO};

use super::rules::{device_name, kind_for};
use crate::auth::{Credential, Duty, Grant};
use crate::db::{CredentialRow, Holder, Issued};
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::push::bus::Note;
use crate::state::AppState;

/// Issue a credential for `holder` named `name`, or give back the live one of that holder and
/// name, so that the command line prints the same token each time (`Err` with the existing row
/// if the name is live under another role).
pub async fn issue(
    state: &AppState,
    holder: Holder,
    name: &str,
) -> Result<std::result::Result<CredentialRow, CredentialRow>> {
    let row = match state
        .db
        .issue_credential(holder, &device_name(name)?, state.clock.now_ms())
        .await?
    {
        Issued::New(row) => row,
        Issued::Existing(row) if row.holder == holder => row,
        Issued::Existing(row) => return Ok(Err(row)),
    };
    state.credentials.put(row.clone());
    Ok(Ok(row))
}

/// A store device's credential as it is handed out, with its pairing link.
pub fn issued(state: &AppState, row: &CredentialRow, store_id: i64, role: Role) -> IssuedDevice {
    let credential = state.keys.sign_credential(row.id);
    IssuedDevice {
        device_id: row.id.to_string(),
        store_id,
        name: row.name.clone(),
        role,
        pairing_link: pairing_link(state, &credential),
        credential,
    }
}

/// Where the desktop app pairs with `credential`: the server's public address carrying it.
pub fn pairing_link(state: &AppState, credential: &str) -> String {
    format!("{}/?token={credential}", state.public_url)
}

/// `POST /api/stores/{storeId}/devices` `{name, role}` (the owner): a credential for a new device.
#[utoipa::path(post, path = "/api/stores/{store_id}/devices", tag = "devices",
    summary = "为一台设备签发凭证（店主）：名称与角色（owner 店主/店长、counter 前台、kitchen 厨房），返回凭证与配对链接",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = NewDevice,
    responses((status = 201, body = IssuedDevice), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(req): Json<NewDevice>,
) -> Result<(StatusCode, Json<IssuedDevice>)> {
    grant.may(store_id, Duty::ManageStore)?;
    let holder = Holder::Store {
        store_id,
        role: req.role,
    };
    match state
        .db
        .issue_credential(holder, &device_name(&req.name)?, state.clock.now_ms())
        .await?
    {
        Issued::New(row) => {
            state.credentials.put(row.clone());
            Ok((StatusCode::CREATED, Json(issued(&state, &row, store_id, req.role))))
        }
        Issued::Existing(row) => Err(Error::Conflict {
            code: "device_name_taken",
            message: format!("已有名为「{}」的设备：请换一个名称，或先停用那台设备", row.name),
            current: None,
        }),
    }
}

/// `GET /api/stores/{storeId}/devices`: every device credential of the store, online ones
/// marked, revoked ones too (they say so).
#[utoipa::path(get, path = "/api/stores/{store_id}/devices", tag = "devices",
    summary = "门店的设备：角色、是否在线、最后在线时间、是否已停用",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = Vec<DeviceDTO>), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn list(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<Vec<DeviceDTO>>> {
    grant.for_store(store_id)?;
    super::refresh(&state).await?;
    let online = state.presence.online(store_id);
    let seen = state.db.devices(store_id).await?;
    let mut devices: Vec<DeviceDTO> = state
        .credentials
        .of_store(store_id)
        .into_iter()
        .filter_map(|row| {
            let (_, role) = row.store_role()?;
            let device_id = row.id.to_string();
            Some(DeviceDTO {
                online: online.contains(&device_id),
                last_seen_at: seen.iter().find(|d| d.device_id == device_id).map(|d| d.last_seen_at),
                device_id,
                name: row.name,
                kind: kind_for(role),
                role,
                created_at: row.created_at,
                revoked: row.revoked_at.is_some(),
            })
        })
        .collect();
    // Live devices first, the most recently seen on top; then those never seen, then revoked.
    devices.sort_by_key(|d| (d.revoked, std::cmp::Reverse(d.last_seen_at)));
    Ok(Json(devices))
}

/// `DELETE /api/stores/{storeId}/devices/{deviceId}` (the owner): revoke the device's credential.
/// Its open streams end at once with `device_revoked`; its next request is refused. Revoking
/// twice is harmless.
#[utoipa::path(delete, path = "/api/stores/{store_id}/devices/{device_id}", tag = "devices",
    summary = "停用一台设备（店主）：它的事件流随即结束（device_revoked），之后的请求 401",
    params(("store_id" = i64, Path, description = "门店 id"), ("device_id" = i64, Path, description = "设备（凭证）id")),
    responses((status = 204, description = "完成"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn revoke(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, device_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    grant.may(store_id, Duty::ManageStore)?;
    let row = state
        .db
        .revoke_credential(store_id, device_id, state.clock.now_ms())
        .await?
        .ok_or(Error::NotFound {
            code: "device_not_found",
            what: "设备",
            id: device_id,
        })?;
    state.credentials.put(row);
    // Its streams on the other instances end too, and they refuse it from now on.
    state.bus.note(Note::Credential(device_id));
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/credential`: which device the presented credential is, so that an app pairing with
/// a bare credential learns its store and role.
#[utoipa::path(get, path = "/api/credential", tag = "devices",
    summary = "这台设备是谁：门店、角色、名称",
    responses((status = 200, body = CredentialInfo), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn who_am_i(State(state): State<AppState>, Credential(grant): Credential) -> Result<Json<CredentialInfo>> {
    let Grant::Device(device) = grant else {
        return Err(Error::Forbidden);
    };
    let row = state.credentials.get(device.credential_id).ok_or(Error::Unauthorized)?;
    Ok(Json(CredentialInfo {
        device_id: row.id.to_string(),
        store_id: device.store_id,
        name: row.name,
        role: device.role,
    }))
}

/// `GET /api/tables/{tableId}/presence`: whether the restaurant has a device online to hear an
/// order from this table, so the customer page can say so before anyone orders.
#[utoipa::path(get, path = "/api/tables/{table_id}/presence", tag = "devices",
    summary = "顾客页：门店此刻是否有设备在线（桌台链接或食客凭证）",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, body = PresenceDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn table_presence(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Json<PresenceDTO>> {
    grant.for_table(table_id)?;
    let table = state
        .db
        .table(table_id)
        .await?
        .ok_or(Error::table_not_found(table_id))?;
    let merchant_online = !state.presence.online(table.store_id).is_empty();
    let last_seen_at = state.db.devices(table.store_id).await?.first().map(|d| d.last_seen_at);
    Ok(Json(PresenceDTO {
        merchant_online,
        last_seen_at,
    }))
}
